"""Enqueue work for our task-queue functions, the way Firebase task-queue functions expect.

Each `on_task_dispatched` function has a Cloud Tasks queue named after its id
(firebase-tools creates it on deploy), and tasks go through firebase-admin's
`functions.task_queue(id).enqueue(...)`. Why firebase-admin rather than
google-cloud-tasks:

- it addresses the function the way Firebase deploys it: the task URL is
  `https://{region}-{project}.cloudfunctions.net/{id}` and the task carries an
  OIDC token of the runtime's own service account, with no setting to forget
  (the functions are private; a task without a token is refused at the door);
- with CLOUD_TASKS_EMULATOR_HOST set it speaks the REST protocol of the Firebase
  CLI's Tasks emulator, leaving the URL to the queue's default (the function's
  emulator URL). google-cloud-tasks cannot talk to that emulator (gRPC, or REST
  under /v2), so with it the code under test would not be the code deployed.

The cost: its HTTP client's own timeout (120 s) and retries on 5xx, which we
accept; Cloud Tasks answers in milliseconds or refuses.

Task ids are derived from the work itself, so enqueueing the same work twice is
one task: Cloud Tasks (and the emulator) answer 409 for a repeated name, which
is success here. Consumers still claim their work in Firestore, because a name
only stays reserved for a while after its task ran.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timezone

from firebase_admin import exceptions as admin_errors
from firebase_admin import functions

from shared.adapters.firebase_app import firebase_app
from shared.config import get_settings

# Longer than the longest task function's timeout (540 s), so Cloud Tasks never
# gives up on a delivery that is still running and starts a second one. The
# emulator's default is 60 s, which would re-deliver a slow publish mid-way.
DISPATCH_DEADLINE_S = 600


class EnqueueError(RuntimeError):
    pass


def _queue(target: str) -> functions.TaskQueue:
    queue = functions.task_queue(target, app=firebase_app())
    # requests scans the whole environment for proxy settings on every call when its session
    # trusts the environment: 12% of a POST /v1/posts's CPU (bench/posts_bench.py, profiled).
    # Cloud Functions reach Cloud Tasks without a proxy; the session is the app's, shared by
    # every queue, so this is set once. Guarded: the attributes are firebase-admin's own.
    session = getattr(getattr(queue, "_http_client", None), "session", None)
    if session is not None and getattr(session, "trust_env", False):
        session.trust_env = False
    return queue


def task_id(*parts: str) -> str:
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:40]


def enqueue(queue: str, payload: dict, *, name_parts: tuple[str, ...],
            schedule_time: datetime | None = None) -> str:
    """Create the task (or find it already created); return its id within the queue."""
    name = task_id(*name_parts)
    options = functions.TaskOptions(task_id=name, dispatch_deadline_seconds=DISPATCH_DEADLINE_S)
    if schedule_time is not None:
        # firebase-admin formats the datetime as given, with a literal "Z": hand it UTC.
        options.schedule_time = schedule_time.astimezone(timezone.utc).replace(tzinfo=None)
    try:
        # The Python SDK sends the body as given; task-queue functions read `data` from it.
        # With its region: a bare id would mean us-central1 whatever SOKU_REGION says.
        target = f"locations/{get_settings().region}/functions/{queue}"
        _queue(target).enqueue({"data": payload}, options)
    except (admin_errors.AlreadyExistsError, admin_errors.ConflictError):
        pass  # the same work is already queued: nothing more to do
    except ValueError as exc:
        # firebase-admin 7.7.0 reads the emulator's answer as if every task name in it
        # began with "/" and drops the first character (functions.py, enqueue); the
        # CLI's emulator adds that "/" only to names it generates, not to a task_id
        # we chose. The task was accepted: only the echo of its name fails to parse.
        if not (get_settings().tasks_emulator_host and str(exc) == "Invalid resource name format."):
            raise EnqueueError(f"could not enqueue to {queue}: {exc}") from exc
    except Exception as exc:  # noqa: BLE001 - callers decide how to recover
        raise EnqueueError(f"could not enqueue to {queue}: {exc}") from exc
    return name
