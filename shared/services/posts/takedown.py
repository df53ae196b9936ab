"""Take a published post down at its platform (`DELETE /v1/posts/{id}/runs/{targetId}/published`,
or every run at once: `POST /v1/posts/{id}/unpublish`).

`DELETE /v1/posts/{id}` cancels what has not started; this deletes what a run
published. Only a `succeeded` run has a post (`result.postId`) to delete, or a
`failed` one whose thread stopped part-way (its `result.thread` lists what it published);
a thread's replies are deleted with it. The run keeps its status (the publish did
happen) and gains `deletedAt` and a `deletion` record:

    (none | failed) ──claim──▶ deleting ──▶ deleted | failed

**Claiming.** The platform is called only under a claim: one transaction sets
`deletion.status = "deleting"` with a new `deletion.attempt` number, and, as
the run state machine's claim does (publishing/runs.py), `create()`s
`deletions/{attempt}` first, so of two concurrent claims exactly one commits
even where a transaction's read were not isolated (the create's precondition
holds on its own). A concurrent
request finds the claim and answers 409 `deletion_in_progress`. A claim older
than STALE_CLAIM (its holder died) may be taken over; deleting twice is
harmless because a platform's "no such post" counts as deleted.

**Outcome.** `deleted` (also when the platform no longer had the post:
`alreadyGone`) is recorded with `deletedAt` and, in the same commit, the
outbox entry of the `post.deleted` webhook (publishing/outbox.py), so the event
goes out exactly once per run however often the request is repeated. A
repeated request on a deleted run answers the same run without calling the
platform. `failed` keeps the platform's words; calling again tries again.

**Errors.** When the account's authorization must change first (disconnected,
expired or revoked: 409 `account_needs_reconnect`; the delete permission not
granted: 409 `missing_permission`), no retry can help until the user reconnects
it. Any other platform refusal or outage is answered 502 `platform_error`: the
request was valid and the post exists, the upstream call failed (as
transcription's `upstream_error` and templates' `render_failed`, the spec's
`api_error` type). `details` carry the taxonomy code (`token_expired`,
`rate_limited`, …), whether retrying can help, and the run.
"""

from __future__ import annotations

import contextvars
import logging
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import Any

from google.api_core.exceptions import AlreadyExists
from google.cloud import firestore

from shared import clock
from shared.adapters.gcp import firestore_client
from shared.errors import ConflictError, NotFoundError, SokuError
from shared.platforms import Platform
from shared.services.posts.views import load_owned, post_view, run_view
from shared.services.publishing import outbox
from shared.services.publishing.account_calls import with_account
from shared.services.publishing.deletion import UNSUPPORTED, NotDeletable, PostGone
from shared.services.publishing.errors import NeedsReconnectError, PublishError, RetryableError

log = logging.getLogger("soku.posts")

# A `deleting` claim this old is presumed dead (its request timed out or crashed): the request
# holding it ends within the function's 60 s (platform calls are cut at
# account_calls.CALL_TIMEOUT), so two minutes is past any live holder.
STALE_CLAIM = timedelta(minutes=2)
_takedowns = ThreadPoolExecutor(max_workers=8, thread_name_prefix="takedown")


class NotPublishedError(ConflictError):
    code = "post_not_published"


class DeletionInProgressError(ConflictError):
    code = "deletion_in_progress"


class DeletionNotSupportedError(SokuError):
    """The platform's API has no way to delete a published post: no request can change that."""

    status = 422
    code = "deletion_not_supported"


class AccountActionNeededError(ConflictError):
    """The account must be reconnected (or reconnected with the delete permission) first."""

    code = "account_needs_reconnect"


class PlatformDeletionError(SokuError):
    status = 502
    code = "platform_error"


