"""The spec's authentication table, row by row, against the real stack."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest

from shared import clock
from shared.services.api_keys import hash_key
from tests.conftest import wait_for
from tests.envelope import assert_error


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
