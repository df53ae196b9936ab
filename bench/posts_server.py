"""The function instance that bench/posts_bench.py measures: main.py's functions in a
process of their own, as on Cloud Functions, with every RPC timed (bench/rpc_spans.py).

Until this ran apart, the benchmark's HTTP clients, the gateway and the functions
shared one interpreter, so the load generator's own CPU (httpx, h11, the JSON of
the answers) stood in the same GIL queue as the request it timed.

Usage: python -m bench.posts_server GATEWAY_PORT CONTROL_PORT (environment: the
stack's, from the caller). The control port, on loopback, answers:
- `GET /spans`: every RPC recorded since the last call, as JSON (and forgets them);
- `POST /added-latency?ms=N`: wait N ms before every RPC from now on.
"""

from __future__ import annotations

import json
import logging
import os
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

from bench import rpc_spans


class _Control(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        if urlparse(self.path).path != "/spans":
            self.send_error(404)
            return
        self._answer({"spans": [s.as_dict() for s in rpc_spans.take()]})

    def do_POST(self) -> None:  # noqa: N802
        url = urlparse(self.path)
        if url.path != "/added-latency":
            self.send_error(404)
            return
        rpc_spans.set_added_latency_ms(float(parse_qs(url.query)["ms"][0]))
        self._answer({"ok": True})

    def _answer(self, body: dict) -> None:
        data = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args) -> None:  # quiet
        pass


def main() -> None:
    gateway_port, control_port = int(sys.argv[1]), int(sys.argv[2])
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # no per-request access log
    logging.getLogger("soku").setLevel(logging.WARNING)  # nor the pipeline's one INFO line per call
    rpc_spans.install()
    from devstack.gateway import Gateway, build_app

    app = build_app(os.environ["GCLOUD_PROJECT"], os.environ.get("SOKU_REGION", "us-central1"))
    control = ThreadingHTTPServer(("127.0.0.1", control_port), _Control)
    threading.Thread(target=control.serve_forever, name="bench-control", daemon=True).start()
    Gateway(app, gateway_port).server.serve_forever()


if __name__ == "__main__":
    main()
