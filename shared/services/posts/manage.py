"""Cancel, reschedule and retry a post (`DELETE`, `PATCH`, `POST …/retry`)."""

from __future__ import annotations

import logging

from google.cloud import firestore

from shared import clock
from shared.adapters.gcp import firestore_client
from shared.errors import ConflictError
from shared.services.posts import dispatch, slots
from shared.services.posts.views import load_owned, post_view
from shared.services.publishing import outbox, run_events, runs

log = logging.getLogger("soku.posts")


class NotCancellableError(ConflictError):
    code = "post_not_cancellable"


class NotReschedulableError(ConflictError):
    code = "post_not_reschedulable"


class NotPublishableError(ConflictError):
    code = "post_not_publishable"


class NothingToRetryError(ConflictError):
    code = "nothing_to_retry"


def _cancel_queued_runs(ref: firestore.DocumentReference) -> tuple[int, list[outbox.Entry]]:
    """Cancel each run that no publisher has claimed yet; how many, and the events recorded.

    The cancel that leaves no run unfinished records `post.completed` in its own commit
    (run_events.completed_by, read in the same transaction), as a finishing run does: a
    process that dies right after the commit leaves the event to the outbox's sweep."""
    db = firestore_client()
    canceled = 0
    recorded: list[outbox.Entry] = []
    for run in ref.collection("runs").stream():

        @firestore.transactional
        def cancel(transaction: firestore.Transaction, run_ref=run.reference) -> list[outbox.Entry] | None:
            snap = run_ref.get(transaction=transaction)
            if not snap.exists or snap.get("status") != "queued":
                return None
            now = clock.now()
            update = {"status": "canceled", "finishedAt": now, "updatedAt": now, "recoverAt": None,
                      "result": {"code": "canceled", "message": "Canceled before publishing"}}
            events = run_events.completed_by(transaction, ref, run_ref.id, (snap.to_dict() or {}) | update)
            transaction.update(run_ref, update)
            outbox.record(transaction, events)
            return events

        events = cancel(db.transaction())
        if events is not None:
            canceled += 1
            recorded += events
    return canceled, recorded
def cancel_post(user_id: str, submission_id: str) -> dict:
    ref, data = load_owned(user_id, submission_id)
    if data.get("status") == "canceled":
        return post_view(user_id, submission_id)  # cancelling twice is fine
    db = firestore_client()

    @firestore.transactional
    def cancel_submission(transaction: firestore.Transaction) -> bool:
        snap = ref.get(transaction=transaction)
        if snap.get("status") not in ("queued", "draft"):
            return False
        transaction.update(ref, {"status": "canceled", "needsDispatch": False, "recoverAt": None,
                                 "canceledAt": clock.now(), "updatedAt": clock.now()})
        return True

    whole = cancel_submission(db.transaction())
    if whole:
        slots.release(data.get("slotClaims") or [], submission_id)  # its queue slots are free again
    canceled_runs, events = _cancel_queued_runs(ref)
    outbox.dispatch(events)  # post.completed, when nothing is left running
    if not whole and canceled_runs == 0:
        raise NotCancellableError(
            "Every run of this post has already started publishing; it can no longer be cancelled",
            details={"postSubmissionId": submission_id})
    return post_view(user_id, submission_id)


def publish_now(user_id: str, submission_id: str) -> dict:
    """Publish a draft, or a scheduled post that has not started, now.

    Exactly once, also when it races the post's own scheduled time: the schedule version is
    bumped in the same transaction that makes the post due, so the task of the old version is a
    no-op when it fires (the orchestrator checks the version), and an orchestrator that claimed
    the post first has moved it on from `queued`, which this transaction then refuses (409)."""
    ref, _ = load_owned(user_id, submission_id)

    @firestore.transactional
    def make_due(transaction: firestore.Transaction) -> dict | str:
        data = ref.get(transaction=transaction).to_dict()
        status = data.get("status")
        if status not in ("draft", "queued"):
            return status
        if status == "queued" and data.get("scheduledTime") is None:
            return data  # already publishing as soon as it can: nothing to change
        now = clock.now()
        update = {"status": "queued", "scheduledTime": None, "scheduleVersion": int(data.get("scheduleVersion", 1)) + 1,
                  "publishedNowAt": now, "updatedAt": now}
        # Due now; dispatch_if_due below names the task after the new version.
        update |= {k: v for k, v in dispatch.new_submission_dispatch(submission_id, None, now).items()
                   if k != "orchestratorTask"}
        transaction.update(ref, update)
        return data | update

    outcome = make_due(firestore_client().transaction())
    if isinstance(outcome, str) or outcome is None:
        raise NotPublishableError(
            f"Only a draft or a scheduled post that has not started can be published now; this post is {outcome}",
            details={"postSubmissionId": submission_id, "status": outcome})
    slots.release(outcome.get("slotClaims") or [], submission_id)  # it no longer needs its queue slot
    if outcome.get("needsDispatch"):
        # The sweep queues it within a minute if this enqueue fails (needsDispatch, enqueueAt).
        try:
            dispatch.dispatch_if_due(submission_id, outcome)
        except dispatch.EnqueueError:
            log.exception("publish now: could not queue submission %s; the sweep will", submission_id)
    return post_view(user_id, submission_id)


