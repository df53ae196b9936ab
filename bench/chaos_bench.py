"""Crash soak: publish many posts while function processes die, time out and compete.

N posts (text, image and video, each to several of the demo user's accounts on
all 16 platforms; `--batch` of them every `--every` seconds) are submitted while
the functions run in several
`devstack.serve_gateway` processes at once (`--processes`), behind one port
(bench/chaos_balancer.py: each Cloud Tasks delivery, sweep and redelivery goes to
the next live process), each with `SOKU_CRASHPOINTS` set, so it ends with
`os._exit(86)` at the named crash points of shared/crashpoints.py. A supervisor
per process restarts it on its port at once (from a warm spare), as Cloud
Functions starts a new instance. The public API runs in a process of its own,
without crash points. On top of that, each condition on by default and turned
off by its flag (`--help`):

- **zombies** (`--no-zombies`): a publisher request that outlives the
  function's timeout (`--function-timeout`, under the lease) is answered 504 by
  the balancer, as Cloud Run ends a request at its timeout; Cloud Tasks retries
  the task (same name, retry count + 1) while the timed-out attempt keeps
  running in its process and calling the platform. The `hold` fault makes such
  attempts: `--stalls` creates are held `--hold` seconds (the platform makes the
  post, its answer comes late), past the timeout and the lease;
- **task generations** (`--no-late-retries`): for `--late-share` of the
  publisher deliveries whose process died, Cloud Tasks' retry comes only after
  the lease and a few sweeps (the balancer holds their 503 back, as a backoff
  that outlasts the lease would), so the sweep gives the run a recovery task
  (a new name) first and the original task comes back after it with a higher
  retry count; and once the sweep has re-queued a run, the soak delivers its
  original task once more itself, under that name with a retry count above
  any it had. `--redeliver` of the tasks are also delivered twice (the same
  name and retry count: at-least-once delivery);
- **a throttled queue** (`--no-throttle`): one platform's publisher queue
  dispatches `--throttle PLATFORM=RATE` tasks a second, so its backlog outlasts
  SOKU_STALL_S and the sweep finds queued runs whose task is still coming;
- **token expiry** (`--no-token-expiry`): the accounts of the platforms with
  single-use (rotating) refresh tokens (X, TikTok, Snapchat) get access tokens
  that last `--token-lifetime` seconds, and the sandboxes mint refreshed ones
  as short, so each account's token expires again and again while several of
  its posts publish at once;
- **platform lag** (`--no-lag`): every platform listing leaves out posts younger
  than `--lag` seconds (the sandboxes' `lag` fault), so a lookup right after a
  create misses the post;
- **user retries** (`--no-user-retries`): `--user-retries` of the posts get
  POST /v1/posts/{id}/retry as soon as one of their runs is seen failed (inside
  the outbox's grace period: its post.failed may not be sent yet);
- **a webhook receiver down for over an hour** (`--no-webhook-outage`): the receiver
  answers 503 for `--outage-hours` of simulated time, `--webhook-scale` seconds
  per second (SOKU_WEBHOOK_RETRY_SCALE, which scales the delivery retry schedule
  the same way), starting once a third of the posts are in.
The soak also calls `sweepScheduledPosts` every few seconds, like Cloud
Scheduler, and counts the webhooks a local receiver gets (post.published,
post.failed, post.unconfirmed, post.completed). The lease, the stall and the
queues' backoff are shortened (SOKU_RUN_LEASE_S, SOKU_STALL_S,
LocalStack(max_task_backoff_s=…), the publishers' retry config scaled with the
lease: configure_queues) so recovery happens in seconds.

Once every run is terminal and its events have arrived (or nothing has happened
for `--settle` seconds), it prints what happened and then the checks, each on a
line of its own as `LABEL: N`:
  DUPLICATES                    platform posts beyond the first for one run (target)
  RUNS NOT TERMINAL             runs not succeeded/failed/unconfirmed/canceled after lease
                                + sweep (or never found in Firestore)
  EVENTS MISSING                post.published / post.failed / post.unconfirmed for a run's
                                final state or for a failed generation the user retried, or
                                post.completed for a post's final state, never received (an
                                event whose delivery is still pending when the wait ends is
                                listed as in flight, not counted)
  EVENTS DELIVERED TWICE        one event (the same run outcome, or the same completed post)
                                received under more than one event id
  RUNS FAILED WHOSE POST EXISTS runs that ended failed while the platform holds their post
  RUNS SUCCEEDED WITH NO POST   runs that ended succeeded with no platform post
  POSTS CLAIMED BY TWO RUNS     platform posts recorded as the result of two runs, or of a
                                run other than the one that made them
  ACCOUNTS WRONGLY FLAGGED      accounts marked needs_reconnect whose stored tokens work
                                (an access token still valid, or a refresh token neither
                                spent nor revoked)
Any of them above 0 makes the exit status 1 (so does a post the API refused).
The runs a check counts are written with their attempts to suspects.json in the
logs' folder.

The accounts are the seeded demo accounts, plus two Mastodon accounts the soak connects through
the OAuth flow on the sandbox's server and two Bluesky accounts on the AT Protocol's reference
PDS (devstack/bluesky), connected with app passwords through bench/chaos_pds_proxy.py, which holds
a createRecord's answer when a stall falls on Bluesky (the PDS takes no faults); Bluesky's records
are read back from the PDS. Its listings do not lag: the PDS commits a record before it answers.
`--no-bluesky` leaves it out (it needs Node 22: `make bluesky`). WordPress is a real site
(devstack/wordpress), its administrator connected with an application password through the same
kind of proxy (holding a `POST /wp-json/wp/v2/posts`), its posts read back from its REST API;
`--no-wordpress` leaves it out.

Every post carries a unique token in its text (and unique media bytes, which
is how a Snapchat story, which has no text, is recognised), so a sandbox post
is matched to its run by token (or media hash) + platform + account.
Run: `make chaos` (or `venv/bin/python -m bench.chaos_bench --posts 30`).
"""
from __future__ import annotations

import argparse
import atexit
import collections
import hashlib
import heapq
import http.server
import json
import logging
import os
import random
import re
import secrets
import signal
import struct
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.chaos_balancer import Balancer  # noqa: E402
from devstack.emulators import free_port, port_open  # noqa: E402
from devstack.media_samples import JPEG_1PX  # noqa: E402
from devstack.stack import LocalStack  # noqa: E402

PROJECT, REGION = "chaos-soku", "us-central1"
PLATFORMS = ("x", "instagram", "facebook", "threads", "tiktok", "youtube", "linkedin", "snapchat",
             "telegram", "discord", "mastodon", "bluesky", "google_business", "pinterest", "reddit", "wordpress")
# Bluesky is the reference PDS (devstack/bluesky) and WordPress a real WordPress
# (devstack/wordpress), not sandboxes: their posts are read from the servers themselves, and
# their creates are held by a proxy in front of each (bench/chaos_pds_proxy.py).
REAL_SERVERS = ("bluesky", "wordpress")
SANDBOXED = tuple(p for p in PLATFORMS if p not in REAL_SERVERS)
# What each platform's publisher takes (docs/posts.md, "Checked at submission"): text alone on X,
# Facebook, Threads, LinkedIn, the four added in issue 38, Google Business Profile, Reddit and
# WordPress; YouTube takes video only; Bluesky, Google Business Profile, Reddit and WordPress no
# video; Pinterest needs media.
KIND_PLATFORMS = {
    "text": ("x", "facebook", "threads", "linkedin", "telegram", "discord", "mastodon", "bluesky",
             "google_business", "reddit", "wordpress"),
    "image": ("x", "instagram", "facebook", "threads", "tiktok", "linkedin", "snapchat",
              "telegram", "discord", "mastodon", "bluesky", "google_business", "pinterest", "reddit", "wordpress"),
    "video": tuple(p for p in SANDBOXED if p not in ("google_business", "reddit")),
}
# The sandbox operation a platform's create is, where it is not "create" (the `hold` fault's).
CREATE_OPERATION = {"discord": "execute"}
# Accounts the soak connects the way a user does, beside the seeded demo accounts: Mastodon
# through the OAuth flow on the sandbox's server, Bluesky with app passwords on the PDS.
CONNECTED = {"mastodon": ("chaosmasto1", "chaosmasto2"), "bluesky": ("chaossky1", "chaossky2"),
             "wordpress": ("admin",)}
# Platforms whose refresh tokens are single-use (each refresh answers a new one and the old one
# stops working): X (OAuth 2.0 with offline.access), TikTok and Snapchat (docs in their sandboxes).
ROTATING = ("x", "tiktok", "snapchat")
# `unconfirmed`: Soku cannot confirm the post exists and does not try again by itself (runs.py).
TERMINAL = ("succeeded", "failed", "canceled", "unconfirmed")
EVENT_OF = {"succeeded": "post.published", "failed": "post.failed", "unconfirmed": "post.unconfirmed"}
EVENTS = (*EVENT_OF.values(), "post.completed")
CRASH_EXIT = 86  # shared.crashpoints.EXIT_CODE
CRASH_LINE = re.compile(r"crash point (\S+): process exits")
TOKEN = re.compile(r"chaos[0-9a-f]{8}n\d+")
# Every third text post is a thread (post.content.thread) of 2-4 replies, to the platforms that
# publish one; each reply's text says which it is, so each part is counted on its own.
THREAD_PLATFORMS = ("x", "threads", "mastodon", "bluesky")
REPLY = re.compile(r", reply (\d+)$")
LABELS = ("DUPLICATES", "RUNS NOT TERMINAL", "EVENTS MISSING", "EVENTS DELIVERED TWICE",
          "RUNS FAILED WHOSE POST EXISTS", "RUNS SUCCEEDED WITH NO POST", "POSTS CLAIMED BY TWO RUNS",
          "ACCOUNTS WRONGLY FLAGGED")


