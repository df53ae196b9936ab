"""GET /health (liveness, no auth) and GET /health/ready (backing services)."""

from __future__ import annotations

from datetime import datetime

from shared.config import reset_settings
from shared.services import health


def test_health_needs_no_auth(client):
    r = client.get("/health")
    assert r.status_code == 200
    body = r.json()
    assert body["status"] == "ok"
    assert body["version"]
    assert datetime.fromisoformat(body["timestamp"].replace("Z", "+00:00"))


def test_readiness_reports_each_backing_service(client):
    r = client.get("/health/ready")
    assert r.status_code == 200, r.text
    services = r.json()["services"]
    assert set(services) == {"firestore", "storage", "tasks"}
    assert all(s["ok"] for s in services.values())
    assert isinstance(r.json()["deadOutboxEntries"], int)  # tests/test_outbox.py makes some


def test_readiness_is_degraded_when_a_service_is_missing(stack, monkeypatch):
    monkeypatch.setenv("MEDIA_BUCKET", "bucket-that-was-never-created")
    reset_settings()
    try:
        body, ready = health.readiness()
    finally:
        monkeypatch.delenv("MEDIA_BUCKET")
        reset_settings()
    assert not ready
    assert body["status"] == "degraded"
    assert body["services"]["storage"]["ok"] is False
    assert body["services"]["storage"]["error"] == "not_found"  # a kind, never the exception text
    assert "bucket-that-was-never-created" not in str(body)
    assert body["services"]["firestore"]["ok"]


def test_readiness_answers_error_kinds_and_logs_the_details(stack, monkeypatch, caplog):
    """/health/ready needs no key: what failed inside (addresses, names, messages) goes to the
    log, and the body says only which service, how long, and what kind of failure."""
    import flask
    import httpx

    from functions.health import api

    def broken() -> None:
        raise RuntimeError("could not reach 10.128.0.7:8443 as svc-account@soku-prod.iam")

    def slow() -> None:
        raise httpx.ConnectTimeout("connect to firestore.internal:443 timed out")

    monkeypatch.setitem(health.CHECKS, "storage", broken)
    monkeypatch.setitem(health.CHECKS, "firestore", slow)
    app = flask.Flask("t")
    with app.test_request_context("/health/ready", method="GET"):
        response = api.handle(flask.request)
    assert response.status_code == 503
    text = response.get_data(as_text=True)
    services = response.get_json()["services"]
    assert services["storage"] == {"ok": False, "latencyMs": services["storage"]["latencyMs"], "error": "error"}
    assert services["firestore"]["error"] == "timeout"
    assert services["tasks"]["ok"] is True and "error" not in services["tasks"]
    for secret in ("10.128.0.7", "svc-account", "firestore.internal", "RuntimeError", "ConnectTimeout"):
        assert secret not in text
        assert secret in caplog.text
