"""Exactly once, at every point a publish can stop: claims, fencing, recovery, the outbox, resets.

Each test drives the real path (the gateway in this process, the CLI's Tasks
emulator, the sandboxes) into a state a crash, a failed write or a stalled
attempt leaves behind, and checks what a user would see: one post on the
platform, a run that ends, and the webhook that says so.
"""

from __future__ import annotations

import time
from datetime import datetime, timedelta

import pytest
from google.api_core.exceptions import ServiceUnavailable

from shared import clock
from shared.adapters.gcp import firestore_client
from shared.platforms import Platform
from tests.conftest import wait_for
from tests.posting import body, call_task, final_run, make_due, run_of, run_sweep, stored_run, submit
from tests.webhook_receiver import receiver  # noqa: F401 - the fixture
from tests.webhook_receiver import register

LATER = "2099-01-01T00:00:00Z"  # a post the pipeline leaves alone: the test delivers its task


class _FailingCommits:
    """Make Firestore commits that write a given document fail, as a network error would."""

    def __init__(self, monkeypatch, path_suffix: str, times: int = 1) -> None:
        self.path_suffix, self.remaining, self.failed = path_suffix, times, 0
        api = firestore_client()._firestore_api
        real = api.commit

        def commit(*args, **kwargs):
            request = kwargs.get("request") or (args[0] if args else {})
            writes = request.get("writes", []) if isinstance(request, dict) else request.writes
            if self.remaining and any(w.update.name.endswith(self.path_suffix) for w in writes):
                self.remaining -= 1
                self.failed += 1
                raise ServiceUnavailable("injected: the commit did not reach Firestore")
            return real(*args, **kwargs)

        monkeypatch.setattr(api, "commit", commit)


def _x_posts(sandbox, text: str) -> list[dict]:
    return [p for p in sandbox.posts("x") if p["text"] == text]


def _lease() -> timedelta:
    from shared.services.publishing import runs

    return runs.lease()


# -- 1. the claim is one commit ----------------------------------------------------------------

def test_a_claim_whose_write_fails_leaves_the_run_claimable(client, demo, sandbox, monkeypatch):
    from shared.services.publishing.runner import Delivery, process_run

    sid = submit(client, demo, {**body(["x"], "claim fails half-way"), "scheduledTime": LATER})
    make_due(sid)  # a post the pipeline leaves alone, due now
    failing = _FailingCommits(monkeypatch, f"postSubmissions/{sid}/runs/x:x_main")
    with pytest.raises(ServiceUnavailable):
        process_run(Platform.X, sid, "x:x_main", Delivery(retry_count=0))
    assert failing.failed == 1
    # Cloud Tasks delivers again: the run must still be claimable, not "skipped" for ever.
    assert process_run(Platform.X, sid, "x:x_main", Delivery(retry_count=1)) == "succeeded"
    assert len(_x_posts(sandbox, "claim fails half-way")) == 1


def test_a_webhook_attempt_whose_write_fails_is_delivered_by_the_next_delivery(client, demo, receiver,
                                                                                monkeypatch, db):
    from shared.services.webhooks import delivery

    hook = register(client, demo, receiver.url, events=["post.published"])
    deliveries = db.collection("users").document(demo.uid).collection("webhooks").document(hook["id"]) \
        .collection("deliveries")
    # The delivery is queued but not sent yet: hold its task by failing the first write to it.
    calls = []
    real_deliver = delivery.deliver

    def deliver_once_failing(user_id, endpoint_id, delivery_id, attempt=1):
        if not calls:
            calls.append(delivery_id)
            _FailingCommits(monkeypatch, f"deliveries/{delivery_id}")
        return real_deliver(user_id, endpoint_id, delivery_id, attempt=attempt)

    monkeypatch.setattr(delivery, "deliver", deliver_once_failing)
    sid = submit(client, demo, body(["x"], "hook whose write fails"))
    final_run(client, demo, sid, "x:x_main")
    wait_for(lambda: calls, timeout=20)
    # Cloud Tasks retries the failed task; the delivery must not be stuck `pending`.
    wait_for(lambda: receiver.events("post.published"), timeout=20)
    stored = deliveries.document(calls[0]).get().to_dict()
    wait_for(lambda: deliveries.document(calls[0]).get().get("status") == "succeeded", timeout=10)
    assert stored["eventType"] == "post.published"


