"""Guards for task-queue and scheduled functions: only Cloud Tasks / Cloud Scheduler.

In production (no emulator in sight) a request must carry an OIDC ID token
signed by Google for this function, issued to the expected service account
(shared/adapters/oidc.py). Cloud Run's IAM check should already have done the
same before our code runs; this is the check that still holds if a function is
ever made public. Then, as a second line, the headers those services set must
be there: `X-CloudTasks-QueueName` naming this function's own queue;
`X-CloudScheduler-JobName`.

In emulator mode (`shared.config.emulated()`: FIRESTORE_EMULATOR_HOST set, i.e. the
local stack and the tests, or FUNCTIONS_EMULATOR=true under the Firebase CLI, with
every emulator address on loopback and no production marker) no OIDC token exists
(neither Tasks emulator sends one), so the header check is the only check. A
deployed function never is in that mode, whatever its `.env` file sets: K_SERVICE
(set by Cloud Run, not settable from `.env`) is a production marker there.

Refusals, in the error envelope, with a warning logged (never the token):
- 401 `unauthorized`: no bearer token, or one that is malformed, badly signed,
  expired, not issued by Google or not for this function's URL;
- 403 `forbidden`: a valid token issued to another account, or the headers of
  Cloud Tasks / Cloud Scheduler missing or naming another queue;
- 503 `service_unavailable` (logged as an error) when the check itself cannot run:
  Google's certificates or the runtime's own service account out of reach. Nothing
  runs unverified; Cloud Tasks and Cloud Scheduler retry.
"""

from __future__ import annotations

import functools
import logging
import re
from typing import Callable

from flask import Request, Response

from shared.adapters import oidc
from shared.config import emulated, get_settings
from shared.errors import ForbiddenError, ServiceUnavailableError, SokuError, UnauthorizedError
from shared.web.api import request_id_for
from shared.web.request_context import bound
from shared.web.responses import error_response, finish

log = logging.getLogger("soku.internal")


def _refuse(request: Request, error: SokuError, why: str) -> Response:
    request_id = request_id_for(request)
    log.warning("refused internal call to %s (%s): %s", request.path, error.code, why)
    return finish(error_response(error, request_id), request_id)


def _check_token(request: Request, audiences: list[str], account: Callable[[], str]) -> Response | None:
    """None when the request's OIDC token is good; else the refusal."""
    try:
        oidc.verify(request.headers.get("Authorization"), audiences=audiences, account=account)
    except oidc.InvalidToken as exc:
        return _refuse(request, UnauthorizedError(
            "A valid OIDC token for this function is required", code="unauthorized",
            headers={"WWW-Authenticate": "Bearer"}), str(exc))
    except oidc.WrongCaller as exc:
        return _refuse(request, ForbiddenError("This caller may not call this function",
                                               code="forbidden"), str(exc))
    except Exception:  # noqa: BLE001 - certs or our own account out of reach: our fault, not the caller's
        log.exception("could not verify the caller of %s", request.path)
        request_id = request_id_for(request)
        error = ServiceUnavailableError("The caller could not be verified; retry later")
        return finish(error_response(error, request_id), request_id)  # non-2xx: Cloud Tasks retries
    return None




def _function_url(function_id: str) -> str:
    """https://{region}-{project}.cloudfunctions.net/{id}: where firebase-admin sends tasks,
    and where a scheduler job points after the function's creation. Built from the project
    and region (as firebase-admin does), not functions_base_url, which a deployment may
    override for other uses."""
    settings = get_settings()
    return f"https://{settings.region}-{settings.project_id}.cloudfunctions.net/{function_id}"


def _tasks_account() -> str:
    settings = get_settings()
    return settings.tasks_service_account or oidc.runtime_service_account()


def _queue_names(queue: str) -> set[str]:
    """What X-CloudTasks-QueueName may say for this function's queue, exactly."""
    settings = get_settings()
    return {
        queue,  # Cloud Tasks in production: the short queue id
        # The Firebase CLI's Tasks emulator: its queue key (emulator/taskQueue.js, `this.key`).
        f"queue:{settings.project_id}-{settings.region}-{queue}",
        # The queue's full resource name (what google-cloud-tasks based emulators send).
        f"projects/{settings.project_id}/locations/{settings.region}/queues/{queue}",
    }


