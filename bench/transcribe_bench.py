"""Benchmark of POST /v1/ai/transcribe: a long video, end to end, against the OpenAI sandbox.

Makes a video (H.264 + AAC, `--minutes` long) whose audio is speech in the
sandbox's test tones, stores it like `POST /v1/media` does, transcribes it
through the gateway and prints: total latency, the job's own timings (copy
from Cloud Storage, ffmpeg extraction + measurement, upstream), how many parts
went upstream and their sizes, the function process's peak RSS and the largest
ffmpeg child's peak RSS. The transcript is checked word for word. Upstream time is
the sandbox decoding each part in Python, not OpenAI's. The stack is devstack/stack.py's,
as for the suite and the other benchmarks, with the functions served by a gateway
process of their own (as bench/publish_bench.py does): the sandboxes stay in this
process, so what is measured is the function's memory alone.
Run: `make bench-transcribe` (or `venv/bin/python -m bench.transcribe_bench --minutes 60`).
"""

from __future__ import annotations

import argparse
import logging
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.media_bench import PeakRss  # noqa: E402
from devstack.emulators import port_open, wait_until  # noqa: E402
from devstack.sandboxes import openai_audio  # noqa: E402
from devstack.stack import LocalStack  # noqa: E402

PROJECT, REGION = "bench-soku", "us-central1"


class PeakChildRss:
    """Samples the RSS of a process's ffmpeg children every 10 ms."""

    def __init__(self, pid: int | str = "self") -> None:
        self.pid = pid
        self.peak = 0
        self._stop = threading.Event()

    def _children(self) -> list[str]:
        pids: list[str] = []
        for task in Path(f"/proc/{self.pid}/task").iterdir():
            try:
                pids += (task / "children").read_text().split()
            except OSError:
                pass
        return pids

    def _sample(self) -> None:
        while not self._stop.wait(0.01):
            for pid in self._children():
                try:
                    if not Path(f"/proc/{pid}/comm").read_text().startswith("ffmpeg"):
                        continue  # the emulators are children too
                    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                        if line.startswith("VmRSS:"):
                            self.peak = max(self.peak, int(line.split()[1]) * 1024)
                except OSError:
                    pass

    def __enter__(self) -> "PeakChildRss":
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()


