"""Assertions on the spec's error envelope, shared by the API tests."""

from __future__ import annotations

from datetime import datetime

import httpx


def assert_error(response: httpx.Response, status: int, code: str, message: str | None = None) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    error = response.json()["error"]
    expected_type = (
        "authentication_error" if status in (401, 403)
        else "api_error" if status >= 500 else "invalid_request_error"
    )
    assert error["type"] == expected_type
    assert error["code"] == code
    if message is not None:
        assert error["message"] == message
    assert error["requestId"] == response.headers["X-Request-ID"]
    assert datetime.fromisoformat(error["timestamp"].replace("Z", "+00:00")).tzinfo is not None
    assert "debug" not in error, "stack traces must not leak outside development mode"
    return error
