"""The recovery sweep: work that stopped moving is moved on, or ended with a reason.

Every non-terminal submission carries `recoverAt`: the moment after which, if
nothing has moved it on, something was lost (a task that ran out of attempts,
an enqueue that failed after a commit, a process killed on every delivery).
Each run carries its own `recoverAt` (runs.py). Once a minute the sweep takes
the submissions whose time has come, oldest first, for as long as its time
budget lasts (each one it handles moves its `recoverAt` on, so the next minute
resumes where this one stopped), and for each:

- `queued`, orchestrator enqueued but never ran: enqueue it again (a fresh task name);
- `orchestrating` past the stall (the orchestrator died mid-way or ran out of
  attempts): enqueue it again, at most MAX_ORCHESTRATIONS times, then fail its
  queued runs with a reason the user can read;
- `dispatched`: every run past its own `recoverAt` is recovered: a run still
  `processing` after its lease lost its attempt (the fencing token stays with
  the dead attempt, so it can write nothing more) and goes back to `queued`; a
  `queued` run whose task never came (or was early: the platform's reset time)
  gets a fresh task. The runner ends a run whose attempts all died with
  `publish_interrupted`. A run recovered MAX_RECOVERIES times is `failed`.

**Slow is not lost.** Before a queued submission or run is given another task,
Cloud Tasks is asked whether the task it waits for still exists
(task_queue.task_exists): a task still queued behind a backlog (`publishTiktok`
runs 20 at a time, so 500 TikTok posts at 09:00 with uploads of a few minutes each
drain in 25 to 100 minutes), or between its retries, will be delivered. Such a run waits another stall: no task is added, no recovery is
counted, nothing is failed. Only a task that is gone (delivered, deleted, out of
attempts, never created) is lost. When the queue cannot tell (no permission, an
emulator without GetTask) the task is treated as lost, as before.

Then the submission's `recoverAt` moves to the earliest deadline of its live
runs, or is cleared when every run is terminal. So no run stays non-terminal
longer than its lease (or stall) plus one sweep period, unless its task is still
queued, and the query never returns the same stale document twice in a row.
"""

from __future__ import annotations

import logging
import time
from datetime import datetime, timedelta
from typing import Any

from google.cloud import firestore

from shared import clock
from shared.adapters import task_queue
from shared.adapters.gcp import firestore_client
from shared.services.posts import dispatch, orchestrator
from shared.services.posts.dispatch import (ORCHESTRATOR_QUEUE, SUBMISSIONS, EnqueueError, enqueue_run,
                                            publisher_queue)
from shared.services.publishing import outbox, runs
from shared.adapters.task_queue import enqueue, task_id

log = logging.getLogger("soku.recovery")
BATCH = 100
MAX_ORCHESTRATIONS = 3
MAX_RECOVERIES = 8


def recover_due(limit: int = BATCH, deadline: float | None = None) -> dict[str, int]:
    """Recover the submissions past their `recoverAt`, oldest first, in pages of `limit`, until
    none is left or `deadline` (time.monotonic()) has passed. `more` says the budget ran out
    with some left: each one handled has moved its `recoverAt` on, so the next sweep resumes
    with the rest; one that failed goes behind the others due."""
    counts = {"submissions": 0, "recovered": 0, "failed": 0, "more": 0}
    now = clock.now()
    last = None
    while True:
        query = (firestore_client().collection(SUBMISSIONS)
                 .where(filter=firestore.FieldFilter("recoverAt", "<=", now))
                 .order_by("recoverAt").limit(limit))
        if last is not None:
            query = query.start_after(last)
        page = 0
        for snap in query.stream():
            if deadline is not None and time.monotonic() >= deadline:
                counts["more"] = 1
                return counts
            page += 1
            last = snap
            counts["submissions"] += 1
            try:
                counts["recovered"] += recover_submission(snap.reference, snap.to_dict(), deadline)
            except Exception:  # noqa: BLE001 - one bad document must not stop the sweep
                counts["failed"] += 1
                log.exception("could not recover submission %s; again after the others due", snap.id)
                _behind_the_others(snap.reference)
        if page < limit:
            return counts


def _behind_the_others(ref: firestore.DocumentReference) -> None:
    """A submission whose recovery failed is tried again after every other one due now (a
    minute on, it sorts after them): a few bad documents never take a backlog's budget."""
    try:
        ref.update({"recoverAt": clock.now() + timedelta(minutes=1)})
    except Exception:  # noqa: BLE001 - then it is simply first again next minute
        log.exception("could not move submission %s behind the others", ref.id)


