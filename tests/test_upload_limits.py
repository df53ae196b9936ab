"""Ceilings on upload sessions (issue 36, item 3), over HTTP against the real emulators:
`POST /v1/media/uploads` has an endpoint rate limit, a per-user cap on pending sessions and
a per-user storage quota (both by tier, in the error envelope with the limit and the usage),
and the minute sweep deletes expired sessions, their staging objects and their documents,
in a bounded phase that leaves recovery its turn."""

from __future__ import annotations

import json
import time
import uuid
from datetime import datetime, timedelta, timezone

import httpx

from shared.adapters.gcp import storage_client
from shared.config import get_settings
from shared.services.media import upload_sessions
from shared.services.rate_limits import DEFAULT_ENDPOINT_LIMITS
from tests.envelope import assert_error
from tests.media_origin import JPEG_1PX, mp4, settings_env  # noqa: F401
from tests.test_rate_limits import frozen  # noqa: F401

VIDEO = mp4(5_009)
GIB = 1024 ** 3


def _bucket():
    return storage_client().bucket(get_settings().media_bucket)


def _open(client, user, size: int) -> httpx.Response:
    return client.post("/v1/media/uploads", json={"size": size}, headers=user.key_headers)


def test_opening_upload_sessions_is_limited_to_30_a_minute_per_user(client, user, frozen, settings_env):
    settings_env(SOKU_MEDIA_QUOTAS=json.dumps({"premium": [1000, 1000 * GIB]}))  # only the rate limit here
    responses = [_open(client, user, 10) for _ in range(31)]
    assert [r.status_code for r in responses[:30]] == [201] * 30, responses[29].text
    assert {int(r.headers["X-RateLimit-Limit"]) for r in responses[:30]} == {30}
    error = assert_error(responses[30], 429, "rate_limit_exceeded")
    assert error["details"]["scope"] == "endpoint" and error["details"]["endpoint"] == "POST /v1/media/uploads"
    assert error["details"]["limit"] == 30
    assert DEFAULT_ENDPOINT_LIMITS["POST /v1/media/uploads"] == 30


def test_pending_upload_sessions_are_capped_per_user(client, user, make_user, db, time_travel, settings_env):
    settings_env(SOKU_MEDIA_QUOTAS=json.dumps({"premium": [3, 50 * GIB]}))  # the default is 20
    opened = [_open(client, user, len(JPEG_1PX)) for _ in range(3)]
    assert [r.status_code for r in opened] == [201] * 3
    r = _open(client, user, 10)
    error = assert_error(r, 409, "too_many_pending_uploads")
    assert error["details"] == {"limit": 3, "pending": 3, "tier": "premium"}
    assert "3 pending uploads" in error["message"] and "(3)" in error["message"]
    # Another user has a cap of their own.
    assert _open(client, make_user(), 10).status_code == 201

    # A completed session is no longer pending: room for one more.
    first = opened[0].json()
    assert httpx.put(first["uploadUrl"], content=JPEG_1PX).status_code in (200, 201)
    done = client.post(f"/v1/media/uploads/{first['id']}/complete", headers=user.key_headers)
    assert done.status_code == 200, done.text
    assert _open(client, user, 10).status_code == 201
    assert_error(_open(client, user, 10), 409, "too_many_pending_uploads")
    # Expired sessions are not pending either.
    time_travel(seconds=upload_sessions.SESSION_LIFETIME.total_seconds() + 1)
    assert _open(client, user, 10).status_code == 201


def test_the_default_quotas_by_tier():
    from shared.services.media import quotas

    assert {tier: quotas.quota_for(tier) for tier in ("default", "authenticated", "premium", "admin")} == {
        "default": quotas.Quota("default", 5, 5 * GIB),
        "authenticated": quotas.Quota("authenticated", 10, 10 * GIB),
        "premium": quotas.Quota("premium", 20, 50 * GIB),
        "admin": quotas.Quota("admin", 100, 500 * GIB)}


def test_stored_bytes_are_capped_per_user_with_the_usage_in_the_error(client, user, settings_env):
    settings_env(SOKU_MEDIA_QUOTAS=json.dumps({"premium": [20, 10_000]}))  # the default is 50 GiB
    stored = client.post("/v1/media", files={"file": ("clip.mp4", VIDEO, "video/mp4")}, headers=user.key_headers)
    assert stored.status_code == 201, stored.text

    error = assert_error(_open(client, user, 6_000), 409, "storage_quota_exceeded")
    assert error["details"] == {"limit": 10_000, "used": len(VIDEO), "mediaBytes": len(VIDEO),
                                "pendingUploadBytes": 0, "requested": 6_000, "tier": "premium"}
    assert "10000" in error["message"] and str(len(VIDEO)) in error["message"]
    # A session reserves its declared size until it completes or expires.
    assert _open(client, user, 4_000).status_code == 201
    error = assert_error(_open(client, user, 10_000 - len(VIDEO) - 4_000 + 1), 409, "storage_quota_exceeded")
    assert error["details"]["used"] == len(VIDEO) + 4_000 and error["details"]["pendingUploadBytes"] == 4_000
    assert _open(client, user, 10_000 - len(VIDEO) - 4_000).status_code == 201  # exactly to the quota

    # At the quota, POST /v1/media (whose size shows only once read) is refused too.
    for r in (client.post("/v1/media", files={"file": ("a.jpg", JPEG_1PX, "image/jpeg")}, headers=user.key_headers),
              client.post("/v1/media", json={"url": "https://example.com/a.jpg"}, headers=user.key_headers)):
        error = assert_error(r, 409, "storage_quota_exceeded")
        assert error["details"]["used"] == 10_000 and error["details"]["limit"] == 10_000

    # Deleting media makes room.
    assert client.delete(f"/v1/media/{stored.json()['id']}", headers=user.key_headers).status_code == 200
    assert _open(client, user, 5_000).status_code == 201


