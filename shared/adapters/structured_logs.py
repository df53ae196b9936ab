"""Process-wide logging: one line per record on stdout, JSON in production.

Cloud Run (and so Cloud Functions 2nd gen) turns each JSON line written to
stdout into a structured log entry: `severity`, `message`,
`logging.googleapis.com/trace` (`projects/{project}/traces/{traceId}`),
`.../spanId`, `.../trace_sampled`, `.../labels` and `.../sourceLocation` become
the entry's own fields, the rest its jsonPayload. Error Reporting picks up
`stack_trace`. This is what google-cloud-logging's `StructuredLogHandler`
writes, done here with the stdlib (see the commit that added it for why).

`configure()` is cheap (no I/O) and idempotent: the `functions` package calls
it at import, entry points call it again lazily. It sets the root logger to
INFO (`SOKU_LOG_LEVEL` overrides), keeps chatty libraries at WARNING, and puts
one handler on the root that stamps each record with the request being
handled (`bind`) and redacts credentials (log_redaction) from every line.
`SOKU_LOG_FORMAT=json|text` chooses the format; by default `text` (one
readable line) when `SOKU_ENV` is local or test, JSON everywhere else.
"""

from __future__ import annotations

import contextlib
import contextvars
import json
import logging
import os
import sys
import threading
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Iterator

from shared.adapters import log_redaction

TRACE = "logging.googleapis.com/trace"
SPAN_ID = "logging.googleapis.com/spanId"
TRACE_SAMPLED = "logging.googleapis.com/trace_sampled"
LABELS = "logging.googleapis.com/labels"
SOURCE_LOCATION = "logging.googleapis.com/sourceLocation"

# Libraries whose INFO lines are noise here (werkzeug's access log, connection pools, gRPC,
# httpx's line per outbound request).
QUIET = ("werkzeug", "urllib3", "grpc", "google.auth", "google.api_core", "httpcore", "httpx", "hpack", "h2",
         "asyncio", "watchdog")
_SEVERITY = {logging.DEBUG: "DEBUG", logging.INFO: "INFO", logging.WARNING: "WARNING",
             logging.ERROR: "ERROR", logging.CRITICAL: "CRITICAL"}
_MARK = "_soku_structured_logs"


@dataclass(frozen=True)
class LogContext:
    """What every record logged while one request is handled carries."""

    request_id: str
    trace: str | None = None  # projects/{project}/traces/{traceId}
    span_id: str | None = None  # 16 hex digits
    trace_sampled: bool | None = None


_current: contextvars.ContextVar[LogContext | None] = contextvars.ContextVar("soku_log_context", default=None)


def current() -> LogContext | None:
    return _current.get()


@contextlib.contextmanager
def bind_context(context: LogContext) -> Iterator[LogContext]:
    token = _current.set(context)
    try:
        yield context
    finally:
        _current.reset(token)


class ContextFilter(logging.Filter):
    """Stamps the bound request onto the record (an `extra=` of the same name wins)."""

    def filter(self, record: logging.LogRecord) -> bool:
        context = _current.get()
        if context is not None and not hasattr(record, "request_id"):
            record.request_id = context.request_id
            record.trace, record.span_id, record.trace_sampled = (
                context.trace, context.span_id, context.trace_sampled)
        return True


class _RedactingFormatter(logging.Formatter):
    """The whole output line is redacted once more: the filter cleans the message and
    the traceback, this also covers fields passed with `extra=`."""

    def format(self, record: logging.LogRecord) -> str:
        return log_redaction.redact(self.render(record))

    def render(self, record: logging.LogRecord) -> str:
        return super().format(record)

    def exception_text(self, record: logging.LogRecord) -> str | None:
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        text = record.exc_text or ""
        if record.stack_info:
            text = (text + "\n" if text else "") + self.formatStack(record.stack_info)
        return text or None


