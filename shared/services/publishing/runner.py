"""The publisher task's work for one run: claim, authorize, publish, record.

Outcomes, following the taxonomy:
- success: run `succeeded` with the platform post id and URL;
- retryable: the run goes back to `queued` with the reason and the task ends
  non-2xx so Cloud Tasks retries with backoff, until MAX_ATTEMPTS, after which
  the run is `failed` with the last reason;
- needs reconnect: run `failed` with `token_expired`, account flagged
  `needs_reconnect` (later posts to it fail fast at submission);
- permanent: run `failed` with the platform's own message.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from typing import Callable

from shared import clock
from shared.adapters.gcp import firestore_client
from shared.platforms import RULES, Platform
from shared.services.publishing import accounts
from shared.services.publishing.base import PostContent, PublishContext, PublishedPost, Publisher
from shared.services.publishing.errors import (
    NeedsReconnectError,
    PermanentError,
    PublishError,
    RetryableError,
)
from shared.services.publishing.registry import publisher_for
from shared.services.publishing import outcomes
from shared.services.webhooks import post_events
from shared.services.publishing.runs import (
    SUBMISSIONS,
    claim_run,
    finish_run,
    release_for_retry,
    save_checkpoint,
)

log = logging.getLogger("soku.publisher")

# Attempts per run before a retryable failure becomes final (the queue's
# retry config allows more deliveries; this cap is ours and is visible).
MAX_ATTEMPTS = 5


class RetryLater(Exception):
    """Raised to the task edge: answer non-2xx so Cloud Tasks retries."""

    def __init__(self, message: str, retry_after: float | None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


@dataclass
class Delivery:
    retry_count: int = 0


def _finish(submission_id: str, target_id: str, status: str, result: dict) -> None:
    """Record a run's final outcome, then everything that follows it (webhooks, repurposing)."""
    finish_run(submission_id, target_id, status, result)
    outcomes.run_finished(submission_id, target_id)


def _unavailable(platform: Platform, submission_id: str, target_id: str) -> str:
    name = RULES[platform].display_name
    _finish(submission_id, target_id, "failed", {
        "code": "platform_unavailable",
        "message": f"Publishing to {name} is not enabled in this deployment yet. "
                   f"Retry the post with POST /v1/posts/{submission_id}/retry once it is.",
        "retryable": True,
    })
    return "failed"


def _with_reauth(publisher: Publisher, ref, ctx: PublishContext, action: Callable[[], PublishedPost]) -> PublishedPost:
    """Refresh an expiring token first, and once more if the platform says 401."""
    account = ctx.account
    if account.tokens.expiring(clock.now()) and account.tokens.refresh_token:
        account.tokens = publisher.refresh(account)
        accounts.store_tokens(ref, account.tokens)
    try:
        return action()
    except NeedsReconnectError:
        if not account.tokens.refresh_token:
            raise
        account.tokens = publisher.refresh(account)  # raises NeedsReconnectError if refused
        accounts.store_tokens(ref, account.tokens)
        return action()


def process_run(platform: Platform, submission_id: str, target_id: str,
                delivery: Delivery | None = None, sleep: Callable[[float], None] = time.sleep) -> str:
    delivery = delivery or Delivery()
    publisher = publisher_for(platform)
    run = claim_run(submission_id, target_id, platform.value, delivery.retry_count)
    if run is None:
        log.info("run %s/%s not claimable: duplicate or cancelled delivery ignored", submission_id, target_id)
        return "skipped"
    if publisher is None:
        return _unavailable(platform, submission_id, target_id)

    submission = firestore_client().collection(SUBMISSIONS).document(submission_id).get().to_dict()
    stored = submission.get("content", {})
    content = PostContent(stored.get("text") or "", stored.get("mediaType", "text"), stored.get("media", []),
                          run.get("options") or {})
    account_ref = account = None
    try:
        account_ref, account = accounts.load_account(submission["userId"], platform, run["accountId"])
        ctx = PublishContext(account, content, dict(run.get("checkpoint") or {}),
                             lambda cp: save_checkpoint(submission_id, target_id, cp), publisher, sleep,
                             run_path=f"{SUBMISSIONS}/{submission_id}/runs/{target_id}")
        post = _with_reauth(publisher, account_ref, ctx, lambda: publisher.publish(ctx))
    except RetryableError as error:
        details = {"code": error.code, "message": error.message, "retryable": True,
                   "retryAfter": error.retry_after, "attempt": run["attemptCount"]}
        if run["attemptCount"] >= MAX_ATTEMPTS:
            _finish(submission_id, target_id, "failed", details | {
                "message": f"{error.message} (gave up after {run['attemptCount']} attempts)"})
            return "failed"
        release_for_retry(submission_id, target_id, details)
        raise RetryLater(error.message, error.retry_after) from error
    except NeedsReconnectError as error:
        if account_ref is not None:
            accounts.flag_needs_reconnect(account_ref, error.message)
            post_events.account_needs_reconnect(account_ref.path, {
                "displayName": account.display_name if account is not None else None,
                "statusReason": error.message, "statusChangedAt": clock.now().isoformat()})
        _finish(submission_id, target_id, "failed",
                   {"code": "token_expired", "message": error.message, "retryable": False})
        return "failed"
    except PermanentError as error:
        _finish(submission_id, target_id, "failed",
                   {"code": error.code, "message": error.message, "retryable": False})
        if account_ref is not None:
            accounts.record_publish(account_ref, {"status": "failed", "code": error.code})
        return "failed"
    except PublishError as error:  # an unclassified platform failure: treat as permanent
        _finish(submission_id, target_id, "failed", {"code": error.code, "message": error.message})
        return "failed"
    except Exception as exc:  # noqa: BLE001 - our own fault or infrastructure: retry, then give up visibly
        log.exception("unexpected error publishing %s/%s", submission_id, target_id)
        details = {"code": "internal_error", "message": "Soku hit an internal error while publishing",
                   "retryable": True, "attempt": run["attemptCount"]}
        if run["attemptCount"] >= MAX_ATTEMPTS:
            _finish(submission_id, target_id, "failed", details)
            return "failed"
        release_for_retry(submission_id, target_id, details)
        raise RetryLater(str(exc), None) from exc
    result = (ctx.checkpoint.get("report") or {}) | {"postId": post.post_id, "url": post.url,
                                                      "platform": platform.value}
    _finish(submission_id, target_id, "succeeded", result)
    accounts.record_publish(account_ref, {"status": "succeeded", "postId": post.post_id})
    return "succeeded"