def test_the_sweep_deletes_expired_sessions_their_staging_objects_and_documents(client, user, db, time_travel):
    from shared.services.posts import sweep

    staged = _open(client, user, len(JPEG_1PX)).json()
    assert httpx.put(staged["uploadUrl"], content=JPEG_1PX).status_code in (200, 201)  # never completed
    untouched = _open(client, user, 10).json()
    object_path = f"uploads/{staged['id']}"
    assert _bucket().get_blob(object_path) is not None

    sweep.sweep()  # nothing has expired yet
    assert db.collection("uploads").document(staged["id"]).get().exists
    assert _bucket().get_blob(object_path) is not None

    time_travel(seconds=upload_sessions.SESSION_LIFETIME.total_seconds() + 1)
    fresh = _open(client, user, 10).json()  # opened after the others expired: not swept
    result = sweep.sweep()
    assert _bucket().get_blob(object_path) is None
    for gone in (staged, untouched):
        assert not db.collection("uploads").document(gone["id"]).get().exists
        assert_error(client.get(f"/v1/media/uploads/{gone['id']}", headers=user.key_headers), 404, "not_found")
    assert db.collection("uploads").document(fresh["id"]).get().get("status") == "pending"
    assert result["uploads"]["deleted"] >= 2 and not result["uploads"]["more"], result


def test_the_expired_uploads_phase_has_a_budget_and_leaves_recovery_its_turn(db, stack, monkeypatch):
    from shared.services.posts import recovery, sweep

    # The phases' budgets fit the sweep's (the uploads phase's is 5 s).
    budgets = (sweep.DISPATCH_BUDGET_S, sweep.OUTBOX_BUDGET_S, getattr(sweep, "UPLOADS_BUDGET_S", None),
               sweep.MIN_RECOVERY_BUDGET_S, sweep.TIME_BUDGET_S)
    monkeypatch.setattr(sweep, "UPLOADS_BUDGET_S", 0.5, raising=False)
    monkeypatch.setattr(upload_sessions, "SWEEP_PAGE", 5, raising=False)
    real = upload_sessions._delete_staging

    def slow(data):
        time.sleep(0.1)
        return real(data)

    monkeypatch.setattr(upload_sessions, "_delete_staging", slow)
    prefix = uuid.uuid4().hex[:12]
    long_ago = datetime(2000, 1, 1, tzinfo=timezone.utc)
    refs = []
    batch = db.batch()
    for i in range(30):  # 3 s of deletions: six times the phase's budget
        ref = db.collection("uploads").document(f"{prefix}{i:012d}")
        batch.set(ref, {"id": ref.id, "userId": f"sweep-{prefix}", "status": "pending", "size": 10,
                        "objectPath": f"uploads/{ref.id}", "createdAt": long_ago,
                        "expiresAt": long_ago + timedelta(seconds=i)})
        refs.append(ref)
    batch.commit()
    # A stuck submission, due for recovery: its turn comes after the uploads phase.
    stuck = db.collection("postSubmissions").document(f"sweep-uploads-{prefix}")
    stuck.set({"userId": f"sweep-{prefix}", "status": "canceled", "recoverAt": long_ago})
    calls = []
    real_recover = recovery.recover_due
    monkeypatch.setattr(recovery, "recover_due", lambda **kw: calls.append(kw) or real_recover(**kw))
    try:
        result = sweep.sweep()
        left = [ref for ref in refs if ref.get().exists]
        assert 0 < len(left) < 30, result  # some deleted, the rest left for the next minute
        assert calls and stuck.get().get("recoverAt") is None, result  # recovery ran after it
        assert result["uploads"]["more"] == 1 and result["uploads"]["deleted"] == 30 - len(left), result
        assert result["uploads"]["deleted"] <= 7, result  # 0.5 s of 0.1 s deletions, plus the one in hand
        assert all(not ref.get().exists for ref in refs[:30 - len(left)])  # oldest first
        sweep.sweep()  # the next minute resumes
        assert len([ref for ref in refs if ref.get().exists]) < len(left)
        dispatch, outbox, uploads, recovery_min, total = budgets
        assert uploads == 5.0 and dispatch + outbox + uploads + recovery_min <= total
    finally:
        for ref in refs:
            ref.delete()
        stuck.delete()