def recover_submission(ref: firestore.DocumentReference, data: dict[str, Any], deadline: float | None = None) -> int:
    """Recover what is stuck in one submission; the number of tasks enqueued or runs ended.
    Past `deadline` (time.monotonic()) its remaining runs are left due for the next sweep: a
    post with many stuck runs (each may ask Cloud Tasks about its task) fits the budget too."""
    status = data.get("status")
    now = clock.now()
    if status == "queued":
        if data.get("needsDispatch"):
            # The dispatch pass owns it (its enqueue keeps failing): look again later.
            ref.update({"recoverAt": now + runs.stall()})
            return 0
        if _orchestrator_coming(ref, data):
            return 0
        return _redispatch(ref)
    if status == "orchestrating":
        if _orchestrator_coming(ref, data):
            return 0
        return _reorchestrate(ref, data)
    if status != "dispatched":
        ref.update({"recoverAt": None})  # cancelled, or a state with nothing to recover
        return 0
    recovered = 0
    for run in ref.collection("runs").stream():
        run_data = run.to_dict()
        if run_data.get("status") in runs.TERMINAL:
            continue
        if deadline is not None and time.monotonic() >= deadline:
            break  # the rest stay due: the submission's recoverAt (below) keeps it first in line
        due = run_data.get("recoverAt") or (data.get("dispatchedAt") or now) + runs.stall()
        if due <= now:
            if run_data.get("status") == "queued" and _task_coming(ref.id, run.id, run_data):
                # Still in the queue: another stall, without a second task or a recovery counted.
                runs.await_task(ref.id, run.id, now + runs.stall())
                continue
            recovered += _recover_run(ref.id, run.id, run_data["platform"])
    # From the runs as they are now (one transaction), not from this scan: a run re-queued
    # while the sweep worked (POST /retry whose enqueue failed) must keep the post swept.
    runs.reschedule_submission(ref)
    return recovered


def awaited_tasks(submission_id: str, target_id: str, run: dict[str, Any]) -> list[str]:
    """The tasks (ids in the run's publisher queue) that may still deliver a queued run: any of
    them claims it when it comes. Task names are derived from the work (dispatch.enqueue_run):

    - the task that last claimed the run (`claimedByTask`): released for a retry, it is
      delivered again after the queue's backoff;
    - this generation's latest recovery task (`recoveries`: an earlier one was gone when the
      next was enqueued) and latest wait for a platform's reset (`waits`: an earlier wait's
      task would come before the run's `notBefore` and do nothing);
    - this generation's first task (the orchestrator's, or POST /retry's)."""
    generation = ("publish", submission_id, target_id, str(int(run.get("retryCount", 0))))
    names = [run.get("claimedByTask") or ""]
    if int(run.get("recoveries", 0)):
        names.append(task_id(*generation, "recover", str(int(run["recoveries"]))))
    if int(run.get("waits", 0)):
        names.append(task_id(*generation, "wait", str(int(run["waits"]))))
    names.append(task_id(*generation))
    return list(dict.fromkeys(name for name in names if name))


def _task_coming(submission_id: str, target_id: str, run: dict[str, Any]) -> bool:
    """Whether Cloud Tasks still holds a task that will deliver this queued run. Not when the
    queue cannot tell: a run whose task is lost must be recovered."""
    queue = publisher_queue(run["platform"])
    for name in awaited_tasks(submission_id, target_id, run):
        if task_queue.task_exists(queue, name):
            log.warning("run %s/%s is still waiting in %s (task %s): the queue is slow, not the task "
                        "lost; looking again in %s", submission_id, target_id, queue, name, runs.stall())
            return True
    return False


def _orchestrator_coming(ref: firestore.DocumentReference, data: dict[str, Any]) -> bool:
    """A submission whose orchestrator task (`orchestratorTask`: the last one enqueued for it)
    is still in its queue, waiting behind a backlog or between retries, is slow, not lost:
    it waits another stall, without a second task or a recovery counted. True if so."""
    name = data.get("orchestratorTask")
    if not name or not task_queue.task_exists(ORCHESTRATOR_QUEUE, name):
        return False
    now = clock.now()

    @firestore.transactional
    def wait(transaction: firestore.Transaction) -> None:
        current = ref.get(transaction=transaction).to_dict() or {}
        if current.get("status") == data.get("status") and current.get("recoverAt") == data.get("recoverAt"):
            transaction.update(ref, {"recoverAt": now + runs.stall(), "updatedAt": now})

    wait(firestore_client().transaction())
    log.warning("submission %s (%s) is still waiting for its orchestrator task %s: the queue is slow, "
                "not the task lost; looking again in %s", ref.id, data.get("status"), name, runs.stall())
    return True


