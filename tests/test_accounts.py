"""GET /v1/me and GET /v1/accounts: what Zapier and SDKs ask about a key."""

from __future__ import annotations

import json

from shared import clock
from shared.services.api_keys import hash_key
from tests.envelope import assert_error

SAFE_FIELDS = {"accountId", "platform", "displayName", "status", "connectedAt"}


def test_me_is_the_connection_test(client, demo):
    r = client.get("/v1/me", headers=demo.key_headers)
    assert r.status_code == 200, r.text
    me = r.json()
    assert me["userId"] == demo.uid and me["keyId"] == hash_key(demo.api_key)
    # A key created without naming scopes holds them all, as every key made before scopes did.
    from shared.services.key_scopes import SCOPES

    assert me["key"] == {"id": hash_key(demo.api_key), "name": "test key", "kind": "personal",
                         "scopes": list(SCOPES)}
    assert me["tier"] == "premium" and me["rateLimit"] == {"tier": "premium", "limit": 100, "burst": 100}
    assert me["subscription"] == {"status": "active"}
    assert me["credits"] == {"balance": 500}
    assert me["email"] == "demo@soku.local" and me["displayName"] == "Soku Demo"


def test_me_without_credits_or_profile(client, user, db):
    me = client.get("/v1/me", headers=user.key_headers).json()
    assert me["credits"] == {"balance": 0} and me["displayName"] is None
    db.collection("users").document(user.uid).collection("credits").document("current").set({"balance": 12.5})
    assert client.get("/v1/me", headers=user.key_headers).json()["credits"] == {"balance": 12.5}


def test_accounts_lists_every_connected_account(client, demo):
    from devstack.seed import DEMO_ACCOUNTS

    r = client.get("/v1/accounts", headers=demo.key_headers)
    assert r.status_code == 200, r.text
    accounts = r.json()["accounts"]
    expected = {(platform, account_id, name) for platform, entries in DEMO_ACCOUNTS.items()
                for account_id, name in entries}
    assert {(a["platform"], a["accountId"], a["displayName"]) for a in accounts} == expected
    # Instagram's and LinkedIn's accounts also say which kind they are (their accountTypes).
    assert all(set(a) - {"accountType"} == SAFE_FIELDS and a["status"] == "connected" for a in accounts)
    assert {a["accountId"]: a.get("accountType") for a in accounts if a["platform"] in ("instagram", "linkedin")} \
        == {**{account_id: "facebook_login" for account_id, _ in DEMO_ACCOUNTS["instagram"]},
            "ig_no_page": "instagram_login", "li_member": "member"}
    assert [a["platform"] for a in accounts][:2] == ["x", "instagram"]  # the platforms' order
    assert all(a["connectedAt"].endswith("Z") for a in accounts)


def test_accounts_never_return_tokens(client, demo, db):
    ref = (db.collection("users").document(demo.uid).collection("integrations").document("x")
           .collection("accounts").document("x_main"))
    ref.update({"tokens": {"access": "ACCESS-SECRET-1"}, "accessToken": "ACCESS-SECRET-2",
                "refreshToken": "REFRESH-SECRET", "platformUserId": "x-123", "status": "needs_reconnect"})
    text = client.get("/v1/accounts", params={"platform": "x"}, headers=demo.key_headers).text
    for secret in ("SECRET", "tokens", "Token", "platformUserId"):
        assert secret not in text
    assert json.loads(text) == {"accounts": [{
        "accountId": "x_main", "platform": "x", "displayName": "@soku_demo", "status": "needs_reconnect",
        "connectedAt": json.loads(text)["accounts"][0]["connectedAt"]}]}


def test_platform_filter(client, demo):
    instagram = client.get("/v1/accounts", params={"platform": "instagram"}, headers=demo.key_headers).json()
    assert len(instagram["accounts"]) == 8 and {a["platform"] for a in instagram["accounts"]} == {"instagram"}
    pages = client.get("/v1/accounts", params={"platform": "facebook_pages"}, headers=demo.key_headers).json()
    assert [a["accountId"] for a in pages["accounts"]] == ["fb_page_42", "fb_page_main"]
    # Every alias a post's targets take filters too (gbp: Google Business Profile).
    places = client.get("/v1/accounts", params={"platform": "gbp"}, headers=demo.key_headers).json()
    assert [(a["platform"], a["accountId"]) for a in places["accounts"]] == [("google_business", "gbp_location")]
    error = assert_error(client.get("/v1/accounts", params={"platform": "myspace"}, headers=demo.key_headers),
                         400, "validation_error")
    assert error["details"][0]["field"] == "query.platform"


def test_no_accounts_and_no_key(client, user):
    assert client.get("/v1/accounts", headers=user.key_headers).json() == {"accounts": []}
    assert_error(client.get("/v1/accounts"), 401, "unauthorized")


def test_an_account_without_optional_fields(client, user, db):
    (db.collection("users").document(user.uid).collection("integrations").document("tiktok")
     .collection("accounts").document("tt_bare").set({"connectedAt": clock.now()}))
    assert client.get("/v1/accounts", headers=user.key_headers).json()["accounts"] == [{
        "accountId": "tt_bare", "platform": "tiktok", "displayName": None, "status": "connected",
        "connectedAt": client.get("/v1/accounts", headers=user.key_headers).json()["accounts"][0]["connectedAt"]}]


def test_include_health_lists_every_account_with_its_health_in_one_request(client, demo, db):
    """The console's table (and any dashboard): what GET /v1/accounts/{id} says of each account's
    health, for all of them at once, and still no token."""
    listed = client.get("/v1/accounts", params={"include": "health"}, headers=demo.key_headers)
    assert listed.status_code == 200, listed.text
    accounts = listed.json()["accounts"]
    plain = client.get("/v1/accounts", headers=demo.key_headers).json()["accounts"]
    assert [(a["platform"], a["accountId"]) for a in accounts] == [(a["platform"], a["accountId"]) for a in plain]
    for account in accounts[:6]:
        one = client.get(f"/v1/accounts/{account['accountId']}", params={"platform": account["platform"]},
                         headers=demo.key_headers).json()
        assert account["health"] == one["health"] and account["statusReason"] == one["statusReason"]
    assert all(a["health"]["tokensReadable"] for a in accounts)
    assert "sbx-" not in listed.text and "accessToken" not in listed.text
    assert "health" not in plain[0]
    bad = client.get("/v1/accounts", params={"include": "tokens"}, headers=demo.key_headers)
    assert bad.status_code == 400 and bad.json()["error"]["details"][0]["field"] == "query.include"


def test_an_account_types_alias_lists_only_that_type(client, demo):
    """`?platform=instagram_business` is Instagram's Facebook Login type: its accounts, without
    the Instagram Login one (`ig_no_page`); `?platform=instagram` lists both kinds."""
    every = client.get("/v1/accounts?platform=instagram", headers=demo.key_headers).json()["accounts"]
    business = client.get("/v1/accounts?platform=instagram_business", headers=demo.key_headers).json()["accounts"]
    assert "ig_no_page" in {a["accountId"] for a in every}
    assert business and {a["accountType"] for a in business} == {"facebook_login"}
    assert {a["accountId"] for a in business} == {a["accountId"] for a in every} - {"ig_no_page"}
