"""The publisher task's work for one run: claim, authorize, publish, record.

Outcomes, following the taxonomy:
- success: run `succeeded` with the platform post id and URL;
- retryable: the run goes back to `queued` with the reason and the task ends
  non-2xx so Cloud Tasks retries with backoff, until MAX_ATTEMPTS, after which
  the run is `failed` with the last reason;
- retryable with the platform's reset time (`retry_after` beyond the queue's
  own backoff: X's rate-limit reset, YouTube's daily quota): the run waits
  `queued` until then and a task scheduled for that time takes it up, without
  spending an attempt; past MAX_WAIT the run is `failed` with the reason;
- needs reconnect: run `failed` with `token_expired`, account flagged
  `needs_reconnect` (later posts to it fail fast at submission);
- permanent: run `failed` with the platform's own message;
- unconfirmed: run `unconfirmed` (errors.UnconfirmedError): the platform may hold the post, or
  holds it for the creator to finish; Soku does not try again by itself;
- early: a delivery before the post's `scheduledTime` claims nothing and ends non-2xx
  (runs.NotYetDue), so Cloud Tasks delivers it again later.

Every write goes through runs.py's fenced transitions: an attempt that lost
the run (LeaseLost) stops where it is and answers 2xx, writing nothing.
The final state and its events commit together; the events are dispatched
right after (outbox.py), and by the recovery sweep if this process dies first.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Callable

from shared import clock, crashpoints
from shared.adapters.gcp import firestore_client
from shared.platforms import RULES, Platform
from shared.services.posts.dispatch import enqueue_run
from shared.services.publishing import accounts, outbox
from shared.services.publishing.base import PostContent, PublishContext, PublishedPost, Publisher
from shared.services.publishing.errors import (
    NeedsReconnectError,
    PermanentError,
    PublishError,
    RetryableError,
    UnconfirmedError,
)
from shared.services.publishing.registry import publisher_for
from shared.services.publishing.thread import (
    publish_with_thread,
    published_so_far,
    reply_options,
    unfinished_thread,
)
from shared.services.repurpose import hook as repurpose_hook
from shared.services.publishing.runs import (
    SUBMISSIONS,
    LeaseLost,
    NotYetDue,
    PostClaimedByAnotherRun,
    claim_run,
    finish_run,
    release_for_retry,
    save_checkpoint,
    spent_attempts,
    wait_until,
)
from shared.adapters.task_queue import EnqueueError

log = logging.getLogger("soku.publisher")

# Attempts per run before a retryable failure becomes final (the queue's
# retry config allows more deliveries; this cap is ours and is visible).
MAX_ATTEMPTS = 5
# A platform's reset time is honoured with a scheduled task when it is further
# away than the queue's own first backoff; a run waits for resets at most this long.
MIN_HONOURED_WAIT = timedelta(seconds=10)
MAX_WAIT = timedelta(hours=24)


class RetryLater(Exception):
    """Raised to the task edge: answer non-2xx so Cloud Tasks retries."""

    def __init__(self, message: str, retry_after: float | None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


@dataclass
class Delivery:
    """Which Cloud Tasks delivery runs this attempt: the task's name and its retry count."""

    retry_count: int = 0
    task_name: str = ""


@dataclass
class Attempt:
    """One claimed attempt: the run it holds and its fencing token."""

    submission_id: str
    target_id: str
    number: int
    generation: int  # the run's retryCount: POST /retry starts a new generation
    # Once the attempt has its context: a run that ends unpublished with part of its thread
    # published says so in its result (thread.unfinished_thread).
    ctx: PublishContext | None = None

    def finish(self, status: str, result: dict, extra_events: list[outbox.Entry] = (),
               also: Callable | None = None) -> None:
        """Record the final outcome with its events in one commit, then dispatch them.

        `also(transaction)` adds writes of its own to that commit, fenced like it (and
        returns the events they cause)."""
        if status != "succeeded" and self.ctx is not None:
            result = unfinished_thread(self.ctx) | result
        events = finish_run(self.submission_id, self.target_id, self.number, status, result, list(extra_events),
                            also=also)
        crashpoints.reached("finish")
        outbox.dispatch(events)


