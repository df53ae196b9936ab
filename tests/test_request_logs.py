"""Request logs: users/{uid}/apiRequests for every call with an identity, errorLogs for
5xx; allow-listed fields only, written after the response, expiring via a TTL field."""

from __future__ import annotations

import json
import time
from datetime import timedelta
from pathlib import Path

import pytest
from google.cloud import firestore

from shared.config import reset_settings
from shared.services import accounts, request_logs
from shared.services.api_keys import hash_key
from tests.conftest import wait_for
from tests.envelope import assert_error

ROOT = Path(__file__).resolve().parent.parent
API_REQUEST_FIELDS = {"method", "route", "path", "function", "status", "requestId", "createdAt", "expiresAt",
                      "latencyMs", "keyId", "auth", "tier", "rateLimited", "errorCode"}


def _logged(db, uid: str, request_id: str) -> dict | None:
    query = db.collection("users").document(uid).collection("apiRequests") \
        .where(filter=firestore.FieldFilter("requestId", "==", request_id))
    found = [snap.to_dict() for snap in query.stream()]
    return found[0] if found else None


def _error_logged(db, request_id: str) -> dict | None:
    query = db.collection("errorLogs").where(filter=firestore.FieldFilter("requestId", "==", request_id))
    found = [snap.to_dict() for snap in query.stream()]
    return found[0] if found else None


def test_a_request_is_logged_with_allow_listed_fields_only(client, user, db):
    r = client.get("/v1/me", headers=user.key_headers | {"X-Request-ID": "log-me-1"})
    assert r.status_code == 200
    entry = wait_for(lambda: _logged(db, user.uid, "log-me-1"))
    assert set(entry) == API_REQUEST_FIELDS
    assert entry["method"] == "GET" and entry["route"] == "/v1/me" and entry["path"] == "/v1/me"
    assert entry["function"] == "account" and entry["status"] == 200 and entry["auth"] == "api_key"
    assert entry["keyId"] == hash_key(user.api_key) and entry["tier"] == "premium"
    assert entry["rateLimited"] is False and entry["errorCode"] is None
    assert 0 < entry["latencyMs"] < 30_000
    # Expires through the TTL field after the retention period (30 days by default).
    assert entry["expiresAt"] - entry["createdAt"] == timedelta(days=30)
    assert user.api_key not in json.dumps(entry, default=str)


def test_no_bodies_query_strings_or_secrets_are_stored(client, demo, db):
    secret = "do-not-store-this-text-4242"
    client.post("/v1/posts/validate", json={"post": {"content": {"text": secret, "platform": ["x"]}}},
                headers=demo.key_headers | {"X-Request-ID": "log-body-1"})
    client.get("/v1/posts", params={"cursor": secret}, headers=demo.key_headers | {"X-Request-ID": "log-query-1"})
    for request_id in ("log-body-1", "log-query-1"):
        entry = wait_for(lambda: _logged(db, demo.uid, request_id))
        stored = json.dumps(entry, default=str)
        assert secret not in stored and demo.api_key not in stored
    assert _logged(db, demo.uid, "log-query-1")["path"] == "/v1/posts"


def test_refused_requests_are_logged_for_the_user_they_name(client, make_user, db):
    unsubscribed = make_user(status=None)
    r = client.get("/v1/me", headers=unsubscribed.key_headers | {"X-Request-ID": "log-403"})
    assert_error(r, 403, "forbidden")
    entry = wait_for(lambda: _logged(db, unsubscribed.uid, "log-403"))
    assert entry["status"] == 403 and entry["errorCode"] == "forbidden" and entry["tier"] == "authenticated"


def test_server_errors_go_to_error_logs_without_their_message(client, user, db, monkeypatch):
    def explode(user_id):
        raise RuntimeError("token=super-secret-value")

    monkeypatch.setattr(accounts, "profile", explode)
    r = client.get("/v1/me", headers=user.key_headers | {"X-Request-ID": "log-500"})
    assert_error(r, 500, "internal_error")
    error = wait_for(lambda: _error_logged(db, "log-500"))
    assert error["status"] == 500 and error["code"] == "internal_error" and error["route"] == "/v1/me"
    assert error["exception"] == "RuntimeError" and error["userId"] == user.uid
    assert any("explode" in frame for frame in error["frames"])
    assert "super-secret-value" not in json.dumps(error, default=str)
    assert wait_for(lambda: _logged(db, user.uid, "log-500"))["status"] == 500


def test_unauthenticated_5xx_still_reach_error_logs(stack, db):
    import flask

    from shared.web.api import Api, Auth

    api = Api("crash")

    @api.route("GET", "/v1/crash", auth=Auth.NONE)
    def crash(ctx):
        raise ValueError("boom")

    with flask.Flask("t").test_request_context("/v1/crash", headers={"X-Request-ID": "log-crash"}):
        response = api.handle(flask.request)
    response.close()  # the server closes the response once sent: that triggers the write
    error = wait_for(lambda: _error_logged(db, "log-crash"))
    assert error["function"] == "crash" and error["exception"] == "ValueError" and error["userId"] is None


def test_the_write_happens_after_the_response(client, user, db, monkeypatch):
    original = request_logs.write

    def slow_write(entry):
        time.sleep(1.5)
        original(entry)

    monkeypatch.setattr(request_logs, "write", slow_write)
    started = time.perf_counter()
    r = client.get("/v1/me", headers=user.key_headers | {"X-Request-ID": "log-slow"})
    elapsed = time.perf_counter() - started
    assert r.status_code == 200
    assert elapsed < 1.0, f"the response waited for the log write ({elapsed:.2f}s)"
    # The next request on the same connection does not wait for it either.
    started = time.perf_counter()
    assert client.get("/health").status_code == 200
    assert time.perf_counter() - started < 1.0
    assert _logged(db, user.uid, "log-slow") is None  # not written yet...
    wait_for(lambda: _logged(db, user.uid, "log-slow"))  # ...but written


def test_inline_mode_writes_before_responding(client, user, db, monkeypatch):
    monkeypatch.setenv("SOKU_REQUEST_LOG_MODE", "inline")
    reset_settings()
    try:
        client.get("/v1/me", headers=user.key_headers | {"X-Request-ID": "log-inline"})
        assert _logged(db, user.uid, "log-inline") is not None
    finally:
        monkeypatch.undo()
        reset_settings()


def test_ttl_fields_are_declared_for_logs_and_counters():
    overrides = json.loads((ROOT / "firestore.indexes.json").read_text())["fieldOverrides"]
    ttl = {(o["collectionGroup"], o["fieldPath"]) for o in overrides if o.get("ttl")}
    assert {("apiRequests", "expiresAt"), ("errorLogs", "expiresAt"), ("rateLimits", "expiresAt")} <= ttl


@pytest.mark.parametrize("mode", ["off"])
def test_logging_can_be_switched_off(client, user, db, monkeypatch, mode):
    monkeypatch.setenv("SOKU_REQUEST_LOG_MODE", mode)
    reset_settings()
    try:
        client.get("/v1/me", headers=user.key_headers | {"X-Request-ID": "log-off"})
        time.sleep(0.5)
        assert _logged(db, user.uid, "log-off") is None
    finally:
        monkeypatch.undo()
        reset_settings()
