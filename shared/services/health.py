"""Liveness and readiness of the API and the services behind it."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from typing import Callable

import httpx

from shared import clock
from shared.adapters.gcp import firestore_client, queue_path, storage_client, tasks_client
from shared.config import get_settings

READINESS_TIMEOUT_S = 3.0


def liveness() -> dict:
    return {
        "status": "ok",
        "version": get_settings().version,
        "timestamp": clock.iso(clock.now()),
    }


def _check_firestore() -> None:
    firestore_client().collection("_health").document("probe").get(timeout=READINESS_TIMEOUT_S)


def _check_storage() -> None:
    bucket = storage_client().bucket(get_settings().media_bucket)
    if not bucket.exists(timeout=READINESS_TIMEOUT_S):
        raise RuntimeError(f"bucket {bucket.name} does not exist")


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


def _timed(check: Callable[[], None]) -> dict:
    started = time.perf_counter()
    try:
        check()
    except Exception as exc:  # noqa: BLE001 - readiness reports failures, it does not raise
        return {
            "ok": False,
            "latencyMs": round((time.perf_counter() - started) * 1000, 1),
            "error": f"{type(exc).__name__}: {str(exc)[:200]}",
        }
    return {"ok": True, "latencyMs": round((time.perf_counter() - started) * 1000, 1)}


def readiness() -> tuple[dict, bool]:
    with ThreadPoolExecutor(max_workers=len(CHECKS)) as pool:
        results = dict(zip(CHECKS, pool.map(_timed, CHECKS.values())))
    ready = all(r["ok"] for r in results.values())
    body = liveness() | {"status": "ok" if ready else "degraded", "services": results}
    return body, ready
