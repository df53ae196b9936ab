"""The crash soak's front end: one port, several function processes behind it.

In production Cloud Tasks and Cloud Scheduler reach a function's URL, and Google's
front end hands each request to one of the function's instances; several instances
serve the same queues at once. The soak (bench/chaos_bench.py) serves the functions
from several `devstack.serve_gateway` processes, each on its own port, and puts this
balancer on the port the queues target (LocalStack's `port`). Each request goes to
the next live process in turn (round robin); a process that refuses the connection
(it died and is being replaced) is skipped, as the front end routes to another
instance.

What the front end does to a request, modelled here:
- **The instance dies mid-request**: the caller gets 503 (Cloud Run: "the request
  failed because ... connection to the instance had an error"), and Cloud Tasks
  retries the task.
- **The request outlives the function's timeout** (`timeout_s`, for the paths that
  `timed` selects: the publishers): the caller gets 504 at the timeout and Cloud Tasks
  retries the task (the same task name, its retry count one higher), but the code
  keeps running in the instance (Cloud Run ends the request, not the thread serving
  it): a zombie that keeps calling the platform. The balancer keeps reading the zombie's
  answer in the background, to count what it did in the end.
- **No instance answers** for `unavailable_after_s`: 503.
- **Cloud Tasks backs off longer than the lease** (`late`: (share, seconds)): for that share of
  the timed requests whose instance died, the 503 is held back `seconds` (past the run's lease
  and a sweep or two) before the caller gets it, as if the task's retry backoff had outlasted
  the lease: the sweep gives the run a recovery task first, and the original task comes back
  afterwards with its retry count one higher.

It also records every Cloud Tasks delivery to a publisher (task name, retry count,
run), so the soak can deliver a task again as Cloud Tasks would: the same name.
"""

from __future__ import annotations

import collections
import http.client
import http.server
import json
import random
import select
import threading
import time
from typing import Callable

HOP_BY_HOP = {"connection", "keep-alive", "proxy-connection", "transfer-encoding", "te", "trailer", "upgrade",
              "content-length"}


