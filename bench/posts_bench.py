"""Benchmark of POST /v1/posts: a 3-target immediate post against the local stack.

Prints p50/p95 latency, the Firestore and Cloud Tasks round trips each request
makes (counted at the gRPC layer, not guessed) and requests/s with 8
concurrent clients. Run: `make bench-posts` (or `venv/bin/python -m bench.posts_bench`).
"""

from __future__ import annotations

import argparse
import collections
import logging
import os
import statistics
import sys
import tempfile
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import grpc._channel
from firebase_admin import functions as firebase_functions_admin
import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from devstack.stack import LocalStack  # noqa: E402

PROJECT, REGION = "bench-soku", "us-central1"
# Three platforms that take text posts: the fan-out after the response publishes
# to the local sandboxes, so nothing leaves the machine.
TARGETS = ["x", "threads", "linkedin"]

# -- round-trip counting at the gRPC layer --------------------------------------------
_counts: collections.Counter[str] = collections.Counter()
_lock = threading.Lock()


def _counting(original):
    def call(self, *args, **kwargs):
        method = self._method.decode() if isinstance(self._method, bytes) else str(self._method)
        service = "firestore" if "Firestore" in method else "tasks" if "CloudTasks" in method else "other"
        with _lock:
            _counts[service] += 1
            _counts[method.rsplit("/", 1)[-1]] += 1
        return original(self, *args, **kwargs)

    return call


# Every RPC ends in exactly one of these (api_core's interceptors call
# with_call on unary-unary methods and __call__ on streaming ones).
grpc._channel._UnaryUnaryMultiCallable.__call__ = _counting(grpc._channel._UnaryUnaryMultiCallable.__call__)
grpc._channel._UnaryUnaryMultiCallable.with_call = _counting(grpc._channel._UnaryUnaryMultiCallable.with_call)
grpc._channel._UnaryStreamMultiCallable.__call__ = _counting(grpc._channel._UnaryStreamMultiCallable.__call__)


def _counting_enqueue(original):
    # Tasks are enqueued over REST through firebase-admin (shared/adapters/task_queue.py):
    # one CreateTask round trip per call.
    def enqueue(self, *args, **kwargs):
        with _lock:
            _counts["tasks"] += 1
            _counts["CreateTask"] += 1
        return original(self, *args, **kwargs)

    return enqueue


firebase_functions_admin.TaskQueue.enqueue = _counting_enqueue(firebase_functions_admin.TaskQueue.enqueue)


def _payload(tag: str) -> dict:
    return {"post": {"content": {"text": f"bench {tag}", "platform": TARGETS}}}


def _percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(pct / 100 * (len(ordered) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=200, help="sequential requests for latency")
    parser.add_argument("--concurrent-requests", type=int, default=400, help="requests in the 8-client phase")
    args = parser.parse_args()
    os.environ.setdefault("GRPC_VERBOSITY", "ERROR")
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # no per-request access log

    stack = LocalStack(project_id=PROJECT, region=REGION, environment="test",
                       log_dir=Path(tempfile.mkdtemp(prefix="soku-bench-")), extra_env={
                           # One user sends ~600 posts a minute here: the limiter still counts
                           # every request (its round trips are measured), its caps are out of reach.
                           "SOKU_RATE_LIMITS": '{"premium": [1000000, 0], "POST /v1/posts": 1000000}'})
    stack.start()
    base, functions = stack.base_url, stack.functions
    from devstack.provision import create_queues
    from devstack.seed import seed_demo

    key = seed_demo()
    headers = {"soku-api-key": key}
    try:
        with httpx.Client(base_url=base, timeout=30) as http:
            warm = [http.post("/v1/posts", json=_payload(f"warm-{i}"), headers=headers).json()["postSubmissionId"]
                    for i in range(10)]  # warm-up: clients, connections, caches

            # 1. Round trips of one request. The warm-up's fan-out must be over
            #    first, and the queues paused, so that no orchestrator, publisher
            #    or webhook work (same process) lands in the count.
            for sid in warm:
                while any(r["status"] not in ("succeeded", "failed")
                          for r in http.get(f"/v1/posts/{sid}", headers=headers).json()["runs"]):
                    time.sleep(0.05)
            # The CLI's Tasks emulator has no pause: queues that accept tasks and never dispatch.
            create_queues(functions, stack.functions_base_url, paused=True)
            time.sleep(0.5)  # request logs of the last calls are written after their responses
            samples = 20
            _counts.clear()
            for i in range(samples):
                assert http.post("/v1/posts", json=_payload(f"count-{i}"), headers=headers).status_code == 201
            counted = dict(_counts)
            # Fresh queues dispatch again (the 20 paused tasks are dropped with the old ones).
            create_queues(functions, stack.functions_base_url)

            # 2. Sequential latency, fan-out running as in real use.
            latencies = []
            for i in range(args.requests):
                started = time.perf_counter()
                r = http.post("/v1/posts", json=_payload(f"seq-{i}-{uuid.uuid4().hex[:6]}"), headers=headers)
                latencies.append((time.perf_counter() - started) * 1000)
                assert r.status_code == 201, r.text

        # 3. Throughput with 8 concurrent clients.
        def worker(n: int) -> int:
            ok = 0
            with httpx.Client(base_url=base, timeout=60) as client:
                for i in range(n):
                    r = client.post("/v1/posts", json=_payload(f"par-{uuid.uuid4().hex}"), headers=headers)
                    ok += r.status_code == 201
            return ok

        per_client = args.concurrent_requests // 8
        started = time.perf_counter()
        with ThreadPoolExecutor(max_workers=8) as pool:
            ok = sum(pool.map(worker, [per_client] * 8))
        elapsed = time.perf_counter() - started
    finally:
        stack.stop()

    per_request = {k: v / samples for k, v in sorted(counted.items())}
    print("POST /v1/posts, 3 targets, immediate (local stack, 2-core machine)")
    print(f"  latency over {len(latencies)} sequential requests: p50 {statistics.median(latencies):.1f} ms, "
          f"p95 {_percentile(latencies, 95):.1f} ms")
    print(f"  round trips per request: Firestore {per_request.get('firestore', 0):.1f}, "
          f"Cloud Tasks {per_request.get('tasks', 0):.1f}")
    detail = ", ".join(f"{k} {v:.1f}" for k, v in per_request.items() if k not in ("firestore", "tasks", "other"))
    print(f"    by method: {detail}")
    print(f"  throughput, 8 concurrent clients: {ok / elapsed:.1f} requests/s "
          f"({ok}/{per_client * 8} created in {elapsed:.1f} s)")


if __name__ == "__main__":
    main()
