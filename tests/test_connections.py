"""Connecting accounts, end to end for every platform, against the sandboxes over real HTTP:
start → the platform's consent → our callback → sealed accounts → a post publishes →
disconnect revokes at the platform. No token shows up in any response or log line."""

from __future__ import annotations

import json
import logging

import httpx
import pytest

from devstack.sandboxes import google_business, reddit, youtube
from shared.adapters.crypto import decrypt_json
from tests.connecting import account_doc, connect, final_run, new_subject
from tests.envelope import assert_error
from tests.posting import body

PLATFORMS = ["x", "instagram", "facebook", "threads", "tiktok", "youtube", "linkedin", "snapchat", "google_business",
             "reddit"]
ORG_ID = "4242"


def expected_accounts(platform: str, subject: str) -> list[str]:
    return {
        "x": [f"x_{subject}"],
        "facebook": [f"facebook_{subject}-page1", f"facebook_{subject}-page2"],
        # The sandbox user's third Page has no Instagram business account: it is not an account.
        "instagram": [f"instagram_{subject}-ig1", f"instagram_{subject}-ig2"],
        "threads": [f"threads_{subject}"],
        "tiktok": [f"tiktok_{subject}"],
        "youtube": [f"youtube_{youtube.channel_id(subject)}"],
        "linkedin": [f"linkedin_{subject}", f"linkedin_org_{ORG_ID}"],
        "snapchat": [f"snapchat_{subject}"],
        # One account per location the Google user manages (the sandbox's two by default).
        "google_business": [f"google_business_{google_business.location_id(subject, i)}" for i in range(2)],
        # The Reddit user (`GET /api/v1/me` id); a post with no options goes on its profile.
        "reddit": [f"reddit_{reddit.user_id(subject)}"],
    }[platform]


def content_for(platform: str, user, stored_media) -> dict:
    """What each platform accepts: text where it can, else an image or a video."""
    if platform in ("youtube", "tiktok"):
        return {"mediaIds": [stored_media(user, "video", 1024 * 1024)]}
    if platform in ("instagram", "snapchat"):
        return {"mediaIds": [stored_media(user, "image", 200_000)]}
    return {}


class Recorder:
    """Every response body the test saw, to look for tokens in."""

    def __init__(self, client: httpx.Client) -> None:
        self.client = client
        self.bodies: list[str] = []

    def __call__(self, response: httpx.Response) -> httpx.Response:
        self.bodies.append(response.text + json.dumps(dict(response.headers)))
        return response


def _sealed_tokens(ref) -> dict:
    sealed = ref.get().get("tokens")
    assert set(sealed) == {"kid", "nonce", "ciphertext", "alg"} and sealed["alg"] == "AES-256-GCM"
    return decrypt_json(sealed, associated=ref.path)


