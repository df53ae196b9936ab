"""JSON responses, the error envelope and the headers every response carries."""

from __future__ import annotations

import json
import traceback
from dataclasses import dataclass, field
from typing import Any

from flask import Response

from shared import clock
from shared.errors import SokuError
from shared.services.results import IdempotentResult

SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "X-DNS-Prefetch-Control": "off",
    "Strict-Transport-Security": "max-age=63072000; includeSubDomains",
}


@dataclass
class Reply:
    """What a route handler returns: a JSON body, a status and extra headers."""

    body: Any
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)


def idempotent_reply(result: IdempotentResult) -> Reply:
    """An idempotent call's result, with the key it ran under echoed as `Idempotency-Key`."""
    return Reply(result.body, status=result.status, headers={"Idempotency-Key": result.idempotency_key})


def json_response(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    response = Response(
        json.dumps(body, separators=(",", ":"), ensure_ascii=False, default=str),
        status=status,
        mimetype="application/json",
    )
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def error_body(error: SokuError, request_id: str, *, debug: bool = False) -> dict:
    payload: dict[str, Any] = {
        "type": error.type,
        "code": error.code,
        "message": error.message,
        "timestamp": clock.iso(clock.now()),
        "requestId": request_id,
    }
    if error.details is not None:
        payload["details"] = error.details
    if debug:
        cause = error.__cause__ or error
        payload["debug"] = {
            "exception": type(cause).__name__,
            "stack": traceback.format_exception(cause),
        }
    return {"error": payload}


def error_response(error: SokuError, request_id: str, *, debug: bool = False) -> Response:
    return json_response(error_body(error, request_id, debug=debug), error.status, error.headers)


def finish(response: Response, request_id: str, *, one_callers: bool = False) -> Response:
    """Headers that every response carries, error or not. `one_callers`: the answer is for
    the authenticated caller alone (an API key's, a signed-in user's)."""
    response.headers["X-Request-ID"] = request_id
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    response.headers.setdefault("Cache-Control", "no-store")
    if one_callers or "Set-Cookie" in response.headers:
        response.headers["Cache-Control"] = private(response.headers["Cache-Control"])
    return response


def private(cache_control: str) -> str:
    """`Cache-Control` marked `private` (and never `public`), for two answers Hosting's CDN
    must not share (docs/hosting.md):
    - one that sets a cookie: Hosting removes `Set-Cookie` from every function answer that is
      not private (firebase-tools lib/hosting/proxy.js models it; `no-store` alone is not
      enough), so without `private` the cookie never reaches the browser;
    - one for an authenticated caller: Hosting varies its cache on `Authorization` and
      `Cookie`, not on `soku-api-key`, so a shareable keyed answer could reach another caller."""
    directives = [d.strip() for d in cache_control.split(",") if d.strip()]
    if any(d.lower() == "private" for d in directives):
        return cache_control
    return ", ".join(["private", *(d for d in directives if d.lower() != "public")])
