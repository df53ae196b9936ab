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

`task_exists` asks whether a task is still in its queue (Cloud Tasks' GetTask,
through google-cloud-tasks: firebase-admin has no such call). A task exists from
its creation until a delivery succeeds, it is deleted, or it runs out of
attempts: while it exists Cloud Tasks will still deliver it, so the recovery
sweep waits for it instead of enqueueing a second one (posts/recovery.py).
The Firebase CLI's Tasks emulator has no GetTask; against it the answer is
None (cannot tell) unless it serves `GET .../queues/{queue}/tasks/{id}`.
"""

from __future__ import annotations

import hashlib
import logging
from datetime import datetime, timezone

import httpx
from firebase_admin import exceptions as admin_errors
from firebase_admin import functions
from google.api_core import exceptions as google_errors
from google.cloud import tasks_v2

from shared.adapters.firebase_app import firebase_app
from shared.adapters.gcp import tasks_client
from shared.config import get_settings

log = logging.getLogger("soku.task_queue")

# Longer than the longest task function's timeout (540 s), so Cloud Tasks never
# gives up on a delivery that is still running and starts a second one. The
# emulator's default is 60 s, which would re-deliver a slow publish mid-way.
DISPATCH_DEADLINE_S = 600
# GetTask answers in milliseconds; a probe that takes longer is not worth the sweep's time.
PROBE_TIMEOUT_S = 5.0


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


def task_path(queue: str, name: str) -> str:
    """The full resource name of task `name` (a task_id) in the queue of function `queue`."""
    settings = get_settings()
    return tasks_v2.CloudTasksClient.task_path(settings.project_id, settings.region, queue, name)


_unanswered: set[str] = set()


def task_exists(queue: str, name: str) -> bool | None:
    """Whether task `name` is still in its queue: waiting (however long the backlog), being
    delivered, or between retries. False once it is gone (delivered, deleted, out of
    attempts, or never created); None when the queue cannot tell (no permission,
    unavailable, an emulator without GetTask): the caller must not read that as either.

    Production needs `cloudtasks.tasks.get` (roles/cloudtasks.viewer) for the runtime
    service account, beside the enqueuer role firebase-tools grants."""
    path = task_path(queue, name)
    emulator = get_settings().tasks_emulator_host
    if emulator:
        return emulator_task_exists(emulator, path)
    try:
        tasks_client().get_task(request={"name": path}, timeout=PROBE_TIMEOUT_S, retry=None)
    except google_errors.NotFound:
        return False
    except Exception as exc:  # noqa: BLE001 - the caller decides what "cannot tell" means
        _cannot_tell("cloudtasks", f"GetTask {path} failed ({type(exc).__name__}: {exc})")
        return None
    return True


def emulator_task_exists(host: str, path: str) -> bool | None:
    """The same question, put to a Tasks emulator at `host` (REST, the emulator's own paths).

    The emulator answers 200 with the task while it is queued or being delivered, and 404
    with a JSON body once it is gone. The Firebase CLI's own emulator has no such route
    (Express's HTML 404, "Cannot GET"): None, not False."""
    try:
        r = httpx.get(f"http://{host}/{path}", timeout=PROBE_TIMEOUT_S)
    except httpx.HTTPError as exc:
        _cannot_tell(host, f"the Tasks emulator did not answer GetTask ({exc})")
        return None
    if r.status_code == 200:
        return True
    if r.status_code == 404 and r.headers.get("content-type", "").startswith("application/json"):
        return False
    _cannot_tell(host, f"the Tasks emulator does not serve GetTask (HTTP {r.status_code})")
    return None


def _cannot_tell(where: str, message: str) -> None:
    """Logged once per process and place: every recovery would say it again."""
    if where not in _unanswered:
        _unanswered.add(where)
        log.warning("%s: the recovery sweep treats such a task as lost", message)