# -- 2. fencing: an attempt that lost the run writes nothing and creates nothing ----------------

def test_a_stalled_attempt_that_lost_its_run_neither_posts_again_nor_overwrites(client, demo, sandbox,
                                                                                stored_media, db):
    from shared.services.publishing.runner import Delivery, process_run

    text = "stalled past its lease"
    media_id = stored_media(demo, "image", 200_000)
    # The pipeline's own attempt stalls in its media upload (the answer takes 4 s) ...
    sandbox.fault("x", "append", "hold", seconds=4)
    sid = submit(client, demo, body(["x"], text, mediaIds=[media_id]))
    wait_for(lambda: ((stored_run(db, sid, "x:x_main") or {}).get("checkpoint") or {}).get("uploads"), timeout=20)
    # ... Cloud Tasks gives up on it and delivers the same task again: attempt 2 takes over and publishes.
    stalled = stored_run(db, sid, "x:x_main")
    later = int(stalled["claimedByDelivery"]) + 1
    assert stalled["status"] == "processing" and stalled["claimedByTask"]
    assert process_run(Platform.X, sid, "x:x_main",
                       Delivery(retry_count=later, task_name=stalled["claimedByTask"])) == "succeeded"
    time.sleep(5)  # the stalled attempt gets its answer: it may neither create nor write
    run = run_of(client, demo, sid, "x:x_main")
    assert run["status"] == "succeeded" and run["attemptCount"] == stalled["attemptCount"] + 1, run
    assert len(_x_posts(sandbox, text)) == 1


def test_a_run_whose_attempts_all_died_gives_up_only_after_looking_for_its_post(client, demo, sandbox, db):
    """Every attempt was interrupted; the create had been armed and the tweet made. The last
    attempt must find it and record it, not fail a run whose post is live."""
    import threading

    from shared.services.publishing import runs
    from shared.services.publishing.runner import MAX_ATTEMPTS, Delivery, process_run

    text = "interrupted again and again"
    sid = submit(client, demo, {**body(["x"], text), "scheduledTime": LATER})
    make_due(sid)  # a post the pipeline leaves alone, due now
    sandbox.fault("x", "create", "hold", seconds=3)  # the tweet is made; this attempt hears nothing
    hung = threading.Thread(target=process_run, args=(Platform.X, sid, "x:x_main", Delivery(retry_count=0)))
    hung.start()
    wait_for(lambda: _x_posts(sandbox, text), timeout=20)
    for delivery in range(1, MAX_ATTEMPTS):  # later deliveries, each dying as soon as it claimed
        assert runs.claim_run(sid, "x:x_main", "x", delivery) is not None
    assert process_run(Platform.X, sid, "x:x_main", Delivery(retry_count=MAX_ATTEMPTS)) == "succeeded"
    hung.join(timeout=10)
    run = run_of(client, demo, sid, "x:x_main")
    assert run["status"] == "succeeded" and run["result"]["postId"] == _x_posts(sandbox, text)[0]["id"]
    assert len(_x_posts(sandbox, text)) == 1

    # Never armed: nothing can be on the platform, and the run says why it stopped.
    other = submit(client, demo, {**body(["x"], "never got as far as the create"), "scheduledTime": LATER})
    make_due(other)  # a post the pipeline leaves alone, due now
    for delivery in range(MAX_ATTEMPTS):
        assert runs.claim_run(other, "x:x_main", "x", delivery) is not None
    assert process_run(Platform.X, other, "x:x_main", Delivery(retry_count=MAX_ATTEMPTS)) == "failed"
    result = run_of(client, demo, other, "x:x_main")["result"]
    assert result["code"] == "publish_interrupted" and "interrupted 5 times" in result["message"]


# -- 3. the recovery sweep ---------------------------------------------------------------------

