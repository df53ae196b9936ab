"""Where the CPU of POST /v1/posts goes: a sampling profile of the function process.

Issue 20 asks that whatever costs more than 10% of a request on the Python path (routing,
validation, JSON, headers, logging) be removed; this prints the figure to judge it by.

The functions are served as `make bench-posts` serves them (a process of their own,
gunicorn, every client warm, the fan-out paused so that the process does only the
request). Sequential 3-target posts are sent for `--seconds` while py-spy samples that
process, only the thread holding the GIL (`--gil`): Python's own CPU, not a thread
waiting on an RPC. The samples of the threads that serve requests are then put under the
innermost frame that belongs to a known part (the standard library's frames count for
whoever called them):
- our code: `shared/`, `functions/`, `main.py`, the gateway (`devstack/`);
- the Firestore client: google-cloud-firestore, google-api-core, proto-plus, gRPC, protobuf;
- the Cloud Tasks enqueue: firebase-admin over google-auth, requests and urllib3;
- the HTTP server and framework: gunicorn, Flask, werkzeug, firebase-functions;
- pydantic; the benchmark's own RPC timers (`bench/`).
Each is printed as a share of the request threads' samples and in ms per request, then
the functions of our code that hold the most samples themselves.

Run: `make profile-posts` (installs py-spy, bench/requirements-profile.txt, into the venv).
Attaching to a process needs ptrace permission: root, or a container with SYS_PTRACE.
"""

from __future__ import annotations

import argparse
import collections
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.posts_bench import paused_instance, _payload  # noqa: E402

SAMPLE_RATE = 250  # per second
# A frame as py-spy writes it with --full-filenames: "function (path:line)".
FRAME = re.compile(r"^(?P<function>.*) \((?P<path>[^()]*?)(?::\d+)?\)$")
PARTS = [  # (part, what its frames' paths contain); the first that matches names the part
    ("benchmark timers", (str(ROOT / "bench") + "/",)),
    ("our code", tuple(str(ROOT / d) + "/" for d in ("shared", "functions", "devstack")) + (str(ROOT / "main.py"),)),
    ("Firestore client (gRPC, proto-plus)", ("/google/cloud/firestore", "/google/api_core/", "/proto/", "/grpc/",
                                             "/google/protobuf/")),
    ("Cloud Tasks enqueue (firebase-admin, requests)", ("/firebase_admin/", "/google/auth/", "/requests/",
                                                         "/urllib3/")),
    ("HTTP server and framework", ("/gunicorn/", "/flask/", "/werkzeug/", "/firebase_functions/",
                                   "/functions_framework/")),
    ("pydantic", ("/pydantic/", "/pydantic_core/")),
]


def part_of(path: str) -> str | None:
    if "/site-packages/" not in path and not path.startswith(str(ROOT)):
        return None  # the standard library: counted for its caller
    for part, markers in PARTS:
        if any(marker in path for marker in markers):
            return part
    return "other libraries" if "/site-packages/" in path else None


def _serves_a_request(frame: tuple[str, str]) -> bool:
    """The frame every request thread of gunicorn's gthread worker runs under."""
    function, path = frame
    return function.endswith("handle_request") and path.endswith("gunicorn/workers/gthread.py")


def parse(raw: str) -> list[tuple[list[tuple[str, str]], int]]:
    """py-spy's raw (collapsed) output: one `frame;frame;... count` per line, root first."""
    stacks = []
    for line in raw.splitlines():
        stack, _, count = line.rpartition(" ")
        frames = []
        for text in stack.split(";"):
            match = FRAME.match(text)
            frames.append((match["function"], match["path"]) if match else (text, ""))
        stacks.append((frames, int(count)))
    return stacks


def report(stacks, requests: int, seconds: float) -> None:
    request_stacks = [(frames, n) for frames, n in stacks if any(map(_serves_a_request, frames))]
    total = sum(n for _, n in request_stacks)
    other_threads = sum(n for _, n in stacks) - total
    if not total:
        raise SystemExit("no samples of a request thread: did py-spy attach (ptrace permission)?")
    per_request_ms = 1000 / SAMPLE_RATE / requests
    parts: collections.Counter[str] = collections.Counter()
    ours: collections.Counter[str] = collections.Counter()  # our functions' own samples
    for frames, n in request_stacks:
        function, path, part = next(((fn, path, p) for fn, path in reversed(frames) if (p := part_of(path))),
                                    ("", "", "other"))
        parts[part] += n
        if part == "our code":
            ours[f"{function} ({os.path.relpath(path, ROOT)})"] += n

    print(f"POST /v1/posts, 3 targets, fan-out paused: {requests} sequential requests in {seconds:.1f} s, "
          f"sampled {SAMPLE_RATE}/s by py-spy (the thread holding the GIL)")
    print(f"  request threads: {total} samples, {total * per_request_ms:.1f} ms of Python CPU per request; "
          f"other threads (the limiter's commit, RPC channels, after-response writes, gunicorn's loop): "
          f"{other_threads * per_request_ms:.1f} ms per request")
    print("  request threads' samples, by the innermost part they were in:")
    for part, n in parts.most_common():
        print(f"    {100 * n / total:5.1f}%  {n * per_request_ms:5.2f} ms  {part}")
    print("  our code's functions, by their own samples (with the standard library they call):")
    for function, n in ours.most_common(10):
        print(f"    {100 * n / total:5.1f}%  {n * per_request_ms:5.2f} ms  {function}")
    top = ours.most_common(1)[0][1] if ours else 0
    print(f"  largest of our functions: {100 * top / total:.1f}% of the request threads' samples "
          f"(issue 20: nothing of ours above 10%)")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=20.0, help="how long to sample")
    args = parser.parse_args()
    py_spy = shutil.which("py-spy", path=str(Path(sys.executable).parent)) or shutil.which("py-spy")
    if py_spy is None:
        raise SystemExit("py-spy is not installed: `make profile-posts` installs it")
    os.environ.setdefault("GRPC_VERBOSITY", "ERROR")

    with paused_instance() as paused, tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "samples.txt"
        sampler = subprocess.Popen(
            [py_spy, "record", "--pid", str(paused.instance.worker_pid()), "--gil", "--full-filenames",
             "--rate", str(SAMPLE_RATE), "--duration", str(int(args.seconds)), "--format", "raw",
             "--output", str(out)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        time.sleep(1.0)  # attached
        requests, started = 0, time.monotonic()
        while sampler.poll() is None:
            headers = next(paused.callers)
            r = paused.http.post("/v1/posts", json=_payload(f"profile-{uuid.uuid4().hex[:8]}", headers),
                                 headers=headers)
            assert r.status_code == 201, r.text
            requests += 1
        if sampler.returncode != 0 or not out.exists():
            raise SystemExit(f"py-spy failed: {sampler.stderr.read().strip()}")
        # Sampling ends inside the last request: the requests it saw are those it ran through.
        report(parse(out.read_text()), max(1, requests - 1), time.monotonic() - started)


if __name__ == "__main__":
    main()
