"""The spec's authentication table, row by row, against the real stack."""

from __future__ import annotations

import time
import uuid
from datetime import timedelta

import pytest

from shared import clock
from shared.services.api_keys import hash_key
from tests.conftest import wait_for
from tests.envelope import assert_error
from tests.posting import body, submissions_of


def test_missing_header_is_401(client):
    r = client.get("/v1/me")
    assert_error(r, 401, "unauthorized", "Missing or invalid soku-api-key")


def test_unknown_key_is_401(client):
    r = client.get("/v1/me", headers={"soku-api-key": "sk_live_" + "x" * 43})
    assert_error(r, 401, "unauthorized", "Invalid API key")


def test_malformed_key_is_401(client):
    r = client.get("/v1/me", headers={"soku-api-key": "not-a-soku-key"})
    assert_error(r, 401, "unauthorized", "Invalid API key")


def test_revoked_key_is_401(client, user):
    assert client.get("/v1/me", headers=user.key_headers).status_code == 200
    r = client.delete(f"/v1/api-keys/{hash_key(user.api_key)}", headers=user.bearer)
    assert r.json() == {"revoked": True}
    r = client.get("/v1/me", headers=user.key_headers)
    assert_error(r, 401, "unauthorized", "API key revoked")


def test_no_subscription_is_403(client, make_user):
    r = client.get("/v1/me", headers=make_user(status=None).key_headers)
    assert_error(r, 403, "forbidden", "Subscription required")


@pytest.mark.parametrize("status,days", [("active", -1), ("canceled", 30), ("past_due", 30)])
def test_inactive_or_expired_subscription_is_403(client, make_user, status, days):
    r = client.get("/v1/me", headers=make_user(status=status, period_days=days).key_headers)
    assert_error(r, 403, "forbidden", "Subscription inactive or expired")


@pytest.mark.parametrize("status,days", [("active", 1), ("trialing", -1)])
def test_allowed_subscription_states(client, make_user, status, days):
    u = make_user(status=status, period_days=days)
    r = client.get("/v1/me", headers=u.key_headers)
    assert r.status_code == 200, r.text
    assert r.json()["userId"] == u.uid
    assert r.json()["subscription"]["status"] == status


def test_stripe_extension_subscriptions_are_honoured(client, make_user):
    good = make_user(status="active", stripe=True)
    assert client.get("/v1/me", headers=good.key_headers).status_code == 200
    expired = make_user(status="active", period_days=-2, stripe=True)
    r = client.get("/v1/me", headers=expired.key_headers)
    assert_error(r, 403, "forbidden", "Subscription inactive or expired")


def test_last_used_is_recorded_at_most_once_a_minute(client, user, db):
    """lastUsedAt is written beside the request (not before its response), so it is polled for."""
    ref = db.collection("apiKeys").document(hash_key(user.api_key))
    assert ref.get().get("lastUsedAt") is None
    client.get("/v1/me", headers=user.key_headers)
    first = wait_for(lambda: ref.get().get("lastUsedAt"), timeout=5)
    client.get("/v1/me", headers=user.key_headers)
    time.sleep(0.3)  # time for a write that must not come
    assert ref.get().get("lastUsedAt") == first  # no write for a request a moment later
    # Once the recorded use is over a minute old, the next request refreshes it.
    ref.update({"lastUsedAt": clock.now() - timedelta(minutes=2)})
    client.get("/v1/me", headers=user.key_headers)
    assert wait_for(lambda: ref.get().get("lastUsedAt") > first, timeout=5)


# -- POST /v1/posts reads a key this instance knows with the post, not before it ----------------
# (auth.presume_api_key): the key is still judged on every request, before anything is
# written or answered, so these are the rows above once the instance has seen the key.


def _known_to_the_instance(client, demo) -> None:
    r = client.post("/v1/posts", json=body(["x"], f"first post {uuid.uuid4().hex}"), headers=demo.key_headers)
    assert r.status_code == 201, r.text