def test_a_late_retry_of_an_earlier_task_does_not_take_over_a_live_attempt(client, demo, sandbox, time_travel):
    """One run, several tasks, each counting its retries from 0 (issue 35, item 1).

    The first task's attempt outlives its lease; the sweep's recovery task claims the run
    (its delivery 0). The first task's delivery 4 then arrives: a bigger retry count, but of
    another task, so it must leave the live attempt alone. Only the recovery task's own
    later delivery (Cloud Tasks retries a task after its attempt ended) may take over."""
    from shared.services.publishing import runs
    from shared.services.publishing.runner import Delivery, process_run

    sid = submit(client, demo, {**body(["x"], "one run, many tasks"), "scheduledTime": LATER})
    make_due(sid)  # a post the pipeline leaves alone, due now
    assert runs.claim_run(sid, "x:x_main", "x", 0, task="publish-first")["attemptCount"] == 1
    time_travel(seconds=_lease().total_seconds() + 1)  # the first attempt timed out, still running
    assert runs.claim_run(sid, "x:x_main", "x", 0, task="publish-first-recover-1")["attemptCount"] == 2
    assert process_run(Platform.X, sid, "x:x_main",
                       Delivery(retry_count=4, task_name="publish-first")) == "skipped"
    run = run_of(client, demo, sid, "x:x_main")
    assert run["status"] == "processing" and run["attemptCount"] == 2, run
    assert not _x_posts(sandbox, "one run, many tasks")
    # The recovery task's own retry: its attempt ended, so it takes over and publishes once.
    assert process_run(Platform.X, sid, "x:x_main",
                       Delivery(retry_count=1, task_name="publish-first-recover-1")) == "succeeded"
    assert len(_x_posts(sandbox, "one run, many tasks")) == 1


def test_a_run_whose_attempt_never_ends_is_taken_over_after_its_lease(client, demo, sandbox, time_travel):
    text = "publisher that never answers"
    sandbox.fault("x", "create", "hold", seconds=6)  # the tweet is made; the answer hangs
    sid = submit(client, demo, body(["x"], text))
    wait_for(lambda: _x_posts(sandbox, text), timeout=20)
    assert run_of(client, demo, sid, "x:x_main")["status"] == "processing"
    time_travel(seconds=_lease().total_seconds() + 1)
    assert run_sweep(client).status_code in (200, 204)
    # A fresh task reconciles with the tweet the stuck attempt made, while that attempt still hangs.
    run = final_run(client, demo, sid, "x:x_main", timeout=5)
    assert run["status"] == "succeeded" and run["attemptCount"] == 2, run
    time.sleep(6)  # the hung attempt gets its answer now: it may not write
    run = run_of(client, demo, sid, "x:x_main")
    assert run["status"] == "succeeded" and run["attemptCount"] == 2
    assert len(_x_posts(sandbox, text)) == 1


def test_an_orchestration_out_of_attempts_is_enqueued_again(client, demo, sandbox, time_travel, monkeypatch, db):
    from shared.services.posts import orchestrator
    from shared.services.posts.dispatch import EnqueueError

    failures = []

    def enqueue_down(*args, **kwargs):
        failures.append(args)
        raise EnqueueError("injected: Cloud Tasks unavailable")

    monkeypatch.setattr(orchestrator, "enqueue_run", enqueue_down)
    sid = submit(client, demo, body(["x"], "orchestrator gave up"))
    # The orchestrator task fails on every one of its 10 deliveries, then Cloud Tasks drops it.
    wait_for(lambda: len(failures) >= 10, timeout=30)
    time.sleep(1)
    monkeypatch.undo()
    assert db.collection("postSubmissions").document(sid).get().get("status") == "orchestrating"
    time_travel(seconds=_lease().total_seconds() + 1)
    time_travel(seconds=3600)
    run_sweep(client)
    run = final_run(client, demo, sid, "x:x_main", timeout=20)
    assert run["status"] == "succeeded", run
    assert len(_x_posts(sandbox, "orchestrator gave up")) == 1


def test_a_retry_whose_enqueue_fails_is_still_published(client, demo, sandbox, time_travel, monkeypatch):
    from shared.services.posts import dispatch

    sandbox.fault("x", "create", "duplicate")
    sid = submit(client, demo, body(["x"], "retried while the queue was down"))
    assert final_run(client, demo, sid, "x:x_main")["status"] == "failed"

    def enqueue_down(*args, **kwargs):
        raise dispatch.EnqueueError("injected: Cloud Tasks unavailable")

    monkeypatch.setattr(dispatch, "enqueue_run", enqueue_down)
    r = client.post(f"/v1/posts/{sid}/retry", headers=demo.key_headers)
    monkeypatch.undo()
    assert r.status_code == 200, r.text  # recorded: the sweep takes it from here
    assert r.json()["retried"] == ["x:x_main"]
    time_travel(seconds=3600)
    run_sweep(client)
    run = final_run(client, demo, sid, "x:x_main", timeout=20)
    assert run["status"] == "succeeded", run
    assert len(_x_posts(sandbox, "retried while the queue was down")) == 1


