"""Benchmark: one post with a 50 MB video to every platform with a publisher.

Prints the time from `POST /v1/posts` to all runs `succeeded`, and the peak
memory (VmHWM, high-water RSS) of the function process while it uploads:
the functions run in a separate gateway process so its memory is its own.
The video is stored with `POST /v1/media` from an origin on loopback first,
and the process's peak is read before and after the post.
Run: `make bench-publish` (or `venv/bin/python -m bench.publish_bench`).

Then **time to published** (issue 42, item 2): a text post to 1, 2, 4 and 8 targets
(`--widths`; X, Threads, LinkedIn, two Facebook Pages, Telegram, Discord, Google Business:
sandboxes), `--reps` times each (20), from `POST /v1/posts` on the gateway to every run
`succeeded`, through the real stack: the request, the orchestrator's Cloud Task, the
publishers' tasks, the sandboxes. The end is seen by a Firestore listener (`on_snapshot`) on
the post's runs, opened as soon as the POST answers: no polling interval, and no reads
loading the emulator; its push (a millisecond or two) is inside the measured time.

Beside each post, in the same round (alternated, so drift and the load of other processes on
this 2-core machine hit both alike), its **critical path**, sent raw from this process:
the same round trips with the same client libraries (google-cloud-firestore, firebase-admin's
task queue, httpx) against the same emulators and the X sandbox, no Soku code between them.
The model, from the code path read and confirmed by an RPC trace of one post (each step's
round trips are sequential; the chain is the one through the *last* run the orchestrator
enqueues, published like an X run):
- POST /v1/posts (posts/submission.py): the limiter's commit and the post's read of 14 + n
  documents (counted as their sum), the daily budget's transaction (begin, read, commit),
  the batch of the record, the submission and its n runs;
- hop 1, the orchestrator's task: enqueue to delivery, against the Tasks emulator with a
  trivial handler (an idle emulator polls its queues once a second: this hop is 0-1 s);
- the orchestrator (posts/orchestrator.py): the claim transaction (3), the query of queued
  runs, the submission read again, one `await_tasks` transaction (3) over all its runs, then
  one enqueue per run, sent together (so the chain holds one of them, in hop 2);
- hop 2, the last run's task, enqueued while the orchestrator's delivery is still open (the
  handler of hop 1 holds it, as the orchestrator does: the emulator spins while a delivery is
  open);
- the publisher (publishing/runner.py, runs.py, platforms/x): the claim transaction (begin,
  the run, the post, commit with `attempts/{n}`), the post and the account read, the arming
  checkpoint (a fenced transaction), the sandbox's `POST /2/tweets`, the finish (begin, the
  run, the post, its runs, the post's claim, commit): the run is `succeeded` at that commit.
Other publishers run beside the last one; on this machine they share one function process
(one interpreter) and the one emulator, which the raw chain, sent alone, does not pay: that
difference, and any waiting of ours, is what the ratio shows. It ends with one line per width:
`8 targets: p50 … ms, <ratio>x its critical path` (p50 over p50).
"""

from __future__ import annotations

import argparse
import http.server
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from devstack.emulators import free_port, port_open
from devstack.stack import LocalStack

PROJECT, REGION = "bench-soku", "us-central1"
TARGETS = {
    "x": "x",
    "linkedin": {"platform": "linkedin", "accountId": "li_member"},
    "threads": "threads",
    "facebook": {"platform": "facebook", "accountId": "fb_page_42"},
}


def _vm(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) * 1024
    return 0


def _serve_file(path: Path) -> tuple[http.server.ThreadingHTTPServer, int]:
    class Handler(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, directory=str(path.parent), **kwargs)

        def log_message(self, *args):
            pass

    port = free_port()
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, port


def _make_video(path: Path, size: int) -> None:
    with open(path, "wb") as out:
        out.write(b"\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isommp41")
        out.write((size - 24 - 8).to_bytes(4, "big") if size < 2**32 else b"\x00\x00\x00\x01")
        out.write(b"mdat")
        remaining = size - 24 - 8
        block = os.urandom(1024 * 1024)
        while remaining > 0:
            out.write(block[: min(len(block), remaining)])
            remaining -= len(block)