def _make_video(path: Path, minutes: float, workdir: Path, kbps: int) -> list[str]:
    import random

    from shared.adapters import ffmpeg

    rng = random.Random(3)
    vocabulary = [w for w in openai_audio.VOCABULARY if w not in (",", ".")]
    words: list[str] = []
    seconds = 0.6
    while seconds < minutes * 60 - 5:
        sentence = [rng.choice(vocabulary) for _ in range(rng.randint(5, 12))] + ["."]
        words += sentence
        seconds += len(sentence) * 0.5 + 0.45
    wav = workdir / "speech.wav"
    wav.write_bytes(openai_audio.speak(words))
    subprocess.run([ffmpeg.executable(), "-nostdin", "-y", "-loglevel", "error", "-i", str(wav),
                    "-f", "lavfi", "-i", "testsrc2=s=640x360:r=15", "-shortest",
                    "-c:v", "libx264", "-preset", "ultrafast", "-b:v", f"{kbps}k", "-pix_fmt", "yuv420p",
                    "-c:a", "aac", "-b:a", "128k", str(path)], check=True)
    wav.unlink()
    return words


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--minutes", type=float, default=60)
    parser.add_argument("--video-kbps", type=int, default=1000, help="video bitrate: sets the file size")
    args = parser.parse_args()
    os.environ.setdefault("GRPC_VERBOSITY", "ERROR")
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    work = Path(tempfile.mkdtemp(prefix="soku-transcribe-bench-"))
    video = work / "talk.mp4"
    # The functions run in a process of their own (started below), so its memory is the function's.
    stack = LocalStack(project_id=PROJECT, region=REGION, environment="test", log_dir=work / "logs",
                       serve_gateway=False)
    functions = None
    try:
        stack.start()
        sandbox_url = stack.sandboxes.base_url
        port, base = stack.port, stack.base_url
        functions = subprocess.Popen([sys.executable, "-m", "devstack.serve_gateway", str(port)], cwd=ROOT,
                                     env=os.environ.copy(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        from devstack.sandboxes.openai_audio import render
        from devstack.seed import DEMO_USER_ID, seed_demo
        from shared.adapters.gcp import firestore_client, storage_client
        from shared.config import get_settings

        headers = {"soku-api-key": seed_demo()}  # the demo user: subscribed
        db = firestore_client()
        user = db.collection("users").document(DEMO_USER_ID)
        user.collection("credits").document("current").set({"balance": 10_000})
        wait_until(lambda: port_open(port), "functions", functions)
        words = _make_video(video, args.minutes, work, args.video_kbps)
        size = video.stat().st_size
        storage_client().bucket(get_settings().media_bucket).blob("media/bench.mp4").upload_from_filename(
            str(video), content_type="video/mp4")
        db.collection("media").document("benchmedia").set({
            "id": "benchmedia", "userId": DEMO_USER_ID, "objectPath": "media/bench.mp4",
            "contentType": "video/mp4", "ext": "mp4", "size": size, "url": f"{base}/media/benchmedia.mp4"})
        video.unlink()

        with httpx.Client(base_url=base, timeout=60) as http:
            # Warm the function process's Firestore and Storage clients first (in the bench
            # process they were warm already): the figure is the request's, not the clients'.
            for warm in (http.get("/v1/credits/balance", headers=headers), http.head("/media/bench.mp4")):
                assert warm.status_code == 200, (warm.request.url, warm.status_code)
        with (httpx.Client(base_url=base, timeout=3600) as http, PeakRss(functions.pid) as rss,
              PeakChildRss(functions.pid) as child):
            started = time.perf_counter()
            r = http.post("/v1/ai/transcribe", json={"mediaId": "benchmedia", "language": "en"}, headers=headers)
            elapsed = time.perf_counter() - started
        assert r.status_code == 200, r.text
        body = r.json()
        assert body["transcript"] == render(words), "transcript differs from the spoken words"
        job = user.collection("aiJobs").document(body["jobId"]).get().to_dict()
        parts = httpx.get(f"{sandbox_url}/__sandbox/posts", params={"platform": "openai"}).json()["posts"]
        child_peak = child.peak
    finally:
        if functions is not None:
            functions.terminate()
            functions.wait()
        stack.stop()

    t = job["timings"]
    sizes = ", ".join(f"{p['bytes'] / 1e6:.1f} MB" for p in parts)
    print(f"POST /v1/ai/transcribe, {args.minutes:g}-minute video ({size / 1e6:.1f} MB H.264 + AAC), "
          f"OpenAI sandbox, local stack, {os.cpu_count()}-core machine")
    print(f"  total {elapsed:.1f} s: copy from storage {t['downloadMs'] / 1000:.1f} s, "
          f"extract + measure {t['extractMs'] / 1000:.1f} s "
          f"({job['durationSeconds'] / max(t['extractMs'] / 1000, 0.001):.0f}x real time), "
          f"upstream (sandbox) {t['transcribeMs'] / 1000:.1f} s")
    print(f"  measured {job['durationSeconds']:.1f} s -> {body['creditsDebited']} credits; "
          f"{len(parts)} parts upstream: {sizes}; "
          f"transcript {len(body['transcript'])} chars, every word in order")
    print(f"  peak RSS of the process serving the function: {rss.peak / 2**20:.0f} MiB (+{(rss.peak - rss.baseline) / 2**20:.0f} MiB "
          f"during the request); largest ffmpeg child: {child_peak / 2**20:.0f} MiB")


if __name__ == "__main__":
    main()
