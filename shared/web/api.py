"""The request pipeline shared by every HTTP function.

Each HTTP function builds one `Api`, registers its routes and hands every
request to `Api.handle`. The pipeline gives all of them the same behaviour:
request ids, security headers, JSON-only bodies capped at 1 MB and at
`MAX_JSON_DEPTH` levels of nesting, one error
envelope, 404 for unknown routes and 405 for known routes with the wrong method.
Hosting rewrites pass the full path (`/v1/api-keys/abc`) to the function, so
routes are matched on the full path here as well.

Order of work: match the route, authenticate, count the request against its
caller's rate limits (shared/services/rate_limits.py; also for requests that
fail to match or to authenticate, by client address), read the body, validate
the query, run the handler. A route declared with `reads_while_counting` is
authenticated and counted *while* its handler does its reads (two round trips
saved): when this instance knows the API key's owner (auth.presume_api_key), the
key and the owner's subscription are not read before the handler, and the
counters' commit starts at once; the handler adds `ctx.gate_refs()` to its first
read and hands what it found to `ctx.gate_found()` (so neither needs a read of its
own), then calls `ctx.admit()` before its first write or answer, which confirms the
key and waits for the limiter. A refused key answers 401/403, and a refused
request 429, whatever the handler did, exactly as if refused first. Every
response carries the rate-limit headers, and a request log is written after the response is sent (request_logs.py). Every
line logged while a request is handled carries its request id and trace
(request_context.bind), and each call ends with one INFO line.
"""

from __future__ import annotations

import json
import logging
import re
import time
from dataclasses import dataclass, field
from enum import Enum
from typing import Any, Callable, Mapping, NoReturn

from flask import Request, Response

from shared.config import ConfigurationError, get_settings
from shared.errors import (
    InternalError,
    MethodNotAllowedError,
    MisconfiguredError,
    NotFoundError,
    PayloadTooLargeError,
    SokuError,
    UnsupportedMediaTypeError,
    ValidationError,
)
from shared.services import rate_limits, request_logs
from shared.web import auth, route_scopes
from shared.web.request_context import bind, request_id_for
from shared.web.responses import Reply, error_response, finish, json_response
from shared.web.validation import parse_query, refuse_unknown_query, validate_response

log = logging.getLogger("soku.api")

# A path parameter names a stored resource: one that no Firestore document id can
# be (".", "..", "__reserved__", control characters, over 256 characters) is 404.
_PATH_PARAM_OK = re.compile(r"^(?!\.{1,2}$)(?!__.*__$)[^\x00-\x1f\x7f]{1,256}$", re.S)
_BODY_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
# Objects and arrays nest at most this deep in a body: no request needs more, and it is
# Firestore's own bound on stored values. Deeper bodies are refused before any handler,
# model or hash walks them recursively (json.loads itself gives up near 1,000 levels with
# a RecursionError, which must be a 400 as well, not a crash).
MAX_JSON_DEPTH = 20


class Auth(Enum):
    NONE = "none"
    API_KEY = "api_key"  # soku-api-key + active subscription
    FIREBASE = "firebase"  # Authorization: Bearer <Firebase ID token>
    # Either: integrations send a key, the web console its signed-in user's ID token (both
    # need an active subscription).
    API_KEY_OR_FIREBASE = "api_key_or_firebase"
    # Either, and a signed-in user needs no subscription yet (connecting accounts, which a
    # web-app user may do before subscribing; a key still needs one).
    API_KEY_OR_SIGNED_IN = "api_key_or_signed_in"


# The kinds of route an API key may call: each names its scope in shared/web/route_scopes.py.
KEY_AUTHS = frozenset({Auth.API_KEY, Auth.API_KEY_OR_FIREBASE, Auth.API_KEY_OR_SIGNED_IN})