def _unavailable(platform: Platform, attempt: Attempt) -> str:
    name = RULES[platform].display_name
    attempt.finish("failed", {
        "code": "platform_unavailable",
        "message": f"Publishing to {name} is not enabled in this deployment yet. "
                   f"Retry the post with POST /v1/posts/{attempt.submission_id}/retry once it is.",
        "retryable": True,
    })
    return "failed"


def _last_look(publisher: Publisher, ctx: PublishContext, armed: str) -> PublishedPost | None:
    """The post an armed create may have made, looked up through the listing lag; None: not there.

    find_existing answers "may the create be skipped?", which for some platforms is also
    true of a post still being made (TikTok: an upload begun); a run given up on must only
    be recorded as published when the post is there, so those publishers say so."""
    find = getattr(publisher, "find_published", publisher.find_existing)
    return ctx.look_for_armed_post(find, datetime.fromisoformat(armed))


def _after_interruptions(publisher: Publisher, ctx: PublishContext, run: dict) -> PublishedPost:
    """Earlier attempts all died mid-way (crash, timeout): give up, but never on a live post.

    If a create was armed, the platform may hold the post: look it up one last
    time and record it if it is there; otherwise the run fails, saying so.
    """
    spent = spent_attempts(run) - 1
    if published_so_far(ctx.checkpoint):
        # The thread's first post is there (and maybe replies): the run ends failed, listing them.
        raise PermanentError(f"Publishing the thread was interrupted {spent} times (the publisher stopped "
                             f"before recording a result); POST /v1/posts/{{id}}/retry resumes it",
                             code="publish_interrupted")
    armed = ctx.checkpoint.get("createArmedAt")
    if armed is not None:
        found = _last_look(publisher, ctx, armed)
        if found is not None:
            return found
    message = f"Publishing was interrupted {spent} times (the publisher stopped before recording a result)"
    if armed is not None:
        message += ("; the post was not found on the platform, but one made in the last moments may not be "
                    "visible yet: check the account before retrying")
    raise PermanentError(message, code="publish_interrupted")



def _fail_unless_posted(platform: Platform, publisher: Publisher, ctx: PublishContext | None, attempt: Attempt,
                        details: dict, also: Callable | None = None) -> PublishedPost | str:
    """End the run failed with `details`, unless an armed create may have made its post.

    For failures that are not the platform's verdict on the post (attempts spent on errors,
    a refused token, our own faults); a PermanentError is that verdict and fails the run as is.

    A run whose create is armed (an earlier attempt sent it and never learned the outcome)
    must not end failed while the platform holds its post: it is looked up one last time
    (waiting out the listing lag). Found: the post is returned and the run succeeds. Not
    there: failed, as asked. Not looked up (the lookup itself failed: a refused token, the
    platform down): `unconfirmed`, saying why, since Soku cannot tell."""
    armed = ctx.checkpoint.get("createArmedAt") if ctx is not None else None
    if armed is None or published_so_far(ctx.checkpoint):
        # Nothing armed, or a thread whose first post is recorded: the first post needs no
        # last look, and the reply that stopped it stays armed for POST /retry to reconcile.
        attempt.finish("failed", details, also=also)
        return "failed"
    try:
        found = _last_look(publisher, ctx, armed)
    except LeaseLost:
        raise
    except Exception as error:  # noqa: BLE001 - any failure to look leaves the outcome unknown
        why = error.message if isinstance(error, PublishError) else "Soku hit an internal error"
        if not isinstance(error, PublishError):
            log.exception("could not look up the armed create of %s/%s", attempt.submission_id, attempt.target_id)
        name = RULES[platform].display_name
        attempt.finish("unconfirmed", {
            "code": "publish_outcome_unknown", "retryable": True,
            "message": f"{details['message']}. An earlier attempt sent the post to {name} without learning "
                       f"whether it was made, and Soku could not look it up ({why}): check the account, "
                       f"and retry with POST /v1/posts/{attempt.submission_id}/retry if the post is missing."},
            also=also)
        return "unconfirmed"
    if found is not None:
        return found
    attempt.finish("failed", details, also=also)
    return "failed"

