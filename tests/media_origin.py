"""A real HTTP origin on 127.0.0.1 for the media tests, and small sample files.

Routes are registered per test: a body (with or without Content-Length, or
lying about it), a redirect, a slow drip. Every request is recorded, so tests
can assert what reached the origin (and, for refusals, that nothing did).
"""

from __future__ import annotations

import os
import ssl
import struct
import threading
import time
import zlib
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Callable, Iterable

from devstack.media_samples import JPEG_1PX  # noqa: F401 - the tests import it from here


def png(width: int = 2, height: int = 2) -> bytes:
    """A valid RGB PNG (signature, IHDR, IDAT, IEND with correct CRCs)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    raw = b"".join(b"\x00" + b"\x80\x40\x20" * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def mp4(size: int, brand: bytes = b"isom") -> bytes:
    """An ISO-BMFF file of `size` bytes: an ftyp box, then an mdat box of random bytes."""
    ftyp = struct.pack(">I", 24) + b"ftyp" + brand + b"\x00\x00\x02\x00" + b"isom" + b"mp41"
    payload = os.urandom(max(0, size - len(ftyp) - 8))
    return ftyp + struct.pack(">I", 8 + len(payload)) + b"mdat" + payload


@dataclass
class Route:
    status: int = 200
    body: bytes | Callable[[], Iterable[bytes]] = b""
    headers: dict[str, str] = field(default_factory=dict)
    chunked: bool = False  # no Content-Length: Transfer-Encoding: chunked
    declared_length: int | None = None  # a Content-Length that may differ from the body
    delay_per_chunk: float = 0.0
    cut: bool = False  # chunked only: drop the connection instead of the final 0-chunk


@dataclass
class Seen:
    path: str
    headers: dict[str, str]


class Origin:
    def __init__(self, tls: "ssl.SSLContext | None" = None) -> None:
        self.routes: dict[str, Route] = {}
        self.requests: list[Seen] = []
        origin = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args) -> None:  # keep test output clean
                pass

            def do_GET(self) -> None:
                origin.requests.append(Seen(self.path, dict(self.headers.items())))
                route = origin.routes.get(self.path.split("?")[0])
                if route is None:
                    self.send_response(404)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                origin._answer(self, route)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.scheme = "https" if tls is not None else "http"
        if tls is not None:
            self.server.socket = tls.wrap_socket(self.server.socket, server_side=True)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def url(self, path: str, host: str = "127.0.0.1") -> str:
        return f"{self.scheme}://{host}:{self.port}{path}"

    def add(self, path: str, **route) -> str:
        self.routes[path] = Route(**route)
        return self.url(path)

    def redirect(self, path: str, location: str, status: int = 302) -> str:
        return self.add(path, status=status, headers={"Location": location})

    def _answer(self, handler: BaseHTTPRequestHandler, route: Route) -> None:
        pieces = route.body() if callable(route.body) else [route.body]
        handler.send_response(route.status)
        for name, value in route.headers.items():
            handler.send_header(name, value)
        if route.chunked:
            handler.send_header("Transfer-Encoding", "chunked")
        else:
            if route.declared_length is not None:
                length = route.declared_length
            else:
                pieces = list(pieces)
                length = sum(len(p) for p in pieces)
            handler.send_header("Content-Length", str(length))
        handler.end_headers()
        try:
            for piece in pieces:
                if route.delay_per_chunk:
                    time.sleep(route.delay_per_chunk)
                if route.chunked:
                    handler.wfile.write(f"{len(piece):x}\r\n".encode() + piece + b"\r\n")
                else:
                    handler.wfile.write(piece)
                handler.wfile.flush()
            if route.chunked and not route.cut:
                handler.wfile.write(b"0\r\n\r\n")
            if route.declared_length is not None or route.cut:
                handler.close_connection = True  # a lying length: end the connection short
        except (BrokenPipeError, ConnectionResetError):
            handler.close_connection = True  # the client gave up (a refusal mid-stream)

    def start(self) -> "Origin":
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


# -- fixtures (imported by the test_media_* modules) -----------------------------------

import ipaddress  # noqa: E402
import socket  # noqa: E402

import pytest  # noqa: E402


@pytest.fixture
def origin():
    server = Origin().start()
    yield server
    server.stop()


@pytest.fixture
def settings_env(stack):
    """Change settings for one test (e.g. an empty fetch allow-list), then restore them."""
    from shared.config import reset_settings

    saved: dict[str, str | None] = {}

    def apply(**env: str) -> None:
        for name, value in env.items():
            saved.setdefault(name, os.environ.get(name))
            os.environ[name] = value
        reset_settings()

    yield apply
    for name, value in saved.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value
    reset_settings()


@pytest.fixture(autouse=True)
def loopback_only(monkeypatch):
    """Fail the test if anything in this process connects outside loopback; list attempts."""
    attempts: list[str] = []
    real_connect = socket.socket.connect

    def guarded(sock, address):
        if sock.family in (socket.AF_INET, socket.AF_INET6):
            host = address[0]
            attempts.append(host)
            if not ipaddress.ip_address(host.split("%", 1)[0]).is_loopback:
                raise AssertionError(f"a connection to {host} was attempted; only loopback is allowed")
        return real_connect(sock, address)

    monkeypatch.setattr(socket.socket, "connect", guarded)
    return attempts