# -- Time to published (issue 42, item 2) -------------------------------------------------

TEXT_TARGETS = ["x", "threads", {"platform": "linkedin", "accountId": "li_member"},
                {"platform": "facebook", "accountId": "fb_page_42"},
                {"platform": "facebook", "accountId": "fb_page_main"}, "telegram", "discord", "google_business"]
TERMINAL = ("succeeded", "failed", "unconfirmed", "canceled")
HOP_QUEUE = "benchHop"


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


class _HopHandler:
    """A trivial task handler: records when each task arrives. A task marked `hold` keeps its
    delivery open until released, as the orchestrator's does while it enqueues the publishers
    (the emulator's dispatch loop spins while a delivery is open, and sleeps 1 s when idle)."""

    def __init__(self) -> None:
        self.arrived: dict[str, float] = {}
        self.events: dict[str, threading.Event] = {}
        self.release = threading.Event()
        handler = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers.get("content-length") or 0)) or b"{}")
                data = body.get("data") or {}
                handler.arrived[data["id"]] = time.perf_counter()
                handler.events.setdefault(data["id"], threading.Event()).set()
                if data.get("hold"):
                    handler.release.wait(30)
                self.send_response(200)
                self.send_header("content-length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.port = free_port()
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def wait(self, task: str) -> float:
        if not self.events.setdefault(task, threading.Event()).wait(30):
            raise SystemExit(f"hop task {task} never arrived")
        return self.arrived[task]


class RawPath:
    """The critical path's round trips sent raw: google-cloud-firestore against the same
    emulator, firebase-admin's task queue against the same Tasks emulator (a trivial handler,
    _HopHandler), httpx to the same X sandbox endpoint; no Soku code between them."""

    def __init__(self, hop: _HopHandler, sandbox_x: str, x_token: str) -> None:
        from firebase_admin import functions as admin_functions
        from google.cloud import firestore as gfs

        from devstack.gateway import discover_functions
        from devstack.provision import task_queue_triggers
        from shared.adapters.firebase_app import firebase_app
        from shared.config import get_settings

        settings = get_settings()
        # The hop queue has the orchestrator queue's own config, pointed at the trivial handler.
        trigger = task_queue_triggers(discover_functions())["orchestratePost"]
        httpx.post(f"http://{settings.tasks_emulator_host}/projects/{settings.project_id}/locations/"
                   f"{settings.region}/queues/{HOP_QUEUE}",
                   json=dict(trigger, defaultUri=f"http://127.0.0.1:{hop.port}/"), timeout=10).raise_for_status()
        self.gfs, self.admin_functions = gfs, admin_functions
        self.db = gfs.Client(project=settings.project_id)
        self.queue = admin_functions.task_queue(f"locations/{settings.region}/functions/{HOP_QUEUE}",
                                                app=firebase_app())
        session = getattr(getattr(self.queue, "_http_client", None), "session", None)
        if session is not None:
            session.trust_env = False  # as shared/adapters/task_queue.py sets it
        self.hop = hop
        self.sandbox = httpx.Client(timeout=30)
        self.sandbox_x, self.x_token = sandbox_x, x_token
        self.count = 0

    def _enqueue(self, task: str, hold: bool = False) -> None:
        from firebase_admin import exceptions as admin_errors

        try:
            self.queue.enqueue({"data": {"id": task, "hold": hold}},
                               self.admin_functions.TaskOptions(dispatch_deadline_seconds=600))
        except (ValueError, admin_errors.FirebaseError):
            pass  # the emulator's echo of the name (shared/adapters/task_queue.py); arrival is checked

    def _txn(self, reads: list, writes: Callable) -> None:
        @self.gfs.transactional
        def run(transaction):
            for read in reads:
                if isinstance(read, list):
                    list(transaction.get_all(read))
                elif isinstance(read, self.gfs.DocumentReference):
                    read.get(transaction=transaction)
                else:
                    list(read.stream(transaction=transaction))
            writes(transaction)

        run(self.db.transaction())

    def chain(self, n: int) -> dict[str, float]:
        """One pass of the longest chain for a post to `n` targets; seconds per segment."""
        self.count += 1
        root = self.db.collection("benchCriticalPath").document(f"{os.getpid()}-{self.count}")
        sub = root.collection("postSubmissions").document("post")
        runs = [sub.collection("runs").document(f"t{i}") for i in range(n)]
        account = root.collection("accounts").document("x")
        claim = root.collection("platformPosts").document("claim")
        counter = root.collection("counters").document("c")
        reads = [root.collection("reads").document(f"r{i}") for i in range(14 + n)]
        setup = self.db.batch()  # outside the timing: the documents the chain reads
        for ref in [account, counter, *reads]:
            setup.set(ref, {"v": 1, "text": "x" * 200})
        setup.commit()
        doc = {"status": "queued", "content": {"text": "bench"}, "scheduleVersion": 1, "userId": "u"}
        times: dict[str, float] = {}
        hop1, hop2 = f"{root.id}-o", f"{root.id}-p"
        self.hop.release.clear()

        # POST /v1/posts: the post's read (limiter commit counted beside it as its sum), the
        # daily budget's transaction, the batch (idempotency record, submission, runs), the task.
        t = time.perf_counter()
        limiter = self.db.batch()
        limiter.set(counter, {"v": 2})
        limiter.commit()
        self.db.get_all(reads)
        self._txn([counter], lambda tx: tx.update(counter, {"v": 3}))
        batch = self.db.batch()
        batch.create(root.collection("idempotency").document("k"), {"status": 201})
        batch.create(sub, doc)
        for ref in runs:
            batch.create(ref, {"status": "queued", "platform": "x"})
        batch.commit()
        times["POST"] = time.perf_counter() - t
        t = time.perf_counter()
        self._enqueue(hop1, hold=True)  # the orchestrator's task, from an idle emulator
        times["hop: orchestrator task"] = self.hop.wait(hop1) - t

        # The orchestrator (posts/orchestrator.py): claim transaction, queued runs, the
        # submission again, one await_tasks transaction over every run, one task per run, sent
        # together.
        t = time.perf_counter()
        self._txn([sub], lambda tx: tx.update(sub, {"status": "orchestrating"}))
        list(sub.collection("runs").where(filter=self.gfs.FieldFilter("status", "==", "queued")).stream())
        sub.get()
        self._txn([runs], lambda tx: [tx.update(ref, {"recoverAt": 1}) for ref in runs])
        times["orchestrator"] = time.perf_counter() - t
        t = time.perf_counter()
        # The runs' tasks, sent together while the orchestrator's delivery is open; the chain
        # goes on from the one measured.
        others = [threading.Thread(target=self._enqueue, args=(f"{root.id}-p{i}",)) for i in range(n - 1)]
        for thread in others:
            thread.start()
        self._enqueue(hop2)
        for thread in others:
            thread.join()
        times["hop: publisher task"] = self.hop.wait(hop2) - t

        # The publisher of that run (an X run, publishing/runner.py and runs.py): claim
        # (run, submission, attempt create), submission, account, the arming checkpoint, the
        # sandbox's POST /2/tweets, the finish (run, post, its runs, the post claim).
        t = time.perf_counter()
        run = runs[-1]
        self._txn([run, sub], lambda tx: (tx.create(run.collection("attempts").document("1"), {"d": 0}),
                                          tx.update(run, {"status": "processing", "attemptCount": 1})))
        sub.get()
        account.get()
        self._txn([run], lambda tx: tx.update(run, {"checkpoint": {"createArmedAt": "now"}}))
        r = self.sandbox.post(f"{self.sandbox_x}/2/tweets", json={"text": f"critical path {root.id}"},
                              headers={"Authorization": f"Bearer {self.x_token}"})
        assert r.status_code in (200, 201), r.text
        self._txn([run, sub, sub.collection("runs"), claim],
                  lambda tx: (tx.set(claim, {"run": run.path}), tx.update(run, {"status": "succeeded"}),
                              tx.set(root.collection("outbox").document("e1"), {"e": 1}),
                              tx.set(root.collection("outbox").document("e2"), {"e": 2})))
        times["publisher"] = time.perf_counter() - t
        self.hop.release.set()
        return times


def _published(http_client: httpx.Client, headers: dict, db, n: int, label: str) -> float:
    """POST /v1/posts to `n` targets; seconds until a Firestore listener on the post's runs
    sees every run terminal."""
    done, statuses = threading.Event(), []

    def seen(snapshots, changes, read_time):
        current = [s.to_dict().get("status") for s in snapshots]
        if len(current) == n and all(s in TERMINAL for s in current) and not done.is_set():
            statuses[:] = current
            ended.append(time.perf_counter())
            done.set()

    ended: list[float] = []
    started = time.perf_counter()
    r = http_client.post("/v1/posts", headers=headers, json={"post": {"content": {
        "text": f"time to published {label}", "platform": TEXT_TARGETS[:n]}}})
    assert r.status_code == 201, r.text
    watch = db.collection("postSubmissions").document(r.json()["postSubmissionId"]).collection("runs").on_snapshot(seen)
    try:
        if not done.wait(120):
            raise SystemExit(f"runs of a {n}-target post did not finish")
    finally:
        watch.unsubscribe()
    if any(s != "succeeded" for s in statuses):
        raise SystemExit(f"a {n}-target post did not publish: {statuses}")
    return ended[0] - started


def time_to_published(http_client: httpx.Client, headers: dict, reps: int, widths: list[int]) -> None:
    from google.cloud import firestore as gfs

    from devstack.sandboxes.core import mint_tokens
    from devstack.seed import DEMO_USER_ID, platform_user_id
    from shared.config import get_settings

    hop = _HopHandler()
    x_token = mint_tokens("x", platform_user_id(DEMO_USER_ID, "x", "x_main"))[0]
    raw = RawPath(hop, os.environ["SOKU_X_API_BASE"], x_token)
    db = gfs.Client(project=get_settings().project_id)
    measured: dict[int, list[float]] = {n: [] for n in widths}
    chains: dict[int, list[dict[str, float]]] = {n: [] for n in widths}
    _published(http_client, headers, db, 1, "warm-up")
    raw.chain(1)
    for rep in range(reps):  # alternated: each width's post, then its raw chain, in every round
        for n in widths:
            time.sleep(0.2)
            measured[n].append(_published(http_client, headers, db, n, f"{rep}-{n}-{time.time_ns()}"))
            time.sleep(0.2)
            chains[n].append(raw.chain(n))
    hop.server.shutdown()
    print(f"\nPOST /v1/posts (text) to all runs succeeded, {reps} repetitions per width, alternated with the "
          f"critical path sent raw (local stack; runs watched by a Firestore listener)")
    ratios = {}
    for n in widths:
        totals = [sum(c.values()) for c in chains[n]]
        ratios[n] = _pct(measured[n], 0.5) / _pct(totals, 0.5)
        segments = ", ".join(f"{name} {1000 * _pct([c[name] for c in chains[n]], 0.5):.0f}"
                             for name in chains[n][0])
        print(f"  {n} target{'s' if n > 1 else ''}: p50 {1000 * _pct(measured[n], 0.5):.0f} ms, "
              f"p95 {1000 * _pct(measured[n], 0.95):.0f} ms; critical path p50 {1000 * _pct(totals, 0.5):.0f} ms, "
              f"p95 {1000 * _pct(totals, 0.95):.0f} ms ({segments} ms)")
    for n in widths:
        print(f"{n} target{'s' if n > 1 else ''}: p50 {1000 * _pct(measured[n], 0.5):.0f} ms, "
              f"{ratios[n]:.2f}x its critical path")


def _print_video(mb: int, platforms: list[str], post: dict, elapsed: float, peak_before: int, peak_after: int) -> None:
    print(f"One post, {mb} MB video, to {', '.join(platforms)} (local stack, 2-core machine)")
    for run in post["runs"]:
        detail = run["result"].get("url") if run["status"] == "succeeded" else run["result"]
        print(f"  {run['targetId']}: {run['status']} after {run['attemptCount']} attempt(s) -> {detail}")
    print(f"  POST /v1/posts to all runs finished: {elapsed:.2f} s")
    print(f"  function process peak RSS: {peak_before / 2**20:.0f} MiB before the post, "
          f"{peak_after / 2**20:.0f} MiB after (uploading added {(peak_after - peak_before) / 2**20:.0f} MiB "
          f"for a {mb} MiB video)")



def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--mb", type=int, default=50)
    parser.add_argument("--platforms", default=",".join(TARGETS))
    parser.add_argument("--reps", type=int, default=20, help="time to published: repetitions per width")
    parser.add_argument("--widths", default="1,2,4,8", help="time to published: targets per post")
    parser.add_argument("--skip-video", action="store_true", help="time to published only")
    args = parser.parse_args()
    os.environ.setdefault("GRPC_VERBOSITY", "ERROR")

    work = Path(tempfile.mkdtemp(prefix="soku-publish-bench-"))
    # The functions run in a separate process (their memory is what is measured).
    # Hundreds of posts from one key: no tier's minute or daily ceiling may refuse one.
    unlimited = {tier: [10**6, 10**6] for tier in ("default", "authenticated", "premium", "admin")}
    limits = {"SOKU_RATE_LIMITS": json.dumps(unlimited | {"POST /v1/posts": 10**6}),
              "SOKU_DAILY_LIMITS": json.dumps({tier: {"posts": 10**7} for tier in unlimited})}
    stack = LocalStack(project_id=PROJECT, region=REGION, log_dir=work, serve_gateway=False,
                       extra_env=limits).start()
    port, base = stack.port, stack.base_url
    from devstack.seed import seed_demo

    api_key = seed_demo()
    video = work / "video.mp4"
    _make_video(video, args.mb * 1024 * 1024)
    origin, origin_port = _serve_file(video)
    functions = subprocess.Popen([sys.executable, "-m", "devstack.serve_gateway", str(port)], cwd=ROOT,
                                 env=os.environ.copy(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    headers = {"soku-api-key": api_key}
    platforms = [p for p in args.platforms.split(",") if p]
    try:
        deadline = time.monotonic() + 30
        while not port_open(port) and time.monotonic() < deadline:
            time.sleep(0.05)
        with httpx.Client(base_url=base, timeout=300) as http:
            if args.skip_video:
                time_to_published(http, headers, args.reps, [int(w) for w in args.widths.split(",")])
                return
            media = http.post("/v1/media", json={"url": f"http://127.0.0.1:{origin_port}/video.mp4"}, headers=headers)
            assert media.status_code == 201, media.text
            peak_before = _vm(functions.pid, "VmHWM")
            started = time.perf_counter()
            r = http.post("/v1/posts", headers=headers, json={"post": {"content": {
                "text": "bench video", "mediaIds": [media.json()["id"]],
                "platform": [TARGETS[p] for p in platforms]}}})
            assert r.status_code == 201, r.text
            sid = r.json()["postSubmissionId"]
            while True:
                post = http.get(f"/v1/posts/{sid}", headers=headers).json()
                statuses = [run["status"] for run in post["runs"]]
                if all(s in ("succeeded", "failed") for s in statuses):
                    break
                if time.perf_counter() - started > 600:
                    raise SystemExit(f"runs did not finish: {statuses}")
                time.sleep(0.05)
            elapsed = time.perf_counter() - started
            peak_after = _vm(functions.pid, "VmHWM")
            _print_video(args.mb, platforms, post, elapsed, peak_before, peak_after)
            time_to_published(http, headers, args.reps, [int(w) for w in args.widths.split(",")])
    finally:
        functions.send_signal(signal.SIGTERM)
        functions.wait()
        origin.shutdown()
        stack.stop()


if __name__ == "__main__":
    main()
