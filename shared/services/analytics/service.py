"""`GET /v1/posts/{id}/metrics` and `GET /v1/accounts/{id}/metrics`: fetch, cache, shape.

A post's runs are read in parallel (a post has up to ~20 targets, each a platform round trip
or several) on a small pool; every run answers on its own: metrics, `not_published`, or an
`error` with the platform's refusal, so one failing platform never fails the whole answer.
"""

from __future__ import annotations

import contextvars
import logging
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from typing import Any

from shared import clock
from shared.platforms import Platform, loader
from shared.services.analytics import cache
from shared.services.analytics.base import supports
from shared.services.connections import store as connections
from shared.services.posts.views import load_owned
from shared.services.publishing.account_calls import with_account
from shared.services.publishing.errors import PublishError, RetryableError

log = logging.getLogger("soku.analytics")
MAX_PARALLEL = 8
_IN_FLIGHT = ("queued", "processing")


def _error(error: PublishError) -> dict[str, Any]:
    # The publishers' catch-all refusal code names a publish; here nothing was being published.
    code = "metrics_unavailable" if error.code == "publish_rejected" else error.code
    out: dict[str, Any] = {"code": code, "message": error.message,
                           "retryable": isinstance(error, RetryableError)}
    if isinstance(error, RetryableError) and error.retry_after is not None:
        out["retryAfter"] = int(error.retry_after)
    return out


def _fetch(user_id: str, key: str, platform: Platform, account_id: str, call,
           kind: str) -> tuple[dict, datetime, int | None]:
    """Ask the platform: (answer, fetchedAt, seconds it may be served again or None), cached."""
    fetcher = loader.part(platform, "insights")  # the platform package's metrics reader
    failure: PublishError | None = None
    try:
        if supports(fetcher, kind):
            result = with_account(user_id, platform, account_id, lambda publisher, account: call(fetcher, publisher,
                                                                                                 account))
        else:
            result = call(fetcher, None, None)  # refuses without a platform call
        body = {"status": "ok", **result.body(), "error": None}
    except PublishError as error:
        failure = error
        body = {"status": "error", "metrics": None, "platformMetrics": None, "error": _error(error)}
    except Exception:  # noqa: BLE001 - our fault: this run says so, the others still answer
        log.exception("metrics of %s failed", key)
        body = {"status": "error", "metrics": None, "platformMetrics": None,
                "error": {"code": "internal_error", "message": "Soku could not read these metrics",
                          "retryable": True}}
        return body, clock.now(), None
    fetched_at = clock.now()
    ttl = cache.ttl_for(failure)
    if ttl is not None:
        try:
            cache.write(key, user_id, body, fetched_at, ttl, platform=platform.value, account_id=account_id)
        except Exception:  # noqa: BLE001 - the answer stands; the next read fetches again
            log.exception("could not cache the metrics of %s", key)
    return body, fetched_at, ttl


def _answer(key: str, user_id: str, refresh: bool, platform: Platform, account_id: str,
            call, kind: str) -> tuple[dict, int | None]:
    entry = cache.read(key, user_id, refresh=refresh)
    if entry is not None:
        return entry.body | {"fetchedAt": clock.iso(entry.fetched_at), "cached": True}, \
            entry.remaining_s(clock.now())
    body, fetched_at, ttl = _fetch(user_id, key, platform, account_id, call, kind)
    return body | {"fetchedAt": clock.iso(fetched_at), "cached": False}, ttl


def _run_metrics(user_id: str, post_id: str, run: dict, refresh: bool) -> tuple[dict, int | None]:
    result = run.get("result") or {}
    published = run.get("status") == "succeeded" and bool(result.get("postId"))
    base = {"targetId": run.get("targetId"), "platform": run.get("platform"), "accountId": run.get("accountId"),
            "runStatus": run.get("status"), "postId": result.get("postId") if published else None,
            "url": result.get("url") if published else None}
    if not published or run.get("deletedAt"):
        # No platform call: there is nothing there to measure (yet, or any more: a post Soku took
        # down would only cost the user's platform quota for a not-found answer).
        limit = 0 if run.get("status") in _IN_FLIGHT else None
        status = "deleted" if published else "not_published"
        return base | {"status": status, "metrics": None, "platformMetrics": None, "fetchedAt": None,
                       "cached": False, "error": None}, limit
    key = cache.post_key(user_id, post_id, run["targetId"])
    answer, ttl = _answer(key, user_id, refresh, Platform(run["platform"]), run["accountId"],
                          lambda fetcher, publisher, account: fetcher.post(publisher, account, result), "posts")
    return base | answer, ttl if ttl is not None else 0


def _max_age(limits: list[int | None]) -> int | None:
    known = [limit for limit in limits if limit is not None]
    return min(known) if known else None


def post_metrics(user_id: str, post_id: str, refresh: bool = False) -> tuple[dict, int | None]:
    """Every run's metrics, and how long the whole answer may be kept (seconds, None: unknown)."""
    ref, _ = load_owned(user_id, post_id)
    runs = sorted((snap.to_dict() for snap in ref.collection("runs").stream()),
                  key=lambda run: run.get("targetId") or "")
    if not runs:
        return {"postSubmissionId": post_id, "runs": []}, 0
    with ThreadPoolExecutor(max_workers=min(MAX_PARALLEL, len(runs)), thread_name_prefix="metrics") as pool:
        # Each task in its own copy of this request's context, taken here in the request's thread
        # (copied inside the worker it would be the worker's empty one), so its log lines still
        # name the request.
        futures = [pool.submit(contextvars.copy_context().run, _run_metrics, user_id, post_id, run, refresh)
                   for run in runs]
        answers = [future.result() for future in futures]
    return {"postSubmissionId": post_id, "runs": [a for a, _ in answers]}, _max_age([t for _, t in answers])


def account_metrics(user_id: str, account_id: str, platform: Platform | None = None,
                    refresh: bool = False) -> tuple[dict, int | None]:
    platform, _ = connections.find(user_id, account_id, platform)  # 404 (or 409 ambiguous) like GET /v1/accounts/{id}
    key = cache.account_key(user_id, platform.value, account_id)
    answer, ttl = _answer(key, user_id, refresh, platform, account_id,
                          lambda fetcher, publisher, account: fetcher.account(publisher, account), "accounts")
    return {"accountId": account_id, "platform": platform.value} | answer, ttl if ttl is not None else 0


def cache_control(max_age: int | None) -> str:
    """The answer's `Cache-Control`: private (it is one user's), for as long as every run's
    metrics stay fresh; `no-store` while a run may still publish or failed transiently."""
    return f"private, max-age={max_age}" if max_age else "no-store"
