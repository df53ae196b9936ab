"""Guards for task-queue and scheduled functions: only Cloud Tasks / Cloud Scheduler.

In production these functions are deployed private: Cloud Tasks and Cloud
Scheduler call them with an OIDC token that Cloud Run's IAM check verifies
before our code runs. Behind that, the code refuses any request that does not
carry the headers those services set (`X-CloudTasks-QueueName` naming this
function's own queue; `X-CloudScheduler-JobName`), so a stray caller of the
local gateway or a misrouted request never runs work.
"""

from __future__ import annotations

import functools
import logging
from typing import Callable

from flask import Request, Response

from shared.errors import ForbiddenError
from shared.web.api import request_id_for
from shared.web.request_context import bound
from shared.web.responses import error_response, finish

log = logging.getLogger("soku.internal")


def _refuse(request: Request, why: str) -> Response:
    request_id = request_id_for(request)
    log.warning("refused internal call to %s: %s", request.path, why)
    return finish(error_response(ForbiddenError(why, code="forbidden"), request_id), request_id)


def _keep_endpoint(wrapper: Callable, wrapped: Callable) -> Callable:
    # Firebase discovers functions by these attributes; the guard must keep them.
    for attr in ("__firebase_endpoint__", "__required_apis"):
        if hasattr(wrapped, attr):
            setattr(wrapper, attr, getattr(wrapped, attr))
    return bound(wrapper)  # log lines of the whole call name its request and trace


def cloud_tasks_only(queue: str, handler: Callable[[Request], Response]) -> Callable[[Request], Response]:
    @functools.wraps(handler)
    def guarded(request: Request) -> Response:
        # Cloud Tasks sends the queue's short name; the Firebase CLI's emulator sends
        # `queue:{project}-{region}-{name}`.
        sent = request.headers.get("X-CloudTasks-QueueName", "").rsplit("/", 1)[-1]
        if sent != queue and not (sent.startswith("queue:") and sent.endswith(f"-{queue}")):
            return _refuse(request, f"Only Cloud Tasks (queue {queue}) may call this function")
        return handler(request)

    return _keep_endpoint(guarded, handler)


def cloud_scheduler_only(handler: Callable[[Request], Response]) -> Callable[[Request], Response]:
    @functools.wraps(handler)
    def guarded(request: Request) -> Response:
        if not request.headers.get("X-CloudScheduler-JobName") and request.headers.get("X-CloudScheduler") != "true":
            return _refuse(request, "Only Cloud Scheduler may call this function")
        return handler(request)

    return _keep_endpoint(guarded, handler)
