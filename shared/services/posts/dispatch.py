"""Putting submissions and runs onto their Cloud Tasks queues.

Task names are derived from the work (submission id + schedule version for
the orchestrator; submission id + target id + retry count for a publisher), so
the same work enqueued twice is one task in production.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from google.cloud import firestore

from shared import clock
from shared.adapters.gcp import firestore_client
from shared.adapters.task_queue import EnqueueError, enqueue, task_id
from shared.config import get_settings
from shared.services.posts.scheduling import TASKS_HORIZON, within_tasks_horizon

__all__ = ["EnqueueError", "ORCHESTRATOR_QUEUE", "dispatch_if_due", "enqueue_at", "enqueue_orchestrator",
           "enqueue_run", "new_submission_dispatch", "publisher_queue"]

ORCHESTRATOR_QUEUE = "orchestratePost"
SUBMISSIONS = "postSubmissions"


def publisher_queue(platform: str) -> str:
    """`publishX`, `publishYoutube`, `publishGoogleBusiness`: a Cloud Tasks queue id and a function
    name take letters, digits and hyphens only, so a platform's `_` starts a capital instead."""
    return "publish" + "".join(part.capitalize() for part in platform.split("_"))


def enqueue_at(scheduled_time: datetime) -> datetime:
    """When a far-future post becomes enqueueable (inside the Cloud Tasks horizon)."""
    return scheduled_time - TASKS_HORIZON


def recover_at(enqueue_at: datetime, scheduled_time: datetime | None) -> datetime:
    """When the recovery sweep should look at a submission whose orchestrator is (to be)
    enqueued at `enqueue_at` for `scheduled_time`: the stall after it was due."""
    due = max(enqueue_at, scheduled_time) if scheduled_time is not None else enqueue_at
    return due + timedelta(seconds=get_settings().stall_s)  # runs.stall(), read where it is set


# A new post's own request enqueues its orchestrator right after saving it and answers without
# writing again: the post is saved already flagged `needsDispatch`, due for the minute sweep
# DISPATCH_GRACE after the post itself is due. The orchestrator clears the flag when it runs, so
# the sweep steps in only when that request died between its commit and its enqueue, or its
# enqueue failed; a task it enqueues again under the same name is the same task (409, a no-op).
DISPATCH_GRACE = timedelta(minutes=2)


def new_submission_dispatch(submission_id: str, scheduled_time: datetime | None, now: datetime) -> dict[str, Any]:
    """The dispatch fields a new submission is saved with (version 1, no deferral yet)."""
    if not within_tasks_horizon(scheduled_time):  # the minute sweep enqueues it once inside the horizon
        at = enqueue_at(scheduled_time)  # type: ignore[arg-type]
        return {"needsDispatch": True, "enqueueAt": at, "recoverAt": recover_at(at, scheduled_time)}
    due = max(now, scheduled_time) if scheduled_time is not None else now
    return {"needsDispatch": True, "enqueueAt": due + DISPATCH_GRACE,
            "orchestratorTask": task_id(*_orchestrator_task(submission_id, {})),
            "recoverAt": recover_at(now, scheduled_time)}


def _orchestrator_task(submission_id: str, data: dict[str, Any]) -> tuple[str, ...]:
    """The name parts of a submission's orchestrator task: one per schedule version and hand-back.

    An orchestrator task that arrived early (see orchestrator.py) left its name taken; each
    hand-back gets the next one."""
    version = int(data.get("scheduleVersion", 1))
    deferrals = int(data.get("dispatchDeferrals", 0))
    return ("orchestrate", submission_id, str(version)) + ((str(deferrals),) if deferrals else ())


def enqueue_orchestrator(submission_id: str, data: dict[str, Any]) -> str:
    """Queue the orchestrator for the submission `data`, at its scheduled time; the task's name."""
    return enqueue(
        ORCHESTRATOR_QUEUE,
        {"postSubmissionId": submission_id, "scheduleVersion": int(data.get("scheduleVersion", 1))},
        name_parts=_orchestrator_task(submission_id, data),
        schedule_time=data.get("scheduledTime"),
    )


def dispatch_if_due(submission_id: str, data: dict[str, Any] | None = None,
                    write_batch: firestore.WriteBatch | None = None) -> bool:
    """Enqueue the orchestrator for a submission that needs it and is due. True if enqueued.

    `data` saves a read when the caller already holds the document; with
    `write_batch` the bookkeeping update joins the caller's batch instead of
    costing a commit of its own.
    """
    ref = firestore_client().collection(SUBMISSIONS).document(submission_id)
    if data is None:
        snap = ref.get()
        if not snap.exists:
            return False
        data = snap.to_dict()
    if not data.get("needsDispatch"):
        return False
    if data.get("status") != "queued":
        # Orchestrated, cancelled or rescheduled since: a stale flag would sort first in
        # the sweep's query for ever and starve it.
        _clear_stale_flag(ref, write_batch)
        return False
    scheduled = data.get("scheduledTime")
    if not within_tasks_horizon(scheduled):
        return False  # the minute sweep enqueues it once inside the horizon
    task_name = enqueue_orchestrator(submission_id, data)
    now = clock.now()
    update = {"needsDispatch": False, "orchestratorTask": task_name, "enqueuedAt": now,
              "recoverAt": recover_at(now, scheduled), "updatedAt": now}
    if write_batch is not None:
        write_batch.update(ref, update)
    else:
        ref.update(update)
    return True


def _clear_stale_flag(ref: firestore.DocumentReference, write_batch: firestore.WriteBatch | None) -> None:
    update = {"needsDispatch": False}
    if write_batch is not None:
        write_batch.update(ref, update)
    else:
        ref.update(update)


def enqueue_run(submission_id: str, target_id: str, platform: str, retry_count: int, *,
                schedule_time: datetime | None = None, suffix: tuple[str, ...] = ()) -> str:
    """Queue the publisher for a run. `suffix` names a further task for the same generation
    (a wait for the platform's reset, a recovery): the first one's name stays taken."""
    return enqueue(
        publisher_queue(platform),
        {"postSubmissionId": submission_id, "targetId": target_id},
        name_parts=("publish", submission_id, target_id, str(retry_count), *suffix),
        schedule_time=schedule_time,
    )
