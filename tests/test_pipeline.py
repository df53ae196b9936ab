"""Behaviour every HTTP function shares: ids, headers, bodies, errors, routing."""

from __future__ import annotations

import uuid

import flask
import pytest

from shared.config import reset_settings
from shared.web.api import Api, Auth
from shared.web.responses import SECURITY_HEADERS
from tests.envelope import assert_error

ONE_MB = 1024 * 1024


def test_request_id_is_echoed(client, user):
    r = client.get("/v1/me", headers=user.key_headers | {"X-Request-ID": "my-debug-123"})
    assert r.headers["X-Request-ID"] == "my-debug-123"
    r = client.get("/v1/me", headers={"X-Request-ID": "my-debug-456"})
    assert r.headers["X-Request-ID"] == "my-debug-456"
    assert r.json()["error"]["requestId"] == "my-debug-456"


def test_request_id_is_generated_when_absent_or_unusable(client):
    generated = client.get("/health").headers["X-Request-ID"]
    uuid.UUID(generated)
    assert client.get("/health").headers["X-Request-ID"] != generated
    bad = client.get("/health", headers={"X-Request-ID": "x" * 200}).headers["X-Request-ID"]
    uuid.UUID(bad)
    injected = client.get("/health", headers={"X-Request-ID": "a<script>"}).headers["X-Request-ID"]
    uuid.UUID(injected)


@pytest.mark.parametrize("path", ["/health", "/v1/me", "/v1/unknown", "/v1/api-keys"])
def test_security_headers_on_every_response(client, path):
    r = client.get(path)
    for name, value in SECURITY_HEADERS.items():
        assert r.headers[name] == value, name


def test_body_over_one_megabyte_is_413(client, user):
    body = b'{"name": "' + b"x" * ONE_MB + b'"}'
    r = client.post("/v1/api-keys", content=body, headers=user.bearer | {"Content-Type": "application/json"})
    error = assert_error(r, 413, "payload_too_large")
    assert error["details"]["limit"] == ONE_MB


def test_chunked_body_over_the_limit_is_413(client, user):
    def chunks():
        yield b'{"name": "'
        for _ in range(17):
            yield b"y" * 65536
        yield b'"}'

    r = client.post("/v1/api-keys", content=chunks(), headers=user.bearer | {"Content-Type": "application/json"})
    assert_error(r, 413, "payload_too_large")


def test_body_just_under_the_limit_is_read(client, user):
    body = b'{"name": "' + b"x" * (ONE_MB - 20) + b'"}'
    r = client.post("/v1/api-keys", content=body, headers=user.bearer | {"Content-Type": "application/json"})
    error = assert_error(r, 400, "validation_error")  # read in full, then too long a name
    assert error["details"][0]["code"] == "too_big"


def test_non_json_body_is_415(client, user):
    r = client.post("/v1/api-keys", content=b"name=x", headers=user.bearer | {"Content-Type": "application/x-www-form-urlencoded"})
    assert_error(r, 415, "unsupported_media_type")


def test_malformed_json_is_400_with_position(client, user):
    r = client.post("/v1/api-keys", content=b'{"name": ', headers=user.bearer | {"Content-Type": "application/json"})
    error = assert_error(r, 400, "validation_error", "Malformed JSON body")
    assert error["details"][0]["code"] == "invalid_json"
    assert "line 1" in error["details"][0]["message"]


def test_json_that_is_not_an_object_is_400(client, user):
    r = client.post("/v1/api-keys", json=["name"], headers=user.bearer)
    error = assert_error(r, 400, "validation_error")
    assert error["details"][0] == {"field": "body", "message": "Expected a JSON object",
                                   "code": "invalid_type", "received": "array"}


def _nested(depth: int, kind: str = "object") -> bytes:
    if kind == "object":
        return b'{"a":' * depth + b"1" + b"}" * depth
    return b"[" * depth + b"]" * depth