@dataclass
class RequestContext:
    request: Request
    request_id: str
    path_params: dict[str, str]
    body: Any = None
    principal: auth.Principal | None = None
    extra_headers: dict[str, str] = field(default_factory=dict)
    query: Any = None  # the route's query_model, validated, when it declares one
    rate_limit: Any = None  # the rate_limits.Decision that admitted this request
    # reads_while_counting routes: the key, when presumed, and the limiter's count, neither
    # decided yet (the gate, passed by admit()).
    presumed: auth.PresumedApiKey | None = None
    counting: rate_limits.Counting | None = None
    call: Any = None
    scope: str | None = None  # what the route needs from a key (route_scopes)
    _key_found: Mapping[str, Any] | None = None

    @property
    def user_id(self) -> str:
        assert self.principal is not None, "route declared no auth"
        return self.principal.user_id

    def gate_refs(self) -> list:
        """Documents the gate needs read (a presumed key's, the limiter's counters): add them
        to the handler's first read."""
        key = self.presumed.refs if self.presumed is not None else []
        return key + (list(self.counting.refs) if self.counting is not None else [])

    def gate_found(self, snapshots: Mapping[str, Any]) -> None:
        """Hand the gate what that read found (snapshots by document path)."""
        if self.presumed is not None:
            self._key_found = snapshots
        if self.counting is not None:
            self.counting.found(snapshots)

    def admit(self) -> None:
        """Pass the gate, before the handler's first write or answer: confirm a presumed key
        (auth.KeyRefused), then wait for the rate limiter's decision (its 429 when refused).
        A no-op once passed, and for routes counted before their handler ran."""
        if self.presumed is not None:
            presumed, self.presumed = self.presumed, None
            try:
                self.principal = self.call.principal = presumed.confirm(self._key_found, self.scope)
            except auth.KeyRefused as refused:
                # A key refused for its scope still names its user (counted as that user).
                self.principal = self.call.principal = getattr(refused.error, "principal", None)
                self.counting = None  # answered as refused before counting (Api._dispatch)
                raise
        if self.counting is None:
            return
        counting, self.counting = self.counting, None
        try:
            decision: rate_limits.Decision | None = counting.decision()
        except Exception:  # noqa: BLE001 - fail open: the limiter never takes the API down
            log.warning("rate limiter failed; request served unlimited", exc_info=True)
            decision = None
        self.call.limit = self.rate_limit = decision
        if decision is not None and not decision.allowed:
            raise decision.error()


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
    # Other non-error statuses the handler returns, with their body model (e.g. 503 readiness).
    responses: dict[int, type | None] = field(default_factory=dict)
    # Counted while the handler reads; the handler calls ctx.admit() before writing.
    reads_while_counting: bool = False
    # The route also takes `multipart/form-data` (this model documents its parts): such a
    # body is left unread for the handler to stream from `request.stream` (a file upload
    # must not be buffered whole, nor capped at the JSON limit); any other body is JSON.
    form_model: type | None = None
    # The form's media type: a file upload's multipart, or a platform's callback that posts an
    # urlencoded form (Meta's `signed_request`: shared/services/privacy).
    form_media_type: str = "multipart/form-data"
    # What an API key needs to call it (shared/web/route_scopes.py; None: any key).
    scope: str | None = None
    # False: not a REST operation, left out of the OpenAPI document (the MCP endpoint, /mcp).
    documented: bool = True

    def streams_body(self, request: Request) -> bool:
        return self.form_model is not None and request.mimetype == self.form_media_type

    @property
    def endpoint(self) -> str:
        """`METHOD /pattern`: the key of endpoint rate limits and of the request logs."""
        return f"{self.method} {self.pattern}"


@dataclass
class Call:
    """What the pipeline learned about one call: for headers and the request log."""

    route: Route | None = None
    principal: auth.Principal | None = None
    limit: rate_limits.Decision | None = None
    error: SokuError | None = None


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


