"""The orchestrator task: `queued -> orchestrating -> dispatched`, one task per run.

Safe to run twice: it only acts on a submission that is still `queued` (or
`orchestrating`, when an earlier delivery crashed half-way) with the schedule
version the task was created for; a rescheduled or cancelled post makes older
tasks no-ops.

It never publishes before `scheduledTime`. Cloud Tasks honours a task's
schedule time, but a task may still arrive early: run by hand, or by the
Firebase CLI's Tasks emulator, which ignores schedule times and dispatches at
once. An early task hands the post back to the minute sweep (`needsDispatch`,
`enqueueAt` = the scheduled time), which enqueues it again when it is due.
"""

from __future__ import annotations

import contextvars
import logging
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

from google.cloud import firestore

from shared import clock
from shared.adapters.gcp import firestore_client
from shared.services.posts.dispatch import SUBMISSIONS, enqueue_run
from shared.services.posts.materialize import MediaUnavailable, materialize_media
from shared.services.publishing import outbox, runs

log = logging.getLogger("soku.orchestrator")

# Clocks differ a little between Cloud Tasks and this instance; a task this close
# to its time is due.
EARLY_TOLERANCE = timedelta(seconds=5)
# Publisher tasks created at once by one orchestration (_enqueue_all).
MAX_PARALLEL_ENQUEUES = 16


def orchestrate(submission_id: str, schedule_version: int) -> str:
    db = firestore_client()
    ref = db.collection(SUBMISSIONS).document(submission_id)

    @firestore.transactional
    def claim(transaction: firestore.Transaction) -> str:
        snap = ref.get(transaction=transaction)
        if not snap.exists:
            return "missing"
        data = snap.to_dict()
        if int(data.get("scheduleVersion", 1)) != schedule_version:
            return "superseded"  # rescheduled since this task was created
        if data.get("status") not in ("queued", "orchestrating"):
            return data.get("status")
        scheduled = data.get("scheduledTime")
        if data.get("status") == "queued" and scheduled is not None and scheduled > clock.now() + EARLY_TOLERANCE:
            transaction.update(ref, {"needsDispatch": True, "enqueueAt": scheduled,
                                     # a fresh task name: the early task's own stays taken
                                     "dispatchDeferrals": int(data.get("dispatchDeferrals", 0)) + 1,
                                     "updatedAt": clock.now()})
            return "not_due"
        transaction.update(ref, {"status": "orchestrating", "orchestratingAt": clock.now(),
                                 "needsDispatch": False, "recoverAt": clock.now() + runs.stall(),
                                 "updatedAt": clock.now()})
        return "claimed"

    outcome = claim(db.transaction())
    if outcome != "claimed":
        log.info("orchestrator skipped %s: %s", submission_id, outcome)
        return outcome
    queued = list(ref.collection("runs").where(filter=firestore.FieldFilter("status", "==", "queued")).stream())
    try:
        materialize_media(ref, ref.get().to_dict())
    except MediaUnavailable as unavailable:
        fail_runs(ref, queued, {"code": "media_unavailable", "message": unavailable.message, "retryable": False})
        return "media_unavailable"
    # Each run waits for its task from now on (the recovery sweep enqueues it again after
    # the stall); set before the enqueue, so a run whose task is lost is always swept. Only
    # runs still queued: an earlier delivery of this task may have enqueued and claimed some.
    now = clock.now()
    runs.await_tasks(submission_id, [run.id for run in queued], now + runs.stall())
    _enqueue_all(submission_id, queued)
    # The sweep looks at the post after one lease: no run claimed from now on can hold a
    # lease ending earlier, so none stays stuck longer than that plus a sweep.
    ref.update({"status": "dispatched", "dispatchedAt": now,
                "recoverAt": now + min(runs.lease(), runs.stall()), "updatedAt": now})
    return "dispatched"


def _enqueue_all(submission_id: str, queued: list) -> None:
    """One publisher task per run, sent together: each is a round trip to Cloud Tasks that
    waits on no other (names are the work's, so order is irrelevant). The first failure is
    raised once all were tried, as the loop raised it: the delivery fails and is retried, and
    tasks already created are the same tasks then (409, a no-op)."""
    def one(run) -> None:
        data = run.to_dict()
        enqueue_run(submission_id, run.id, data["platform"], int(data.get("retryCount", 0)))

    if len(queued) <= 1:
        for run in queued:
            one(run)
        return
    with ThreadPoolExecutor(max_workers=min(len(queued), MAX_PARALLEL_ENQUEUES)) as pool:
        # Each in a copy of this context: logs keep the delivery's correlation (trace, task).
        outcomes = [pool.submit(contextvars.copy_context().run, one, run) for run in queued]
    for outcome in outcomes:
        outcome.result()


def fail_runs(ref: firestore.DocumentReference, queued: list, result: dict) -> None:
    """Every listed run that is still queued `failed` with the reason, its events in the same
    commit (each run's own fenced transition: one claimed since it was listed is left to its
    attempt), then dispatched; the post is `dispatched`, swept again while any run lives."""
    events = []
    for run in queued:
        try:
            events += runs.finish_run(ref.id, run.id, None, "failed", result)
        except runs.LeaseLost:
            log.info("run %s/%s moved on since it was listed; left to its attempt", ref.id, run.id)
    runs.reschedule_submission(ref, {"status": "dispatched", "dispatchedAt": clock.now()})
    outbox.dispatch(events)
