"""The request id and trace of the request being handled, for every log line.

`bind(request)` (a context manager) or `bound(handler)` (a wrapper for entry
points) makes every record logged while the request is handled carry its
request id and, when Google's front end sent one, its trace: W3C `traceparent`
first, else `X-Cloud-Trace-Context: TRACE_ID/SPAN_ID;o=1` (Cloud Run sends
both; they name the same trace). `Api.handle` binds for the JSON API; media
delivery, the OAuth callback and the task-queue / scheduler guards bind too.
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
import os
import re
import uuid
from typing import Callable, Iterable, Iterator, Mapping

from flask import Request

from shared.adapters import structured_logs
from shared.adapters.structured_logs import LogContext

_REQUEST_ID_OK = re.compile(r"^[A-Za-z0-9._:\-]{1,128}$")
_ENVIRON_KEY = "soku.request_id"
_TRACEPARENT = re.compile(r"^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$")
_CLOUD_TRACE = re.compile(r"^([0-9a-fA-F]{32})(?:/(\d+))?(?:;o=([01]))?$")


def request_id_for(request: Request) -> str:
    """The caller's X-Request-ID when it is sane, else a new UUID; the same answer for
    every caller during one request (the log lines and the response header agree)."""
    environ = request.environ
    found = environ.get(_ENVIRON_KEY)
    if found is None:
        supplied = request.headers.get("X-Request-ID", "")
        found = supplied if _REQUEST_ID_OK.match(supplied) else str(uuid.uuid4())
        environ[_ENVIRON_KEY] = found
    return found


def parse_trace(headers: Mapping[str, str]) -> tuple[str, str | None, bool | None] | None:
    """(trace id, span id as 16 hex digits, sampled) from the trace headers, or None."""
    parent = _TRACEPARENT.match((headers.get("traceparent") or "").strip().lower())
    if parent and parent.group(1) != "ff" and set(parent.group(2)) != {"0"}:
        return parent.group(2), parent.group(3), bool(int(parent.group(4), 16) & 1)
    cloud = _CLOUD_TRACE.match((headers.get("X-Cloud-Trace-Context") or "").strip())
    if cloud and set(cloud.group(1)) != {"0"}:
        span = cloud.group(2)
        # Cloud Logging wants the span as 16 hex digits; this header sends it in decimal.
        span_hex = f"{int(span):016x}" if span and 0 < int(span) < 2**64 else None
        sampled = None if cloud.group(3) is None else cloud.group(3) == "1"
        return cloud.group(1).lower(), span_hex, sampled
    return None


def _project() -> str | None:
    return (os.environ.get("GOOGLE_CLOUD_PROJECT") or os.environ.get("GCLOUD_PROJECT")
            or os.environ.get("SOKU_PROJECT_ID") or None)


def context_for(request: Request, request_id: str | None = None) -> LogContext:
    request_id = request_id or request_id_for(request)
    trace = parse_trace(request.headers)
    project = _project()
    if trace is None or project is None:
        return LogContext(request_id)
    trace_id, span_id, sampled = trace
    return LogContext(request_id, f"projects/{project}/traces/{trace_id}", span_id, sampled)


@contextlib.contextmanager
def bind(request: Request, request_id: str | None = None) -> Iterator[LogContext]:
    """Attach this request to every record logged inside the block."""
    structured_logs.configure()  # lazily, for entry points imported without the functions package
    with structured_logs.bind_context(context_for(request, request_id)) as context:
        yield context


def bound(handler: Callable[[Request], object]) -> Callable[[Request], object]:
    """Wrap an entry point so its whole call runs inside `bind(request)`. The attributes
    Firebase discovers functions by (`__firebase_endpoint__`, `__required_apis`) live in
    the function's `__dict__`, which functools.wraps copies onto the wrapper."""

    @functools.wraps(handler)
    def with_context(request: Request):
        with bind(request):
            return handler(request)

    return with_context


def carry(body: Iterable[bytes]) -> Iterator[bytes]:
    """A streamed body is produced after the handler returned: run it in the context the
    handler had (captured now, at the call), so what it logs still names the request."""
    return _run_in(contextvars.copy_context(), iter(body))


def _run_in(context: contextvars.Context, iterator: Iterator[bytes]) -> Iterator[bytes]:
    try:
        while True:
            try:
                chunk = context.run(next, iterator)
            except StopIteration:
                return
            yield chunk
    finally:
        close = getattr(iterator, "close", None)
        if close is not None:
            context.run(close)
