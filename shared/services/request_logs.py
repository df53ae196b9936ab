"""Request logs: `users/{uid}/apiRequests` for every call with an identity, and
`errorLogs` for every 5xx.

What is stored is an allow-list built here: method, route pattern, path (no
query string), function, status, latency, request id, key id (the key's
SHA-256, already its public id), tier, error code. Never bodies, headers, query
strings or exception messages (an exception message may quote a secret):
errorLogs keep the exception's class and the file:line frames of its traceback.

Writing happens after the response has been sent: the pipeline registers the
write with `response.call_on_close`, which the WSGI server calls once the body
is out, and the callback hands it to a small background pool, so neither this
response nor the next request on a keep-alive connection waits for Firestore.
Both documents of one request go in one commit. On Cloud Functions (2nd gen,
request-based billing) CPU is throttled outside requests, so a write queued
after the response may run late, during the instance's next request, or be
lost if the instance is shut down first; `SOKU_REQUEST_LOG_MODE=inline` writes
before responding instead (one more round trip on the response path), `off`
disables logging. Documents expire through the `expiresAt` TTL field.
"""

from __future__ import annotations

import logging
import os
import threading
import traceback
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from shared import clock
from shared.adapters.gcp import firestore_client
from shared.config import get_settings

log = logging.getLogger("soku.request_logs")

API_REQUESTS = "apiRequests"
ERROR_LOGS = "errorLogs"
MAX_PENDING = 1000  # beyond this many queued writes, new entries are dropped (and counted)
MAX_PATH = 512

_lock = threading.Lock()
_executor: ThreadPoolExecutor | None = None
_pending = threading.BoundedSemaphore(MAX_PENDING)
dropped = 0


@dataclass(frozen=True)
class Entry:
    """What one request leaves behind: the documents to write, already built."""

    user_id: str | None
    api_request: dict | None
    error_log: dict | None


def build(*, function: str, method: str, path: str, route: str | None, status: int,
          latency_ms: float, request_id: str, user_id: str | None, key_id: str | None,
          auth: str | None, tier: str | None, error_code: str | None,
          exception: BaseException | None) -> Entry:
    now = clock.now()
    expires = now + timedelta(days=get_settings().request_log_retention_days)
    common = {
        "method": method, "route": route, "path": path[:MAX_PATH], "function": function,
        "status": status, "requestId": request_id, "createdAt": now, "expiresAt": expires,
    }
    api_request = None
    if user_id:
        api_request = common | {
            "latencyMs": round(latency_ms, 1), "keyId": key_id, "auth": auth, "tier": tier,
            "rateLimited": status == 429, "errorCode": error_code,
        }
    error_log = None
    if status >= 500:
        error_log = common | {
            "code": error_code, "userId": user_id, "keyId": key_id,
            "exception": type(exception).__name__ if exception is not None else None,
            "frames": _frames(exception),
        }
    return Entry(user_id, api_request, error_log)


def _frames(exception: BaseException | None) -> list[str]:
    if exception is None or exception.__traceback__ is None:
        return []
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    return [
        f"{os.path.relpath(frame.filename, root) if frame.filename.startswith(root) else os.path.basename(frame.filename)}"
        f":{frame.lineno} in {frame.name}"
        for frame in traceback.extract_tb(exception.__traceback__)[-12:]
    ]


def write(entry: Entry) -> None:
    """Store the entry's documents in one commit. Never raises."""
    try:
        db = firestore_client()
        batch = db.batch()
        if entry.api_request is not None and entry.user_id:
            ref = db.collection("users").document(entry.user_id).collection(API_REQUESTS).document()
            batch.create(ref, entry.api_request)
        if entry.error_log is not None:
            batch.create(db.collection(ERROR_LOGS).document(), entry.error_log)
        batch.commit()
    except Exception:  # noqa: BLE001 - logging must never fail or slow a request
        log.warning("could not write the request log of %s", (entry.api_request or entry.error_log or {})
                    .get("requestId"), exc_info=True)


def _pool() -> ThreadPoolExecutor:
    global _executor
    with _lock:
        if _executor is None:
            _executor = ThreadPoolExecutor(max_workers=2, thread_name_prefix="request-log")
        return _executor


def submit(entry: Entry) -> None:
    """Queue the write on the background pool (drop it, counted, if the queue is full)."""
    global dropped
    if not _pending.acquire(blocking=False):
        dropped += 1
        log.warning("request log queue full: dropped the log of %s (%d dropped so far)",
                    (entry.api_request or entry.error_log or {}).get("requestId"), dropped)
        return

    def run() -> None:
        try:
            write(entry)
        finally:
            _pending.release()

    try:
        _pool().submit(run)
    except RuntimeError:  # interpreter shutting down: write now
        run()


def record(response: Any, entry: Entry) -> None:
    """Write `entry` after `response` has been sent (or now, per SOKU_REQUEST_LOG_MODE)."""
    if entry.api_request is None and entry.error_log is None:
        return
    mode = get_settings().request_log_mode
    if mode == "off":
        return
    if mode == "inline":
        write(entry)
        return
    response.call_on_close(lambda: submit(entry))
