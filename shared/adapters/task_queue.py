"""Enqueue work for our task-queue functions through the Cloud Tasks client.

Each task-queue function has a queue of the same name (Firebase's convention)
and is reached at `{functions_base_url}/{function}`. Task names are derived
from the work itself, so enqueueing the same work twice is refused by Cloud
Tasks (AlreadyExists) instead of running it twice. The local emulator does not
enforce names, which is why every consumer also claims its work in Firestore.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime

from google.api_core.exceptions import AlreadyExists
from google.cloud import tasks_v2
from google.protobuf import timestamp_pb2

from shared.adapters.gcp import queue_path, tasks_client
from shared.config import get_settings


class EnqueueError(RuntimeError):
    pass


def task_id(*parts: str) -> str:
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:40]


def enqueue(queue: str, payload: dict, *, name_parts: tuple[str, ...],
            schedule_time: datetime | None = None) -> str:
    """Create the task (or find it already created); return its full name."""
    settings = get_settings()
    parent = queue_path(queue)
    url = f"{settings.functions_base_url}/{queue}"
    http_request = tasks_v2.HttpRequest(
        http_method=tasks_v2.HttpMethod.POST,
        url=url,
        headers={"Content-Type": "application/json"},
        body=json.dumps({"data": payload}).encode(),
    )
    if settings.tasks_service_account:
        # In production the functions are private; Cloud Tasks proves itself
        # with an OIDC token for this service account.
        http_request.oidc_token = tasks_v2.OidcToken(
            service_account_email=settings.tasks_service_account, audience=url
        )
    task = tasks_v2.Task(name=f"{parent}/tasks/{task_id(*name_parts)}", http_request=http_request)
    if schedule_time is not None:
        stamp = timestamp_pb2.Timestamp()
        stamp.FromDatetime(schedule_time)
        task.schedule_time = stamp
    try:
        tasks_client().create_task(parent=parent, task=task, timeout=10)
    except AlreadyExists:
        pass  # the same work is already queued: nothing more to do
    except Exception as exc:  # noqa: BLE001 - callers decide how to recover
        raise EnqueueError(f"could not enqueue to {queue}: {exc}") from exc
    return task.name
