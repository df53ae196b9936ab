"""Benchmark: one post with a 50 MB video to every platform with a publisher.

Prints the time from `POST /v1/posts` to all runs `succeeded`, and the peak
memory (VmHWM, high-water RSS) of the function process while it uploads:
the functions run in a separate gateway process so its memory is its own.
The video is stored with `POST /v1/media` from an origin on loopback first,
and the process's peak is read before and after the post.
Run: `make bench-publish` (or `venv/bin/python -m bench.publish_bench`).
"""

from __future__ import annotations

import argparse
import http.server
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from devstack.emulators import free_port, port_open  # noqa: E402
from devstack.stack import LocalStack  # noqa: E402

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


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--mb", type=int, default=50)
    parser.add_argument("--platforms", default=",".join(TARGETS))
    args = parser.parse_args()
    os.environ.setdefault("GRPC_VERBOSITY", "ERROR")

    work = Path(tempfile.mkdtemp(prefix="soku-publish-bench-"))
    # The functions run in a separate process (their memory is what is measured).
    stack = LocalStack(project_id=PROJECT, region=REGION, log_dir=work, serve_gateway=False).start()
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
    finally:
        functions.send_signal(signal.SIGTERM)
        functions.wait()
        origin.shutdown()
        stack.stop()
    print(f"One post, {args.mb} MB video, to {', '.join(platforms)} (local stack, 2-core machine)")
    for run in post["runs"]:
        detail = run["result"].get("url") if run["status"] == "succeeded" else run["result"]
        print(f"  {run['targetId']}: {run['status']} after {run['attemptCount']} attempt(s) -> {detail}")
    print(f"  POST /v1/posts to all runs finished: {elapsed:.2f} s")
    print(f"  function process peak RSS: {peak_before / 2**20:.0f} MiB before the post, "
          f"{peak_after / 2**20:.0f} MiB after (uploading added {(peak_after - peak_before) / 2**20:.0f} MiB "
          f"for a {args.mb} MiB video)")


if __name__ == "__main__":
    main()