def cloud_tasks_only(queue: str, handler: Callable[[Request], Response]) -> Callable[[Request], Response]:
    """Only Cloud Tasks, from `queue`, which is named after the function (Firebase's convention).

    shared/adapters/task_queue.py enqueues through firebase-admin's `task_queue().enqueue()`,
    which (firebase_admin/functions.py 7.7.0) sets the task URL to
    https://{region}-{project}.cloudfunctions.net/{id} and `oidcToken.serviceAccountEmail`
    to the runtime credential's account, with no audience: Cloud Tasks then uses the
    URL as audience. SOKU_TASKS_SERVICE_ACCOUNT, when set, is expected instead: only for
    tasks created with that account (firebase-admin's enqueue cannot pick one, so leave it
    unset unless the functions also run as that account).
    """

    @functools.wraps(handler)
    def guarded(request: Request) -> Response:
        if not emulated():
            refused = _check_token(request, [_function_url(queue)], _tasks_account)
            if refused is not None:
                return refused
        sent = request.headers.get("X-CloudTasks-QueueName", "")
        if sent not in _queue_names(queue):
            return _refuse(request, ForbiddenError(f"Only Cloud Tasks (queue {queue}) may call this function",
                                                   code="forbidden"), f"queue header {sent[:100]!r}")
        return handler(request)

    return bound(guarded)  # log lines of the whole call name its request and trace


def _scheduler_audiences(request: Request, function_id: str) -> list[str]:
    """The URIs firebase-tools gives this function's Cloud Scheduler job.

    Read in firebase-tools 15.34.2, lib/gcp/cloudscheduler.js `jobFromEndpoint`: a v2
    scheduled function's job gets `httpTarget: {uri: endpoint.uri, oidcToken:
    {serviceAccountEmail: endpoint.serviceAccount ?? <project's default compute
    account>}}`, with no audience, so Cloud Scheduler uses the URI as audience. In
    lib/deploy/functions/release/fabricator.js `endpoint.uri` is the function's `url`
    (https://{region}-{project}.cloudfunctions.net/{id}) after a create, but its Cloud
    Run service URI (https://{id lowercased}-….run.app) after an update, and the job is
    not rewritten when only the URI changes (`needUpdate` ignores httpTarget). So both
    are accepted; the run.app one only as the host this request was addressed to.
    """
    settings = get_settings()
    audiences = [_function_url(function_id)]
    host = request.host.split(":", 1)[0].lower()
    # https://{service}-{hash}-{region code}.a.run.app or https://{service}-{number}.{region}.run.app
    service = re.escape(function_id.lower())
    if re.fullmatch(rf"{service}-[a-z0-9-]+\.(a|{re.escape(settings.region)})\.run\.app", host):
        audiences.append(f"https://{host}")
    return audiences


def cloud_scheduler_only(handler: Callable[[Request], Response],
                         function_id: str | None = None) -> Callable[[Request], Response]:
    """Only Cloud Scheduler. `function_id` defaults to the handler's name (its deployed id).

    The job's token is issued to the function's own service account (see
    `_scheduler_audiences`): firebase-tools picks the function's configured account or
    the default compute account, which is also what a v2 function runs as by default.
    """
    function_id = function_id or handler.__name__

    @functools.wraps(handler)
    def guarded(request: Request) -> Response:
        if not emulated():
            refused = _check_token(request, _scheduler_audiences(request, function_id),
                                   oidc.runtime_service_account)
            if refused is not None:
                return refused
        if not request.headers.get("X-CloudScheduler-JobName") and request.headers.get("X-CloudScheduler") != "true":
            return _refuse(request, ForbiddenError("Only Cloud Scheduler may call this function",
                                                   code="forbidden"), "no Cloud Scheduler headers")
        return handler(request)

    return bound(guarded)  # log lines of the whole call name its request and trace
