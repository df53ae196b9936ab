"""A real webhook receiver on loopback, and the calls that make deliveries reach it."""

from __future__ import annotations

import json
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tests.posting import body


class Receiver:
    """A webhook receiver on 127.0.0.1 (or ::1) that answers with scripted statuses.

    `answer_size` > 0 makes it answer with a body that long, streamed in 64 KiB
    writes; `answer_sent` counts what got out before the caller hung up.
    """

    def __init__(self, host: str = "127.0.0.1") -> None:
        self.requests: list[dict] = []
        self.statuses: list[int] = []  # consumed one per request; then 200
        self.answer_size = 0
        self.answer_sent = 0
        self.answer_done = threading.Event()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                raw = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                receiver.requests.append({"headers": dict(self.headers), "raw": raw, "json": json.loads(raw)})
                status = receiver.statuses.pop(0) if receiver.statuses else 200
                self.send_response(status)
                if not receiver.answer_size:
                    self.send_header("Content-Length", "2")
                    self.end_headers()
                    self.wfile.write(b"ok")
                    return
                self.send_header("Content-Length", str(receiver.answer_size))
                self.end_headers()
                chunk = b"x" * 65536
                try:
                    while receiver.answer_sent < receiver.answer_size:
                        self.wfile.write(chunk)
                        receiver.answer_sent += len(chunk)
                except OSError:  # the caller closed the connection: what we wanted
                    self.close_connection = True
                finally:
                    receiver.answer_done.set()

        class Server(ThreadingHTTPServer):
            address_family = socket.AF_INET6 if ":" in host else socket.AF_INET
            daemon_threads = True

        self.server = Server((host, 0), Handler)
        self.port = self.server.server_address[1]
        shown = f"[{host}]" if ":" in host else host
        self.url = f"http://{shown}:{self.port}/hooks"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def events(self, event_type: str | None = None) -> list[dict]:
        return [r["json"] for r in self.requests if event_type in (None, r["json"]["type"])]

    def request_for(self, event_type: str) -> dict:
        return next(r for r in self.requests if r["json"]["type"] == event_type)


@pytest.fixture
def receiver():
    r = Receiver()
    yield r
    r.server.shutdown()


def register(client, user, url, events=None) -> dict:
    payload = {"url": url} | ({"events": events} if events else {})
    r = client.post("/v1/webhooks", json=payload, headers=user.key_headers)
    assert r.status_code == 201, r.text
    return r.json()


def publish(client, user, text, platform="x"):
    r = client.post("/v1/posts", json=body([platform], text), headers=user.key_headers)
    assert r.status_code == 201, r.text
    return r.json()["postSubmissionId"]