class Api:
    def __init__(self, name: str) -> None:
        self.name = name
        self.routes: list[Route] = []

    def route(self, method: str, pattern: str, *, auth: Auth = Auth.API_KEY, summary: str = "",
              request_model: type | None = None, response_model: type | None = None,
              query_model: type | None = None, success_status: int = 200,
              tags: tuple[str, ...] = (), responses: dict[int, type | None] | None = None,
              reads_while_counting: bool = False, form_model: type | None = None,
              form_media_type: str = "multipart/form-data", documented: bool = True):
        """Register a handler. The keyword metadata describes the route's contract."""

        def register(handler: Handler) -> Handler:
            # A key route names its scope, or is not registered (fails at import, i.e. at deploy).
            scope = route_scopes.scope_for(f"{method.upper()} {pattern}") if auth in KEY_AUTHS else None
            self.routes.append(Route(
                method.upper(), pattern, _compile(pattern), handler, auth,
                summary=summary or (handler.__doc__ or "").strip().split("\n")[0],
                request_model=request_model, response_model=response_model,
                query_model=query_model, success_status=success_status, tags=tags,
                responses=dict(responses or {}), reads_while_counting=reads_while_counting,
                form_model=form_model, form_media_type=form_media_type, scope=scope, documented=documented,
            ))
            return handler

        return register

    # -- pipeline ---------------------------------------------------------

    def handle(self, request: Request) -> Response:
        request_id = request_id_for(request)
        with bind(request, request_id):  # every line logged from here on names this request
            return self._handle(request, request_id)

    def _handle(self, request: Request, request_id: str) -> Response:
        started = time.perf_counter()
        call = Call()
        try:
            response = self._dispatch(request, request_id, call)
        except SokuError as error:
            call.error = error
            response = error_response(error, request_id, debug=_debug())
        except ConfigurationError as exc:
            # A setting this request needs is missing or contradictory: 503 naming it, never a
            # 500 (DESIGN.md, decision 4), wherever the request met it (auth, body, handler).
            log.error("%s cannot serve %s %s: %s", self.name, request.method, request.path, exc)
            call.error = error = MisconfiguredError.of(exc)
            response = error_response(error, request_id, debug=_debug())
        except Exception as exc:  # noqa: BLE001 - the one place that turns crashes into 500s
            log.exception("unhandled error in %s (request %s)", self.name, request_id)
            error = InternalError()
            error.__cause__ = exc
            call.error = error
            response = error_response(error, request_id, debug=_debug())
        if call.limit is not None:
            for name, value in call.limit.headers().items():
                response.headers[name] = value
        response = finish(response, request_id, one_callers=call.principal is not None)
        latency_ms = (time.perf_counter() - started) * 1000
        self._log(request, response, request_id, call, latency_ms)
        # One line per call (werkzeug's access log is kept quiet): path only, never the query.
        code = call.error.code if call.error is not None else None
        log.info("%s %s -> %d%s in %.0f ms", request.method, request.path, response.status_code,
                 f" {code}" if code else "", latency_ms, extra={"json_fields": {
                     "function": self.name, "route": call.route.pattern if call.route is not None else None,
                     "status": response.status_code, "errorCode": code, "latencyMs": round(latency_ms, 1)}})
        return response

    def _match(self, request: Request) -> tuple[Route, dict[str, str]]:
        path = request.path
        allowed: list[str] = []
        # A literal path names its own resource: when one matches, a parameter route never
        # claims the path (`GET /v1/media/uploads` is 405, not the media document "uploads").
        literal = [r for r in self.routes if "{" not in r.pattern and r.regex.match(path)]
        for route in literal or self.routes:
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

    def _dispatch(self, request: Request, request_id: str, call: Call) -> Response:
        try:
            route, params = self._match(request)
        except SokuError:
            self._limit(request, call)  # unknown routes count against the caller's address
            raise
        call.route = route
        ctx = RequestContext(request=request, request_id=request_id, path_params=params, call=call,
                             scope=route.scope)
        try:
            if route.auth is Auth.API_KEY:
                # A key this instance knows is read in such a handler's first read, not before it.
                ctx.presumed = auth.presume_api_key(request) if route.reads_while_counting else None
                ctx.principal = (ctx.presumed.principal if ctx.presumed is not None
                                 else auth.authenticate_api_key(request))
            elif route.auth is Auth.FIREBASE:
                ctx.principal = auth.authenticate_firebase_user(request)
            elif route.auth is Auth.API_KEY_OR_FIREBASE:
                ctx.principal = auth.authenticate_key_or_user(request)
            elif route.auth is Auth.API_KEY_OR_SIGNED_IN:
                ctx.principal = auth.authenticate_key_or_user(request, user_subscribed=False)
            if isinstance(ctx.principal, auth.ApiKeyPrincipal) and ctx.presumed is None:
                ctx.principal.require(route.scope)  # a presumed key: on its confirmation (admit)
        except SokuError as error:
            self._refused(request, call, error)
        call.principal = ctx.principal
        if route.reads_while_counting and ctx.principal is not None:
            ctx.counting = self._start_counting(request, call)
        if ctx.counting is None:
            self._limit(request, call)
            ctx.rate_limit = call.limit
        try:
            try:
                result = self._run(route, ctx, params)
            finally:
                # Refused (a presumed key, then the limiter): that is the answer whatever the
                # handler did, as if refused before it ran.
                ctx.admit()
        except auth.KeyRefused as refused:
            self._refused(request, call, refused.error)
        if isinstance(result, Response):
            response = result
        elif isinstance(result, Reply):
            response = json_response(result.body, result.status, result.headers)
        else:
            response = json_response(result)
        for name, value in ctx.extra_headers.items():
            response.headers.setdefault(name, value)
        if route.response_model is not None and response.status_code < 400 and _check_contract():
            documented = {route.success_status: route.response_model} | route.responses
            if response.status_code not in documented:
                raise InternalError(f"{route.endpoint} answered {response.status_code}, which its "
                                    f"contract does not document", code="response_contract_violation")
            validate_response(documented[response.status_code], response, route.endpoint)
        return response

    def _refused(self, request: Request, call: Call, error: SokuError) -> NoReturn:
        """Answer an authentication failure, counted against whoever it names."""
        # A key without a subscription (403) still names its user; a bad key (401) does not.
        call.principal = getattr(error, "principal", None)
        self._limit(request, call)
        raise error

    @staticmethod
    def _run(route: Route, ctx: RequestContext, params: dict[str, str]) -> Any:
        for name, value in params.items():
            if not _PATH_PARAM_OK.match(value):
                raise NotFoundError(f"No resource with this {name}", details={"field": f"path.{name}"})
        ctx.body = None if route.streams_body(ctx.request) else read_json_body(request=ctx.request)
        if route.query_model is not None:
            ctx.query = parse_query(route.query_model, ctx.request.args)
        else:  # a route that takes no query refuses one rather than ignore it
            refuse_unknown_query(ctx.request.args)
        return route.handler(ctx)

    def _limit(self, request: Request, call: Call) -> None:
        """Count the request against its caller's limits; raise 429 when over."""
        call.limit = self._decide(request, call)
        if call.limit is not None and not call.limit.allowed:
            raise call.limit.error()

    def _start_counting(self, request: Request, call: Call) -> rate_limits.Counting | None:
        """Start counting a reads_while_counting call (None: the limiter failed; counted now)."""
        try:
            return rate_limits.start_counting(**_whom_to_count(request, call))
        except Exception as exc:  # noqa: BLE001 - counted the usual way instead, which fails open itself
            log.warning("could not start counting in %s; counting before the handler: %s", self.name, exc,
                        exc_info=_trace(exc))
            return None

    def _decide(self, request: Request, call: Call) -> rate_limits.Decision | None:
        """The limiter's decision for this call (None: the limiter failed, served unlimited)."""
        try:
            decision = rate_limits.enforce(**_whom_to_count(request, call))
        except Exception as exc:  # noqa: BLE001 - fail open: the limiter never takes the API down
            log.warning("rate limiter failed in %s; request served unlimited: %s", self.name, exc,
                        exc_info=_trace(exc))
            return None
        return decision

    def _log(self, request: Request, response: Response, request_id: str, call: Call,
             latency_ms: float) -> None:
        try:
            principal = call.principal
            entry = request_logs.build(
                function=self.name, method=request.method, path=request.path,
                route=call.route.pattern if call.route is not None else None,
                status=response.status_code, latency_ms=latency_ms, request_id=request_id,
                user_id=principal.user_id if principal is not None else None,
                key_id=getattr(principal, "key_hash", None),
                auth=call.route.auth.value if call.route is not None and principal is not None else None,
                tier=call.limit.tier.name if call.limit is not None else None,
                error_code=call.error.code if call.error is not None else None,
                exception=(call.error.__cause__ or call.error) if call.error is not None else None,
            )
            request_logs.record(response, entry)
        except Exception as exc:  # noqa: BLE001 - logging never fails a request
            log.warning("could not record the request log of %s: %s", request_id, exc, exc_info=_trace(exc))