def take_down(user_id: str, submission_id: str, target_id: str) -> dict[str, Any]:
    """Delete the post run `target_id` published; the run as `GET /v1/posts/{id}` shows it."""
    post_ref, _ = load_owned(user_id, submission_id)  # another user's post answers 404
    ref = post_ref.collection("runs").document(target_id)
    snap = ref.get()
    if not snap.exists:
        raise NotFoundError(f"Post {submission_id} has no target {target_id}",
                            details={"postSubmissionId": submission_id, "targetId": target_id})
    current = snap.to_dict()
    if _deletion(current).get("status") == "deleted":
        return run_view(current)  # done before: the same answer, and no platform call
    _check_deletable(submission_id, target_id, current)
    attempt, run = _claim(ref, submission_id, target_id)
    if attempt is None:
        return run_view(run)  # a concurrent request finished it between our read and our claim
    platform, post_ids = Platform(run["platform"]), _post_ids(run["result"])
    try:
        with_account(user_id, platform, run["accountId"],
                     lambda publisher, account: _delete_posts(publisher, account, post_ids))
        already_gone = False
    except PostGone:
        already_gone = True
    except PublishError as error:
        failed = _finish(ref, attempt, {"status": "failed", "error": _error_record(error)})
        if isinstance(error, NotDeletable):
            raise DeletionNotSupportedError(
                f"{platform.value} will not delete the post of run {target_id}: {error.message}",
                details={"postSubmissionId": submission_id, "targetId": target_id, "platform": platform.value,
                         "platformCode": error.code, "retryable": False, "run": run_view(failed)}) from None
        if isinstance(error, NeedsReconnectError) or error.code == "missing_permission":
            # Not the platform failing: the account's authorization must change (reconnect it,
            # granting the delete permission), so no retry of this request can succeed before.
            raise AccountActionNeededError(
                f"{platform.value} did not delete the post of run {target_id}: {error.message}",
                code="missing_permission" if error.code == "missing_permission" else "account_needs_reconnect",
                details={"postSubmissionId": submission_id, "targetId": target_id, "platform": platform.value,
                         "platformCode": error.code, "retryable": False, "run": run_view(failed)}) from None
        raise PlatformDeletionError(
            f"{platform.value} did not delete the post of run {target_id}: {error.message}",
            details={"postSubmissionId": submission_id, "targetId": target_id, "platform": platform.value,
                     "platformCode": error.code, "retryable": isinstance(error, RetryableError),
                     "run": run_view(failed)},
            headers=_retry_after(error)) from None
    except Exception:
        # Our own failure: record it, so the next request may try again at once.
        _finish(ref, attempt, {"status": "failed", "error": {
            "code": "internal_error", "message": "Soku failed while deleting the post", "retryable": True}})
        raise
    entry = outbox.post_deleted(submission_id, target_id)
    done = _finish(ref, attempt, {"status": "deleted", "alreadyGone": already_gone}, entry)
    outbox.dispatch([entry])
    return run_view(done)


def take_down_all(user_id: str, submission_id: str) -> dict[str, Any]:
    """Take down the post of every run that published; the post, and what happened to each.

    The runs are taken down in parallel (a request must answer inside the function's and
    Hosting's 60 s), each exactly as `take_down` (its own claim, record and event): a run that
    fails or cannot be deleted does not stop the others, and is reported in `takedown` with
    the reason; calling again retries what failed and leaves the rest alone.
    """
    post_ref, _ = load_owned(user_id, submission_id)
    published = {snap.id: (snap.to_dict() or {}).get("platform") for snap in post_ref.collection("runs").stream()
                 if _published(snap.to_dict() or {})}
    if not published:
        raise NotPublishedError("No run of this post has published; nothing to delete",
                                details={"postSubmissionId": submission_id})
    # One context copy per run, made here: the worker threads log with this request's id.
    futures = [_takedowns.submit(contextvars.copy_context().run, _take_down_one, user_id, submission_id,
                                 target_id, platform)
               for target_id, platform in sorted(published.items())]
    outcomes = [future.result() for future in futures]
    return post_view(user_id, submission_id) | {"takedown": outcomes}


def _take_down_one(user_id: str, submission_id: str, target_id: str, platform: str | None) -> dict[str, Any]:
    outcome: dict[str, Any] = {"targetId": target_id, "platform": platform}
    try:
        taken = take_down(user_id, submission_id, target_id)
        return outcome | {"outcome": "deleted", "alreadyGone": bool((taken.get("deletion") or {}).get("alreadyGone"))}
    except DeletionNotSupportedError as error:
        return outcome | {"outcome": "not_supported", "error": {"code": error.code, "message": error.message}}
    except DeletionInProgressError as error:
        return outcome | {"outcome": "in_progress", "error": {"code": error.code, "message": error.message}}
    except (PlatformDeletionError, AccountActionNeededError) as error:
        details = error.details or {}
        return outcome | {"outcome": "failed", "error": {"code": details.get("platformCode", error.code),
                                                         "message": error.message,
                                                         "retryable": bool(details.get("retryable"))}}
    except SokuError as error:  # the run changed under us (e.g. retried and no longer published)
        return outcome | {"outcome": "failed", "error": {"code": error.code, "message": error.message,
                                                         "retryable": False}}
    except Exception:  # noqa: BLE001 - our own failure on one run: the others still answer
        log.exception("taking down %s/%s failed", submission_id, target_id)
        return outcome | {"outcome": "failed", "error": {"code": "internal_error",
                                                         "message": "Soku failed while deleting the post",
                                                         "retryable": True}}


def _published(run: dict[str, Any]) -> bool:
    """Whether the run has a post on the platform: it succeeded, or it failed part-way through a
    thread (publishing/thread.py), whose result lists the posts it did publish."""
    result = run.get("result") or {}
    if not result.get("postId"):
        return False
    return run.get("status") == "succeeded" or (run.get("status") == "failed" and "thread" in result)


def _post_ids(result: dict[str, Any]) -> list[str]:
    """The run's posts, in the order they are deleted: a thread's replies first, the last one
    first, then the post (a reply never outlives the post it answers, even for a moment)."""
    return [str(part["postId"]) for part in reversed(result.get("thread") or [])] + [str(result["postId"])]


