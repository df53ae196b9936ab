"""HTTP function `mcp`: a remote MCP server at `/mcp` (Streamable HTTP), for AI agents (docs/agents.md).

The transport and the protocol are the official MCP Python SDK's (`mcp`): its low-level
`Server` and its Streamable HTTP session manager, run STATELESS with JSON responses, since a
function instance keeps nothing between requests. The SDK speaks ASGI and this function is a
Flask handler, so each request runs the SDK's handler once, on an event loop of its own
(shared/web/asgi_bridge.py): a fresh stateless manager per request, which is what stateless
means anyway.

The request itself goes through the pipeline every route takes (shared/web/api.py): the API
key (`soku-api-key`, or `Authorization: Bearer <key>`; none is 401 in the error envelope),
the subscription, rate limits, the 1 MB body cap, request ids and logs.

Each tool (shared/web/mcp_tools.py, the one table of tools, their routes and scopes) calls its
REST route in-process with the caller's key, through the same routing the `api` function uses
(functions/api.py): validation, rate limits, idempotency, errors and scopes are exactly the REST
API's. A route's JSON body is the tool's result (structured content, and as text); an error
envelope is a tool error (`isError: true`) carrying it. `tools/list` shows the tools the key's
scopes allow (its document, as the pipeline read it to authenticate the request); calling another
is the tool error `insufficient_scope`, as the REST route would answer.
"""

from __future__ import annotations

import contextvars
import json
from dataclasses import dataclass, field
from typing import Any, Mapping
from urllib.parse import quote

import mcp_types as types
from firebase_functions import https_fn
from flask import Request, Response
from mcp.server.lowlevel import Server
from mcp.server.streamable_http_manager import StreamableHTTPSessionManager
from werkzeug.test import EnvironBuilder

from functions.account import account
from functions.media import media
from functions.openapi import openapi
from functions.posts import posts
from functions.sizing import combined_options
from functions.templates import templates
from functions.transcribe import transcribe
from shared.adapters.gcp import firestore_client
from shared.errors import InsufficientScopeError, NotFoundError, SokuError, ValidationError
from shared.services import api_keys, key_scopes
from shared.services.rate_limits import HOSTING_MARKERS
from shared.web import asgi_bridge, mcp_tools, routes
from shared.web.api import Api, RequestContext
from shared.web.auth import API_KEY_HEADER, ApiKeyPrincipal
from shared.web.responses import error_body

api = Api("mcp")
PATH = "/mcp"
SERVER_NAME = "soku"
INSTRUCTIONS = (
    "Soku publishes to social platforms with one call. list_accounts gives the accountIds to target; "
    "publish_post returns a postSubmissionId at once, and get_post follows it until every run has "
    "succeeded or failed. list_platforms says what each platform takes. Retrying a call with the same "
    "arguments never posts twice.")

# The functions whose routes the tools call, by id (as functions/api.py holds every routed one).
TOOL_FUNCTIONS = {fn.__firebase_endpoint__.entryPoint: fn
                  for fn in (account, media, openapi, posts, templates, transcribe)}
_unserved = {f"{v.method} {v.path}": routes.function_for(v.path.replace("{", "").replace("}", ""))
             for tool in mcp_tools.TOOLS for v in tool.variants}
if any(function_id not in TOOL_FUNCTIONS for function_id in _unserved.values()):
    raise RuntimeError(f"functions/mcp.py does not import the functions of some tools' routes: {_unserved}")

# Headers of the MCP request that the in-process route calls carry too: who the client is and
# which front door it came through (rate limits, request logs, traces).
_FORWARDED = ("X-Forwarded-For", "X-Forwarded-Proto", "X-Forwarded-Host", "User-Agent", "traceparent",
              "X-Cloud-Trace-Context", *HOSTING_MARKERS)


@dataclass
class Caller:
    """The MCP request's caller: its key, and what that key may do (read once, when asked)."""

    api_key: str
    principal: ApiKeyPrincipal
    request: Request
    request_id: str
    _scopes: frozenset[str] | None = field(default=None, repr=False)

    @property
    def scopes(self) -> frozenset[str]:
        if self.principal.scopes is not None:  # the key's document, as the pipeline read it
            return self.principal.scopes
        if self._scopes is None:
            snapshot = firestore_client().collection(api_keys.COLLECTION).document(
                api_keys.hash_key(self.api_key)).get()
            self._scopes = key_scopes.scopes_of(snapshot.to_dict() or {})
        return self._scopes


_caller: contextvars.ContextVar[Caller] = contextvars.ContextVar("soku_mcp_caller")


async def _list_tools(ctx: Any, params: types.PaginatedRequestParams | None) -> types.ListToolsResult:
    held = _caller.get().scopes
    return types.ListToolsResult(tools=[
        types.Tool(name=tool.name, description=tool.description, input_schema=tool.input_schema(),
                   annotations=types.ToolAnnotations(read_only_hint=tool.read_only,
                                                     destructive_hint=tool.destructive,
                                                     idempotent_hint=tool.read_only or tool.creates))
        for tool in mcp_tools.visible(held)])


