"""The crash soak's way to hold a create on a real server: a pass-through proxy in front of it.

The other platforms are sandboxes that take a `hold` fault (devstack/sandboxes/core.py): the
post is made and its answer comes late. Bluesky runs on the real reference PDS and WordPress on
a real WordPress, which take no faults, so the soak connects those accounts through this proxy
(their `pdsUrl`, their `siteUrl`) and, when it wants a held create, the next POST to the create
path (`com.atproto.repo.createRecord`, `/wp-json/wp/v2/posts`) is forwarded, its answer read, and
only then, `seconds` later, sent back: the post exists while the attempt waits past its timeout,
and the retry meets it. Every other request is forwarded as it came.
"""

from __future__ import annotations

import http.server
import sys
import threading
import time

import httpx

from devstack.emulators import free_port
from devstack.sandboxes.core import Fault

BLUESKY_CREATE = "/xrpc/com.atproto.repo.createRecord"
WORDPRESS_CREATE = "/wp-json/wp/v2/posts"
# Hop-by-hop, or describing the body as the PDS sent it (httpx hands it over decoded, whole).
_DROPPED = {"connection", "keep-alive", "transfer-encoding", "content-encoding", "content-length", "host"}


class _QuietServer(http.server.ThreadingHTTPServer):
    def handle_error(self, request, client_address) -> None:
        """A caller that went away mid-request (a function process the soak killed) is expected:
        no traceback for it; anything else is printed as usual."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


class HoldingProxy:
    def __init__(self, target: str, create_path: str) -> None:
        self.target = target.rstrip("/")
        self.create_path = create_path
        self.client = httpx.Client(timeout=120)
        self.lock = threading.Lock()
        self.holds: list[Fault] = []
        proxy = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def _forward(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else None
                headers = {k: v for k, v in self.headers.items() if k.lower() not in _DROPPED}
                try:
                    answer = proxy.client.request(self.command, proxy.target + self.path, headers=headers,
                                                  content=body)
                except httpx.HTTPError:
                    self.send_error(502)
                    return
                if self.command == "POST" and self.path.split("?", 1)[0] == proxy.create_path:
                    hold = proxy._take_hold()
                    if hold is not None:
                        time.sleep(float(hold.params.get("seconds", 30)))
                self.send_response(answer.status_code)
                for key, value in answer.headers.items():
                    if key.lower() not in _DROPPED:
                        self.send_header(key, value)
                self.send_header("Content-Length", str(len(answer.content)))
                self.end_headers()
                self.wfile.write(answer.content)

            do_GET = do_POST = do_DELETE = do_PUT = _forward

        self.server = _QuietServer(("127.0.0.1", free_port()), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, name="pds-proxy", daemon=True).start()

    def add_hold(self, fault: Fault) -> None:
        """Hold the next create's answer `fault.params["seconds"]`; `fault.remaining` reaches 0 once
        a create took it (as a sandbox fault's does)."""
        with self.lock:
            self.holds.append(fault)

    def _take_hold(self) -> Fault | None:
        with self.lock:
            while self.holds and self.holds[0].remaining <= 0:
                self.holds.pop(0)
            if not self.holds:
                return None
            self.holds[0].remaining -= 1
            return self.holds[0]

    def stop(self) -> None:
        self.server.shutdown()
        self.client.close()
