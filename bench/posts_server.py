"""The function instance that bench/posts_bench.py measures: main.py's functions in a
process of their own, as on Cloud Functions, with every RPC timed (bench/rpc_spans.py).

Served the way a deployed Python function is: functions-framework's gunicorn
application (one worker, gthread, 4 threads per core, HTTP keep-alive), not
werkzeug's development server, which the in-process test gateway uses and which
closes every connection and starts a thread per request. The gateway's routing
(firebase.json's rewrites, devstack/gateway.py) stands in for Hosting in front.

Usage: python -m bench.posts_server GATEWAY_PORT CONTROL_PORT (environment: the
stack's, from the caller). The control port, on loopback, answers:
- `GET /spans`: every RPC recorded since the last call, as JSON (and forgets them);
- `GET /quiet`: answers once no RPC is running (a request's after-response writes done);
- `GET /cpu`: the CPU seconds the worker process has used so far;
- `GET /pid`: the id of the process that serves (gunicorn's worker, a child of the one
  started), for a sampling profiler to attach to (bench/profile_posts.py);
- `POST /added-latency?ms=N`: wait N ms before every RPC from now on.
"""

from __future__ import annotations

import json
import logging
import os
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

from functions_framework._http.gunicorn import GunicornApplication

from bench import rpc_spans


class _Control(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        path = urlparse(self.path).path
        if path == "/spans":
            self._answer({"spans": [s.as_dict() for s in rpc_spans.take()]})
        elif path == "/quiet":
            self._answer({"quiet": rpc_spans.wait_quiet()})
        elif path == "/cpu":
            self._answer({"seconds": time.process_time()})
        elif path == "/pid":
            self._answer({"pid": os.getpid()})
        else:
            self.send_error(404)

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


class _Instance(GunicornApplication):
    """Production's server; the app is built in the worker, after gunicorn forks, so that
    the RPC timers, the control port and every gRPC channel belong to the process that
    serves."""

    def __init__(self, gateway_port: int, control_port: int) -> None:
        self.control_port = control_port
        super().__init__(None, "127.0.0.1", gateway_port, False)

    def load(self):
        logging.getLogger("werkzeug").setLevel(logging.WARNING)
        logging.getLogger("soku").setLevel(logging.WARNING)  # no INFO line per call
        rpc_spans.install()
        control = ThreadingHTTPServer(("127.0.0.1", self.control_port), _Control)
        threading.Thread(target=control.serve_forever, name="bench-control", daemon=True).start()
        from devstack.gateway import build_app

        return build_app(os.environ["GCLOUD_PROJECT"], os.environ.get("SOKU_REGION", "us-central1"))


def main() -> None:
    _Instance(int(sys.argv[1]), int(sys.argv[2])).run()


if __name__ == "__main__":
    main()