def _revoke(client, user) -> None:
    assert client.delete(f"/v1/api-keys/{hash_key(user.api_key)}", headers=user.bearer).json() == {"revoked": True}


def test_a_key_revoked_after_posting_cannot_post_again(client, demo, db):
    _known_to_the_instance(client, demo)
    _revoke(client, demo)
    r = client.post("/v1/posts", json=body(["x"], "after the revocation"), headers=demo.key_headers)
    assert_error(r, 401, "unauthorized", "API key revoked")
    assert submissions_of(db, demo.uid) == 1


def test_a_revoked_key_is_401_before_its_body_is_judged(client, demo):
    """A body the handler refuses before its read (400) is still answered 401 first."""
    _known_to_the_instance(client, demo)
    _revoke(client, demo)
    r = client.post("/v1/posts", json={"post": {"content": {"text": ""}}}, headers=demo.key_headers)
    assert_error(r, 401, "unauthorized", "API key revoked")
    r = client.post("/v1/posts", json=body(["x"], "later") | {"scheduledTime": "not a time"}, headers=demo.key_headers)
    assert_error(r, 401, "unauthorized", "API key revoked")


def test_a_revoked_key_gets_no_replay_of_its_earlier_post(client, demo):
    headers = demo.key_headers | {"Idempotency-Key": "before-the-revocation"}
    payload = body(["x"], "posted, then the key is revoked")
    assert client.post("/v1/posts", json=payload, headers=headers).status_code == 201
    _revoke(client, demo)
    r = client.post("/v1/posts", json=payload, headers=headers)
    assert_error(r, 401, "unauthorized", "API key revoked")
    assert "postSubmissionId" not in r.text


def test_a_subscription_that_lapsed_after_posting_cannot_post(client, demo, db):
    _known_to_the_instance(client, demo)
    db.collection("users").document(demo.uid).update({"subscription.status": "canceled"})
    r = client.post("/v1/posts", json=body(["x"], "after the subscription ended"), headers=demo.key_headers)
    assert_error(r, 403, "forbidden", "Subscription inactive or expired")
    assert submissions_of(db, demo.uid) == 1
    assert "X-RateLimit-Limit" in r.headers  # counted, as every refused request is


# -- the web console's routes: an API key or the signed-in user's Firebase ID token ------------

CONSOLE_READS = ("/v1/accounts", "/v1/posts", "/v1/webhooks", "/v1/credits/balance")


def test_the_console_reads_its_users_data_with_the_id_token_alone(client, demo):
    """What the console shows after sign-in, with no key pasted: the same answers a key gets."""
    for path in CONSOLE_READS:
        with_token = client.get(path, headers=demo.bearer)
        assert with_token.status_code == 200, (path, with_token.text)
        assert with_token.json() == client.get(path, headers=demo.key_headers).json(), path
    account = client.get("/v1/accounts", headers=demo.bearer).json()["accounts"][0]
    r = client.get(f"/v1/accounts/{account['accountId']}", params={"platform": account["platform"]},
                   headers=demo.bearer)
    assert r.status_code == 200 and r.json()["health"]["tokensReadable"] is True, r.text


def test_the_console_routes_hold_the_id_token_to_the_keys_rules(client, make_user):
    lapsed = make_user(status=None)
    for path in CONSOLE_READS:
        assert_error(client.get(path, headers=lapsed.bearer), 403, "forbidden")
        r = client.get(path)
        assert_error(r, 401, "unauthorized", "Missing credentials: send soku-api-key, or Authorization: Bearer "
                     "<Firebase ID token>")
        assert_error(client.get(path, headers={"Authorization": "Bearer not-a-token"}), 401, "unauthorized")
    # Key-only routes stay key-only: a session cannot publish or mint what a key holds.
    assert client.get("/v1/me", headers=make_user().bearer).status_code == 401
