"""The request pipeline shared by every HTTP function.

Each HTTP function builds one `Api`, registers its routes and hands every
request to `Api.handle`. The pipeline gives all of them the same behaviour:
request ids, security headers, JSON-only bodies capped at 1 MB, one error
envelope, 404 for unknown routes and 405 for known routes with the wrong method.
Hosting rewrites pass the full path (`/v1/api-keys/abc`) to the function, so
routes are matched on the full path here as well.
"""

from __future__ import annotations

import json
import logging
import re
import uuid
from dataclasses import dataclass, field
from enum import Enum
from typing import Any, Callable

from flask import Request, Response

from shared.config import get_settings
from shared.errors import (
    InternalError,
    MethodNotAllowedError,
    NotFoundError,
    PayloadTooLargeError,
    SokuError,
    UnsupportedMediaTypeError,
    ValidationError,
)
from shared.web import auth
from shared.web.responses import Reply, error_response, finish, json_response

log = logging.getLogger("soku.api")

_REQUEST_ID_OK = re.compile(r"^[A-Za-z0-9._:\-]{1,128}$")
_BODY_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


class Auth(Enum):
    NONE = "none"
    API_KEY = "api_key"  # soku-api-key + active subscription
    FIREBASE = "firebase"  # Authorization: Bearer <Firebase ID token>


@dataclass
class RequestContext:
    request: Request
    request_id: str
    path_params: dict[str, str]
    body: Any = None
    principal: auth.Principal | None = None
    extra_headers: dict[str, str] = field(default_factory=dict)

    @property
    def user_id(self) -> str:
        assert self.principal is not None, "route declared no auth"
        return self.principal.user_id


Handler = Callable[[RequestContext], Any]


@dataclass
class Route:
    method: str
    pattern: str
    regex: re.Pattern[str]
    handler: Handler
    auth: Auth
    # Contract metadata (the OpenAPI document is generated from these).
    summary: str = ""
    request_model: type | None = None
    response_model: type | None = None
    query_model: type | None = None
    success_status: int = 200
    tags: tuple[str, ...] = ()


def _compile(pattern: str) -> re.Pattern[str]:
    # "/v1/api-keys/{id}" -> ^/v1/api\-keys/(?P<id>[^/]+)/?$
    parts = re.split(r"(\{[a-zA-Z_]+\})", pattern)
    out = ""
    for part in parts:
        if part.startswith("{") and part.endswith("}"):
            out += f"(?P<{part[1:-1]}>[^/]+)"
        else:
            out += re.escape(part)
    return re.compile(f"^{out}/?$")


def request_id_for(request: Request) -> str:
    supplied = request.headers.get("X-Request-ID", "")
    return supplied if _REQUEST_ID_OK.match(supplied) else str(uuid.uuid4())


class Api:
    def __init__(self, name: str) -> None:
        self.name = name
        self.routes: list[Route] = []

    def route(self, method: str, pattern: str, *, auth: Auth = Auth.API_KEY, summary: str = "",
              request_model: type | None = None, response_model: type | None = None,
              query_model: type | None = None, success_status: int = 200,
              tags: tuple[str, ...] = ()):
        """Register a handler. The keyword metadata describes the route's contract."""

        def register(handler: Handler) -> Handler:
            self.routes.append(Route(
                method.upper(), pattern, _compile(pattern), handler, auth,
                summary=summary or (handler.__doc__ or "").strip().split("\n")[0],
                request_model=request_model, response_model=response_model,
                query_model=query_model, success_status=success_status, tags=tags,
            ))
            return handler

        return register

    # -- pipeline ---------------------------------------------------------

    def handle(self, request: Request) -> Response:
        request_id = request_id_for(request)
        try:
            response = self._dispatch(request, request_id)
        except SokuError as error:
            response = error_response(error, request_id, debug=_debug())
        except Exception as exc:  # noqa: BLE001 - the one place that turns crashes into 500s
            log.exception("unhandled error in %s (request %s)", self.name, request_id)
            error = InternalError()
            error.__cause__ = exc
            response = error_response(error, request_id, debug=_debug())
        return finish(response, request_id)

    def _match(self, request: Request) -> tuple[Route, dict[str, str]]:
        path = request.path
        allowed: list[str] = []
        for route in self.routes:
            found = route.regex.match(path)
            if not found:
                continue
            if route.method == request.method or (
                request.method == "HEAD" and route.method == "GET"
            ):
                return route, found.groupdict()
            allowed.append(route.method)
        if allowed:
            raise MethodNotAllowedError(
                f"Method {request.method} is not allowed on {path}; allowed: {', '.join(sorted(set(allowed)))}",
                headers={"Allow": ", ".join(sorted(set(allowed)))},
            )
        raise NotFoundError(f"No route for {request.method} {path}")

    def _dispatch(self, request: Request, request_id: str) -> Response:
        route, params = self._match(request)
        ctx = RequestContext(request=request, request_id=request_id, path_params=params)
        ctx.body = read_json_body(request)
        if route.auth is Auth.API_KEY:
            ctx.principal = auth.authenticate_api_key(request)
        elif route.auth is Auth.FIREBASE:
            ctx.principal = auth.authenticate_firebase_user(request)
        result = route.handler(ctx)
        if isinstance(result, Response):
            response = result
        elif isinstance(result, Reply):
            response = json_response(result.body, result.status, result.headers)
        else:
            response = json_response(result)
        for name, value in ctx.extra_headers.items():
            response.headers.setdefault(name, value)
        return response


def _debug() -> bool:
    try:
        return get_settings().debug_errors
    except Exception:  # noqa: BLE001 - a broken config must not hide the original error
        return False


def read_json_body(request: Request) -> Any:
    """Read and decode the body: JSON only, never more than the configured cap."""
    if request.method not in _BODY_METHODS:
        return None
    limit = get_settings().max_body_bytes
    declared = request.content_length
    if declared is not None and declared > limit:
        raise PayloadTooLargeError(
            f"Request body is {declared} bytes; the limit is {limit} bytes",
            details={"limit": limit, "received": declared},
        )
    # Chunked bodies carry no length: read one byte past the cap to detect them.
    raw = request.stream.read(limit + 1)
    if len(raw) > limit:
        raise PayloadTooLargeError(
            f"Request body exceeds the limit of {limit} bytes", details={"limit": limit}
        )
    if not raw.strip():
        return None
    if request.mimetype != "application/json":
        raise UnsupportedMediaTypeError(
            f"Content-Type must be application/json, got {request.mimetype or 'none'}",
            details={"received": request.content_type},
        )
    try:
        return json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        where = f" at line {exc.lineno} column {exc.colno}" if isinstance(exc, json.JSONDecodeError) else ""
        raise ValidationError(
            "Malformed JSON body",
            details=[
                {"field": "body", "message": f"Invalid JSON{where}", "code": "invalid_json"}
            ],
        ) from None
