"""A delivery's retry schedule (Svix's: 8 attempts over about 27 hours), on the CLI's Tasks emulator.

Each retry is a task of its own, scheduled for its time and named after its attempt
number (shared/services/webhooks/delivery.py). The emulator ignores schedule times and
dispatches at once, so these tests also check that an attempt never goes out early.
The schedule is scaled down (SOKU_WEBHOOK_RETRY_SCALE): an hour of it is a fraction
of a second here.
"""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest

from tests.conftest import wait_for
from tests.media_origin import settings_env  # noqa: F401 - the fixture
from tests.posting import call_task
from tests.webhook_receiver import publish, receiver, register  # noqa: F401 - receiver: the fixture

# Svix's schedule (https://docs.svix.com/retries): the waits before attempts 2..8.
SVIX = [timedelta(seconds=5), timedelta(minutes=5), timedelta(minutes=30), timedelta(hours=2),
        timedelta(hours=5), timedelta(hours=10), timedelta(hours=10)]
# What a delivery got before: 6 attempts, the last about 16 minutes after the first.
OLD_WINDOW = timedelta(minutes=16)
SCALE = 0.0001  # 27.6 hours of schedule in 10 s


class DownFor:
    """`receiver.statuses` for a receiver that answers 503 until `seconds` from now, then 200."""

    def __init__(self, seconds: float) -> None:
        self.until = time.monotonic() + seconds

    def __bool__(self) -> bool:
        return time.monotonic() < self.until

    def pop(self, _index: int) -> int:
        return 503


@pytest.fixture
def hooks(client, demo, receiver, settings_env):  # noqa: F811
    """Register endpoints for the test; delete them afterwards, so no retry outlives it."""
    registered: list[str] = []

    def make(scale: float | None = SCALE) -> dict:
        if scale is not None:
            settings_env(SOKU_WEBHOOK_RETRY_SCALE=str(scale))
        hook = register(client, demo, receiver.url, events=["post.published"])
        registered.append(hook["id"])
        return hook

    yield make
    for hook_id in registered:
        client.delete(f"/v1/webhooks/{hook_id}", headers=demo.key_headers)


def _delivery(db, user, hook_id: str):
    """The endpoint's one delivery document (waits for it)."""
    deliveries = (db.collection("users").document(user.uid).collection("webhooks").document(hook_id)
                  .collection("deliveries"))
    return wait_for(lambda: next(iter(deliveries.limit(1).get()), None), timeout=20).reference


def _attempts(delivery_ref) -> list[dict]:
    snaps = sorted(delivery_ref.collection("attempts").get(), key=lambda s: int(s.id))
    return [s.to_dict() for s in snaps]


def _spacing_respects(attempts: list[dict], scale: float) -> None:
    """Each retry started no earlier than its wait after the failure before it (give or take
    the tolerance for clocks that differ a little)."""
    from shared.services.webhooks.delivery import EARLY_TOLERANCE

    for n in range(1, len(attempts)):
        waited = attempts[n]["startedAt"] - attempts[n - 1]["finishedAt"]
        assert waited >= (SVIX[n - 1] - EARLY_TOLERANCE) * scale, (n + 1, waited)


def test_a_receiver_down_for_hours_gets_the_event_once_it_is_back(client, demo, receiver, hooks, db):
    hook = hooks()
    down = timedelta(hours=11)  # scaled: 4 s, against the old window's 0.1 s (and its 6 attempts)
    assert down > OLD_WINDOW
    receiver.statuses = DownFor(down.total_seconds() * SCALE)
    publish(client, demo, "down for hours")
    ref = _delivery(db, demo, hook["id"])
    delivery = wait_for(lambda: (d := ref.get().to_dict())["status"] != "pending" and d, timeout=40)
    assert delivery["status"] == "succeeded" and delivery["lastStatusCode"] == 200
    time.sleep(1)  # nothing more comes
    # Every attempt carried the same event; the receiver accepted it exactly once, at the last one.
    assert len({r["json"]["id"] for r in receiver.requests}) == 1
    assert receiver.requests[0]["json"]["id"] == delivery["eventId"]
    assert delivery["attempts"] == len(receiver.requests)
    assert [r["headers"]["Soku-Delivery-Attempt"] for r in receiver.requests] == \
        [str(n) for n in range(1, delivery["attempts"] + 1)]
    attempts = _attempts(ref)
    assert [a["statusCode"] for a in attempts] == [503] * (len(attempts) - 1) + [200]
    assert attempts[-1]["startedAt"] - attempts[0]["startedAt"] > OLD_WINDOW * SCALE
    _spacing_respects(attempts, SCALE)


def test_a_delivery_that_keeps_failing_ends_failed_after_the_last_scheduled_attempt(client, demo, receiver,
                                                                                   hooks, db):
    hook = hooks()
    receiver.statuses = DownFor(3600)
    publish(client, demo, "never back")
    ref = _delivery(db, demo, hook["id"])
    seen: list[dict] = []
    delivery = wait_for(lambda: (d := ref.get().to_dict(), seen.append(d))[0]["status"] != "pending" and d,
                        timeout=40)
    time.sleep(1)  # nothing more comes
    assert delivery["attempts"] == len(SVIX) + 1 == len(receiver.requests) == 8
    assert delivery["status"] == "failed" and delivery["lastStatusCode"] == 503
    # Pending while retries remain, between attempts with the time of the next one.
    assert any(d["status"] == "pending" and d.get("nextAttemptAt") for d in seen)
    assert delivery["lastError"].startswith("HTTP 503")
    assert not delivery.get("nextAttemptAt")
    attempts = _attempts(ref)
    _spacing_respects(attempts, SCALE)
    assert attempts[-1]["startedAt"] - attempts[0]["startedAt"] >= sum(SVIX, timedelta()) * SCALE
    listed = client.get(f"/v1/webhooks/{hook['id']}/deliveries", headers=demo.key_headers).json()["data"]
    assert (listed[0]["status"], listed[0]["attempts"]) == ("failed", 8)


