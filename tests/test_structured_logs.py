"""Structured logs: one JSON line per record on stdout, naming the request and its trace.

The gateway serves the functions in this process, so what they log goes through
the handler `structured_logs.configure()` put on the root logger; these tests
switch it to JSON (as in production), capture stdout and read the lines back.
"""

from __future__ import annotations

import json
import logging
import os
import uuid

import flask
import pytest

from shared.adapters import structured_logs
from shared.web import request_context
from tests.conftest import PROJECT_ID, REGION
from tests.media_origin import JPEG_1PX, origin  # noqa: F401

TRACE_ID = "105445aa7843bc8bf206b12000100000"


@pytest.fixture
def json_logs(stack, capsys):
    """The process's logging switched to JSON; returns a reader of the lines logged so far."""
    saved = os.environ.get("SOKU_LOG_FORMAT")
    os.environ["SOKU_LOG_FORMAT"] = "json"
    structured_logs.configure(force=True)
    seen: list[str] = []

    def read() -> list[dict]:
        seen.extend(line for line in capsys.readouterr().out.splitlines() if line.strip())
        entries = []
        for line in seen:
            entry = json.loads(line)  # every line on stdout is one JSON object
            assert isinstance(entry, dict), line
            assert isinstance(entry["severity"], str) and isinstance(entry["message"], str), line
            entries.append(entry)
        return entries

    yield read
    if saved is None:
        os.environ.pop("SOKU_LOG_FORMAT", None)
    else:
        os.environ["SOKU_LOG_FORMAT"] = saved
    structured_logs.configure(force=True)


def for_request(entries: list[dict], request_id: str) -> list[dict]:
    return [e for e in entries if e.get("requestId") == request_id]


def test_an_api_call_logs_info_json_lines_with_its_request_id_and_trace(client, json_logs):
    r = client.get("/health", headers={"X-Cloud-Trace-Context": f"{TRACE_ID}/1234567;o=1"})
    assert r.status_code == 200
    request_id = r.headers["X-Request-ID"]

    mine = for_request(json_logs(), request_id)
    assert mine, "no log line names the request"
    summary = [e for e in mine if e["logger"] == "soku.api"]
    assert len(summary) == 1 and summary[0]["severity"] == "INFO"  # INFO is no longer dropped
    assert summary[0]["message"].startswith("GET /health -> 200 in ")
    assert summary[0]["status"] == 200 and summary[0]["route"] == "/health" and summary[0]["function"] == "health"
    for entry in mine:
        assert entry["logging.googleapis.com/trace"] == f"projects/{PROJECT_ID}/traces/{TRACE_ID}"
        assert entry["logging.googleapis.com/spanId"] == f"{1234567:016x}"
        assert entry["logging.googleapis.com/trace_sampled"] is True
        assert entry["logging.googleapis.com/labels"]["requestId"] == request_id
        assert entry["logging.googleapis.com/sourceLocation"]["file"].endswith(".py")


def test_the_callers_request_id_and_a_w3c_traceparent_are_used(client, json_logs):
    request_id = f"caller-{uuid.uuid4().hex[:8]}"
    r = client.get("/v1/no-such-thing", headers={
        "X-Request-ID": request_id, "traceparent": f"00-{TRACE_ID}-00f067aa0ba902b7-00"})
    assert r.status_code == 404 and r.headers["X-Request-ID"] == request_id

    (summary,) = [e for e in for_request(json_logs(), request_id) if e["logger"] == "soku.api"]
    assert summary["message"].startswith("GET /v1/no-such-thing -> 404 not_found")
    assert summary["logging.googleapis.com/trace"] == f"projects/{PROJECT_ID}/traces/{TRACE_ID}"
    assert summary["logging.googleapis.com/spanId"] == "00f067aa0ba902b7"
    assert summary["logging.googleapis.com/trace_sampled"] is False


def test_a_token_in_a_logged_url_is_redacted(client, user, origin, json_logs):  # noqa: F811
    origin.add("/photo.jpg", body=JPEG_1PX)
    secret = f"tok{uuid.uuid4().hex}"
    r = client.post("/v1/media", json={"url": origin.url(f"/photo.jpg?access_token={secret}&size=big")},
                    headers=user.key_headers)
    assert r.status_code == 201, r.text

    entries = json_logs()
    (stored,) = [e for e in for_request(entries, r.headers["X-Request-ID"]) if " stored: " in e["message"]]
    assert stored["severity"] == "INFO" and stored["logger"] == "soku.media"
    assert "access_token=[redacted]&size=big" in stored["message"]
    assert not any(secret in json.dumps(e) for e in entries)


def test_exceptions_carry_a_redacted_stack_trace_in_media_delivery(client, json_logs, monkeypatch):
    from shared.services.media import delivery

    def broken():
        raise RuntimeError("storage down at https://storage.test/o?access_token=leaked123")

    monkeypatch.setattr(delivery, "storage_client", broken)
    r = client.get(f"/media/m{uuid.uuid4().hex[:12]}.jpg")
    assert r.status_code == 500

    (failed,) = for_request(json_logs(), r.headers["X-Request-ID"])
    assert failed["severity"] == "ERROR" and failed["message"].startswith("media delivery failed")
    assert failed["stack_trace"].startswith("Traceback (most recent call last):")
    assert "RuntimeError: storage down at https://storage.test/o?access_token=[redacted]" in failed["stack_trace"]
    assert "leaked123" not in json.dumps(failed)