def _wait_for_reset(platform: Platform, attempt: Attempt, run: dict, error: RetryableError,
                    details: dict) -> str | None:
    """Park the run until the platform's reset time; None when the queue's backoff will do."""
    if error.retry_after is None or error.retry_after < MIN_HONOURED_WAIT.total_seconds():
        return None
    now = clock.now()
    not_before = now + timedelta(seconds=error.retry_after)
    waiting_since = run.get("waitingSince") or now
    if not_before - waiting_since > MAX_WAIT:
        attempt.finish("failed", details | {
            "message": f"{error.message} (the platform's limit did not reset within "
                       f"{MAX_WAIT.total_seconds() / 3600:g} hours of the first wait)"})
        return "failed"
    parked = wait_until(attempt.submission_id, attempt.target_id, attempt.number, not_before,
                        details | {"nextAttemptAt": clock.iso(not_before)})
    try:
        enqueue_run(attempt.submission_id, attempt.target_id, platform.value, attempt.generation,
                    schedule_time=not_before, suffix=("wait", str(parked["waits"])))
    except EnqueueError:
        log.exception("could not schedule %s/%s for %s; the sweep will", attempt.submission_id,
                      attempt.target_id, not_before)
    return "waiting"


def _with_reauth(publisher: Publisher, ref, ctx: PublishContext, action: Callable[[], PublishedPost]) -> PublishedPost:
    """Refresh an expiring token first, and once more if the platform says 401."""
    account = ctx.account
    if accounts.due_for_refresh(publisher, account):
        accounts.refresh_tokens(ref, account, publisher)  # single-flight: other runs may refresh too
    try:
        return action()
    except NeedsReconnectError:
        if not account.tokens.refresh_token:
            raise
        accounts.refresh_tokens(ref, account, publisher)  # raises NeedsReconnectError if refused
        return action()


def process_run(platform: Platform, submission_id: str, target_id: str,
                delivery: Delivery | None = None, sleep: Callable[[float], None] = time.sleep) -> str:
    delivery = delivery or Delivery()
    try:
        run = claim_run(submission_id, target_id, platform.value, delivery.retry_count, delivery.task_name)
    except NotYetDue as early:
        # Non-2xx: nothing is published before its time, and a genuine task that came early
        # is delivered again after the queue's backoff (runs.claim_run says why not a 2xx).
        log.warning("run %s/%s delivered before its post's scheduled time %s: not claimed",
                    submission_id, target_id, early.due.isoformat())
        raise RetryLater(str(early), max(0.0, (early.due - clock.now()).total_seconds())) from early
    if run is None:
        log.info("run %s/%s not claimable: duplicate, early or cancelled delivery ignored",
                 submission_id, target_id)
        return "skipped"
    crashpoints.reached("claim")
    attempt = Attempt(submission_id, target_id, int(run["attemptCount"]), int(run.get("retryCount", 0)))
    try:
        return _publish(platform, attempt, run, sleep)
    except LeaseLost as lost:
        # A later attempt, or the recovery sweep, owns the run now: it decides the outcome.
        log.warning("%s; this attempt stops without writing", lost)
        return "superseded"