def checkpoint_for_retry(checkpoint: dict | None) -> dict:
    """The checkpoint a failed run's new generation (POST /retry) starts from.

    A checkpoint is kept only for what may protect against a second post. The rule:

    - `createArmedAt` set: a create was armed and never answered with a refusal, so the
      platform holds the post or may (an answered create stays armed too: base.py's
      create_once only disarms on a refusal). The next create_once reconciles through the
      publisher's find_existing, which reads the platform's ids kept in the checkpoint
      (TikTok's publishId and upload, Instagram's containers and publishedId, YouTube's
      video, ...), and publishers resume from them: the checkpoint is kept whole. Dropping
      only TikTok's publishId here would make a FILE_UPLOAD retry init again beside a
      publish that may have completed.
    - otherwise nothing of the failed generation can be a post: every create it armed was
      refused (create_once disarms), or the publisher proved none was made (TikTok drops a
      publish its status reported FAILED, and an incomplete upload, disarming with them).
      Its platform state (upload sessions, media ids, containers, per-run counters such as
      TikTok's upload sessions, a report) is then dropped and the retry starts fresh: reused,
      it is at best stale (expired URLs and media ids) and at worst fails the new
      generation at once. Only `createFirstArmedAt` stays, the marker create_once reads
      after a duplicate_content answer to look for this run's post since its first arming.
    """
    checkpoint = dict(checkpoint or {})
    if checkpoint.get("createArmedAt") is not None:
        # A thread (publishing/thread.py) keeps the posts it recorded; a reply not recorded is
        # held to this same rule on its own checkpoint, so the retry resumes at that reply.
        recorded = len((checkpoint.get("thread") or {}).get("posted") or [])
        if checkpoint.get("threadParts"):
            checkpoint["threadParts"] = {
                index: part if int(index) < recorded else checkpoint_for_retry(part)
                for index, part in checkpoint["threadParts"].items()}
        return checkpoint
    return {key: checkpoint[key] for key in ("createFirstArmedAt",) if checkpoint.get(key) is not None}


def retry_post(user_id: str, submission_id: str) -> dict:
    ref, data = load_owned(user_id, submission_id)
    if data.get("status") != "dispatched":
        raise NothingToRetryError("Only a dispatched post's failed or unconfirmed runs can be retried",
                                  details={"postSubmissionId": submission_id, "status": data.get("status")})
    db = firestore_client()
    requeued = []
    # `unconfirmed` runs too: the user has looked at the account and found the post missing.
    retriable = ("failed", "unconfirmed")
    for run in ref.collection("runs").where(filter=firestore.FieldFilter("status", "in", list(retriable))).stream():

        @firestore.transactional
        def requeue(transaction: firestore.Transaction, run_ref=run.reference) -> dict | None:
            snap = run_ref.get(transaction=transaction)
            current = snap.to_dict()
            if current.get("status") not in retriable:
                return None
            now = clock.now()
            # A new generation: its attempts count afresh, its waits and recoveries (the
            # sweep's lost tasks) too, and it keeps of the failed generation's checkpoint only
            # what guards against a second post.
            update = {"status": "queued", "retryCount": int(current.get("retryCount", 0)) + 1,
                      # Unconfirmed: the user checked, so nothing of the last try is kept (kept, an
                      # armed create would only be looked for again, and ends unconfirmed again).
                      # A thread stopped part-way and taken down: nothing of it is left to resume.
                      "checkpoint": {} if current.get("status") == "unconfirmed"
                      or (current.get("deletion") or {}).get("status") == "deleted"
                      else checkpoint_for_retry(current.get("checkpoint")),
                      "deletion": None, "deletedAt": None,
                      "lastResult": current.get("result"), "result": None, "finishedAt": None,
                      "waits": 0, "waitingSince": None, "notBefore": None, "recoveries": 0,
                      "attemptBase": int(current.get("attemptCount", 0)),
                      "recoverAt": now + runs.stall(), "updatedAt": now}
            transaction.update(run_ref, update)
            # The sweep looks at this post again if the run's task never comes.
            transaction.update(ref, {"recoverAt": now + runs.stall(), "updatedAt": now})
            return current | update

        run_data = requeue(db.transaction())
        if run_data is not None:
            try:
                dispatch.enqueue_run(submission_id, run.id, run_data["platform"], run_data["retryCount"])
            except dispatch.EnqueueError:
                # Requeued and recorded: the recovery sweep enqueues it after the stall.
                log.exception("could not enqueue the retry of %s/%s", submission_id, run.id)
            requeued.append(run.id)
    if not requeued:
        raise NothingToRetryError("This post has no failed or unconfirmed runs to retry",
                                  details={"postSubmissionId": submission_id})
    return post_view(user_id, submission_id) | {"retried": requeued}
