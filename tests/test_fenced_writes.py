"""Writes to runs and posts that decide from something read earlier (issue 35, item 7).

The orchestrator fails the runs it listed when the post's media is gone, and the
sweep sets a post's next look (`recoverAt`) from the runs it scanned. Both read,
work, then write; a run claimed or re-queued in between must not be overwritten
or forgotten.
"""

from __future__ import annotations

from shared.platforms import Platform  # noqa: F401 - the platforms' publishers register on import
from shared.services.posts import dispatch, orchestrator, recovery
from shared.services.publishing import runs
from tests.posting import body, final_run, make_due, run_of, run_sweep, submit

LATER = "2099-01-01T00:00:00Z"  # the pipeline leaves these alone: the test moves them on


def _runs(db, sid):
    return db.collection("postSubmissions").document(sid).collection("runs")


def test_failing_the_listed_runs_leaves_a_run_claimed_since_to_its_attempt(client, demo, db):
    sid = submit(client, demo, {**body(["x", "threads"], "media gone, one run already claimed"),
                                "scheduledTime": LATER})
    make_due(sid)  # a post the pipeline leaves alone, due now
    ref = db.collection("postSubmissions").document(sid)
    listed = list(_runs(db, sid).stream())
    assert {r.to_dict()["status"] for r in listed} == {"queued"}
    # Between the listing and the failing, an earlier delivery's task claims the X run.
    claimed = runs.claim_run(sid, "x:x_main", "x", 0, task="publish-earlier")

    orchestrator.fail_runs(ref, listed, {"code": "media_unavailable", "message": "gone", "retryable": False})

    x = run_of(client, demo, sid, "x:x_main")
    assert x["status"] == "processing" and x["attemptCount"] == claimed["attemptCount"], x
    stored = {r.id: r.to_dict() for r in _runs(db, sid).stream()}
    assert [d["status"] for k, d in stored.items() if k.startswith("threads")] == ["failed"]
    # The post stays swept while the claimed run lives: at its lease's end at the latest.
    assert ref.get().get("recoverAt") == stored["x:x_main"]["leaseUntil"]


def test_a_run_requeued_while_the_sweep_works_keeps_the_post_swept(client, demo, db, time_travel, monkeypatch):
    """The sweep scans the runs, recovers them one by one, then sets the post's next look.
    A run failed when scanned but retried (POST /retry whose enqueue failed) while the sweep
    worked on another must still be looked at: the retry's own write is all it has."""
    sid = submit(client, demo, {**body(["x", "threads"], "retried while the sweep worked"),
                                "scheduledTime": LATER})
    make_due(sid)  # dispatched below: a post whose time has come
    ref = db.collection("postSubmissions").document(sid)
    now = runs.clock.now()
    # The state a dispatched post reaches when its Threads run failed and its X run's task
    # was lost MAX_RECOVERIES times (each sweep enqueued one that never came).
    ref.update({"status": "dispatched", "dispatchedAt": now, "recoverAt": now})
    threads_id = next(r.id for r in _runs(db, sid).stream() if r.id.startswith("threads"))
    _runs(db, sid).document(threads_id).update({
        "status": "failed", "result": {"code": "platform_unavailable", "message": "Threads was down"},
        "recoverAt": None, "finishedAt": now})
    _runs(db, sid).document("x:x_main").update({"recoveries": recovery.MAX_RECOVERIES, "recoverAt": now})

    real_recover_run = recovery._recover_run

    def retried_meanwhile(submission_id, target_id, platform):
        if target_id == "x:x_main":
            def enqueue_down(*args, **kwargs):
                raise dispatch.EnqueueError("injected: Cloud Tasks unavailable")

            monkeypatch.setattr(dispatch, "enqueue_run", enqueue_down)
            r = client.post(f"/v1/posts/{sid}/retry", headers=demo.key_headers)
            monkeypatch.setattr(dispatch, "enqueue_run", real_enqueue_run)
            assert r.status_code == 200 and r.json()["retried"] == [threads_id], r.text
        return real_recover_run(submission_id, target_id, platform)

    real_enqueue_run = dispatch.enqueue_run
    monkeypatch.setattr(recovery, "_recover_run", retried_meanwhile)
    recovery.recover_submission(ref, ref.get().to_dict())
    monkeypatch.undo()

    assert run_of(client, demo, sid, "x:x_main")["status"] == "failed"  # lost track of too often
    requeued = _runs(db, sid).document(threads_id).get().to_dict()
    assert requeued["status"] == "queued"
    assert ref.get().get("recoverAt") == requeued["recoverAt"]  # not None: the sweep comes back
    # And it does: past the stall, the sweep gives the retried run its task, and it publishes.
    time_travel(seconds=runs.stall().total_seconds() + 1)
    assert run_sweep(client).status_code in (200, 204)
    assert final_run(client, demo, sid, threads_id, timeout=20)["status"] == "succeeded"


def test_two_runs_never_claim_one_platform_post(client, demo, sandbox, db):
    """Issue 35, item 11: lookups match on text. A run whose create was armed when its process
    died looks its post up; another post with the same words to the same account has published
    since. The tweet it finds is that run's: it must not become this run's too (taking one
    down would then delete the other's)."""
    from shared.clock import now
    from shared.platforms import Platform
    from shared.services.publishing.runner import Delivery, process_run

    words = "same words, two posts, one account"
    armed = submit(client, demo, {**body(["x"], words), "scheduledTime": LATER})
    make_due(armed)  # a post the pipeline leaves alone, due now
    attempt = runs.claim_run(armed, "x:x_main", "x", 0, task="publish-armed")["attemptCount"]
    runs.save_checkpoint(armed, "x:x_main", attempt, {"createArmedAt": now().isoformat()})  # then it died

    other = submit(client, demo, body(["x"], words))
    published = final_run(client, demo, other, "x:x_main")
    assert published["status"] == "succeeded"

    assert process_run(Platform.X, armed, "x:x_main", Delivery(1, "publish-armed")) == "unconfirmed"
    run = run_of(client, demo, armed, "x:x_main")
    assert run["result"]["code"] == "publish_outcome_unknown", run
    assert published["result"]["postId"] in run["result"]["message"]
    owners = [d.to_dict()["run"] for d in db.collection(runs.POST_CLAIMS).where(
        filter=runs.firestore.FieldFilter("postId", "==", published["result"]["postId"])).stream()]
    assert owners == [f"postSubmissions/{other}/runs/x:x_main"]


def test_arming_the_runs_stall_deadline_in_one_transaction_touches_only_queued_runs(client, demo, db):
    """The orchestrator arms every listed run's `recoverAt` in one transaction (runs.await_tasks):
    a run an earlier delivery's task claimed since it was listed keeps its lease as its deadline."""
    from datetime import timedelta

    from shared import clock

    sid = submit(client, demo, {**body(["x", "threads"], "armed together, one run already claimed"),
                                "scheduledTime": LATER})
    make_due(sid)
    claimed = runs.claim_run(sid, "x:x_main", "x", 0, task="publish-earlier")
    until = clock.now() + timedelta(hours=1)

    touched = runs.await_tasks(sid, ["x:x_main", "threads:threads_main"], until)

    assert touched == [False, True]
    stored = {r.id: r.to_dict() for r in _runs(db, sid).stream()}
    assert stored["x:x_main"]["recoverAt"] == claimed["leaseUntil"]
    assert stored["threads:threads_main"]["recoverAt"] == until
    assert runs.await_tasks(sid, [], until) == []