def _publish(platform: Platform, attempt: Attempt, run: dict, sleep: Callable[[float], None]) -> str:
    submission_id, target_id = attempt.submission_id, attempt.target_id
    publisher = publisher_for(platform)
    if publisher is None:
        return _unavailable(platform, attempt)

    def save(checkpoint: dict) -> None:
        save_checkpoint(submission_id, target_id, attempt.number, checkpoint)
        crashpoints.reached("checkpoint")

    submission = firestore_client().collection(SUBMISSIONS).document(submission_id).get().to_dict()
    stored = submission.get("content", {})
    options = run.get("options") or {}
    replies = [PostContent(part.get("text") or "", part.get("mediaType", "text"), part.get("media", []),
                           reply_options(options))
               for part in stored.get("thread") or []]
    content = PostContent(stored.get("text") or "", stored.get("mediaType", "text"), stored.get("media", []),
                          options, replies)
    account_ref = account = ctx = None
    try:
        account_ref, account = accounts.load_account(submission["userId"], platform, run["accountId"])
        ctx = PublishContext(account, content, dict(run.get("checkpoint") or {}), save, publisher, sleep,
                             run_path=f"{SUBMISSIONS}/{submission_id}/runs/{target_id}")
        attempt.ctx = ctx
        if spent_attempts(run) > MAX_ATTEMPTS:
            post = _with_reauth(publisher, account_ref, ctx, lambda: _after_interruptions(publisher, ctx, run))
        else:
            post = _with_reauth(publisher, account_ref, ctx, lambda: publish_with_thread(publisher, ctx))
    except LeaseLost:
        raise
    except RetryableError as error:
        details = {"code": error.code, "message": error.message, "retryable": True,
                   "retryAfter": error.retry_after, "attempt": run["attemptCount"]}
        waited = _wait_for_reset(platform, attempt, run, error, details)
        if waited is not None:
            return waited
        if spent_attempts(run) < MAX_ATTEMPTS:
            release_for_retry(submission_id, target_id, attempt.number, details)
            raise RetryLater(error.message, error.retry_after) from error
        post = _fail_unless_posted(platform, publisher, ctx, attempt, details | {
            "message": f"{error.message} (gave up after {spent_attempts(run)} attempts)"})
    except NeedsReconnectError as error:
        also = None
        if account_ref is not None:
            # Flagged in the run's own fenced commit: an attempt that lost its run flags nothing,
            # and an account whose tokens changed since they were refused is left connected.
            also = accounts.flag_if_refused(account_ref, account.tokens if account is not None else None,
                                            error.message,
                                            account.display_name if account is not None else None)
        post = _fail_unless_posted(platform, publisher, ctx, attempt,
                                   {"code": "token_expired", "message": error.message, "retryable": False},
                                   also=also)
    except UnconfirmedError as error:
        attempt.finish("unconfirmed", {**error.report, "code": error.code, "message": error.message,
                                       "retryable": True})
        return "unconfirmed"
    except PermanentError as error:
        attempt.finish("failed", {"code": error.code, "message": error.message,
                                  "retryable": error.code == "publish_interrupted"})
        if account_ref is not None:
            accounts.record_publish(account_ref, {"status": "failed", "code": error.code})
        return "failed"
    except PublishError as error:  # an unclassified platform failure: treat as permanent
        attempt.finish("failed", {"code": error.code, "message": error.message})
        return "failed"
    except Exception as exc:  # noqa: BLE001 - our own fault or infrastructure: retry, then give up visibly
        log.exception("unexpected error publishing %s/%s", submission_id, target_id)
        details = {"code": "internal_error", "message": "Soku hit an internal error while publishing",
                   "retryable": True, "attempt": run["attemptCount"]}
        if spent_attempts(run) < MAX_ATTEMPTS:
            release_for_retry(submission_id, target_id, attempt.number, details)
            raise RetryLater(str(exc), None) from exc
        post = _fail_unless_posted(platform, publisher, ctx, attempt, details)
    if isinstance(post, str):
        return post
    result = (ctx.checkpoint.get("report") or {}) | {"postId": post.post_id, "url": post.url,
                                                      "platform": platform.value}
    try:
        attempt.finish("succeeded", result, [outbox.repurpose(submission_id, target_id)]
                       if repurpose_hook.wants_repurposing(submission) else [])
    except PostClaimedByAnotherRun as claimed:
        # The lookup matched another run's identical post (text, account): it is not this run's.
        # Whether this run's own create was made is unknown: say so, never share the post.
        name = RULES[platform].display_name
        attempt.finish("unconfirmed", {
            "code": "publish_outcome_unknown", "retryable": True, "platformPostId": claimed.post_id,
            "message": f"Soku could not confirm this run's post: the matching post it found on {name} "
                       f"({claimed.post_id}) is already the post of another run ({claimed.owner}). Check the "
                       f"account, and retry with POST /v1/posts/{submission_id}/retry if the post is missing."})
        return "unconfirmed"
    accounts.record_publish(account_ref, {"status": "succeeded", "postId": post.post_id})
    return "succeeded"