class JsonFormatter(_RedactingFormatter):
    """One JSON object per record, in the shape Cloud Logging parses from stdout."""

    def render(self, record: logging.LogRecord) -> str:
        entry: dict = {
            "severity": _SEVERITY.get(record.levelno, record.levelname),
            "message": record.getMessage(),
            "time": datetime.fromtimestamp(record.created, timezone.utc).isoformat(timespec="microseconds"),
            "logger": record.name,
        }
        request_id = getattr(record, "request_id", None)
        if request_id:
            entry["requestId"] = request_id
            entry[LABELS] = {"requestId": request_id}
        if getattr(record, "trace", None):
            entry[TRACE] = record.trace
            if getattr(record, "span_id", None):
                entry[SPAN_ID] = record.span_id
            if getattr(record, "trace_sampled", None) is not None:
                entry[TRACE_SAMPLED] = record.trace_sampled
        entry[SOURCE_LOCATION] = {"file": record.pathname, "line": str(record.lineno),
                                  "function": record.funcName}
        stack = self.exception_text(record)
        if stack:
            entry["stack_trace"] = stack  # Error Reporting reads this field first
        fields = getattr(record, "json_fields", None)  # extra={"json_fields": {...}}, as google-cloud-logging
        if isinstance(fields, dict):
            entry.update({k: v for k, v in fields.items() if k not in entry and v is not None})
        return json.dumps(entry, ensure_ascii=False, default=str)


class TextFormatter(_RedactingFormatter):
    """One readable line (plus the traceback, if any) for the local stack and tests."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s%(request_tag)s: %(message)s")

    def render(self, record: logging.LogRecord) -> str:
        request_id = getattr(record, "request_id", None)
        record.request_tag = f" [{request_id}]" if request_id else ""
        return super().render(record)

    def formatMessage(self, record: logging.LogRecord) -> str:
        # One line per record: a newline in a logged value (a path, say) cannot forge another.
        record.message = record.message.replace("\r", "\\r").replace("\n", "\\n")
        return super().formatMessage(record)


class StdoutHandler(logging.StreamHandler):
    """Writes to whatever `sys.stdout` is at emit time (functions-framework and pytest swap it)."""

    def __init__(self) -> None:
        super().__init__(sys.stdout)

    @property
    def stream(self):  # type: ignore[override]
        return sys.stdout

    @stream.setter
    def stream(self, value) -> None:  # StreamHandler.__init__ assigns it; sys.stdout wins
        pass


_lock = threading.Lock()
_configured = False


def json_wanted() -> bool:
    chosen = os.environ.get("SOKU_LOG_FORMAT", "").strip().lower()
    if chosen in ("json", "text"):
        return chosen == "json"
    return os.environ.get("SOKU_ENV", "production") not in ("local", "test")


def level() -> int:
    raw = os.environ.get("SOKU_LOG_LEVEL", "").strip().upper()
    if raw.isdigit():
        return int(raw)
    value = logging.getLevelName(raw) if raw else logging.INFO
    return value if isinstance(value, int) else logging.INFO


def configure(*, force: bool = False) -> None:
    """Set up the root logger once per process (again with force=True, e.g. after the
    environment changed). No I/O: safe at import time."""
    global _configured
    if _configured and not force:
        return
    with _lock:
        if _configured and not force:
            return
        root = logging.getLogger()
        for existing in list(root.handlers):
            # Ours from an earlier call, and plain console handlers others installed
            # (functions-framework's setup_logging / execution-id dictConfig, basicConfig):
            # one line per record, not two. Subclasses (pytest's capture) stay.
            if getattr(existing, _MARK, False) or type(existing) is logging.StreamHandler:
                root.removeHandler(existing)
        handler = StdoutHandler()
        setattr(handler, _MARK, True)
        handler.addFilter(ContextFilter())
        handler.addFilter(log_redaction.FILTER)
        handler.setFormatter(JsonFormatter() if json_wanted() else TextFormatter())
        root.addHandler(handler)
        chosen = level()
        root.setLevel(chosen)
        for name in QUIET:
            logging.getLogger(name).setLevel(max(logging.WARNING, chosen))
        log_redaction.install()
        _configured = True