def log(message: str) -> None:
    print(f"[chaos {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def jpeg(token: str) -> bytes:
    """The 1x1 JPEG with a COM segment holding the post's token, so every file is distinct
    (YouTube and Snapchat refuse repeated bytes), padded to 12 KiB: Google Business Profile takes
    no photo under 10 KB."""
    comment = token.encode().ljust(12 * 1024, b" ")
    return JPEG_1PX[:2] + b"\xff\xfe" + struct.pack(">H", len(comment) + 2) + comment + JPEG_1PX[2:]


def mp4(token: str, size: int) -> bytes:
    ftyp = struct.pack(">I", 24) + b"ftyp" + b"isom" + b"\x00\x00\x02\x00" + b"isom" + b"mp41"
    payload = token.encode() + os.urandom(max(0, size - len(ftyp) - 8 - len(token)))
    return ftyp + struct.pack(">I", 8 + len(payload)) + b"mdat" + payload


# -- the plan: posts, targets, media ---------------------------------------------------------

class Post:
    def __init__(self, index: int, token: str, kind: str, targets: list[tuple[str, str]], replies: int = 0) -> None:
        self.index, self.token, self.kind, self.targets = index, token, kind, targets
        self.text = f"Chaos soak {token}: post {index}, {kind}"
        self.replies = replies  # a thread's replies after the post (0: a post alone)
        self.media_id: str | None = None
        self.media_sha256: str | None = None
        self.sid: str | None = None
        self.refused: str | None = None

    def body(self) -> dict:
        content: dict = {"text": self.text,
                         "platform": [{"platform": p, "accountId": a} for p, a in self.targets]}
        if self.media_id:
            content["mediaIds"] = [self.media_id]
        if self.replies:
            content["thread"] = [{"text": f"{self.text}, reply {n}"} for n in range(1, self.replies + 1)]
        return {"post": {"content": content}}


def plan(count: int, rng: random.Random, accounts: dict[str, list[str]]) -> list[Post]:
    next_account = collections.Counter()
    prefix = secrets.token_hex(4)
    posts = []
    for i in range(count):
        kind = ("video", "image", "text")[i % 3]
        thread = kind == "text" and i % 9 == 2
        allowed = [p for p in (THREAD_PLATFORMS if thread else KIND_PLATFORMS[kind]) if accounts.get(p)]
        chosen = rng.sample(allowed, min(len(allowed), rng.choice((2, 3, 4))))
        targets = []
        for platform in sorted(chosen, key=PLATFORMS.index):
            mine = accounts[platform]
            targets.append((platform, mine[next_account[platform] % len(mine)]))
            next_account[platform] += 1
        posts.append(Post(i, f"chaos{prefix}n{i}", kind, targets, rng.choice((2, 3, 4)) if thread else 0))
    return posts


def serve_dir(path: Path) -> tuple[http.server.ThreadingHTTPServer, str]:
    class Handler(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, directory=str(path), **kwargs)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", free_port()), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


# -- the function process and its supervisor ---------------------------------------------------

class Supervisor:
    """Keeps one `devstack.serve_gateway` process serving the stack's port, restarting it
    whenever it exits; counts exits by code and crash points by name (from its stderr).

    With `spares`, that many warm spares (`serve_gateway --standby`: main.py imported, port
    not bound) wait beside the serving process; one takes the port as soon as it is free, as
    a platform would route to another instance, and a new spare is started in the background
    (an import of main.py takes seconds on a busy 2-core machine; crashes come in bursts).
    """

    def __init__(self, port: int, env: dict[str, str], log_path: Path, spares: int = 2) -> None:
        self.port, self.env, self.spare_count = port, env, spares
        self.log = open(log_path, "a", buffering=1, errors="replace")
        self.lock = threading.Lock()
        self.stopping = False
        self.exits: collections.Counter = collections.Counter()
        self.exit_times: list[float] = []  # epoch of each exit
        self.points: collections.Counter = collections.Counter()
        self.starts = 0
        self.downtime = 0.0
        self.gaps: list[float] = []  # per restart: from the exit to the port answering again
        self.promoted = collections.Counter()  # the spare was "ready" / "still importing" when needed
        self.ready: set[int] = set()  # pids of spares standing by
        self.last_change = time.monotonic()
        self.proc: subprocess.Popen | None = None
        self.spares: list[subprocess.Popen] = []
        self.thread = threading.Thread(target=self._watch, name="supervisor", daemon=True)

    def start(self) -> "Supervisor":
        with self.lock:
            self.proc = self._spawn(standby=False)
            self.spares = [self._spawn(standby=True) for _ in range(self.spare_count)]
        self._wait_ready(self.proc, 60)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not all(p.pid in self.ready for p in self.spares):
            time.sleep(0.05)
        self.thread.start()
        return self

    def _spawn(self, standby: bool) -> subprocess.Popen:
        self.starts += 1
        number = self.starts
        argv = [sys.executable, "-m", "devstack.serve_gateway", str(self.port)] + (["--standby"] if standby else [])
        proc = subprocess.Popen(argv, cwd=ROOT, env=self.env, stdin=subprocess.PIPE if standby else subprocess.DEVNULL,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        threading.Thread(target=self._drain, args=(proc, number), daemon=True).start()
        threading.Thread(target=self._standing_by, args=(proc, number), daemon=True).start()
        return proc

    def _standing_by(self, proc: subprocess.Popen, number: int) -> None:
        """Its stdout (the app's log lines, and "standing by" once a spare is ready) into the log."""
        for raw in proc.stdout:
            if raw.startswith(b"standing by"):
                self.ready.add(proc.pid)
            try:
                self.log.write(f"[{number}] {raw.decode(errors='replace')}")
            except ValueError:  # closed: the soak is over
                pass

    def _drain(self, proc: subprocess.Popen, number: int) -> None:
        for raw in proc.stderr:
            line = raw.decode(errors="replace")
            try:
                self.log.write(f"[{number}] {line}")
            except ValueError:  # closed: the soak is over
                pass
            found = CRASH_LINE.search(line)
            if found:
                with self.lock:
                    self.points[found.group(1)] += 1

    def _wait_ready(self, proc: subprocess.Popen, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and proc.poll() is None:
            if port_open(self.port):
                return True
            time.sleep(0.01)
        return False

    def _watch(self) -> None:
        while True:
            proc = self.proc
            started = time.monotonic()
            code = proc.wait()
            down_since = time.monotonic()
            with self.lock:
                if self.stopping:
                    return
                self.exits[code] += 1
                self.exit_times.append(time.time())
                self.last_change = down_since
                self.log.write(f"=== exit {code} at {time.strftime('%H:%M:%S')}\n")
                if down_since - started < 1:
                    time.sleep(0.5)  # e.g. the port still held: do not spin
                self.spares = [p for p in self.spares if p.poll() is None]
                # The oldest spare that is standing by; else the oldest (it binds once imported).
                spare = next((p for p in self.spares if p.pid in self.ready), self.spares[0] if self.spares else None)
                if spare is not None:
                    self.spares.remove(spare)
                    self.promoted["ready" if spare.pid in self.ready else "still importing"] += 1
                    spare.stdin.write(b"serve\n")  # it binds the port now (or once its imports are done)
                    spare.stdin.flush()
                    self.proc = spare
                else:
                    self.proc = self._spawn(standby=False)
                proc = self.proc
                while len(self.spares) < self.spare_count:
                    self.spares.append(self._spawn(standby=True))
            self._wait_ready(proc, 60)
            self.gaps.append(time.monotonic() - down_since)
            self.downtime += self.gaps[-1]

    def stop(self) -> None:
        with self.lock:
            self.stopping = True
            procs = [p for p in [self.proc, *self.spares] if p is not None]
        for proc in procs:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        for proc in procs:
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        self.log.close()




# -- the webhook receiver ----------------------------------------------------------------------

class Receiver:
    """Answers 200 to every delivery and records each event by id: its type, post, run outcome
    (target, status, attempt count, finish time) or, for post.completed, the runs' states.

    `outage(seconds)`: from now on, for that long, it answers 503 instead (an endpoint that
    is down), and records nothing."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.deliveries = 0
        self.refused = 0  # answered 503 during the outage
        self.events: dict[str, dict] = {}  # event id -> first delivery's summary
        self.repeats: collections.Counter = collections.Counter()  # event id -> extra deliveries
        self.others: collections.Counter = collections.Counter()  # deliveries of other types, by type
        self.last = time.monotonic()
        self.down: tuple[float, float] | None = None  # (from, until), monotonic
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                raw = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                down = receiver.is_down()
                try:
                    self.send_response(503 if down else 200)
                    self.send_header("Content-Length", "2")
                    self.end_headers()
                    self.wfile.write(b"no" if down else b"ok")
                except (BrokenPipeError, ConnectionResetError):
                    # The sender died before our answer (a crash point): not acknowledged, so
                    # not counted; it must deliver again, which is what the soak checks.
                    return
                if down:
                    with receiver.lock:
                        receiver.refused += 1
                        receiver.last = time.monotonic()
                    return
                receiver.record(raw)

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def outage(self, seconds: float) -> None:
        now = time.monotonic()
        with self.lock:
            self.down = (now, now + seconds)

    def is_down(self) -> bool:
        with self.lock:
            return self.down is not None and self.down[0] <= time.monotonic() < self.down[1]

    def outage_over(self) -> bool:
        with self.lock:
            return self.down is None or time.monotonic() >= self.down[1]

    def record(self, raw: bytes) -> None:
        try:
            event = json.loads(raw)
        except ValueError:
            return
        data = event.get("data") or {}
        run = data.get("run") or {}
        post = data.get("post") or {}
        summary = {"type": event.get("type"), "sid": post.get("id"), "target": run.get("targetId"),
                   "status": run.get("status"), "attempts": run.get("attemptCount"),
                   "finishedAt": run.get("finishedAt"),
                   "runs": tuple(sorted((r.get("targetId"), r.get("status"), r.get("attemptCount"),
                                         r.get("finishedAt")) for r in post.get("runs") or []))}
        with self.lock:
            self.deliveries += 1
            self.last = time.monotonic()
            if summary["type"] not in EVENTS:
                self.others[summary["type"]] += 1
            elif event.get("id") in self.events:
                self.repeats[event.get("id")] += 1
            else:
                self.events[event.get("id")] = summary

    def summaries(self) -> dict[str, dict]:
        with self.lock:
            return dict(self.events)


def occurrence(event: dict) -> tuple:
    """What an event says happened, whatever its id: a run's outcome (the run, its status,
    attempt count and finish time: one per generation), or a post completed in a given state."""
    if event["type"] == "post.completed":
        return ("post.completed", event["sid"], event["runs"])
    return (event["type"], event["sid"], event["target"], event["status"], event["attempts"], event["finishedAt"])


# -- the soak ----------------------------------------------------------------------------------

def _client(base: str) -> httpx.Client:
    return httpx.Client(base_url=base, timeout=httpx.Timeout(60, connect=2))


class InProgress(Exception):
    """409 idempotency_in_progress: a request with this key died with the process; its claim
    goes stale after a minute (shared/services/idempotency.py), so retry later."""


def call_with_retries(send, what: str, deadline_s: float = 120):
    """Send until the function process answers something other than 5xx/429 (it may be
    restarting); a 500 carrying a postSubmissionId (dispatch_failed) is an answer."""
    deadline = time.monotonic() + deadline_s
    while True:
        try:
            r = send()
            if r.status_code < 500 and r.status_code != 429:
                return r
            if r.status_code == 500 and "postSubmissionId" in r.text:
                return r
            if r.status_code == 409 and "idempotency_in_progress" in r.text:
                raise InProgress(what)
            problem = f"{r.status_code} {r.text[:200]}"
        except httpx.TransportError as exc:
            problem = repr(exc)
        if time.monotonic() > deadline:
            raise RuntimeError(f"{what}: no answer after {deadline_s:.0f} s ({problem})")
        time.sleep(0.3)


def store_media(posts: list[Post], base: str, headers: dict, origin: str, workers: int) -> None:
    def one(post: Post) -> None:
        name = f"{post.token}.{'jpg' if post.kind == 'image' else 'mp4'}"
        with _client(base) as http:
            r = call_with_retries(lambda: http.post("/v1/media", json={"url": f"{origin}/{name}"}, headers=headers),
                                  f"POST /v1/media {name}")
        if r.status_code != 201:
            raise RuntimeError(f"POST /v1/media {name}: {r.status_code} {r.text[:300]}")
        post.media_id = r.json()["id"]

    with ThreadPoolExecutor(workers) as pool:
        list(pool.map(one, [p for p in posts if p.kind != "text"]))



class Deliveries:
    """Publisher task deliveries the soak makes itself, through the balancer, at chosen moments,
    with the names and retry counts Cloud Tasks would use (the balancer saw its deliveries):

    - `duplicate`: the run's latest delivery again, same task name and retry count (Cloud
      Tasks delivers at least once);
    - `late`: the run's original task (this generation's first, named by dispatch.enqueue_run)
      with a retry count above any it was delivered with: a retry of it that comes after the
      sweep gave the run a recovery task under another name.
    """

    def __init__(self, base: str, balancer: Balancer, rng: random.Random) -> None:
        self.base, self.balancer, self.rng = base, balancer, rng
        self.heap: list = []
        self.cond = threading.Condition()
        self.outcomes: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
        self.sent: collections.Counter = collections.Counter()
        self.running = 0
        self.pool = ThreadPoolExecutor(4)
        self.done = False
        threading.Thread(target=self._loop, name="deliveries", daemon=True).start()

    def schedule(self, at: float, kind: str, platform: str, sid: str, target: str, generation: int = 0) -> None:
        with self.cond:
            heapq.heappush(self.heap, (at, kind, platform, sid, target, generation))
            self.cond.notify()

    def _loop(self) -> None:
        while True:
            with self.cond:
                while not self.done and (not self.heap or self.heap[0][0] > time.monotonic()):
                    self.cond.wait(timeout=(self.heap[0][0] - time.monotonic()) if self.heap else None)
                if self.done:
                    return
                _, *job = heapq.heappop(self.heap)
                self.running += 1
            self.pool.submit(self._deliver, *job)

    def _deliver(self, kind: str, platform: str, sid: str, target: str, generation: int) -> None:
        from shared.adapters.task_queue import task_id
        from shared.services.posts.dispatch import publisher_queue

        try:
            seen = self.balancer.seen((sid, target))
            original = task_id("publish", sid, target, str(generation))
            if kind == "duplicate":
                name, retry = seen[-1] if seen else (original, 0)
            else:
                retries = [r for n, r in seen if n == original]
                name, retry = original, (max(retries) if retries else 0) + self.rng.randint(1, 3)
            function = publisher_queue(platform)
            headers = {"Content-Type": "application/json", "X-CloudTasks-QueueName": function,
                       "X-CloudTasks-TaskName": name, "X-CloudTasks-TaskRetryCount": str(retry),
                       "X-Chaos-Bench": kind}
            data = {"data": {"postSubmissionId": sid, "targetId": target}}
            with httpx.Client(base_url=self.base, timeout=httpx.Timeout(600, connect=5)) as http:
                try:
                    r = http.post(f"/{PROJECT}/{REGION}/{function}", json=data, headers=headers)
                    if r.status_code == 200:
                        outcome = str(r.json()["result"]["outcome"])
                    else:
                        outcome = {503: "process died during it", 504: "timed out (a zombie)"}.get(
                            r.status_code, f"HTTP {r.status_code}")
                except (ValueError, KeyError, TypeError):
                    outcome = f"HTTP {r.status_code}"
                except httpx.TransportError as exc:
                    outcome = type(exc).__name__
            with self.cond:
                self.sent[kind] += 1
                self.outcomes[kind][outcome] += 1
        finally:
            with self.cond:
                self.running -= 1

    def pending(self) -> int:
        with self.cond:
            return len(self.heap) + self.running

    def stop(self) -> None:
        with self.cond:
            self.done = True
            self.cond.notify()
        self.pool.shutdown(wait=True)


class Sweeper:
    """POSTs to sweepScheduledPosts every `period` seconds, as Cloud Scheduler would."""

    def __init__(self, base: str, period: float) -> None:
        self.base, self.period = base, period
        self.stopped = threading.Event()
        self.answers: collections.Counter = collections.Counter()
        threading.Thread(target=self._loop, name="sweeper", daemon=True).start()

    def _loop(self) -> None:
        headers = {"X-CloudScheduler-JobName": "chaos-soak", "X-CloudScheduler": "true"}
        with httpx.Client(base_url=self.base, timeout=httpx.Timeout(600, connect=5)) as http:
            while not self.stopped.wait(self.period):
                try:
                    r = http.post(f"/{PROJECT}/{REGION}/sweepScheduledPosts", headers=headers)
                    self.answers["process died during it" if r.status_code == 503 else str(r.status_code)] += 1
                except httpx.TransportError as exc:
                    self.answers[type(exc).__name__] += 1

    def stop(self) -> None:
        self.stopped.set()


class Watcher:
    """Reads every submitted run every `period` seconds (the latest read is `runs`) and acts
    on what it sees, as Cloud Tasks and a user would:

    - a run the sweep has re-queued (`recoveries` > 0) gets a late delivery of its original
      task (`late`: Deliveries), at a random moment within a lease;
    - a post with a run seen `failed` is retried (POST /v1/posts/{id}/retry) at once, for a
      `retry_share` of the posts, once each. The failed generations it retried are kept
      (`failed_generations`: (post, target, attempt count at the failure)): each must have
      its post.failed. POST /retry also retries the post's `unconfirmed` runs, which the docs
      say to do only once the post is seen missing on the account: the user looks first
      (`on_platform(post, target)`) and does not retry a post whose unconfirmed run's post is there.
    """

    def __init__(self, api: str, headers: dict, deliveries: Deliveries, rng: random.Random, period: float,
                 lease: float, late: bool, retry_share: float, on_platform) -> None:
        self.api, self.headers, self.deliveries, self.rng = api, headers, deliveries, rng
        self.on_platform = on_platform
        self.period, self.lease, self.late, self.retry_share = period, lease, late, retry_share
        self.lock = threading.Lock()
        self.keys: list[tuple[str, str]] = []
        self.runs: dict[tuple[str, str], dict] = {}
        self.reads = 0
        self.late_sent: set[tuple[str, str, int]] = set()
        self.decided: set[str] = set()  # posts whose retry was decided (on the first failed run seen)
        self.in_flight: set[str] = set()  # posts whose POST /retry is under way
        self.done: set[tuple[str, str]] = set()  # runs not read any more
        self.retries: collections.Counter = collections.Counter()  # outcome of each POST /retry
        self.retrying = 0
        self.failed_generations: set[tuple[str, str, int]] = set()
        self.pool = ThreadPoolExecutor(2)
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._loop, name="watcher", daemon=True)
        self.thread.start()

    def add(self, keys: list[tuple[str, str]]) -> None:
        with self.lock:
            self.keys.extend(keys)

    def _loop(self) -> None:
        while not self.stopped.wait(self.period):
            with self.lock:
                # A run that is over, and that nothing of the soak's will move again, is not read
                # again: succeeded (or canceled), or failed/unconfirmed in a post whose retry has
                # been decided and is not in flight.
                keys = [k for k in self.keys if k not in self.done]
            try:
                runs = read_runs(keys)
            except Exception as exc:  # noqa: BLE001 - the emulator is busy: read again next time
                log(f"watcher: could not read the runs ({type(exc).__name__}: {exc})")
                continue
            self.runs = self.runs | runs
            self.reads += 1
            now = time.monotonic()
            for (sid, target), run in runs.items():
                status = run.get("status")
                generation = int(run.get("retryCount", 0))
                if (self.late and int(run.get("recoveries", 0)) > 0 and status not in TERMINAL
                        and (sid, target, generation) not in self.late_sent):
                    self.late_sent.add((sid, target, generation))
                    self.deliveries.schedule(now + self.rng.uniform(0, self.lease), "late", run["platform"], sid,
                                             target, generation)
                if status == "failed" and sid not in self.decided:
                    self.decided.add(sid)
                    if self.retry_share and self.rng.random() < self.retry_share:
                        with self.lock:
                            self.retrying += 1
                            self.in_flight.add(sid)
                        self.pool.submit(self._retry, sid)
                with self.lock:
                    if status in ("succeeded", "canceled") or (
                            status in ("failed", "unconfirmed") and sid in self.decided and sid not in self.in_flight):
                        self.done.add((sid, target))

    def _retry(self, sid: str) -> None:
        try:
            unconfirmed = [t for (s, t), run in self.runs.items() if s == sid and run.get("status") == "unconfirmed"]
            if any(self.on_platform(sid, target) for target in unconfirmed):
                self.retries["not retried: an unconfirmed run's post is on the account"] += 1
                return
            with _client(self.api) as http:
                r = call_with_retries(lambda: http.post(f"/v1/posts/{sid}/retry", headers=self.headers),
                                      f"POST /v1/posts/{sid}/retry")
            if r.status_code != 200:
                self.retries[f"HTTP {r.status_code} {r.json().get('error', {}).get('code', '')}".strip()] += 1
                return
            retried = r.json().get("retried") or []
            self.retries["200"] += 1
            self.retries["runs retried"] += len(retried)
            # The failed generation each retried run leaves behind: its attempt count then is the
            # new generation's attemptBase.
            for (s, target), run in read_runs([(sid, t) for t in retried]).items():
                self.failed_generations.add((s, target, int(run.get("attemptBase", 0))))
        except Exception as exc:  # noqa: BLE001 - counted, the soak goes on
            self.retries[type(exc).__name__] += 1
        finally:
            with self.lock:
                self.retrying -= 1
                self.in_flight.discard(sid)

    def busy(self) -> bool:
        with self.lock:
            return self.retrying > 0

    def stop(self) -> None:
        self.stopped.set()
        self.thread.join(30)
        self.pool.shutdown(wait=True)


def read_deliveries(endpoint_id: str) -> dict[tuple, list[dict]]:
    """The receiver endpoint's stored deliveries by what they announce ((type, post, target,
    attempt count), or (post.completed, post)): an event not received may still be in flight
    (a delivery whose attempt failed waits for its retry) rather than lost."""
    from devstack.seed import DEMO_USER_ID
    from shared.services.webhooks.endpoints import collection

    found = collections.defaultdict(list)
    for snap in collection(DEMO_USER_ID).document(endpoint_id).collection("deliveries").stream():
        delivery = snap.to_dict() or {}
        try:
            data = json.loads(delivery.get("body") or "{}").get("data") or {}
        except ValueError:
            continue
        sid, run = (data.get("post") or {}).get("id"), data.get("run") or {}
        if delivery.get("eventType") == "post.completed":
            found[("post.completed", sid)].append(delivery)
        else:
            found[(delivery.get("eventType"), sid, run.get("targetId"), run.get("attemptCount"))].append(delivery)
    return found


def read_runs(keys: list[tuple[str, str]]) -> dict[tuple[str, str], dict]:
    """The runs `postSubmissions/{sid}/runs/{targetId}`, read from Firestore in batches (the
    function processes may be down; the bundled emulator has no collection-group queries)."""
    from shared.adapters.gcp import firestore_client

    db = firestore_client()
    runs = {}
    for start in range(0, len(keys), 300):
        refs = [db.collection("postSubmissions").document(sid).collection("runs").document(target)
                for sid, target in keys[start:start + 300]]
        for snap in db.get_all(refs):
            if snap.exists:
                runs[(snap.reference.parent.parent.id, snap.id)] = snap.to_dict() or {}
    return runs


# -- the conditions that need setting up -------------------------------------------------------

def configure_queue(stack: LocalStack, name: str, retry: dict | None = None, rates: dict | None = None) -> None:
    """Replace function `name`'s queue on the Tasks emulator (before any task is in it) with its
    declared config, `retry` and `rates` laid over its retryConfig and rateLimits."""
    from devstack.provision import task_queue_triggers
    from shared.config import get_settings

    config = dict(task_queue_triggers(stack.functions)[name], defaultUri=f"{stack.functions_base_url}/{name}")
    config["retryConfig"] = dict(config.get("retryConfig") or {}, **(retry or {}))
    config["rateLimits"] = dict(config.get("rateLimits") or {}, **(rates or {}))
    settings = get_settings()
    httpx.post(f"http://{settings.tasks_emulator_host}/projects/{settings.project_id}/locations/"
               f"{settings.region}/queues/{name}", json=config, timeout=10).raise_for_status()


def configure_queues(stack: LocalStack, lease: float, throttle: tuple[str, float] | None,
                     webhook_backoff: float) -> None:
    """The queues' retries and rates, where the soak departs from LocalStack's backoff cap:

    - the publishers back off as declared (10 s to 600 s, 8 attempts) scaled like their lease
      (600 s here `lease`): from lease/60 to `lease`. A delivery that died can then come back
      after the sweep gave the run a recovery task, as in production;
    - `throttle` (platform, rate): that publisher queue dispatches `rate` tasks a second (Cloud
      Tasks' maxDispatchesPerSecond, which a deployment may set low for a platform's per-app
      limits): a burst of posts waits in it longer than the stall;
    - webhook attempts: Cloud Tasks holds each attempt's task until its schedule time; the
      CLI's Tasks emulator sends it at once, the delivery answers 503 (too early) and the
      queue's backoff brings it back (webhooks/delivery.py). Capped at the soak's few
      seconds, every waiting attempt would come back several times a minute, a load
      production never sees: here at most every `webhook_backoff` seconds (an attempt is sent
      at most that late).
    """
    from shared.platforms import Platform
    from shared.services.posts.dispatch import publisher_queue
    from shared.services.webhooks.events import DELIVERY_QUEUE

    for platform in Platform:
        rates = {"maxDispatchesPerSecond": throttle[1]} if throttle and throttle[0] == platform.value else None
        configure_queue(stack, publisher_queue(platform.value),
                        {"minBackoffSeconds": lease / 60, "maxBackoffSeconds": lease}, rates)
    configure_queue(stack, DELIVERY_QUEUE, {"minBackoffSeconds": 1, "maxBackoffSeconds": webhook_backoff})


def shorten_tokens(sandbox, lifetime_s: int) -> None:
    """The demo accounts of the ROTATING platforms get access tokens that last `lifetime_s`, and
    their sandboxes mint refreshed ones as short (SandboxState.token_lifetime_s)."""
    from devstack.seed import DEMO_ACCOUNTS, DEMO_USER_ID, platform_user_id, sandbox_tokens
    from shared.services.publishing.accounts import account_ref, seal_tokens

    sandbox.state.token_lifetime_s = lifetime_s
    for platform in ROTATING:
        for account_id, _ in DEMO_ACCOUNTS[platform]:
            ref = account_ref(DEMO_USER_ID, platform, account_id)
            subject = platform_user_id(DEMO_USER_ID, platform, account_id)
            ref.update({"tokens": seal_tokens(ref, sandbox_tokens(platform, subject, lifetime_s))})


class RefreshLog:
    """Every refresh a sandbox answered (SandboxState.refresh, which rotates the refresh token):
    (epoch, platform, refresh token spent, the new one or None if refused)."""

    def __init__(self, state) -> None:
        self.lock = threading.Lock()
        self.entries: list[tuple[float, str, str, str | None]] = []
        self.original = state.refresh
        state.refresh = self

    def __call__(self, platform: str, refresh_token: str, lifetime_s: int = 7200):
        minted = self.original(platform, refresh_token, lifetime_s)
        with self.lock:
            self.entries.append((time.time(), platform, refresh_token, minted[1] if minted else None))
        return minted


def credentials_work(sandbox, platform: str, tokens, data: dict) -> bool:
    """Whether an account's stored access credential is accepted now: for the OAuth sandboxes
    (Mastodon's too) its bearer token; for Telegram the bot token (getMe), for Discord the
    webhook (its GET), for Bluesky the access JWT (com.atproto.server.getSession), for WordPress
    the application password (users/me), each asked over HTTP as the publisher would."""
    if tokens is None:
        return False
    try:
        if platform == "telegram":
            return httpx.get(f"{sandbox.base_url}/telegram/bot{tokens.access_token}/getMe", timeout=30).status_code == 200
        if platform == "discord":
            url = f"{sandbox.base_url}/discord/api/v10/webhooks/{data.get('webhookId')}/{tokens.access_token}"
            return httpx.get(url, timeout=30).status_code == 200
        if platform == "bluesky":
            return httpx.get(f"{data['pdsUrl']}/xrpc/com.atproto.server.getSession", timeout=30,
                             headers={"Authorization": f"Bearer {tokens.access_token}"}).status_code == 200
        if platform == "wordpress":
            return httpx.get(f"{data['siteUrl']}/wp-json/wp/v2/users/me", timeout=30,
                             auth=(data.get("username") or "", tokens.access_token)).status_code == 200
    except httpx.HTTPError:
        return False
    return bool(sandbox.state.subject_of(platform, f"Bearer {tokens.access_token}"))


def read_accounts(sandbox, accounts: dict[str, list[str]]) -> list[dict]:
    """Every account of the soak: its status, and whether its stored tokens work at the platform
    now (an access token still valid, or a refresh token neither spent nor revoked)."""
    from devstack.seed import DEMO_USER_ID
    from shared.services.publishing.accounts import _unseal, account_ref

    found = []
    for platform, ids in accounts.items():
        for account_id in ids:
            ref = account_ref(DEMO_USER_ID, platform, account_id)
            data = ref.get().to_dict() or {}
            tokens = _unseal(ref, data["tokens"]) if data.get("tokens") else None
            access_ok = credentials_work(sandbox, platform, tokens, data)
            # Only the sandboxes' refresh tokens can be checked without spending them (Bluesky's
            # refresh JWT would be: its refreshSession rotates it).
            refresh = tokens.refresh_token if tokens is not None and platform in SANDBOXED else None
            with sandbox.state.lock:
                spent = refresh in sandbox.state.used_refresh
            revoked = (platform, data.get("platformUserId")) in sandbox.state.revoked
            refresh_ok = bool(refresh) and not spent and not revoked
            found.append({"platform": platform, "account": account_id, "status": data.get("status"),
                          "reason": data.get("statusReason"), "access_ok": bool(access_ok),
                          "refresh_ok": refresh_ok, "refresh_spent": spent, "refresh_token": refresh,
                          "refreshed": data.get("tokensRefreshedAt") is not None})
    return found


# -- the accounts the soak connects itself ---------------------------------------------------

def connect_mastodon(api: str, headers: dict, instance: str, user: str) -> tuple[str, str]:
    """Connect the sandbox server's `user` as a person does (POST /start with the server, the
    begin page's Continue, consent at the server, back to the callback): (account id, subject)."""
    from devstack.sandboxes.mastodon import account_id as mastodon_account_id
    from devstack.seed import DEMO_USER_ID
    from shared.adapters.gcp import firestore_client

    with httpx.Client(base_url=api, timeout=60) as browser:  # its cookie jar carries the flow
        r = browser.post("/v1/connections/mastodon/start", headers=headers, json={"instanceUrl": instance})
        assert r.status_code == 200, r.text
        begin_url = r.json()["authorizeUrl"]
        page = browser.get(begin_url)
        csrf = re.search(r'name="csrf" value="([^"]+)"', page.text)
        assert page.status_code == 200 and csrf, page.text[:300]
        go = browser.post(begin_url, data={"csrf": csrf.group(1), "decision": "continue"})
        assert go.status_code == 303, go.text[:300]
        consent = httpx.get(f"{go.headers['location']}&sandbox_user={user}", timeout=60)
        assert consent.status_code in (302, 303), consent.text[:300]
        done = browser.get(consent.headers["location"])
        assert done.status_code < 400, done.text[:300]
    accounts = (firestore_client().collection("users").document(DEMO_USER_ID).collection("integrations")
                .document("mastodon").collection("accounts"))
    ids = [d.id for d in accounts.where("platformUserId", "==", mastodon_account_id(user)).stream()]
    assert len(ids) == 1, ids
    return ids[0], user


def connect_bluesky(api: str, headers: dict, pds, proxy_url: str, handles: list[str]) -> list[tuple[str, str]]:
    """Each handle's account on the PDS, connected with an app password (POST /v1/connections/
    bluesky) through the proxy: [(account id, DID)]."""
    from devstack.bluesky_demo import make_app_password

    connected = []
    with _client(api) as http:
        for handle in handles:
            account = pds.account(handle)
            password = make_app_password(pds.pds_url, account.handle, account.password, "Soku chaos soak")
            r = http.post("/v1/connections/bluesky", headers=headers,
                          json={"handle": account.handle, "appPassword": password, "pdsUrl": proxy_url})
            assert r.status_code in (200, 201), r.text
            connected.append((r.json()["accounts"][0]["accountId"], account.did))
    return connected


def connect_wordpress(api: str, headers: dict, site, proxy_url: str) -> tuple[str, str]:
    """The site's administrator connected with its application password (POST /v1/connections/
    wordpress) through the proxy: (account id, the WordPress user id its posts carry)."""
    admin = site.users["admin"]
    with _client(api) as http:
        r = http.post("/v1/connections/wordpress", headers=headers,
                      json={"siteUrl": proxy_url, "username": admin.login, "applicationPassword": admin.password})
    assert r.status_code in (200, 201), r.text
    return r.json()["accounts"][0]["accountId"], str(admin.id)


def wordpress_posts(site) -> list[dict]:
    """Every post on the site (any status but trashed), read with the administrator's application
    password from WordPress's own REST API, shaped as a sandbox lists its posts."""
    admin = site.users["admin"]
    found, page, pages = [], 1, 1
    while page <= pages:
        r = httpx.get(f"{site.url}/wp-json/wp/v2/posts", auth=(admin.login, admin.password), timeout=60,
                      params={"per_page": 100, "page": page, "status": "any", "context": "edit"})
        r.raise_for_status()
        pages = int(r.headers.get("X-WP-TotalPages") or 1)
        for post in r.json():
            found.append({"platform": "wordpress", "id": post["id"], "subject": str(post["author"]),
                          "title": (post.get("title") or {}).get("raw"), "content": (post.get("content") or {}).get("raw"),
                          "featured_media": post.get("featured_media"), "createdAt": post.get("date_gmt")})
        page += 1
    return found


def pds_posts(pds_url: str, dids: list[str]) -> list[dict]:
    """Every post record in the repositories of `dids`, read from the PDS itself
    (com.atproto.repo.listRecords), shaped as a sandbox lists its posts."""
    found = []
    for did in dids:
        cursor = None
        while True:
            params = {"repo": did, "collection": "app.bsky.feed.post", "limit": 100, **({"cursor": cursor} if cursor else {})}
            page = httpx.get(f"{pds_url}/xrpc/com.atproto.repo.listRecords", params=params, timeout=60).json()
            for record in page.get("records") or []:
                value = record.get("value") or {}
                found.append({"platform": "bluesky", "id": record["uri"], "subject": did, "cid": record.get("cid"),
                              "text": value.get("text"), "createdAt": value.get("createdAt"), "embed": value.get("embed")})
            cursor = page.get("cursor")
            if not cursor or not page.get("records"):
                break
    return found


def sandbox_ids(item: dict) -> set[str]:
    """The ids a sandbox post is known by (its own, and the media or container ids the
    platform answers instead for some kinds), as a run's `result.postId` may name it."""
    ids = {str(item.get("id"))}
    for key, value in item.items():
        if isinstance(value, (str, int)) and key.lower().endswith(("id", "urn")) and key not in ("subject",):
            ids.add(str(value))
    return ids


def id_forms(post_id: str) -> set[str]:
    """`post_id` and its parts (a LinkedIn URN's last segment, a Facebook `page_post` pair's post,
    a Google Business Profile resource name's post id)."""
    parts = {post_id}
    for separator in (":", "_", "/"):
        if separator in post_id:
            parts.add(post_id.rsplit(separator, 1)[-1])
    return parts


def match_posts(platform_posts: list[dict], submitted: list[Post], sha_to_token: dict[str, str],
                subjects: dict[tuple[str, str], str]):
    """Each platform post's run, by its token (or media hash) + platform + account (`subjects`:
    (platform, who the platform recorded it for) -> account id): (posts per run, the run of each
    (platform, post id), (platform, any id of a post) -> (platform, its id), how many matched no run,
    posts per part of a run: (sid, target, 0 for the post or n for its thread's reply n))."""
    by_token = {p.token: p for p in submitted}
    # (sid, target) -> how many times its most-made part was made (a thread's parts each count
    # once: a run's post made twice, or any reply of it made twice, makes it 2)
    made: collections.Counter = collections.Counter()
    parts: collections.Counter = collections.Counter()  # (sid, target, part) -> platform posts
    owner: dict[tuple[str, str], tuple[str, str]] = {}  # (platform, sandbox post id) -> the run that made it
    known_as: dict[tuple[str, str], tuple[str, str]] = {}  # (platform, any id of it) -> (platform, its id)
    unmatched = 0
    for item in platform_posts:
        for alias in sandbox_ids(item):
            known_as[(item["platform"], alias)] = (item["platform"], str(item["id"]))
        found = TOKEN.search(json.dumps(item, default=str))
        token = found.group(0) if found else None
        if token not in by_token:
            token = next((sha_to_token[v] for v in item.values() if isinstance(v, str) and v in sha_to_token), None)
        post = by_token.get(token)
        account = subjects.get((item["platform"], str(item.get("subject"))), item.get("subject"))
        if post is None or (item["platform"], account) not in post.targets:
            unmatched += 1
            continue
        key = (post.sid, f"{item['platform']}:{account}")
        reply = REPLY.search(str(item.get("text") or item.get("status") or item.get("message") or ""))
        parts[(*key, int(reply.group(1)) if reply else 0)] += 1
        made[key] = max(made[key], parts[(*key, int(reply.group(1)) if reply else 0)])
        owner[(item["platform"], str(item["id"]))] = key
    return made, owner, known_as, unmatched, parts


def dump_suspects(path: Path, runs: dict, made: collections.Counter, owner: dict, platform_posts: list[dict],
                  balancer: Balancer) -> int:
    """For each run a check may count (more than one post, failed or unconfirmed with a post,
    succeeded without one), what is needed to find out why, into `path`: the run, its attempts
    (which task and delivery claimed each, when), its platform posts (when made) and the
    deliveries the balancer saw. Returns how many."""
    from shared.adapters.gcp import firestore_client

    db = firestore_client()
    keys = [k for k, run in runs.items()
            if made[k] > 1 or (run.get("status") in ("failed", "unconfirmed") and made[k])
            or (run.get("status") == "succeeded" and not made[k])]
    found = []
    for sid, target in keys:
        ref = db.collection("postSubmissions").document(sid).collection("runs").document(target)
        attempts = sorted(({"n": int(s.id), **(s.to_dict() or {})} for s in ref.collection("attempts").stream()),
                          key=lambda a: a["n"])
        found.append({"run": f"{sid}/{target}", "doc": runs[(sid, target)], "attempts": attempts,
                      "posts": [p for p in platform_posts if owner.get((p["platform"], str(p["id"]))) == (sid, target)],
                      "deliveries": balancer.seen((sid, target))})
    path.write_text(json.dumps(found, indent=1, default=str))
    return len(found)


def first_claim_waits(runs: dict, platform: str) -> list[float]:
    """For each of `platform`'s runs, seconds from its creation to its first claim (how long its
    first task waited in the queue)."""
    from shared.adapters.gcp import firestore_client

    db = firestore_client()
    waits = []
    for (sid, target), run in runs.items():
        if not target.startswith(platform + ":") or run.get("createdAt") is None:
            continue
        ref = db.collection("postSubmissions").document(sid).collection("runs").document(target)
        first = ref.collection("attempts").document("1").get()
        if first.exists and first.get("claimedAt") is not None:
            waits.append((first.get("claimedAt") - run["createdAt"]).total_seconds())
    return sorted(waits)


def expected_events(runs: dict[tuple[str, str], dict], failed_generations: set[tuple[str, str, int]]) -> set[tuple]:
    """What the receiver must get, by received_key: each run's final outcome, each failed
    generation the user retried, and post.completed for each post whose runs are all done."""
    owed: set[tuple] = set()
    by_post: dict[str, list[tuple]] = collections.defaultdict(list)
    for (sid, target), run in runs.items():
        status, attempts = run.get("status"), int(run.get("attemptCount", 0))
        by_post[sid].append((target, status, attempts))
        if status in EVENT_OF:
            owed.add((EVENT_OF[status], sid, target, attempts))
    for sid, target, attempts in failed_generations:
        owed.add(("post.failed", sid, target, attempts))
    for sid, states in by_post.items():
        if all(status in TERMINAL for _, status, _ in states):
            owed.add(("post.completed", sid, tuple(sorted(states))))
    return owed


def received_key(event: dict) -> tuple:
    if event["type"] == "post.completed":
        return ("post.completed", event["sid"], tuple(sorted((t, s, int(a or 0)) for t, s, a, _ in event["runs"])))
    return (event["type"], event["sid"], event["target"], int(event["attempts"] or 0))


def main() -> None:  # noqa: C901 - one linear script
    class Help(argparse.ArgumentDefaultsHelpFormatter):
        def _get_help_string(self, action):  # no "(default: None)" after a help that says it
            return action.help if action.default in (None, False) else super()._get_help_string(action)

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=Help)
    parser.add_argument("--posts", type=int, default=300, help="posts to submit")
    # 0.5% per point: with every publish passing 7 points, each of the processes still dies
    # about once a minute while the posts are worked on, and some attempts held past their
    # timeout live to be zombies (at 3%, the default before the conditions came, and at 1%,
    # none of 20 held attempts outlived its process by 50 s).
    parser.add_argument("--crash", default="*=0.005",
                        help="SOKU_CRASHPOINTS of the function processes (name=probability,…; * for every point; "
                             "'' for no crashes)")
    # The publishers' timeout is 540 s and their lease 600 s; here 50 s and 60 s: the timeout
    # still above the longest wait inside an attempt (a refresh another attempt holds: 45 s,
    # accounts.REFRESH_LEASE; a post the platform says exists, looked for over 30 s), so only
    # an attempt that is stuck is killed at it.
    parser.add_argument("--lease", type=int, default=60, help="SOKU_RUN_LEASE_S")
    parser.add_argument("--stall", type=int, default=30, help="SOKU_STALL_S")
    parser.add_argument("--max-backoff", type=float, default=5,
                        help="retry backoff cap (s) of the queues other than the publishers' (theirs is scaled "
                             "with the lease) and the webhooks'")
    parser.add_argument("--sweep-every", type=float, default=5, help="seconds between sweepScheduledPosts calls")
    conditions = parser.add_argument_group("conditions (each on by default; its --no-… flag turns it off)")
    conditions.add_argument("--processes", type=int, default=3,
                            help="function processes serving the queues at once, behind one port")
    conditions.add_argument("--no-multiprocess", action="store_true", help="one function process (--processes 1)")
    conditions.add_argument("--spares", type=int, default=1,
                            help="warm spares per function process, waiting to take over its port (0: restart "
                                 "from scratch)")
    conditions.add_argument("--function-timeout", type=float, default=None,
                            help="the publishers' timeout: the balancer answers 504 then and the attempt runs on "
                                 "(default: lease - 10 s)")
    conditions.add_argument("--no-zombies", action="store_true",
                            help="no timeout: a publisher request is answered whenever it ends")
    conditions.add_argument("--stalls", type=int, default=40,
                            help="creates held past the timeout and the lease (one platform each, in turn; 0: none)")
    conditions.add_argument("--hold", type=float, default=None,
                            help="how long a held create stalls (default lease + 10 s)")
    conditions.add_argument("--redeliver", type=float, default=0.1,
                            help="share of runs whose latest task delivery is repeated (same name and retry count)")
    conditions.add_argument("--late-share", type=float, default=0.3,
                            help="share of the publisher deliveries whose instance died that Cloud Tasks brings "
                                 "back only after the lease and the sweep (the 503 is held back)")
    conditions.add_argument("--no-late-retries", action="store_true",
                            help="no late deliveries of a run's original task (no 503 held back, none sent by "
                                 "the soak after the sweep re-queued a run)")
    conditions.add_argument("--throttle", default="youtube=0.06",
                            help="PLATFORM=RATE: that publisher queue dispatches RATE tasks a second")
    conditions.add_argument("--no-throttle", action="store_true", help="every queue at its declared rate")
    conditions.add_argument("--token-lifetime", type=int, default=150,
                            help=f"seconds an access token of {', '.join(ROTATING)} lasts (refreshed ones too); "
                                 "the publishers refresh 120 s before expiry")
    conditions.add_argument("--no-token-expiry", action="store_true", help="tokens as seeded (an hour)")
    conditions.add_argument("--lag", type=float, default=10,
                            help="platform listings leave out posts younger than this (s)")
    conditions.add_argument("--no-lag", action="store_true", help="listings show every post at once")
    conditions.add_argument("--listing-lag-scale", type=float, default=0.3,
                            help="SOKU_LISTING_LAG_SCALE: how much of a platform's declared listing lag (plus the "
                                 "create's reach) a lookup waits out before trusting a miss; 0.3 waits 18-27 s, "
                                 "more than --lag and less than the shortened lease")
    conditions.add_argument("--user-retries", type=float, default=1.0,
                            help="share of posts retried (POST /retry) as soon as a run of theirs is seen failed")
    conditions.add_argument("--no-user-retries", action="store_true", help="no POST /retry")
    conditions.add_argument("--webhook-scale", type=float, default=0.01,
                            help="SOKU_WEBHOOK_RETRY_SCALE: seconds of the soak per second of the webhook "
                                 "delivery schedule (0.01: an hour is 36 s)")
    conditions.add_argument("--outage-hours", type=float, default=1.5,
                            help="how long the webhook receiver answers 503, in hours of the scaled schedule")
    conditions.add_argument("--no-webhook-outage", action="store_true", help="the receiver never fails")
    parser.add_argument("--no-bluesky", action="store_true",
                        help="leave Bluesky out (its reference PDS needs Node 22+: `make bluesky` installs it)")
    parser.add_argument("--no-wordpress", action="store_true",
                        help="leave WordPress out (a real site from Debian's packages: `make wordpress` installs them)")
    parser.add_argument("--settle", type=float, default=None,
                        help="give up waiting after this long without activity "
                             "(default max(lease, stall, hold) + 3 sweep periods + backoff cap)")
    # The wait ends when everything has settled, or after --settle seconds with nothing
    # happening; this cap only bounds a run that keeps moving.
    parser.add_argument("--timeout", type=float, default=1080,
                        help="hard limit on the wait after the first post, seconds")
    parser.add_argument("--concurrency", type=int, default=4, help="concurrent submitting clients")
    parser.add_argument("--batch", type=int, default=10, help="posts submitted together")
    parser.add_argument("--every", type=float, default=10, help="seconds from one batch to the next (0: all at once)")
    parser.add_argument("--video-kb", type=int, default=64)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--api-on-crashing-gateway", action="store_true",
                        help="send the API requests (posts, media, webhook, retries) through the crashing "
                             "processes too (default: a process of their own without crash points)")
    args = parser.parse_args()
    processes = 1 if args.no_multiprocess else max(1, args.processes)
    hold_s = args.hold if args.hold is not None else args.lease + 10
    function_timeout = None if args.no_zombies else (
        args.function_timeout if args.function_timeout is not None else max(1.0, args.lease - 10))
    throttle = None
    if not args.no_throttle and args.throttle:
        platform, _, rate = args.throttle.partition("=")
        throttle = (platform.strip(), float(rate or 0.1))
    lag_s = None if args.no_lag else args.lag
    token_lifetime = None if args.no_token_expiry else args.token_lifetime
    retry_share = 0.0 if args.no_user_retries else args.user_retries
    outage_s = None if args.no_webhook_outage else args.outage_hours * 3600 * args.webhook_scale
    settle_s = (args.settle if args.settle is not None
                else max(args.lease, args.stall, hold_s) + 3 * args.sweep_every + args.max_backoff)
    os.environ.setdefault("GRPC_VERBOSITY", "ERROR")
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    rng = random.Random(args.seed)

    work = Path(tempfile.mkdtemp(prefix="soku-chaos-"))
    log(f"logs in {work} (gateway<N>.log: the function processes, api.log: the API's)")
    extra_env = {
        "SOKU_RUN_LEASE_S": str(args.lease),
        "SOKU_STALL_S": str(args.stall),
        # One user submits hundreds of posts and media a minute here.
        "SOKU_RATE_LIMITS": json.dumps({"premium": [1000000, 0], "POST /v1/posts": 1000000,
                                        "POST /v1/media": 1000000}),
        "SOKU_DAILY_LIMITS": json.dumps({"premium": {"posts": 10 ** 9, "mediaBytes": 10 ** 15}}),
        "SOKU_REQUEST_LOG_MODE": "off",
        "SOKU_LISTING_LAG_SCALE": str(args.listing_lag_scale),
    }
    if outage_s is not None:
        extra_env["SOKU_WEBHOOK_RETRY_SCALE"] = str(args.webhook_scale)
    stack = LocalStack(project_id=PROJECT, region=REGION, log_dir=work, serve_gateway=False,
                       max_task_backoff_s=args.max_backoff, extra_env=extra_env)
    stack.start()
    atexit.register(stack.stop)  # whatever happens below (stopping twice is harmless)
    # This process's own log lines (the sandboxes') go to stderr, with the progress: stdout is the report.
    from shared.adapters import structured_logs

    structured_logs.configure()
    root = logging.getLogger()
    for handler in list(root.handlers):
        root.removeHandler(handler)
    to_stderr = logging.StreamHandler(sys.stderr)
    to_stderr.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root.addHandler(to_stderr)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # so `finally` and atexit run
    # The sandboxes run in this process: lift the per-account daily caps and TikTok's per-minute
    # init limit, which a few hundred posts to 3 TikTok accounts would hit (that is not under test).
    from devstack.sandboxes import instagram, threads, tiktok
    from devstack.sandboxes.core import Fault

    tiktok.DAILY_POST_CAP = 1_000_000
    tiktok.RATE_LIMITS.update({k: 1_000_000 for k in tiktok.RATE_LIMITS})
    instagram.QUOTA_TOTAL = 1_000_000
    threads.QUOTA_TOTAL = 1_000_000
    sandbox = stack.sandboxes

    from devstack.seed import DEMO_ACCOUNTS, DEMO_USER_ID, demo_subject, seed_demo

    api_key = seed_demo()
    headers = {"soku-api-key": api_key}
    # The soak's accounts (platform -> account ids), and who each is at its platform, as the
    # platform records its posts: (platform, subject) -> account id.
    accounts = {p: [a for a, _ in DEMO_ACCOUNTS[p]] for p in PLATFORMS if p in DEMO_ACCOUNTS}
    subjects = {(p, demo_subject(DEMO_USER_ID, p, a)): a for p, ids in accounts.items() for a in ids}
    pds = proxy = None
    if not args.no_bluesky:
        from devstack.bluesky import NodeUnavailable, PdsError
        from devstack.bluesky import start as start_pds

        try:
            pds = start_pds(0, [(f"{name}.test", f"pw-{name}") for name in CONNECTED["bluesky"]])
            atexit.register(pds.stop)
        except (NodeUnavailable, PdsError) as exc:
            log(f"no Bluesky in this soak: the local PDS did not start ({exc})")
    from bench.chaos_pds_proxy import BLUESKY_CREATE, WORDPRESS_CREATE, HoldingProxy

    if pds is not None:
        proxy = HoldingProxy(pds.pds_url, BLUESKY_CREATE)
    site = wp_proxy = None
    if not args.no_wordpress:
        from devstack.wordpress import WordPressError, WordPressUnavailable
        from devstack.wordpress import start as start_wordpress

        try:
            site = start_wordpress(0)
            atexit.register(site.stop)
            wp_proxy = HoldingProxy(site.url, WORDPRESS_CREATE)
        except (WordPressUnavailable, WordPressError) as exc:
            log(f"no WordPress in this soak: the local site did not start ({exc})")
    configure_queues(stack, args.lease, throttle, webhook_backoff=max(args.max_backoff, 10.0))
    refresh_log = RefreshLog(sandbox.state)
    if token_lifetime:
        shorten_tokens(sandbox, token_lifetime)
    if lag_s:
        # Every listing of every platform, for the whole soak (the fault never runs out).
        # (Bluesky's PDS commits a record before it answers: nothing to lag.)
        for platform in SANDBOXED:
            sandbox.state.add_fault(platform, "lookup", Fault("lag", 10 ** 9, {"seconds": lag_s}))
    posts: list[Post] = []
    sha_to_token: dict[str, str] = {}
    origin = None
    receiver = Receiver()
    by_sid: dict[str, Post] = {}

    def on_platform(sid: str, target: str) -> bool:
        """Whether the account shows the run's post (what a user checks before retrying)."""
        post, (platform, account) = by_sid[sid], target.split(":", 1)
        subject = next(who for (p, who), a in subjects.items() if p == platform and a == account)
        if platform == "bluesky":
            mine = pds_posts(pds.pds_url, [subject])
        elif platform == "wordpress":
            mine = [p for p in wordpress_posts(site) if p["subject"] == subject]
        else:
            with sandbox.state.lock:
                mine = [p for p in sandbox.state.posts if p["platform"] == platform and p["subject"] == subject]
        return any(post.token in json.dumps(p, default=str) or post.media_sha256 in p.values() for p in mine)

    # Warnings and errors only in the processes' logs (gateway<N>.log): what went wrong, not every request.
    gateway_env = dict(os.environ) | {"SOKU_CRASHPOINTS": args.crash, "SOKU_LOG_LEVEL": "WARNING"}
    supervisors = [Supervisor(free_port(), gateway_env, work / f"gateway{i + 1}.log", spares=args.spares)
                   for i in range(processes)]
    # Cloud Tasks and the scheduler reach the stack's port: the balancer, in front of them all.
    balancer = Balancer(stack.port, lambda: [s.port for s in supervisors], function_timeout,
                        timed=lambda path: path.startswith(f"/{PROJECT}/{REGION}/publish"),
                        prefix=f"/{PROJECT}/{REGION}/", rng=random.Random(args.seed),
                        late=None if args.no_late_retries else (args.late_share, args.lease + 3 * args.sweep_every))
    # The public API runs in a process of its own without crash points, as the `api` function
    # is its own service in production: a publisher's death does not take requests down with it.
    api_gateway = None if args.api_on_crashing_gateway else Supervisor(
        free_port(), {k: v for k, v in os.environ.items() if k != "SOKU_CRASHPOINTS"} | {"SOKU_LOG_LEVEL": "WARNING"},
        work / "api.log",
        spares=0)
    base = stack.base_url
    api = base if api_gateway is None else f"http://127.0.0.1:{api_gateway.port}"
    deliveries = sweeper = watcher = None
    stalls: list[tuple[str, Fault]] = []
    submit_errors: list[str] = []
    outage_started: float | None = None
    try:
        # Setup, before anything can crash: the processes, the webhook endpoint and the media.
        started = time.monotonic()
        starters = [threading.Thread(target=s.start) for s in supervisors + ([api_gateway] if api_gateway else [])]
        for thread in starters:
            thread.start()
        for thread in starters:
            thread.join()
        log(f"{processes} function process(es) (+{args.spares} spare each) and the API process up in "
            f"{time.monotonic() - started:.1f} s")
        with _client(api) as http:
            # Every event type (no `events`): the request model does not list post.unconfirmed.
            r = call_with_retries(lambda: http.post("/v1/webhooks", headers=headers, json={"url": receiver.url}),
                                  "webhook")
            assert r.status_code == 201, r.text
            endpoint_id = r.json()["id"]
        # The accounts connected as a user connects them, then the plan over every account.
        for user in CONNECTED["mastodon"]:
            account_id, subject = connect_mastodon(api, headers, f"{sandbox.base_url}/mastodon", user)
            accounts.setdefault("mastodon", []).append(account_id)
            subjects[("mastodon", subject)] = account_id
        if pds is not None:
            for account_id, did in connect_bluesky(api, headers, pds, proxy.url,
                                                   [f"{n}.test" for n in CONNECTED["bluesky"]]):
                accounts.setdefault("bluesky", []).append(account_id)
                subjects[("bluesky", did)] = account_id
        if site is not None:
            account_id, author = connect_wordpress(api, headers, site, wp_proxy.url)
            accounts.setdefault("wordpress", []).append(account_id)
            subjects[("wordpress", author)] = account_id
        log(f"accounts: {', '.join(f'{p} {len(ids)}' for p, ids in accounts.items())}")
        posts = plan(args.posts, rng, accounts)
        media_dir = work / "media"
        media_dir.mkdir()
        for post in posts:
            if post.kind == "text":
                continue
            data = jpeg(post.token) if post.kind == "image" else mp4(post.token, args.video_kb * 1024)
            (media_dir / f"{post.token}.{'jpg' if post.kind == 'image' else 'mp4'}").write_bytes(data)
            post.media_sha256 = hashlib.sha256(data).hexdigest()
            sha_to_token[post.media_sha256] = post.token
        origin, origin_url = serve_dir(media_dir)
        started = time.monotonic()
        store_media(posts, api, headers, origin_url, args.concurrency)
        log(f"{sum(p.kind != 'text' for p in posts)} media stored in {time.monotonic() - started:.1f} s; "
            f"submitting {len(posts)} posts ({sum(len(p.targets) for p in posts)} runs), crash points {args.crash}")

        # The soak.
        soak_started = time.monotonic()
        deliveries = Deliveries(base, balancer, rng)
        sweeper = Sweeper(base, args.sweep_every)
        watcher = Watcher(api, headers, deliveries, rng, period=1.5, lease=args.lease,
                          late=not args.no_late_retries, retry_share=retry_share, on_platform=on_platform)
        stall_at = {round((j + 0.5) * len(posts) / args.stalls) for j in range(args.stalls)} if args.stalls else set()
        stall_lock = threading.Lock()
        stalled: set[int] = set()
        next_progress = soak_started + 10

        def submit(post: Post) -> bool:
            """False: try again later (the key is held by a request that died)."""
            nonlocal next_progress, outage_started
            if post.index in stall_at and post.index not in stalled:
                stalled.add(post.index)
                with stall_lock:
                    held = [p for p in PLATFORMS if accounts.get(p)]
                    platform = held[len(stalls) % len(held)]
                    fault = Fault("hold", 1, {"seconds": hold_s})
                    if platform == "bluesky":
                        proxy.add_hold(fault)  # the next createRecord through the proxy
                    elif platform == "wordpress":
                        wp_proxy.add_hold(fault)  # the next POST /wp-json/wp/v2/posts through it
                    else:  # the next create on it
                        sandbox.state.add_fault(platform, CREATE_OPERATION.get(platform, "create"), fault)
                    stalls.append((platform, fault))
            with _client(api) as http:
                try:
                    r = call_with_retries(lambda: http.post("/v1/posts", json=post.body(),
                                                            headers=headers | {"Idempotency-Key": post.token}),
                                          f"POST /v1/posts #{post.index}")
                except InProgress:
                    return False
                except RuntimeError as exc:
                    post.refused = str(exc)
                    submit_errors.append(post.refused)
                    return True
            if r.status_code not in (201, 500):
                post.refused = f"{r.status_code} {r.text[:300]}"
                submit_errors.append(f"post {post.index} ({post.kind} to {post.targets}): {post.refused}")
                return True
            post.sid = r.json()["postSubmissionId"]
            by_sid[post.sid] = post
            watcher.add([(post.sid, f"{platform}:{account}") for platform, account in post.targets])
            now = time.monotonic()
            with stall_lock:
                submitted = sum(1 for p in posts if p.sid)
                if outage_s and outage_started is None and submitted >= len(posts) / 3:
                    outage_started = now
                    receiver.outage(outage_s)
                    log(f"the webhook receiver is down for {outage_s:.0f} s ({args.outage_hours:g} h scaled)")
                if now >= next_progress:
                    next_progress = now + 10
                    log(f"t={now - soak_started:.0f}s submitted {submitted}/{len(posts)} | "
                        f"restarts {sum(sum(s.exits.values()) for s in supervisors)} | events {len(receiver.events)}")
            for platform, account in post.targets:
                if rng.random() < args.redeliver:
                    deliveries.schedule(now + rng.uniform(0.5, 8), "duplicate", platform, post.sid,
                                        f"{platform}:{account}")
            return True

        # In batches of --batch, one every --every seconds: a steady flow with bursts in it (several
        # posts to one account at once), and the crashes spread over the soak rather than all in
        # its first minute, so some attempts live long enough to outlast their timeout.
        pending = []
        with ThreadPoolExecutor(args.concurrency) as pool:
            for start in range(0, len(posts), args.batch):
                due = soak_started + (start // args.batch) * args.every
                time.sleep(max(0.0, due - time.monotonic()))
                batch = posts[start:start + args.batch]
                pending += [p for p, done in zip(batch, pool.map(submit, batch)) if not done]
            give_up = time.monotonic() + 180
            while pending:
                time.sleep(5)
                pending = [p for p, done in zip(pending, pool.map(submit, pending)) if not done]
                pending = [p for p, done in zip(pending, pool.map(submit, pending)) if not done]
                if pending and time.monotonic() > give_up:
                    for post in pending:
                        post.refused = "409 idempotency_in_progress for 3 minutes"
                        submit_errors.append(f"post {post.index}: {post.refused}")
                    break
                if pending:
                    log(f"{len(pending)} submission(s) held by a request that died with the process; retrying")
        submitted = [p for p in posts if p.sid]
        log(f"{len(submitted)} posts submitted in {time.monotonic() - soak_started:.1f} s")

        # Wait for everything to settle: every run terminal, every event it owes received.
        expected_runs = sum(len(p.targets) for p in submitted)
        last_state: dict = {}
        last_activity = time.monotonic()
        last_posts = 0
        next_report = 0.0
        reads = -1
        while True:
            time.sleep(1)
            if watcher.reads == reads:
                continue
            reads, runs = watcher.reads, watcher.runs
            state = {k: (v.get("status"), v.get("attemptCount"), v.get("retryCount")) for k, v in runs.items()}
            with sandbox.state.lock:
                made = len(sandbox.state.posts)
            now = time.monotonic()
            if state != last_state or made != last_posts:
                last_activity = now
            last_state, last_posts = state, made
            last_activity = max(last_activity, receiver.last, *(s.last_change for s in supervisors))
            terminal = [k for k, v in runs.items() if v.get("status") in TERMINAL]
            owed = expected_events(runs, watcher.failed_generations)
            received = {received_key(e) for e in receiver.summaries().values()}
            settled = (len(runs) >= expected_runs and len(terminal) == len(runs) and owed <= received
                       and not deliveries.pending() and not watcher.busy() and receiver.outage_over()
                       and not balancer.zombie_running)
            if now >= next_report or settled:
                by_status = collections.Counter(v.get("status") for v in runs.values())
                log(f"t={now - soak_started:.0f}s runs {dict(sorted(by_status.items()))} | "
                    f"restarts {sum(sum(s.exits.values()) for s in supervisors)} | events {len(receiver.events)} "
                    f"(owed {len(owed - received)}) | platform posts {made} | zombies {balancer.zombie_running} | "
                    f"quiet {now - last_activity:.0f}s")
                next_report = now + 10
            if settled:
                break
            if now - last_activity > settle_s:
                log(f"nothing happened for {settle_s:.0f} s: stopping the wait")
                break
            if now - soak_started > args.timeout:
                log(f"--timeout {args.timeout:.0f} s reached: stopping the wait")
                break
        wall = time.monotonic() - soak_started
    finally:
        if watcher:
            watcher.stop()
        if sweeper:
            sweeper.stop()
        if deliveries:
            deliveries.stop()
        for supervisor in supervisors:
            supervisor.stop()
        if api_gateway:
            api_gateway.stop()
        balancer.stop()

    try:
        runs = read_runs([(p.sid, f"{platform}:{account}") for p in posts if p.sid for platform, account in p.targets])
        stored_deliveries = read_deliveries(endpoint_id)
        account_states = read_accounts(sandbox, accounts)
        platform_posts = [p for p in httpx.get(f"{sandbox.base_url}/__sandbox/posts", timeout=30).json()["posts"]
                          if p.get("platform") in SANDBOXED]
        pds_lost = None  # why a real server's posts could not be read (the PDS or WordPress exited), else None
        if pds is not None and not pds.running():
            pds_lost = f"the local PDS exited during the soak (code {pds.process.poll()}; its log: {pds.log_path})"
        elif pds is not None:
            platform_posts += pds_posts(pds.pds_url, [who for (p, who) in subjects if p == "bluesky"])
        if site is not None and not site.running():
            pds_lost = (pds_lost + "; " if pds_lost else "") + f"the local WordPress exited during the soak ({site.log_tail(600)})"
        elif site is not None:
            platform_posts += wordpress_posts(site)
        made, owner, known_as, unmatched, parts = match_posts(platform_posts, [p for p in posts if p.sid], sha_to_token,
                                                       subjects)
        suspects = dump_suspects(work / "suspects.json", runs, made, owner, platform_posts, balancer)
        queue_waits = first_claim_waits(runs, throttle[0]) if throttle else []
    finally:
        if origin is not None:
            origin.shutdown()
        receiver.server.shutdown()
        if proxy is not None:
            proxy.stop()
        if wp_proxy is not None:
            wp_proxy.stop()
        if site is not None:
            site.stop()
        if pds is not None:
            pds.stop()
        stack.stop()

    # -- the tally --------------------------------------------------------------------------
    submitted = [p for p in posts if p.sid]
    duplicates = {k: n for k, n in made.items() if n > 1}

    status = {k: v.get("status") for k, v in runs.items()}
    expected_runs = sum(len(p.targets) for p in submitted)
    not_terminal = {k: s for k, s in status.items() if s not in TERMINAL}
    missing_runs = expected_runs - len(runs)

    events = receiver.summaries()
    owed = expected_events(runs, watcher.failed_generations if watcher else set())
    received = {received_key(e) for e in events.values()}
    not_received = owed - received

    def stored_for(key: tuple) -> list[dict]:
        return stored_deliveries.get(key[:2] if key[0] == "post.completed" else key, [])

    # In flight: stored and still pending, retried by Cloud Tasks; only the rest are lost.
    in_flight = {k for k in not_received if any(d.get("status") == "pending" for d in stored_for(k))}
    missing_events = not_received - in_flight
    ids_by_occurrence: dict[tuple, set[str]] = collections.defaultdict(set)
    for event_id, event in events.items():
        ids_by_occurrence[occurrence(event)].add(event_id)
    twice = {o: ids for o, ids in ids_by_occurrence.items() if len(ids) > 1}

    failed_with_post = [k for k, s in status.items() if s == "failed" and made[k]]
    replies_of = {p.sid: p.replies for p in submitted}
    # A succeeded run owes its post and, for a thread, every reply: one missing is a post lost.
    succeeded_without_post = [k for k, s in status.items() if s == "succeeded"
                              and not all(parts[(*k, n)] for n in range(replies_of.get(k[0], 0) + 1))]
    claimants: dict[tuple[str, str], set] = collections.defaultdict(set)
    unresolved = []  # succeeded runs whose recorded post id names no sandbox post
    for key, run in runs.items():
        post_id = (run.get("result") or {}).get("postId")
        if run.get("status") != "succeeded" or not post_id:
            continue
        platform = run.get("platform") or key[1].split(":")[0]
        claimed = next((known_as[(platform, form)] for form in id_forms(str(post_id)) if (platform, form) in known_as),
                       None)
        if claimed is None:
            unresolved.append(key)
        else:
            claimants[claimed].add(key)
    claimed_twice = {p: ks for p, ks in claimants.items()
                     if len(ks) > 1 or (p in owner and next(iter(ks)) != owner[p])}
    flagged = [a for a in account_states if a["status"] == "needs_reconnect"]
    wrongly_flagged = [a for a in flagged if a["access_ok"] or a["refresh_ok"]]

    failed: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)  # reason -> platforms
    for (sid, target), run in runs.items():
        if run.get("status") == "failed":
            result = run.get("result") or {}
            # One group for "interrupted 5 times" and "6 times", and for every media id.
            message = re.sub(r"\b[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}\b", "<id>", str(result.get("message")))
            message = re.sub(r"\b\d+\b", "N", message)
            reason = f"{result.get('code')}: {message[:160]}"
            failed[reason][run.get("platform") or target.split(":")[0]] += 1
    crashes = sum(s.exits.get(CRASH_EXIT, 0) for s in supervisors)
    other_exits = collections.Counter()
    points = collections.Counter()
    gaps = []
    promoted = collections.Counter()
    for s in supervisors:
        other_exits.update({code: n for code, n in s.exits.items() if code != CRASH_EXIT})
        points.update(s.points)
        gaps += s.gaps
        promoted.update(s.promoted)
    stalls_taken = sum(1 for _, fault in stalls if fault.remaining <= 0)

    on = [f"{processes} function processes" if processes > 1 else None,
          f"publisher timeout {function_timeout:g} s (zombies)" if function_timeout else None,
          "late retries" if not args.no_late_retries else None,
          f"{throttle[0]} queue at {throttle[1]:g}/s" if throttle else None,
          f"tokens of {'/'.join(ROTATING)} last {token_lifetime} s" if token_lifetime else None,
          f"listings lag {lag_s:g} s" if lag_s else None,
          f"user retries {retry_share:g}" if retry_share else None,
          f"receiver down {args.outage_hours:g} h at scale {args.webhook_scale:g} ({outage_s:.0f} s)" if outage_s
          else None]
    print(f"Crash soak: {args.posts} posts, crash points {args.crash or 'none'}, lease {args.lease} s, "
          f"stall {args.stall} s, backoff cap {args.max_backoff:g} s, sweep every {args.sweep_every:g} s "
          f"(local stack, 2-core machine)")
    print(f"  conditions: {'; '.join(c for c in on if c) or 'none'}")
    print(f"  posts submitted: {len(submitted)}/{len(posts)} "
          f"({', '.join(f'{k} {n}' for k, n in collections.Counter(p.kind for p in submitted).items())})"
          + (f"; REFUSED {len(posts) - len(submitted)}" if len(submitted) < len(posts) else ""))
    for error in submit_errors[:5]:
        print(f"    refused: {error}")
    per_platform = collections.Counter(platform for p in submitted for platform, _ in p.targets)
    print(f"  runs (targets): {expected_runs} ({', '.join(f'{p} {per_platform[p]}' for p in PLATFORMS)})"
          + (f"; {missing_runs} not found in Firestore" if missing_runs else ""))
    from shared.crashpoints import POINTS

    never = [name for name in POINTS if not points[name]]
    print(f"  crash restarts (exit {CRASH_EXIT}): {crashes} (by point: "
          f"{', '.join(f'{name} {n}' for name, n in points.most_common()) or 'none logged'}); "
          f"other exits: {dict(other_exits) or 'none'}; crash points never hit: {', '.join(never) or 'none'}")
    if gaps:
        gaps.sort()
        print(f"    ports closed {sum(gaps):.1f} s in all: median {gaps[len(gaps) // 2]:.2f} s, "
              f"max {gaps[-1]:.2f} s per restart; spare {dict(promoted) or 'not used'}")
    if api_gateway and api_gateway.exits:
        print(f"  the API process exited too: {dict(api_gateway.exits)} (see api.log)")
    print(f"  balancer: answers {dict(balancer.outcomes.most_common())}; requests answered per process "
          f"{sorted(balancer.served.values(), reverse=True)}; the instance died: {dict(balancer.died_errors)}")
    for function, answers in sorted(balancer.by_function.items(), key=lambda item: -sum(item[1].values())):
        print(f"    {function}: {dict(answers.most_common())}")
    ended = ", ".join(f"{k} {n}" for k, n in balancer.zombies.most_common()) or "-"
    print(f"  zombies (publisher requests past the {function_timeout or 0:g} s timeout, run on): "
          f"{sum(balancer.zombies.values())} ended ({ended})"
          + (f", {balancer.zombie_running} still running" if balancer.zombie_running else ""))
    print(f"  stalls: {len(stalls)} creates held {hold_s:g} s, {stalls_taken} taken "
          f"({', '.join(p for p, f in stalls if f.remaining <= 0) or '-'})")
    if not args.no_late_retries:
        print(f"  deliveries whose instance died, their 503 held back past the lease: {balancer.held_back}")
    for kind, what in (("duplicate", "redeliveries (same task, same retry count)"),
                       ("late", "late deliveries of the original task after the sweep re-queued the run")):
        print(f"  {what}: {deliveries.sent[kind]} "
              f"({', '.join(f'{k} {n}' for k, n in deliveries.outcomes[kind].most_common()) or 'none'})")
    if throttle:
        recovered = sum(1 for k, r in runs.items() if k[1].startswith(throttle[0] + ":") and r.get("recoveries"))
        longer = sum(1 for w in queue_waits if w > args.stall)
        print(f"  throttled queue {throttle[0]} ({throttle[1]:g} tasks/s): {per_platform[throttle[0]]} runs; "
              f"their first task waited "
              + (f"{queue_waits[len(queue_waits) // 2]:.0f} s (median), {queue_waits[-1]:.0f} s at most; "
                 if queue_waits else "")
              + f"{longer} waited longer than the {args.stall} s stall; {recovered} re-queued by the sweep")
    print(f"  user retries: {dict(watcher.retries) or 'none'}; failed generations retried: "
          f"{len(watcher.failed_generations)}")
    print(f"  accounts: {len(flagged)} flagged needs_reconnect"
          + (f" ({', '.join(a['platform'] + ':' + a['account'] for a in flagged)})" if flagged else "")
          + f"; refreshed during the soak: {sum(a['refreshed'] for a in account_states)}; stored refresh token "
            f"already spent (a rotation lost): {sum(a['refresh_spent'] for a in account_states)}")
    refreshed = collections.Counter(p for _, p, _, new in refresh_log.entries if new)
    refused = collections.Counter(p for _, p, _, new in refresh_log.entries if not new)
    print(f"  token refreshes at the platforms: {sum(refreshed.values())} answered ({dict(refreshed)}), "
          f"{sum(refused.values())} refused, their refresh token already spent ({dict(refused) or 'none'})")
    exit_times = sorted(t for s in supervisors for t in s.exit_times)
    for account in account_states:
        if not account["refresh_spent"]:
            continue
        spent = next((e for e in refresh_log.entries if e[2] == account["refresh_token"] and e[3]), None)
        if spent is None:
            print(f"    {account['platform']}:{account['account']}: its stored refresh token is spent")
            continue
        died = next((t - spent[0] for t in exit_times if 0 <= t - spent[0] <= 10), None)
        print(f"    rotation lost: {account['platform']}:{account['account']} stores a refresh token spent at "
              f"{time.strftime('%H:%M:%S', time.localtime(spent[0]))}, whose successor was never stored; "
              + (f"a function process died {died:.1f} s after that refresh" if died is not None
                 else "no function process died within 10 s of it"))
    print(f"  webhook receiver: {receiver.refused} deliveries refused (503) during the outage")
    print(f"  sweeps: {sum(sweeper.answers.values())} ({', '.join(f'{k} {n}' for k, n in sweeper.answers.items())})")
    if pds_lost:
        print(f"  NOT CHECKED (a real server died): {pds_lost}; its runs cannot be matched to posts")
    print(f"  platform posts created: {len(platform_posts)}"
          + (f" ({unmatched} not matched to a run)" if unmatched else "")
          + (f"; {len(unresolved)} succeeded runs name a post id the sandboxes do not know" if unresolved else ""))
    threads = [p for p in submitted if p.replies]
    thread_runs = [k for k in status if replies_of.get(k[0])]
    print(f"  threads: {len(threads)} posts with 2-4 replies, {len(thread_runs)} runs "
          f"({sum(1 for k in thread_runs if status[k] == 'succeeded')} succeeded), "
          f"{sum(n for (sid, _, part), n in parts.items() if part and replies_of.get(sid))} replies made")
    print(f"  runs by status: {dict(collections.Counter(status.values()).most_common())}")
    unconfirmed = [k for k, s in status.items() if s == "unconfirmed"]
    if unconfirmed:
        print(f"  unconfirmed runs (Soku says it cannot confirm the post): {len(unconfirmed)}, "
              f"{sum(1 for k in unconfirmed if made[k])} of them with their post on the platform")
    print(f"  events received: {len(events)} distinct "
          f"({', '.join(f'{k} {n}' for k, n in collections.Counter(e['type'] for e in events.values()).items())}); "
          f"same id again: {sum(receiver.repeats.values())}; owed {len(owed)}"
          + (f"; other types: {dict(receiver.others)}" if receiver.others else ""))
    print(f"  runs failed: {sum(sum(c.values()) for c in failed.values())}")
    for reason, platforms in sorted(failed.items(), key=lambda item: -sum(item[1].values()))[:12]:
        print(f"    {sum(platforms.values()):4d} {reason}")
        print(f"         ({', '.join(f'{p} {n}' for p, n in platforms.most_common())})")
    print(f"  wall time: {wall:.1f} s from the first post to settled")
    print(f"  logs: {work}" + (f" (suspects.json: the {suspects} runs below, with their attempts)" if suspects else ""))

    def detail(label: str, lines: list[str]) -> None:
        for line in lines[:10]:
            print(f"    {label}: {line}")

    def describe(key: tuple[str, str]) -> str:
        run = runs.get(key) or {}
        result = run.get("result") or {}
        return (f"{key[0]} {key[1]} {run.get('status')} attempts {run.get('attemptCount')} generation "
                f"{run.get('retryCount', 0)} recoveries {run.get('recoveries', 0)}: "
                f"{result.get('code') or result.get('postId')} {str(result.get('message') or '')[:110]}")

    counts = {
        "DUPLICATES": sum(n - 1 for n in duplicates.values()),
        "RUNS NOT TERMINAL": len(not_terminal) + missing_runs,
        "EVENTS MISSING": len(missing_events),
        "EVENTS DELIVERED TWICE": sum(len(ids) - 1 for ids in twice.values()),
        "RUNS FAILED WHOSE POST EXISTS": len(failed_with_post),
        "RUNS SUCCEEDED WITH NO POST": len(succeeded_without_post),
        "POSTS CLAIMED BY TWO RUNS": len(claimed_twice),
        "ACCOUNTS WRONGLY FLAGGED": len(wrongly_flagged),
    }
    assert tuple(counts) == LABELS
    print("details (at most 10 of each):")
    detail("duplicate", [f"{made[k]} posts: {describe(k)}" for k in sorted(duplicates)])
    detail("not terminal", [describe(k) for k in sorted(not_terminal)])
    detail("event missing", [" ".join(map(str, k[:4])) + (f" (stored: {[d.get('status') for d in stored_for(k)]})"
                                                          if stored_for(k) else " (no delivery stored)")
                             for k in sorted(missing_events, key=str)])
    if in_flight:
        detail("event in flight (stored, pending: not counted)", [" ".join(map(str, k[:4])) for k in in_flight])
    detail("one event, several ids", [f"{' '.join(map(str, o[:4]))}: {sorted(ids)}" for o, ids in twice.items()])
    detail("failed, post exists", [describe(k) for k in failed_with_post])
    detail("succeeded, no post", [describe(k) for k in succeeded_without_post])
    detail("post claimed twice", [f"{p[0]} post {p[1]} made by {owner.get(p)}, claimed by {sorted(ks)}"
                                  for p, ks in claimed_twice.items()])
    detail("wrongly flagged", [f"{a['platform']}:{a['account']} ({a['reason']}); access token valid "
                               f"{a['access_ok']}, refresh token usable {a['refresh_ok']}" for a in wrongly_flagged])
    for label, n in counts.items():
        print(f"{label}: {n}")
    sys.exit(1 if any(counts.values()) or submit_errors or pds_lost else 0)


if __name__ == "__main__":
    main()