@pytest.mark.parametrize("platform", PLATFORMS)
def test_connect_publish_disconnect_for_every_platform(platform, client, user, db, stack, stored_media, caplog):
    caplog.set_level(logging.DEBUG)
    seen = Recorder(client)
    subject = new_subject()
    if platform == "linkedin":  # the member administers one organization: it becomes an account too
        httpx.post(f"{stack.sandboxes.base_url}/linkedin/__sandbox/organizations",
                   json={"organizationId": ORG_ID, "admin": subject, "name": "Acme Sandbox"}).raise_for_status()
    expected = expected_accounts(platform, subject)

    flow = connect(client, user, platform, subject)
    seen(flow.start)
    seen(flow.callback)
    assert flow.authorize_url.startswith(stack.sandboxes.base_url)
    assert flow.start.json()["redirectUri"].endswith(f"/oauth/{platform}/callback")
    assert flow.callback.status_code == 200, flow.callback.text
    assert flow.callback.headers["content-type"].startswith("text/html")
    for account_id in expected:
        assert account_id in flow.callback.text

    # Stored where the publishers read them, tokens sealed, nothing in clear.
    tokens = []
    for account_id in expected:
        ref = account_doc(db, user, platform, account_id)
        doc = ref.get().to_dict()
        assert doc["status"] == "connected" and doc["accountId"] == account_id and doc["platform"] == platform
        assert "sbx-at." not in json.dumps(doc, default=str) and "sbx-rt." not in json.dumps(doc, default=str)
        raw = _sealed_tokens(ref)
        assert raw["accessToken"].startswith(f"sbx-at.{platform}.")
        tokens += [raw["accessToken"], raw["refreshToken"]]
    listed = seen(client.get("/v1/accounts", params={"platform": platform}, headers=user.key_headers)).json()
    assert sorted(a["accountId"] for a in listed["accounts"]) == sorted(expected)

    # A post to the new account publishes with the connected tokens.
    target = expected[-1]
    r = seen(client.post("/v1/posts", headers=user.key_headers, json=body(
        [{"platform": platform, "accountId": target}], f"Connected {platform} {subject}",
        **content_for(platform, user, stored_media))))
    assert r.status_code == 201, r.text
    run = final_run(client, user, r.json()["postSubmissionId"])
    seen(client.get(f"/v1/posts/{r.json()['postSubmissionId']}", headers=user.key_headers))
    assert run["status"] == "succeeded", json.dumps(run, default=str)[:600]
    detail = seen(client.get(f"/v1/accounts/{target}", headers=user.key_headers))
    assert detail.status_code == 200, detail.text
    health = detail.json()["health"]
    assert health["lastPublish"]["status"] == "succeeded" and health["lastPublish"]["postId"] == run["result"]["postId"]
    assert health["tokensReadable"] is True and health["tokenExpired"] is False

    # Disconnect every account: the grant is revoked at the platform once no account needs it.
    outcomes = []
    for account_id in expected:
        r = seen(client.delete(f"/v1/accounts/{account_id}", headers=user.key_headers))
        assert r.status_code == 200, r.text
        assert r.json()["disconnected"] is True
        outcomes.append(r.json()["revocation"])
        assert account_doc(db, user, platform, account_id).get().exists is False
        assert_error(seen(client.get(f"/v1/accounts/{account_id}", headers=user.key_headers)), 404, "not_found")
    if platform in ("threads", "snapchat"):
        assert outcomes == ["not_supported"] * len(expected)  # the platform offers no revocation
    else:
        assert outcomes == ["kept_for_other_accounts"] * (len(expected) - 1) + ["revoked"]
        revoked = httpx.get(f"{stack.sandboxes.base_url}/__sandbox/oauth/revocations").json()["revocations"]
        platform_subject = subject
        assert any(r["platform"] == platform and r["subject"] == platform_subject for r in revoked)
    r = seen(client.post("/v1/posts", headers=user.key_headers, json=body(
        [{"platform": platform, "accountId": target}], "after disconnect", **content_for(platform, user, stored_media))))
    assert_error(r, 400, "missing_integrations")

    # No token, refresh token or client secret in any response or any log line of the cycle.
    logs = [record.getMessage() for record in caplog.records]
    for text in seen.bodies + logs:
        assert "sbx-at." not in text and "sbx-rt." not in text, text[:500]
        assert "-secret" not in text, text[:500]
        for token in tokens:
            assert token not in text


def test_linkedin_without_organization_scopes_connects_the_member_only(client, user, stack, monkeypatch):
    from shared.config import reset_settings

    subject = new_subject()
    httpx.post(f"{stack.sandboxes.base_url}/linkedin/__sandbox/organizations",
               json={"organizationId": "777", "admin": subject}).raise_for_status()
    monkeypatch.setenv("SOKU_LINKEDIN_SCOPES", "openid,profile,w_member_social")
    reset_settings()
    try:
        flow = connect(client, user, "linkedin", subject)
    finally:
        monkeypatch.undo()
        reset_settings()
    assert "w_organization_social" not in flow.authorize_url
    assert flow.callback.status_code == 200
    listed = client.get("/v1/accounts", params={"platform": "linkedin"}, headers=user.key_headers).json()
    assert [a["accountId"] for a in listed["accounts"]] == [f"linkedin_{subject}"]


def test_a_facebook_user_without_pages_connects_nothing(client, user):
    flow = connect(client, user, "facebook", new_subject(), pages=0)
    assert flow.callback.status_code == 422 and "<code>no_accounts</code>" in flow.callback.text
    assert "Facebook Pages" in flow.callback.text
    assert client.get("/v1/accounts", params={"platform": "facebook"}, headers=user.key_headers).json() == {
        "accounts": []}
