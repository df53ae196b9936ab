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
    assert not body["services"]["storage"]["ok"]
    assert "bucket-that-was-never-created" in body["services"]["storage"]["error"]
    assert body["services"]["firestore"]["ok"]