async def _call_tool(ctx: Any, params: types.CallToolRequestParams) -> types.CallToolResult:
    caller = _caller.get()
    arguments = dict(params.arguments or {})
    tool = mcp_tools.BY_NAME.get(params.name)
    if tool is None:
        return _tool_error(NotFoundError(f"No tool named {params.name!r}", code="tool_not_found"), caller)
    if not key_scopes.allows(caller.scopes, tool.scope):
        # As the REST routes refuse it (shared/errors.py), naming the scope and the key's own.
        return _tool_error(InsufficientScopeError(
            f"This API key lacks the scope {tool.scope}, which {tool.name} needs",
            details={"requiredScope": tool.scope, "grantedScopes": key_scopes.ordered(caller.scopes)}), caller)
    missing = [name for name in tool.path_params if name not in tool.optional_params
               and not (isinstance(arguments.get(name), str) and arguments[name])]
    if missing:
        return _tool_error(ValidationError(f"{tool.name} needs {', '.join(missing)}", details=[
            {"field": name, "message": "Required: a non-empty string", "code": "missing"} for name in missing]), caller)
    status, body = call_route(caller, tool, arguments)
    text = json.dumps(body, ensure_ascii=False)
    structured = body if isinstance(body, dict) else {"result": body}
    return types.CallToolResult(content=[types.TextContent(type="text", text=text)],
                                structured_content=structured, is_error=status >= 400)


def _tool_error(error: SokuError, caller: Caller) -> types.CallToolResult:
    body = error_body(error, caller.request_id)
    return types.CallToolResult(content=[types.TextContent(type="text", text=json.dumps(body))],
                                structured_content=body, is_error=True)


SERVER: Server = Server(SERVER_NAME, version="1", instructions=INSTRUCTIONS,
                        on_list_tools=_list_tools, on_call_tool=_call_tool)


def call_route(caller: Caller, tool: mcp_tools.Tool, arguments: Mapping[str, Any]) -> tuple[int, Any]:
    """Call `tool`'s REST route in-process with the caller's key: its status and JSON body."""
    args = dict(arguments)
    explicit_key = args.pop(mcp_tools.IDEMPOTENCY_ARGUMENT, None)
    variant = tool.route_for(args)
    path = variant.path
    for name in tool.path_params:
        value = args.pop(name, None)
        if name in variant.params:
            path = path.replace("{" + name + "}", quote(str(value), safe=""))
    query: dict[str, str] = {}
    if tool.query_model is not None or tool.body_model is None:
        # Query parameters; a tool without a body passes what is left on too, for the route to refuse.
        names = set(tool.query_model.model_fields) if tool.query_model is not None else set(args)
        if tool.body_model is None:
            names |= set(args)
        for name in [n for n in args if n in names]:
            query[name] = _query_value(args.pop(name))
    outer = caller.request
    headers = {name: outer.headers[name] for name in _FORWARDED if outer.headers.get(name)}
    headers[API_KEY_HEADER] = caller.api_key
    if tool.creates:
        headers["Idempotency-Key"] = (str(explicit_key) if explicit_key else mcp_tools.derived_idempotency_key(
            caller.principal.key_hash, tool.name, {k: v for k, v in arguments.items()
                                                   if k != mcp_tools.IDEMPOTENCY_ARGUMENT}))
    builder = EnvironBuilder(path=path, method=variant.method, base_url=outer.host_url, query_string=query,
                             headers=headers, **({"json": args} if tool.body_model is not None else {}))
    environ = builder.get_environ()
    environ["REMOTE_ADDR"] = outer.remote_addr or "127.0.0.1"
    environ[routes.PUBLIC_ROOT_KEY] = routes.public_root(outer)
    response = TOOL_FUNCTIONS[routes.function_for(path) or ""](Request(environ))
    body = response.get_json(silent=True)
    return response.status_code, body if body is not None else {}


def _query_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return value if isinstance(value, str) else json.dumps(value)


async def _serve(scope: dict, receive: Any, send: Any) -> None:
    # A manager runs once: one per request, stateless, so nothing is kept between requests.
    manager = StreamableHTTPSessionManager(SERVER, stateless=True, json_response=True)
    async with manager.run():
        await manager.handle_request(scope, receive, send)


def _handle(ctx: RequestContext) -> Response:
    principal = ctx.principal
    assert isinstance(principal, ApiKeyPrincipal)
    caller = Caller(ctx.request.headers.get(API_KEY_HEADER, ""), principal, ctx.request, ctx.request_id)
    body = b"" if ctx.body is None else json.dumps(ctx.body, ensure_ascii=False).encode()
    token = _caller.set(caller)
    try:
        return asgi_bridge.call(_serve, ctx.request, body)
    finally:
        _caller.reset(token)


# POST only: stateless, there is no session to DELETE and no event stream to GET (the transport
# allows a server to refuse that GET with 405, which the pipeline answers, with `Allow: POST`).
api.route("POST", PATH, summary="The MCP server (Streamable HTTP, stateless, JSON responses)",
          tags=("mcp",), documented=False)(_handle)


def _bearer_as_key(request: Request) -> None:
    """`Authorization: Bearer <API key>`, as MCP clients send a token, read as `soku-api-key`."""
    if request.headers.get(API_KEY_HEADER):
        return
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        request.environ["HTTP_SOKU_API_KEY"] = token.strip()  # request.headers is a view of the environ


# Sized for the routes its tools call (transcription's), as the `api` function is; each of them
# keeps its own first-request secrets check.
@https_fn.on_request(**combined_options(TOOL_FUNCTIONS.values()))
def mcp(request: https_fn.Request) -> https_fn.Response:
    _bearer_as_key(request)
    return api.handle(request)