def test_a_duplicate_delivery_of_an_attempts_task_adds_no_attempt(client, demo, receiver, hooks, db):
    hook = hooks(scale=None)  # the real schedule: attempt 2 five seconds after 1, attempt 3 five minutes after 2
    receiver.statuses = [503, 503]
    publish(client, demo, "duplicated attempt tasks")
    ref = _delivery(db, demo, hook["id"])
    task = {"userId": demo.uid, "endpointId": hook["id"], "deliveryId": ref.id}
    wait_for(lambda: (ref.get().to_dict() or {}).get("lastStatusCode") == 503, timeout=20)
    # The first attempt's task (the emission's, no attempt number) delivered again, twice at once.
    with ThreadPoolExecutor(2) as pool:
        answers = list(pool.map(lambda _: call_task(client, "deliverWebhook", task, retry_count=1), range(2)))
    assert [a.status_code for a in answers] == [200, 200], [a.text for a in answers]
    assert len(receiver.requests) == 1 and ref.get().get("attempts") == 1
    # Attempt 2 comes at its time, not earlier, and fails too: attempt 3 is 5 minutes away.
    wait_for(lambda: (ref.collection("attempts").document("2").get().to_dict() or {}).get("finishedAt"),
             timeout=20)
    assert len(receiver.requests) == 2
    for replay in ({"attempt": 2}, {}, {"attempt": 1}):
        assert call_task(client, "deliverWebhook", task | replay, retry_count=1).status_code == 200
    # Attempt 3's own task, early: it answers non-2xx (the queue retries it later) and sends nothing.
    early = call_task(client, "deliverWebhook", task | {"attempt": 3})
    assert early.status_code >= 500
    time.sleep(1)
    delivery = ref.get().to_dict()
    assert len(receiver.requests) == 2 and delivery["attempts"] == 2 and delivery["status"] == "pending"
    assert [r["headers"]["Soku-Delivery-Attempt"] for r in receiver.requests] == ["1", "2"]
    attempts = _attempts(ref)
    assert len(attempts) == 2
    _spacing_respects(attempts, 1)


def test_an_attempt_whose_handler_died_counts_as_interrupted_and_the_next_one_follows(
        client, demo, receiver, hooks, db, monkeypatch, time_travel):
    from shared.adapters import safe_http
    from shared.services.webhooks import delivery

    real_send, crashed = safe_http.send, []

    def crash_once(*args, **kwargs):
        if not crashed:
            crashed.append(True)
            raise RuntimeError("the instance died mid-request")
        return real_send(*args, **kwargs)

    monkeypatch.setattr(safe_http, "send", crash_once)
    hook = hooks()
    publish(client, demo, "handler died")
    ref = _delivery(db, demo, hook["id"])
    wait_for(lambda: crashed, timeout=20)
    # Cloud Tasks delivers the task again; the claimed attempt may still be running: it waits.
    time.sleep(2)
    assert ref.get().get("attempts") == 1 and ref.get().get("status") == "pending" and not receiver.requests
    time_travel(seconds=delivery.ATTEMPT_LEASE.total_seconds() + 1)
    done = wait_for(lambda: (d := ref.get().to_dict())["status"] != "pending" and d, timeout=20)
    assert done["status"] == "succeeded" and done["attempts"] == 2
    first = _attempts(ref)[0]
    assert first["statusCode"] is None and "interrupted" in first["error"]
    assert [r["headers"]["Soku-Delivery-Attempt"] for r in receiver.requests] == ["2"]


def test_the_schedule_is_svix_and_the_queue_can_wait_it_out():
    """The queue's own retries outlast the schedule's longest wait (an early task on the CLI's
    emulator is retried until due), and an attempt is taken for interrupted only after the
    delivery function's timeout has ended it."""
    import main  # noqa: F401 - registers the functions
    from firebase_functions.private import serving

    from devstack.provision import manifest_endpoints
    from shared.services.webhooks import delivery

    assert list(delivery.RETRY_SCHEDULE) == SVIX and delivery.MAX_ATTEMPTS == 8
    assert sum(SVIX, timedelta()) > timedelta(days=1)
    endpoint = manifest_endpoints(serving.get_functions())["deliverWebhook"]
    retry = endpoint["taskQueueTrigger"]["retryConfig"]
    assert retry["maxRetrySeconds"] >= (max(SVIX).total_seconds() + retry["maxBackoffSeconds"])
    assert int(endpoint.get("timeoutSeconds") or 60) < delivery.ATTEMPT_LEASE.total_seconds()


@pytest.mark.parametrize("value, ok", [("0.001", True), ("1", True), ("0", False), ("-1", False), ("2", False),
                                       ("fast", False)])
def test_the_scale_setting_is_checked(monkeypatch, value, ok):
    from shared.config import ConfigurationError, _build_settings

    monkeypatch.setenv("GCLOUD_PROJECT", "soku-prod")
    monkeypatch.setenv("SOKU_WEBHOOK_RETRY_SCALE", value)
    if ok:
        assert _build_settings().webhook_retry_scale == float(value)
    else:
        with pytest.raises(ConfigurationError, match="SOKU_WEBHOOK_RETRY_SCALE"):
            _build_settings()