def test_the_oauth_callback_and_the_task_queue_guard_name_their_request(client, json_logs):
    r = client.get("/oauth/x/callback", params={"state": "forged", "code": "secret-code"},
                   headers={"X-Cloud-Trace-Context": f"{TRACE_ID}/7;o=0"})
    assert r.status_code < 500
    (refused,) = [e for e in for_request(json_logs(), r.headers["X-Request-ID"])
                  if e["message"].startswith("oauth callback for x refused")]
    assert refused["severity"] == "INFO"
    assert refused["logging.googleapis.com/trace"] == f"projects/{PROJECT_ID}/traces/{TRACE_ID}"
    assert refused["logging.googleapis.com/trace_sampled"] is False

    # A caller that is not Cloud Tasks: the guard refuses it, and says so in a line of this request.
    r = client.post(f"/{PROJECT_ID}/{REGION}/orchestratePost", json={"data": {}})
    assert r.status_code == 403
    (guard,) = for_request(json_logs(), r.headers["X-Request-ID"])
    assert guard["severity"] == "WARNING" and guard["message"].startswith("refused internal call")


# -- the configuration itself, without the stack ---------------------------------------------


@pytest.fixture
def reconfigure(monkeypatch):
    """configure(force=True) under a changed environment; the original setup comes back after."""

    def apply(**env: str | None) -> None:
        for name, value in env.items():
            if value is None:
                monkeypatch.delenv(name, raising=False)
            else:
                monkeypatch.setenv(name, value)
        structured_logs.configure(force=True)

    yield apply
    monkeypatch.undo()
    structured_logs.configure(force=True)


def _ours() -> list[logging.Handler]:
    return [h for h in logging.getLogger().handlers if isinstance(h, structured_logs.StdoutHandler)]


def test_configure_is_idempotent_and_replaces_plain_console_handlers(reconfigure):
    root = logging.getLogger()
    foreign = logging.StreamHandler()  # what functions-framework's setup_logging adds
    root.addHandler(foreign)
    try:
        reconfigure(SOKU_LOG_LEVEL=None)
        structured_logs.configure()
        structured_logs.configure()
        assert foreign not in root.handlers and len(_ours()) == 1
        assert root.level == logging.INFO
        assert logging.getLogger("werkzeug").level == logging.WARNING
        assert logging.getLogger("urllib3").level == logging.WARNING
    finally:
        root.removeHandler(foreign)


def test_local_and_test_environments_get_one_readable_line(reconfigure, capsys):
    reconfigure(SOKU_ENV="test", SOKU_LOG_FORMAT=None, SOKU_LOG_LEVEL=None)
    app = flask.Flask("t")
    with app.test_request_context("/x", headers={"X-Request-ID": "req-text-1"}):
        with request_context.bind(flask.request):
            logging.getLogger("soku.test").info("fetched %s\nforged line", "https://h/p?client_secret=s3cr3t")
    out = capsys.readouterr().out
    (line,) = [line for line in out.splitlines() if "soku.test" in line]
    assert " INFO soku.test [req-text-1]: fetched https://h/p?client_secret=[redacted]\\nforged line" in line
    assert "s3cr3t" not in out and not line.startswith("{")


def test_soku_log_level_overrides_info(reconfigure, capsys):
    reconfigure(SOKU_LOG_FORMAT="json", SOKU_LOG_LEVEL="WARNING")
    logging.getLogger("soku.test").info("quiet")
    logging.getLogger("soku.test").warning("loud")
    messages = [json.loads(line)["message"] for line in capsys.readouterr().out.splitlines()]
    assert messages == ["loud"]


def test_production_defaults_to_json_and_records_outside_a_request_have_no_request_id(reconfigure, capsys):
    reconfigure(SOKU_ENV="production", SOKU_LOG_FORMAT=None, SOKU_LOG_LEVEL=None)
    logging.getLogger("soku.test").info("background work", extra={"json_fields": {"runs": 3}})
    (entry,) = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert entry["severity"] == "INFO" and entry["message"] == "background work" and entry["runs"] == 3
    assert "requestId" not in entry and "logging.googleapis.com/trace" not in entry


@pytest.mark.parametrize("headers, expected", [
    ({"X-Cloud-Trace-Context": f"{TRACE_ID}/1;o=1"}, (TRACE_ID, "0000000000000001", True)),
    ({"X-Cloud-Trace-Context": f"{TRACE_ID.upper()}"}, (TRACE_ID, None, None)),
    ({"X-Cloud-Trace-Context": "0" * 32 + "/1;o=1"}, None),
    ({"X-Cloud-Trace-Context": "not-a-trace"}, None),
    ({"traceparent": f"00-{TRACE_ID}-00f067aa0ba902b7-01"}, (TRACE_ID, "00f067aa0ba902b7", True)),
    ({"traceparent": f"ff-{TRACE_ID}-00f067aa0ba902b7-01"}, None),
    ({"traceparent": "garbage", "X-Cloud-Trace-Context": f"{TRACE_ID}/2;o=0"}, (TRACE_ID, "0000000000000002", False)),
    ({}, None),
])
def test_trace_headers(headers, expected):
    assert request_context.parse_trace(headers) == expected


def test_a_streamed_body_keeps_the_request_context():
    def body():
        yield (structured_logs.current().request_id if structured_logs.current() else "none").encode()

    app = flask.Flask("t")
    with app.test_request_context("/x", headers={"X-Request-ID": "req-stream"}):
        with request_context.bind(flask.request):
            stream = request_context.carry(body())
    assert structured_logs.current() is None
    assert list(stream) == [b"req-stream"]