@pytest.mark.parametrize("raw", [
    b"[" * 100_000,  # unclosed, and far deeper than the JSON decoder's recursion limit
    _nested(10_000),
    _nested(10_000, "array"),
    b'{"name": ' + _nested(900) + b"}",  # parses within the recursion limit, still too deep
], ids=["unclosed-arrays", "objects-10k", "arrays-10k", "objects-900"])
def test_deeply_nested_json_is_400_not_500(client, user, raw):
    r = client.post("/v1/api-keys", content=raw, headers=user.bearer | {"Content-Type": "application/json"})
    error = assert_error(r, 400, "validation_error", "JSON body is nested too deeply")
    assert error["details"] == [{"field": "body", "code": "too_deep",
                                 "message": "Objects and arrays may be nested at most 20 levels deep"}]


def test_nesting_is_judged_on_the_whole_body_wherever_it_is(client, user):
    from shared.web.api import MAX_JSON_DEPTH

    # A post whose platform options hide a deep value: refused before any handler runs.
    post = b'{"post": {"content": {"text": "hi", "platform": ["x"], "options": {"x": ' + _nested(60) + b"}}}}"
    r = client.post("/v1/posts", content=post, headers=user.key_headers | {"Content-Type": "application/json"})
    assert assert_error(r, 400, "validation_error")["details"][0]["code"] == "too_deep"
    # At the limit exactly: read, then judged by the route's model as usual.
    at_limit = b'{"name": ' + _nested(MAX_JSON_DEPTH - 1) + b"}"
    r = client.post("/v1/api-keys", content=at_limit, headers=user.bearer | {"Content-Type": "application/json"})
    error = assert_error(r, 400, "validation_error")
    assert error["details"][0]["field"] == "body.name" and error["details"][0]["code"] == "invalid_type"


def test_pydantic_depth_errors_are_short_validation_errors():
    """A model that recurses (none of the API's do today) must not answer a 255-part field path."""
    from typing import Optional

    import pydantic

    from shared.errors import ValidationError
    from shared.web.validation import parse_body

    class Node(pydantic.BaseModel):
        child: Optional["Node"] = None

    payload: dict = {}
    for _ in range(300):
        payload = {"child": payload}
    with pytest.raises(ValidationError) as caught:
        parse_body(Node, payload)
    [detail] = caught.value.details
    assert detail["code"] == "too_deep" and detail["message"] == "Nested too deeply"
    assert len(detail["field"]) <= 200, detail["field"]


@pytest.mark.parametrize("path", ["/v1/unknown", "/v1/posts/nope/extra", "/v1/api-keys/a/b"])
def test_unknown_routes_are_404(client, path):
    assert_error(client.get(path), 404, "not_found")


def test_unknown_path_outside_v1_is_404_json(client):
    assert_error(client.get("/definitely/not/here"), 404, "not_found")


def test_wrong_method_is_405_with_allow(client, user):
    r = client.put("/v1/api-keys", headers=user.bearer)
    assert_error(r, 405, "method_not_allowed")
    assert r.headers["Allow"] == "GET, POST"


# -- crashes: a 500 in the envelope, stack traces only in development mode --

def _crashing_api() -> Api:
    api = Api("crash")

    @api.route("GET", "/v1/crash", auth=Auth.NONE)
    def crash(ctx):
        raise RuntimeError("secret internal detail")

    return api


def _call(api: Api, path: str) -> flask.Response:
    app = flask.Flask("t")
    with app.test_request_context(path, method="GET"):
        return api.handle(flask.request)


def test_unexpected_errors_are_500_without_internals(stack):
    response = _call(_crashing_api(), "/v1/crash")
    assert response.status_code == 500
    error = response.get_json()["error"]
    assert error["type"] == "api_error" and error["code"] == "internal_error"
    assert "secret internal detail" not in response.get_data(as_text=True)
    assert "debug" not in error
    assert response.headers["X-Request-ID"] == error["requestId"]


def test_stack_traces_only_in_development_mode(stack, monkeypatch):
    monkeypatch.setenv("SOKU_ENV", "development")
    reset_settings()
    try:
        error = _call(_crashing_api(), "/v1/crash").get_json()["error"]
    finally:
        monkeypatch.setenv("SOKU_ENV", "test")
        reset_settings()
    assert error["debug"]["exception"] == "RuntimeError"
    assert any("secret internal detail" in line for line in error["debug"]["stack"])