class Balancer:
    def __init__(self, port: int, backends: Callable[[], list[int]], timeout_s: float | None,
                 timed: Callable[[str], bool], prefix: str, unavailable_after_s: float = 20.0,
                 late: tuple[float, float] | None = None, rng: random.Random | None = None) -> None:
        self.backends = backends  # the ports of the function processes (read per request)
        self.prefix = prefix  # "/{project}/{region}/": a function's URL is this and its id
        self.late, self.rng = late, rng or random.Random()
        self.held_back = 0  # 503s held back (`late`)
        self.timeout_s, self.timed, self.unavailable_after_s = timeout_s, timed, unavailable_after_s
        self.lock = threading.Lock()
        self.turn = 0
        self.served: collections.Counter = collections.Counter()  # backend port -> requests answered
        self.outcomes: collections.Counter = collections.Counter()  # "200", "died (503)", "timeout (504)", ...
        self.by_function: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
        self.died_errors: collections.Counter = collections.Counter()
        self.zombies: collections.Counter = collections.Counter()  # what a timed-out request did in the end
        self.zombie_running = 0
        # (submission, target) -> [(task name, retry count)], in delivery order
        self.deliveries: dict[tuple[str, str], list[tuple[str, int]]] = collections.defaultdict(list)
        balancer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.0"

            def log_message(self, *args):
                pass

            def do_POST(self):
                balancer.handle(self)

            do_GET = do_PUT = do_PATCH = do_DELETE = do_POST

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.server.daemon_threads = True
        self.server.request_queue_size = 256
        threading.Thread(target=self.server.serve_forever, name="balancer", daemon=True).start()

    # -- one request ----------------------------------------------------------------------------
    def handle(self, request: http.server.BaseHTTPRequestHandler) -> None:
        body = request.rfile.read(int(request.headers.get("Content-Length") or 0))
        headers = {k: v for k, v in request.headers.items() if k.lower() not in HOP_BY_HOP}
        self._record_delivery(request.path, headers, body)
        timeout = self.timeout_s if self.timeout_s and self.timed(request.path) else None
        give_up = time.monotonic() + self.unavailable_after_s
        connection = None
        while connection is None:
            for port in self._order():
                try:
                    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
                    connection.connect()
                    connection.sock.settimeout(None)
                    break
                except OSError:
                    connection = None
            if connection is None:
                if time.monotonic() > give_up:
                    return self._answer(request, 503, b"no instance available", "no instance (503)")
                time.sleep(0.05)
        try:
            connection.request(request.command, request.path, body=body, headers=headers)
            if timeout is not None:
                readable, _, _ = select.select([connection.sock], [], [], timeout)
                if not readable:
                    # The function's timeout: the caller is answered, the code runs on.
                    self._answer(request, 504, b"upstream request timeout", "timeout (504)")
                    with self.lock:
                        self.zombie_running += 1
                    threading.Thread(target=self._zombie, args=(connection,), daemon=True).start()
                    return
            response = connection.getresponse()
            answer = response.read()
        except (OSError, http.client.HTTPException) as exc:
            connection.close()
            with self.lock:
                self.died_errors[type(exc).__name__] += 1
                hold = timeout is not None and self.late is not None and self.rng.random() < self.late[0]
                self.held_back += hold
            if hold:
                time.sleep(self.late[1])
            return self._answer(request, 503, b"the instance died during the request", "died (503)")
        connection.close()
        with self.lock:
            self.served[connection.port] += 1
        self._answer(request, response.status, answer, str(response.status),
                     [(k, v) for k, v in response.getheaders() if k.lower() not in HOP_BY_HOP])

    def _order(self) -> list[int]:
        ports = list(self.backends())
        with self.lock:
            self.turn = (self.turn + 1) % max(1, len(ports))
            start = self.turn
        return ports[start:] + ports[:start]

    def _answer(self, request, status: int, body: bytes, outcome: str, headers=()) -> None:
        with self.lock:
            self.outcomes[outcome] += 1
            self.by_function[function_of(request.path, self.prefix)][outcome] += 1
        try:
            request.send_response(status)
            for name, value in headers:
                request.send_header(name, value)
            request.send_header("Content-Length", str(len(body)))
            request.send_header("Connection", "close")
            request.end_headers()
            request.wfile.write(body)
        except OSError:
            pass  # the caller gave up first
        request.close_connection = True

    def _zombie(self, connection: http.client.HTTPConnection) -> None:
        try:
            response = connection.getresponse()
            raw = response.read()
            try:
                outcome = str(json.loads(raw)["result"]["outcome"]) if response.status == 200 else \
                    f"HTTP {response.status}"
            except (ValueError, KeyError, TypeError):
                outcome = f"HTTP {response.status}"
        except (OSError, http.client.HTTPException):
            outcome = "died"
        finally:
            connection.close()
        with self.lock:
            self.zombies[outcome] += 1
            self.zombie_running -= 1

    def _record_delivery(self, path: str, headers: dict, body: bytes) -> None:
        name = headers.get("X-CloudTasks-TaskName")
        if not name or "/publish" not in path or headers.get("X-Chaos-Bench"):  # the soak's own: not Cloud Tasks
            return
        try:
            data = json.loads(body)["data"]
            key = (str(data["postSubmissionId"]), str(data["targetId"]))
            retry = int(headers.get("X-CloudTasks-TaskRetryCount") or 0)
        except (ValueError, KeyError, TypeError):
            return
        with self.lock:
            self.deliveries[key].append((name, retry))

    def seen(self, key: tuple[str, str]) -> list[tuple[str, int]]:
        with self.lock:
            return list(self.deliveries.get(key, ()))

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()



def function_of(path: str, prefix: str) -> str:
    """The function a request is for: `{prefix}{function}...` (`/{project}/{region}/`: how Cloud
    Tasks and the scheduler reach one), else the path's first segment (`media`: downloads of
    media by URL)."""
    path = path.split("?", 1)[0]
    if path.startswith(prefix):
        return path[len(prefix):].split("/", 1)[0]
    return path.strip("/").split("/", 1)[0]
