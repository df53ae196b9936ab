"""Liveness and readiness of the API and the services behind it.

`/health` is liveness: it answers 200 whatever the configuration, so it reads
nothing that can be broken (the version comes from `config.deployment()`, not the
settings). `/health/ready` builds the settings first: a missing or contradictory
setting is then the pipeline's 503 naming it, not three failed checks.

`/health/ready` answers anyone, without a key: each service's entry says only
whether it is ok, how long the check took and, when it failed, a generic kind
(`timeout`, `unavailable`, `not_found`, `error`). What actually failed
(exception, addresses, bucket names) is logged, never returned.

It also counts the dead outbox entries (`deadOutboxEntries`: events whose
dispatch failed for days and was given up, publishing/outbox.py), or null when
the count could not be read. They do not make the service unready: it still
serves every request, they are past events waiting for a person (whom the
ERROR logged at each give-up tells), and a readiness failing until someone
clears them would take a healthy service out of rotation for days.
"""

from __future__ import annotations

import logging
import socket
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Callable

import httpx
from google.api_core import exceptions as google_errors

from shared import clock
from shared.adapters.gcp import firestore_client, queue_path, storage_client, tasks_client
from shared.config import deployment, get_settings

log = logging.getLogger("soku.health")

READINESS_TIMEOUT_S = 3.0


class Missing(RuntimeError):
    """A resource the service needs (a bucket) does not exist."""


def liveness() -> dict:
    return {
        "status": "ok",
        "version": deployment().version,
        "timestamp": clock.iso(clock.now()),
    }


def _check_firestore() -> None:
    firestore_client().collection("_health").document("probe").get(timeout=READINESS_TIMEOUT_S)


def _check_storage() -> None:
    bucket = storage_client().bucket(get_settings().media_bucket)
    if not bucket.exists(timeout=READINESS_TIMEOUT_S):
        raise Missing(f"bucket {bucket.name} does not exist")


def _check_tasks() -> None:
    emulator = get_settings().tasks_emulator_host
    if emulator:
        # The Firebase CLI's Tasks emulator has no queue-listing API; its statistics
        # route answers whenever it accepts tasks.
        httpx.get(f"http://{emulator}/queueStats", timeout=READINESS_TIMEOUT_S).raise_for_status()
        return
    parent = queue_path("_").rsplit("/queues/", 1)[0]
    next(iter(tasks_client().list_queues(request={"parent": parent, "page_size": 1},
                                         timeout=READINESS_TIMEOUT_S)), None)  # one page is enough


CHECKS: dict[str, Callable[[], None]] = {
    "firestore": _check_firestore,
    "storage": _check_storage,
    "tasks": _check_tasks,
}


def error_kind(exc: BaseException) -> str:
    """What kind of failure `exc` is, in words that reveal nothing about our infrastructure."""
    if isinstance(exc, (Missing, google_errors.NotFound)):
        return "not_found"
    if isinstance(exc, (TimeoutError, socket.timeout, httpx.TimeoutException, google_errors.DeadlineExceeded)):
        return "timeout"
    if isinstance(exc, (ConnectionError, httpx.TransportError, google_errors.ServiceUnavailable,
                        google_errors.RetryError)):
        return "unavailable"
    return "error"


def _timed(name: str, check: Callable[[], None]) -> dict:
    started = time.perf_counter()
    try:
        check()
    except Exception as exc:  # noqa: BLE001 - readiness reports failures, it does not raise
        latency_ms = round((time.perf_counter() - started) * 1000, 1)
        kind = error_kind(exc)
        log.warning("readiness: %s check failed (%s) after %.0f ms", name, kind, latency_ms, exc_info=exc)
        return {"ok": False, "latencyMs": latency_ms, "error": kind}
    return {"ok": True, "latencyMs": round((time.perf_counter() - started) * 1000, 1)}


def _dead_outbox_entries() -> int | None:
    from shared.services.publishing import outbox

    try:
        return outbox.count_dead(timeout=READINESS_TIMEOUT_S)
    except Exception as exc:  # noqa: BLE001 - a count it could not read is null; the firestore check says why
        log.warning("readiness: could not count dead outbox entries (%s)", error_kind(exc), exc_info=exc)
        return None


def readiness() -> tuple[dict, bool]:
    get_settings()  # ConfigurationError: 503 naming the setting (shared/web/api.py)
    with ThreadPoolExecutor(max_workers=len(CHECKS) + 1) as pool:
        dead = pool.submit(_dead_outbox_entries)
        results = dict(zip(CHECKS, pool.map(_timed, CHECKS, CHECKS.values())))
        dead_entries = dead.result()
    ready = all(r["ok"] for r in results.values())  # dead entries are reported, not a failure
    body = liveness() | {"status": "ok" if ready else "degraded", "services": results,
                         "deadOutboxEntries": dead_entries}
    return body, ready
