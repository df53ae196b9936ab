"""Run an ASGI app for one request of a WSGI function (the MCP server's transport is ASGI).

A Cloud Function here is a Flask handler: one request in, one response out. An ASGI app is
run for that one request on an event loop of its own (asyncio.run), which ends with the
request: nothing outlives it, which is what a function instance allows (the MCP transport
runs stateless, with JSON responses, so no stream stays open after the answer). The body is
handed over whole (the pipeline has already read and capped it); the response is collected
whole. Context variables (the Flask request context, the log binding) reach the app, since
asyncio.run's task copies the caller's context.
"""

from __future__ import annotations

import asyncio
from typing import Any, Awaitable, Callable

from flask import Request, Response

AsgiApp = Callable[[dict, Callable[[], Awaitable[dict]], Callable[[dict], Awaitable[None]]], Awaitable[None]]


def scope_of(request: Request, path: str | None = None) -> dict[str, Any]:
    host = request.host.rsplit(":", 1)
    port = int(host[1]) if len(host) == 2 and host[1].isdigit() else (443 if request.scheme == "https" else 80)
    return {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.3"},
        "http_version": "1.1",
        "method": request.method,
        "scheme": request.scheme,
        "path": path if path is not None else request.path,
        "raw_path": (path if path is not None else request.path).encode(),
        "root_path": "",
        "query_string": request.query_string,
        "headers": [(name.lower().encode("latin-1"), value.encode("latin-1"))
                    for name, value in request.headers.items() if name.lower() != "content-length"],
        "server": (host[0], port),
        "client": (request.remote_addr or "", 0),
    }


def call(app: AsgiApp, request: Request, body: bytes) -> Response:
    """`app`'s answer to `request` with `body`, as a Flask response."""
    scope = scope_of(request)
    scope["headers"].append((b"content-length", str(len(body)).encode()))
    return asyncio.run(_run(app, scope, body))


async def _run(app: AsgiApp, scope: dict, body: bytes) -> Response:
    status = 500
    headers: list[tuple[str, str]] = []
    chunks: list[bytes] = []
    done = asyncio.Event()
    delivered = False

    async def receive() -> dict:
        nonlocal delivered
        if not delivered:
            delivered = True
            return {"type": "http.request", "body": body, "more_body": False}
        await done.wait()  # the client "disconnects" once the response is complete
        return {"type": "http.disconnect"}

    async def send(message: dict) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]
            headers.extend((k.decode("latin-1"), v.decode("latin-1")) for k, v in message.get("headers", []))
        elif message["type"] == "http.response.body":
            chunks.append(message.get("body", b""))
            if not message.get("more_body", False):
                done.set()

    try:
        await app(scope, receive, send)
    finally:
        done.set()
    return Response(b"".join(chunks), status=status,
                    headers=[(name, value) for name, value in headers if name.lower() != "content-length"])
