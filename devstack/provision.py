"""Create what the emulators start without: the media bucket and the task queues.

One queue per task-queue function, named after the function id, with the retry
config and rate limits the function declares, and the function's URL as the
queue's default: what firebase-tools' Functions emulator posts to its Tasks
emulator for each `taskQueueTrigger` (lib/emulator/functionsEmulator.js,
addTaskQueueTrigger), and what `firebase deploy` creates in Cloud Tasks.
"""

from __future__ import annotations

import httpx
import yaml
from firebase_functions.private import serving
from google.api_core.exceptions import Conflict

from shared.adapters.gcp import storage_client
from shared.config import get_settings


def manifest_endpoints(functions: dict) -> dict[str, dict]:
    """The deploy manifest's endpoints (what the Firebase CLI reads from
    /__/functions.yaml), keyed by function id."""
    return yaml.safe_load(serving.functions_as_yaml(functions))["endpoints"]


def task_queue_triggers(functions: dict) -> dict[str, dict]:
    """Each task-queue function's `taskQueueTrigger`, as the deploy manifest states it."""
    return {name: endpoint["taskQueueTrigger"] for name, endpoint in sorted(manifest_endpoints(functions).items())
            if "taskQueueTrigger" in endpoint}


def task_queue_names(functions: dict) -> list[str]:
    return list(task_queue_triggers(functions))


def create_queues(functions: dict, functions_base_url: str, paused: bool = False,
                  max_backoff_s: float | None = None) -> None:
    """Create (or replace) each function's queue on the Tasks emulator.

    `paused`: a dispatch rate of zero, so tasks are accepted and kept but never
    delivered (the emulator has no pause; fuzzing and benchmarks use this).
    `max_backoff_s`: caps the retry backoff (the test suite's only departure from
    the declared config: a publisher's 10 s..600 s backoff would make each retry
    test wait minutes; attempts and rate limits stay as declared).
    """
    settings = get_settings()
    for name, trigger in task_queue_triggers(functions).items():
        config = dict(trigger, defaultUri=f"{functions_base_url}/{name}")
        if max_backoff_s is not None:
            config["retryConfig"] = dict(config.get("retryConfig") or {}, minBackoffSeconds=0.1,
                                         maxBackoffSeconds=max_backoff_s)
        if paused:
            config["rateLimits"] = dict(config.get("rateLimits") or {}, maxDispatchesPerSecond=0)
        response = httpx.post(
            f"http://{settings.tasks_emulator_host}/projects/{settings.project_id}"
            f"/locations/{settings.region}/queues/{name}", json=config, timeout=10)
        response.raise_for_status()


def create_bucket() -> None:
    try:
        storage_client().create_bucket(get_settings().media_bucket)
    except Conflict:
        pass


def provision(functions: dict, functions_base_url: str, max_backoff_s: float | None = None) -> None:
    create_bucket()
    create_queues(functions, functions_base_url, max_backoff_s=max_backoff_s)
