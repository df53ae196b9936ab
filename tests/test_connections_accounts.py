"""A connected account over its life: health, refresh-token rotation, needs_reconnect, reconnect,
disconnect, and re-sealing its tokens when the encryption key rotates."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import httpx
import pytest

from shared.adapters.crypto import decrypt_json
from tests.connecting import account_doc, connect, final_run, new_subject
from tests.envelope import assert_error
from tests.posting import body


def _tokens(ref) -> dict:
    return decrypt_json(ref.get().get("tokens"), associated=ref.path)


def _expire_access_token(ref) -> dict:
    """Make the stored access token one the platform refuses (as after its 2 hours), keep the refresh token."""
    from shared.services.publishing.accounts import seal_tokens
    from shared.services.publishing.base import Tokens

    raw = _tokens(ref)
    parts = raw["accessToken"].split(".")
    parts[3] = "1"  # expired at the epoch
    stale = Tokens(".".join(parts), raw["refreshToken"], datetime.now(timezone.utc) - timedelta(minutes=5))
    ref.update({"tokens": seal_tokens(ref, stale)})
    return raw


def _post(client, user, platform, account_id, text, **content):
    r = client.post("/v1/posts", headers=user.key_headers,
                    json=body([{"platform": platform, "accountId": account_id}], text, **content))
    return r


def test_account_detail_shows_health_and_never_tokens(client, user, db):
    subject = new_subject()
    connect(client, user, "x", subject)
    r = client.get(f"/v1/accounts/x_{subject}", headers=user.key_headers)
    assert r.status_code == 200, r.text
    account = r.json()
    assert account["accountId"] == f"x_{subject}" and account["platform"] == "x"
    assert account["displayName"] == f"@{subject}" and account["username"] == subject
    assert account["status"] == "connected" and account["platformUserId"] == subject
    health = account["health"]
    expires = datetime.fromisoformat(health["tokenExpiresAt"].replace("Z", "+00:00"))
    assert timedelta(minutes=100) < expires - datetime.now(timezone.utc) <= timedelta(hours=2)
    assert health["refreshable"] is True and health["tokenExpired"] is False and health["lastPublish"] is None
    raw = _tokens(account_doc(db, user, "x", f"x_{subject}"))
    assert raw["accessToken"] not in r.text and raw["refreshToken"] not in r.text and '"tokens"' not in r.text
    assert_error(client.get(f"/v1/accounts/x_{subject}", headers={"soku-api-key": ""}), 401, "unauthorized")


def test_another_users_account_is_not_found(client, user, make_user):
    subject = new_subject()
    connect(client, user, "threads", subject)
    other = make_user()
    assert_error(client.get(f"/v1/accounts/threads_{subject}", headers=other.key_headers), 404, "not_found")
    assert_error(client.delete(f"/v1/accounts/threads_{subject}", headers=other.key_headers), 404, "not_found")
    assert client.get(f"/v1/accounts/threads_{subject}", headers=user.key_headers).status_code == 200


def test_the_same_id_on_two_platforms_needs_the_platform(client, user, db):
    for platform in ("x", "threads"):
        account_doc(db, user, platform, "shared-id").set({"accountId": "shared-id", "platform": platform,
                                                          "displayName": platform, "status": "connected"})
    r = client.get("/v1/accounts/shared-id", headers=user.key_headers)
    assert_error(r, 409, "ambiguous_account")
    assert r.json()["error"]["details"]["platforms"] == ["x", "threads"]
    one = client.get("/v1/accounts/shared-id", params={"platform": "threads"}, headers=user.key_headers)
    assert one.status_code == 200 and one.json()["platform"] == "threads"
    assert one.json()["health"]["tokensReadable"] is False  # no tokens stored: reconnect it
    gone = client.delete("/v1/accounts/shared-id", params={"platform": "x"}, headers=user.key_headers)
    assert gone.status_code == 200 and gone.json()["revocation"] == "no_tokens"
    assert client.get("/v1/accounts/shared-id", headers=user.key_headers).json()["platform"] == "threads"


@pytest.mark.parametrize("platform", ["x", "tiktok"])
def test_refresh_tokens_rotate_and_the_new_one_is_stored_sealed(platform, client, user, db, stack, stored_media):
    subject = new_subject()
    connect(client, user, platform, subject)
    account_id = f"{platform}_{subject}"
    ref = account_doc(db, user, platform, account_id)
    first = _expire_access_token(ref)
    content = {"mediaIds": [stored_media(user, "video", 1024 * 1024)]} if platform == "tiktok" else {}
    r = _post(client, user, platform, account_id, f"after a refresh {subject}", **content)
    assert r.status_code == 201, r.text
    run = final_run(client, user, r.json()["postSubmissionId"])
    assert run["status"] == "succeeded", run
    now = _tokens(ref)
    assert now["refreshToken"] != first["refreshToken"] and now["accessToken"] != first["accessToken"]
    assert now["refreshToken"].startswith(f"sbx-rt.{platform}.{subject}.")
    # The platform rotated: the refresh token the connect flow stored no longer works.
    assert stack.sandboxes.state.refresh(platform, first["refreshToken"]) is None
    health = client.get(f"/v1/accounts/{account_id}", headers=user.key_headers).json()["health"]
    assert health["tokenExpired"] is False and health["lastPublish"]["status"] == "succeeded"


def test_a_refused_refresh_marks_needs_reconnect_until_reconnected(client, user, db, sandbox):
    subject = new_subject()
    connect(client, user, "linkedin", subject)
    account_id = f"linkedin_{subject}"
    ref = account_doc(db, user, "linkedin", account_id)
    sandbox.revoke("linkedin", subject)  # the member removed the app on LinkedIn
    _expire_access_token(ref)
    r = _post(client, user, "linkedin", account_id, f"refused refresh {subject}")
    run = final_run(client, user, r.json()["postSubmissionId"])
    assert run["status"] == "failed" and run["result"]["code"] == "token_expired"

    account = client.get(f"/v1/accounts/{account_id}", headers=user.key_headers).json()
    assert account["status"] == "needs_reconnect" and account["statusReason"]
    assert account["health"]["tokenExpired"] is True
    listed = client.get("/v1/accounts", params={"platform": "linkedin"}, headers=user.key_headers).json()
    assert listed["accounts"][0]["status"] == "needs_reconnect"
    # Posts to it fail fast, at submission.
    assert_error(_post(client, user, "linkedin", account_id, "refused at once"), 400, "account_needs_reconnect")

    # Connecting again (same member) fixes it: same account id, connected, posts publish.
    again = connect(client, user, "linkedin", subject)
    assert again.callback.status_code == 200
    account = client.get(f"/v1/accounts/{account_id}", headers=user.key_headers).json()
    assert account["status"] == "connected" and account["statusReason"] is None
    assert account_doc(db, user, "linkedin", account_id).get().get("reconnectedAt") is not None
    r = _post(client, user, "linkedin", account_id, f"after reconnect {subject}")
    assert final_run(client, user, r.json()["postSubmissionId"])["status"] == "succeeded"


def test_reconnecting_keeps_the_accounts_settings(client, user, db):
    subject = new_subject()
    connect(client, user, "x", subject)
    ref = account_doc(db, user, "x", f"x_{subject}")
    connected_at = ref.get().get("connectedAt")
    ref.update({"repostEnabled": False})
    connect(client, user, "x", subject)
    doc = ref.get().to_dict()
    assert doc["repostEnabled"] is False and doc["connectedAt"] == connected_at
    integration = db.collection("users").document(user.uid).collection("integrations").document("x").get()
    assert integration.get("connectedCount") == 1


def test_disconnect_revokes_the_grant_and_later_posts_are_refused(client, user, db, stack):
    subject = new_subject()
    connect(client, user, "youtube", subject)
    from devstack.sandboxes.youtube import channel_id

    account_id = f"youtube_{channel_id(subject)}"
    token = _tokens(account_doc(db, user, "youtube", account_id))["accessToken"]
    r = client.delete(f"/v1/accounts/{account_id}", headers=user.key_headers)
    assert r.status_code == 200 and r.json() == {"accountId": account_id, "platform": "youtube",
                                                 "disconnected": True, "revocation": "revoked",
                                                 "revocationError": None}
    # The platform no longer honours the token it gave us.
    mine = httpx.get(f"{stack.sandboxes.base_url}/youtube/youtube/v3/channels", params={"part": "snippet", "mine": "true"},
                     headers={"Authorization": f"Bearer {token}"})
    assert mine.status_code == 401
    assert_error(client.delete(f"/v1/accounts/{account_id}", headers=user.key_headers), 404, "not_found")
    assert_error(_post(client, user, "youtube", account_id, "gone"), 400, "missing_integrations")


def test_a_failed_revocation_still_disconnects(client, user, db, sandbox):
    subject = new_subject()
    connect(client, user, "tiktok", subject)
    # TikTok's revoke endpoint is down: the account goes anyway, and the answer says so.
    sandbox.fault("tiktok", "revoke", "server_error")
    r = client.delete(f"/v1/accounts/tiktok_{subject}", headers=user.key_headers)
    assert r.status_code == 200
    assert r.json()["revocation"] == "failed" and "TikTok is not answering" in r.json()["revocationError"]
    assert account_doc(db, user, "tiktok", f"tiktok_{subject}").get().exists is False


def test_rotating_the_token_key_reseals_every_account(client, user, db, monkeypatch):
    from shared.adapters.crypto import generate_key
    from shared.config import reset_settings
    from shared.services.connections.rotation import reseal_all

    subject = new_subject()
    connect(client, user, "x", subject)
    ref = account_doc(db, user, "x", f"x_{subject}")
    old = ref.get().get("tokens")
    import os

    current = os.environ["SOKU_TOKEN_KEYS"]
    new_key = f"rotated:{generate_key()}"
    try:
        monkeypatch.setenv("SOKU_TOKEN_KEYS", f"{current},{new_key}")
        monkeypatch.setenv("SOKU_TOKEN_KEY_ID", "rotated")
        reset_settings()
        result = reseal_all([user.uid])
        assert result.resealed == 1 and result.failed == 0
        assert reseal_all([user.uid]).current == 1  # idempotent
        sealed = ref.get().get("tokens")
        assert sealed["kid"] == "rotated" and sealed["ciphertext"] != old["ciphertext"]
        monkeypatch.setenv("SOKU_TOKEN_KEYS", new_key)  # the old key is retired
        reset_settings()
        health = client.get(f"/v1/accounts/x_{subject}", headers=user.key_headers).json()["health"]
        assert health["tokensReadable"] is True
        r = _post(client, user, "x", f"x_{subject}", f"sealed with the new key {subject}")
        assert final_run(client, user, r.json()["postSubmissionId"])["status"] == "succeeded"
    finally:
        monkeypatch.undo()
        reset_settings()