def _delete_posts(publisher, account, post_ids: list[str]) -> None:
    """Delete each post; one the platform no longer has counts as deleted (a repeated take-down
    after a partial one finds the first replies gone). PostGone only when every one was gone."""
    gone = 0
    for post_id in post_ids:
        try:
            publisher.delete_post(account, post_id)
        except PostGone:
            gone += 1
    if gone == len(post_ids):
        raise PostGone("the platform no longer has the post")


def _deletion(run: dict[str, Any]) -> dict[str, Any]:
    return run.get("deletion") or {}


def _check_deletable(submission_id: str, target_id: str, run: dict[str, Any]) -> None:
    details = {"postSubmissionId": submission_id, "targetId": target_id, "platform": run.get("platform"),
               "status": run.get("status")}
    # The platform first: on these, no state of the run makes deleting possible.
    try:
        platform = Platform(run.get("platform"))
    except ValueError:
        raise DeletionNotSupportedError(f"Unknown platform {run.get('platform')!r}", details=details) from None
    if platform in UNSUPPORTED:
        raise DeletionNotSupportedError(UNSUPPORTED[platform], details=details)
    if not _published(run):
        hint = {"queued": f"; to stop it publishing, cancel the post instead (DELETE /v1/posts/{submission_id})",
                "processing": "; it is publishing now: wait for its outcome"}.get(run.get("status"), "")
        raise NotPublishedError(f"Run {target_id} has not published (it is {run.get('status')}); "
                                f"nothing to delete{hint}", details=details)


def _claim(ref: firestore.DocumentReference, submission_id: str,
           target_id: str) -> tuple[int | None, dict[str, Any]]:
    """(the new deletion attempt number, the run), or (None, the run) when it is already deleted."""

    @firestore.transactional
    def claim(transaction: firestore.Transaction) -> tuple[int | None, dict[str, Any]]:
        run = ref.get(transaction=transaction).to_dict() or {}
        deletion = _deletion(run)
        now = clock.now()
        if deletion.get("status") == "deleted":
            return None, run
        if deletion.get("status") == "deleting" and deletion.get("claimedAt") and \
                deletion["claimedAt"] > now - STALE_CLAIM:
            raise DeletionInProgressError(
                f"The post of run {target_id} is being deleted by another request; ask again shortly",
                details={"postSubmissionId": submission_id, "targetId": target_id})
        _check_deletable(submission_id, target_id, run)
        attempt = int(deletion.get("attempt", 0)) + 1
        # The create first: the emulator applies a commit's writes in order and stops at the
        # first that fails, so a lost race writes nothing (publishing/runs.py, claim_run).
        transaction.create(ref.collection("deletions").document(str(attempt)),
                           {"claimedAt": now, "previousStatus": deletion.get("status")})
        transaction.update(ref, {"deletion": {"status": "deleting", "attempt": attempt, "claimedAt": now,
                                              "at": now}, "updatedAt": now})
        return attempt, run

    try:
        return claim(firestore_client().transaction())
    except AlreadyExists:
        raise DeletionInProgressError(
            f"The post of run {target_id} is being deleted by another request; ask again shortly",
            details={"postSubmissionId": submission_id, "targetId": target_id}) from None


def _finish(ref: firestore.DocumentReference, attempt: int, outcome: dict[str, Any],
            event: outbox.Entry | None = None) -> dict[str, Any]:
    """Record the outcome of deletion attempt `attempt`; the run as stored afterwards.

    `deleted` always stands (the post is down, whoever saw it last) and brings its event
    along; a failure is recorded only while this attempt still holds the claim (a takeover
    after a stale claim has its own outcome to record).
    """

    @firestore.transactional
    def finish(transaction: firestore.Transaction) -> dict[str, Any]:
        run = ref.get(transaction=transaction).to_dict() or {}
        deletion = _deletion(run)
        if deletion.get("status") == "deleted":
            return run
        if outcome["status"] != "deleted" and int(deletion.get("attempt", 0)) != attempt:
            return run
        now = clock.now()
        update: dict[str, Any] = {"deletion": {**outcome, "attempt": attempt, "at": now}, "updatedAt": now}
        if outcome["status"] == "deleted":
            update["deletedAt"] = now
            outbox.record(transaction, [event] if event else [])
        transaction.update(ref, update)
        return run | update

    return finish(firestore_client().transaction())


def _error_record(error: PublishError) -> dict[str, Any]:
    return {"code": error.code, "message": error.message, "retryable": isinstance(error, RetryableError),
            **({"reconnect": True} if isinstance(error, NeedsReconnectError) else {})}


def _retry_after(error: PublishError) -> dict[str, str]:
    seconds = getattr(error, "retry_after", None)
    return {"Retry-After": str(max(1, int(seconds)))} if seconds else {}