def test_stale_dispatch_flags_do_not_starve_the_sweep(client, demo, db, monkeypatch):
    from shared.services.posts import sweep

    monkeypatch.setattr(sweep, "BATCH", 2)
    past = clock.now() - timedelta(minutes=5)
    # Left behind by earlier versions: posts long orchestrated that still say needsDispatch.
    for n in range(5):
        db.collection("postSubmissions").document(f"stale-{demo.uid}-{n}").set(
            {"userId": demo.uid, "status": "dispatched", "needsDispatch": True, "enqueueAt": past - timedelta(hours=1)})
    sid = submit(client, demo, {**body(["x"], "due behind stale flags"), "scheduledTime": LATER})
    ref = db.collection("postSubmissions").document(sid)
    ref.update({"scheduledTime": past, "enqueueAt": past})
    run_sweep(client)
    assert ref.get().get("needsDispatch") is False and ref.get().get("orchestratorTask")
    assert all(db.collection("postSubmissions").document(f"stale-{demo.uid}-{n}").get().get("needsDispatch")
               is False for n in range(5))


def test_an_orchestrated_post_keeps_no_dispatch_flag(client, demo, db, time_travel):
    """An orchestrator task that came early hands the post to the sweep; the task that finally
    runs it must clear the flag, or the post sorts first in the sweep's query for ever."""
    sid = submit(client, demo, {**body(["x"], "early then on time"),
                                "scheduledTime": (clock.now() + timedelta(minutes=2)).isoformat()})
    ref = db.collection("postSubmissions").document(sid)
    wait_for(lambda: (ref.get().to_dict() or {}).get("dispatchDeferrals"))  # handed back to the sweep
    time_travel(minutes=3)
    r = call_task(client, "orchestratePost", {"postSubmissionId": sid, "scheduleVersion": 1})
    assert r.status_code == 200, r.text
    wait_for(lambda: ref.get().get("status") == "dispatched")
    assert ref.get().get("needsDispatch") is False


# -- 4. the outbox: a finished run's events survive a crash right after the commit ------------

def test_events_of_a_finished_run_survive_a_failure_right_after_it(client, demo, receiver, time_travel,
                                                                    monkeypatch, db):
    from shared.services.webhooks import events

    register(client, demo, receiver.url, events=["post.published"])
    failed = []
    real = events.emit_event

    def store_error_once(user_id, event_type, evt, data, **kwargs):
        if not failed and (data.get("post") or {}).get("content", {}).get("text") == "events after a failure":
            failed.append(evt)
            raise ServiceUnavailable("injected: storing the event's deliveries failed")
        return real(user_id, event_type, evt, data, **kwargs)

    monkeypatch.setattr(events, "emit_event", store_error_once)
    sid = submit(client, demo, body(["x"], "events after a failure"))
    assert final_run(client, demo, sid, "x:x_main")["status"] == "succeeded"
    wait_for(lambda: failed)
    time.sleep(1)
    assert not receiver.events("post.published")
    time_travel(minutes=2)
    run_sweep(client)
    event = wait_for(lambda: receiver.events("post.published"), timeout=20)[0]
    assert event["data"]["post"]["id"] == sid and event["data"]["run"]["status"] == "succeeded"


def test_a_delivery_stored_but_never_queued_is_queued_by_the_sweep(client, demo, receiver, time_travel,
                                                                   monkeypatch):
    from shared.adapters.task_queue import EnqueueError
    from shared.services.webhooks import events

    register(client, demo, receiver.url, events=["post.published"])
    refused = []

    def queue_down(*args, **kwargs):
        refused.append(args)
        raise EnqueueError("injected: Cloud Tasks unavailable")

    monkeypatch.setattr(events, "enqueue", queue_down)
    sid = submit(client, demo, body(["x"], "delivery never queued"))
    assert final_run(client, demo, sid, "x:x_main")["status"] == "succeeded"
    wait_for(lambda: refused)
    monkeypatch.undo()
    time_travel(minutes=2)
    run_sweep(client)
    event = wait_for(lambda: receiver.events("post.published"), timeout=20)[0]
    assert event["data"]["post"]["id"] == sid