def _redispatch(ref: firestore.DocumentReference) -> int:
    """A queued submission whose orchestrator never ran: enqueue it under a fresh name."""

    @firestore.transactional
    def flag(transaction: firestore.Transaction) -> dict | None:
        data = ref.get(transaction=transaction).to_dict() or {}
        if data.get("status") != "queued" or data.get("needsDispatch"):
            return None
        update = {"needsDispatch": True, "enqueueAt": clock.now(),
                  "dispatchDeferrals": int(data.get("dispatchDeferrals", 0)) + 1}
        transaction.update(ref, update)
        return data | update

    data = flag(firestore_client().transaction())
    if data is None:
        return 0
    log.warning("submission %s was never orchestrated; enqueueing it again", ref.id)
    return int(dispatch.dispatch_if_due(ref.id, data))


def _reorchestrate(ref: firestore.DocumentReference, data: dict[str, Any]) -> int:
    recoveries = int(data.get("orchestrationRecoveries", 0)) + 1
    now = clock.now()
    if recoveries > MAX_ORCHESTRATIONS:
        _fail_queued_runs(ref, {
            "code": "dispatch_failed", "retryable": True,
            "message": f"Soku could not prepare this post for publishing after {MAX_ORCHESTRATIONS} "
                       f"tries (media or dispatch kept failing). Retry it with "
                       f"POST /v1/posts/{ref.id}/retry."})
        return 1
    version = int(data.get("scheduleVersion", 1))
    name_parts = ("orchestrate", ref.id, str(version), "recover", str(recoveries))
    # The task the submission waits for from now on: the next sweep asks the queue for it.
    ref.update({"orchestrationRecoveries": recoveries, "orchestratorTask": task_id(*name_parts),
                "recoverAt": now + runs.stall(), "updatedAt": now})
    log.warning("orchestration of %s stalled; enqueueing it again (%d)", ref.id, recoveries)
    enqueue(ORCHESTRATOR_QUEUE, {"postSubmissionId": ref.id, "scheduleVersion": version},
            name_parts=name_parts)
    return 1


def _fail_queued_runs(ref: firestore.DocumentReference, result: dict) -> None:
    queued = list(ref.collection("runs").where(filter=firestore.FieldFilter("status", "==", "queued")).stream())
    orchestrator.fail_runs(ref, queued, result)


def _recover_run(submission_id: str, target_id: str, platform: str) -> int:
    ref = runs.run_ref(submission_id, target_id)

    @firestore.transactional
    def release(transaction: firestore.Transaction) -> dict | None:
        data = ref.get(transaction=transaction).to_dict() or {}
        now = clock.now()
        status = data.get("status")
        deadline: datetime | None = data.get("recoverAt")
        if status in runs.TERMINAL or (deadline is not None and deadline > now):
            return None  # moved on since the sweep read it
        if status == "processing" and data.get("leaseUntil") is not None and data["leaseUntil"] > now:
            return None
        recoveries = int(data.get("recoveries", 0)) + 1
        update = {"status": "queued", "leaseUntil": None, "recoveries": recoveries,
                  "recoverAt": now + runs.stall(), "updatedAt": now}
        if status == "processing":
            update["lastError"] = {
                "code": "attempt_interrupted", "retryable": True, "attempt": data.get("attemptCount"),
                "message": f"Attempt {data.get('attemptCount')} stopped before recording a result "
                           f"(its lease ran out); publishing resumes from its checkpoint"}
        transaction.update(ref, update)
        return data | update

    released = release(firestore_client().transaction())
    if released is None:
        return 0
    if released["recoveries"] > MAX_RECOVERIES:
        try:
            events = runs.finish_run(submission_id, target_id, None, "failed", {
                "code": "dispatch_failed", "retryable": True,
                "message": f"Soku lost track of this run {MAX_RECOVERIES} times and stopped trying. "
                           f"Retry it with POST /v1/posts/{submission_id}/retry."})
        except runs.LeaseLost:
            return 0  # claimed meanwhile: it is moving again
        outbox.dispatch(events)  # its webhooks, frozen in finish_run's commit
        return 1
    log.warning("run %s/%s stuck (%s); enqueueing it again", submission_id, target_id,
                released.get("lastError", {}).get("code") if released.get("lastError") else "queued")
    try:
        enqueue_run(submission_id, target_id, platform, int(released.get("retryCount", 0)),
                    suffix=("recover", str(released["recoveries"])))
    except EnqueueError:
        log.exception("could not enqueue %s/%s; the next sweep tries again", submission_id, target_id)
        return 0
    return 1