def _whom_to_count(request: Request, call: Call) -> dict[str, Any]:
    """The rate limiter's view of a call: who made it, from where, to which endpoint."""
    principal = call.principal
    return {
        "user_id": principal.user_id if principal is not None else None,
        "subscribed": bool(getattr(principal, "subscription_status", None)),
        "remote_addr": request.remote_addr,
        "forwarded_for": request.headers.get("X-Forwarded-For"),
        "endpoint": call.route.endpoint if call.route is not None else None,
        "via_hosting": rate_limits.came_through_hosting(request.headers),
    }


def _trace(exc: Exception) -> Exception | bool:
    """The `exc_info` of a warning about a part that failed open (the limiter, request logs):
    the traceback, unless a ConfigurationError, whose message says what to fix (by hand, the
    Firebase CLI's functions meet one on every request: docs/local-stack.md)."""
    return False if isinstance(exc, ConfigurationError) else exc


def _debug() -> bool:
    try:
        return get_settings().debug_errors
    except Exception:  # noqa: BLE001 - a broken config must not hide the original error
        return False


def _check_contract() -> bool:
    """Outside production, every 2xx body is checked against its route's documented model."""
    try:
        return get_settings().environment in ("test", "development", "local")
    except Exception:  # noqa: BLE001
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
        body = json.loads(raw)
    except RecursionError:
        raise _too_deep() from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        where = f" at line {exc.lineno} column {exc.colno}" if isinstance(exc, json.JSONDecodeError) else ""
        raise ValidationError(
            "Malformed JSON body",
            details=[
                {"field": "body", "message": f"Invalid JSON{where}", "code": "invalid_json"}
            ],
        ) from None
    if _nested_deeper_than(body, MAX_JSON_DEPTH):
        raise _too_deep()
    return body


def _too_deep() -> ValidationError:
    return ValidationError("JSON body is nested too deeply", details=[{
        "field": "body", "code": "too_deep",
        "message": f"Objects and arrays may be nested at most {MAX_JSON_DEPTH} levels deep"}])


def _nested_deeper_than(value: Any, limit: int) -> bool:
    """Whether objects/arrays in `value` nest more than `limit` deep (iterative: no recursion)."""
    pending = [(value, 1)]
    while pending:
        item, depth = pending.pop()
        children = item.values() if isinstance(item, dict) else item if isinstance(item, list) else None
        if children is None:
            continue
        if depth > limit:
            return True
        pending.extend((child, depth + 1) for child in children if isinstance(child, (dict, list)))
    return False