def test_repurposing_whose_task_ran_out_of_attempts_is_enqueued_again(client, demo, time_travel, monkeypatch):
    from shared.services.repurpose import automation

    r = client.post("/v1/repurposeLinks", headers=demo.key_headers, json={
        "platform": "instagram", "accountId": "acct-a", "type": "text", "templateId": "tweetImage",
        "settings": {"delayHours": 1}})
    assert r.status_code == 201, r.text
    link_id = r.json()["id"]
    failures = []

    def render_down(*args, **kwargs):
        failures.append(args)
        raise automation.RetryLater("injected: rendering unavailable")

    monkeypatch.setattr(automation, "_process", render_down)
    sid = submit(client, demo, body(["x"], "repurposed after all") | {"enableRepurposing": True})
    assert final_run(client, demo, sid, "x:x_main")["status"] == "succeeded"
    wait_for(lambda: len(failures) >= 8, timeout=30)  # every delivery the queue allows
    time.sleep(1)
    monkeypatch.undo()
    time_travel(minutes=41)
    run_sweep(client)

    def created():
        triggers = client.get(f"/v1/repurposeLinks/{link_id}/triggers", headers=demo.key_headers).json()["triggers"]
        return next((t for t in triggers if t["sourcePostSubmissionId"] == sid and t["status"] == "created"), None)

    assert wait_for(created, timeout=30)["derivedPostSubmissionId"]


# -- 6. a platform's reset time is honoured ---------------------------------------------------

def test_a_rate_limit_with_a_reset_time_waits_for_it_without_spending_attempts(client, demo, sandbox,
                                                                               time_travel, db):
    text = "waits for X's reset"
    sandbox.fault("x", "create", "rate_limit", reset_in=120)
    sid = submit(client, demo, body(["x"], text))
    ref = db.collection("postSubmissions").document(sid).collection("runs").document("x:x_main")
    wait_for(lambda: (ref.get().to_dict() or {}).get("waits") == 1, timeout=20)
    time.sleep(1.5)  # the queue's own backoff (0.5 s here) would have retried by now
    stored = ref.get().to_dict()
    assert stored["status"] == "queued" and stored["attemptCount"] == 1 and not _x_posts(sandbox, text)
    run = run_of(client, demo, sid, "x:x_main")
    assert run["lastError"]["code"] == "rate_limited"
    reset = datetime.fromisoformat(run["lastError"]["nextAttemptAt"].replace("Z", "+00:00"))
    assert timedelta(seconds=100) < reset - clock.now() <= timedelta(seconds=121)
    time_travel(minutes=4)
    run_sweep(client)
    run = final_run(client, demo, sid, "x:x_main", timeout=20)
    assert run["status"] == "succeeded", run
    assert len(_x_posts(sandbox, text)) == 1


def test_a_reset_beyond_a_day_fails_the_run_with_the_reason(client, demo, sandbox):
    sandbox.fault("x", "create", "rate_limit", reset_in=25 * 3600)
    sid = submit(client, demo, body(["x"], "a reset tomorrow and then some"))
    run = final_run(client, demo, sid, "x:x_main", timeout=20)
    assert run["status"] == "failed" and run["result"]["code"] == "rate_limited"
    assert "did not reset within 24 hours" in run["result"]["message"]


# -- truly concurrent: transactions are isolated locally too (devstack/node/firestore_transactions.js) --

def test_a_stale_attempt_racing_a_takeover_never_arms_unseen(client, demo, db):
    """The stale attempt's arming and a later delivery's claim race. Either the arming commits
    first and the new attempt sees it (and reconciles), or the arming is refused."""
    from concurrent.futures import ThreadPoolExecutor

    from shared.services.publishing import runs

    for n in range(10):
        sid = submit(client, demo, {**body(["x"], f"race {n}"), "scheduledTime": LATER})
        make_due(sid)  # a post the pipeline leaves alone, due now
        stale = runs.claim_run(sid, "x:x_main", "x", delivery=0)

        def arm():
            try:
                runs.save_checkpoint(sid, "x:x_main", stale["attemptCount"], {"createArmedAt": f"armed-{n}"})
                return True
            except runs.LeaseLost:
                return False

        with ThreadPoolExecutor(2) as pool:
            armed = pool.submit(arm)
            taken = pool.submit(runs.claim_run, sid, "x:x_main", "x", 1)
            armed, taken = armed.result(), taken.result()
        assert taken is not None and taken["attemptCount"] == 2
        if armed:
            assert (taken.get("checkpoint") or {}).get("createArmedAt") == f"armed-{n}"
