"""Create what the emulators start without: the media bucket and the task queues.

One queue per task-queue function, named after the function, as Firebase does
when it deploys `on_task_dispatched` functions.
"""

from __future__ import annotations

from google.api_core.exceptions import AlreadyExists, Conflict
from google.cloud import tasks_v2

from shared.adapters.gcp import queue_path, storage_client, tasks_client
from shared.config import get_settings


def task_queue_names(functions: dict) -> list[str]:
    return sorted(
        name for name, fn in functions.items()
        if getattr(fn.__firebase_endpoint__, "taskQueueTrigger", None) is not None
    )


def provision(functions: dict) -> None:
    settings = get_settings()
    try:
        storage_client().create_bucket(settings.media_bucket)
    except Conflict:
        pass
    client = tasks_client()
    parent = queue_path("_").rsplit("/queues/", 1)[0]
    for name in task_queue_names(functions):
        try:
            client.create_queue(parent=parent, queue=tasks_v2.Queue(name=queue_path(name)))
        except AlreadyExists:
            pass
