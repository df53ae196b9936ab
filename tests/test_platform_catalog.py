"""`GET /v1/platforms`, `GET /v1/platforms/{platform}` and `GET /v1/accounts/{id}/capabilities`:
what each platform takes, read from the same manifests `POST /v1/posts` checks against."""

from __future__ import annotations

import json

import httpx
import pytest

from shared.platforms import RULES, Platform
from tests.connecting import account_doc
from tests.posting import body


def test_the_catalog_lists_every_platform_publicly_and_cacheably(client):
    r = client.get("/v1/platforms")  # no key: nothing here is anyone's own
    assert r.status_code == 200, r.text
    assert r.headers["cache-control"] == "public, max-age=300"
    catalog = r.json()
    assert [p["platform"] for p in catalog["platforms"]] == [p.value for p in Platform]
    assert {p["platform"] for p in catalog["platforms"]} == {
        "x", "instagram", "facebook", "threads", "tiktok", "youtube", "linkedin", "snapchat",
        "telegram", "discord", "mastodon", "bluesky", "google_business", "pinterest", "wordpress", "reddit"}
    # How each is connected, and Soku's own pace there (its publisher queue's rate).
    kinds = {p["platform"]: p["connection"]["type"] for p in catalog["platforms"]}
    assert {k for k, v in kinds.items() if v == "manual"} == {"telegram", "discord", "bluesky", "wordpress"}
    mastodon = next(p for p in catalog["platforms"] if p["platform"] == "mastodon")
    assert mastodon["connection"]["fields"]["required"] == ["instanceUrl"]
    assert {p["platform"]: p["publishesPerSecond"] for p in catalog["platforms"]}["telegram"] == 1
    telegram = next(p for p in catalog["platforms"] if p["platform"] == "telegram")
    assert {k["kind"]: k["maxText"] for k in telegram["postKinds"]}["photo"] == 1024  # a caption's own limit
    x = next(p for p in catalog["platforms"] if p["platform"] == "x")
    assert x["text"]["maxLength"] == 280 and x["text"]["unit"].startswith("weighted characters")
    assert x["capabilities"] == {"publish": True, "schedule": True, "delete": True, "metrics": True,
                                 "firstComment": False, "threads": True}
    assert "tweet.write" in x["connection"]["scopes"] and x["connection"]["type"] == "oauth"
    assert x["options"]["properties"].keys() >= {"replySettings"}
    instagram = next(p for p in catalog["platforms"] if p["platform"] == "instagram")
    assert instagram["capabilities"]["firstComment"] is True  # InstagramOptions.firstComment
    # …and Facebook's, LinkedIn's and YouTube's own firstComment options (publishing/first_comment.py)
    commented = {p["platform"] for p in catalog["platforms"] if p["capabilities"]["firstComment"]}
    assert commented == {"instagram", "facebook", "linkedin", "youtube"}
    youtube = next(p for p in catalog["platforms"] if p["platform"] == "youtube")
    assert '"maxLength": 10000' in json.dumps(youtube["options"]["properties"]["firstComment"])  # its comment limit
    snapchat = next(p for p in catalog["platforms"] if p["platform"] == "snapchat")
    assert snapchat["capabilities"]["metrics"] is False  # no metrics call exists for Snapchat
    assert catalog["limits"]["rateLimits"]["premium"]["perMinute"] > 0
    assert catalog["limits"]["dailyCeilings"]["premium"]["posts"] > 0
    assert catalog["limits"]["endpointLimits"]["POST /v1/posts"] > 0


@pytest.mark.parametrize("platform", [Platform.LINKEDIN, Platform.YOUTUBE, Platform.X])
def test_validation_refuses_what_the_catalog_says_is_too_long(client, demo, platform):
    """The limit the catalog publishes is the one submission enforces, in the same unit."""
    text = client.get(f"/v1/platforms/{platform.value}").json()["text"]
    assert text["maxLength"] == RULES[platform].max_text
    r = client.post("/v1/posts", json=body([platform.value], "a" * (text["maxLength"] + 1)), headers=demo.key_headers)
    assert r.status_code == 400, r.text
    detail = next(d for d in r.json()["error"]["details"] if d.get("platform") == platform.value)
    assert detail["code"] == "too_big" and str(text["maxLength"]) in detail["message"]


def test_one_platform_by_name_or_alias_and_an_unknown_one(client):
    facebook = client.get("/v1/platforms/facebook_pages")
    assert facebook.status_code == 200 and facebook.json()["platform"] == "facebook"
    assert "facebook_pages" in facebook.json()["aliases"]
    r = client.get("/v1/platforms/myspace")
    assert r.status_code == 404, r.text
    error = r.json()["error"]
    assert error["code"] == "not_found" and "myspace" in error["message"] and "linkedin" in error["message"]


def test_an_account_lacks_what_its_scopes_do_not_grant(client, demo, db):
    """A Threads account connected without `threads_delete` cannot have posts taken down there; the
    answer names the scope to grant. With every scope, it has what the platform has."""
    doc = account_doc(db, demo, "threads", "threads_main")
    assert doc.get().exists
    catalog = client.get("/v1/platforms/threads").json()
    needs = catalog["capabilityScopes"]
    assert needs.get("delete"), "the Threads manifest names the scope delete needs"

    doc.update({"scopes": [s for s in catalog["connection"]["scopes"] if s not in needs["delete"]]})
    r = client.get("/v1/accounts/threads_main/capabilities", params={"platform": "threads"}, headers=demo.key_headers)
    assert r.status_code == 200, r.text
    body_ = r.json()
    assert body_["capabilities"]["delete"] is False and body_["missingScopes"]["delete"] == needs["delete"]
    assert body_["capabilities"]["publish"] is True

    doc.update({"scopes": catalog["connection"]["scopes"]})
    full = client.get("/v1/accounts/threads_main/capabilities", params={"platform": "threads"},
                      headers=demo.key_headers).json()
    assert full["capabilities"] == catalog["capabilities"] and full["missingScopes"] == {}


def test_capabilities_of_someone_elses_account_are_not_found(client, user):
    r = client.get("/v1/accounts/threads_main/capabilities", headers=user.key_headers)
    assert r.status_code == 404, r.text
    assert r.json()["error"]["code"] == "not_found"


def test_the_catalog_through_hosting(hosting):
    """As a caller reaches it: through Firebase Hosting's rewrite to the function."""
    r = httpx.get(f"{hosting.hosting_url}/v1/platforms/instagram", timeout=60)
    assert r.status_code == 200, r.text
    assert r.json()["displayName"] == "Instagram" and r.headers["cache-control"] == "public, max-age=300"


def test_rules_answer_membership_like_the_table_they_replaced():
    """RULES reads the packages' manifests but is still a mapping: an unknown or missing platform is
    not in it (the runner asks `platform in RULES` of publishers that have none), never an error."""
    assert None not in RULES and "myspace" not in RULES
    assert "x" in RULES and Platform.THREADS in RULES and len(RULES) == len(Platform)
    assert dict(RULES)[Platform.LINKEDIN].max_text == 3000
