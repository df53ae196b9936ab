"""Benchmark of POST /v1/ai/transcribe: a long video, end to end, against the OpenAI sandbox.

Makes a video (H.264 + AAC, `--minutes` long) whose audio is speech in the
sandbox's test tones, stores it like `POST /v1/media` does, transcribes it
through the gateway and prints: total latency, the job's own timings (copy
from Cloud Storage, ffmpeg extraction + measurement, upstream), how many parts
went upstream and their sizes, this process's peak RSS (gateway, function and
the gateway run here, as in the test suite) and the largest ffmpeg child's peak
RSS. The transcript is checked word for word. Upstream time is the sandbox
decoding each part in Python, not OpenAI's; the sandbox runs in a process of its own.
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
from datetime import timedelta
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.media_bench import PeakRss  # noqa: E402
from devstack.emulators import Emulators, apply_env, free_port, port_open, wait_until  # noqa: E402
from devstack.sandboxes import openai_audio  # noqa: E402

PROJECT, REGION = "bench-soku", "us-central1"


class PeakChildRss:
    """Samples the RSS of this process's ffmpeg children every 10 ms."""

    def __init__(self) -> None:
        self.peak = 0
        self._stop = threading.Event()

    @staticmethod
    def _children() -> list[str]:
        pids: list[str] = []
        for task in Path("/proc/self/task").iterdir():
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
    emulators = Emulators(project_id=PROJECT, log_dir=work / "logs")
    gateway = sandboxes = None
    try:
        emulators.start()
        # The sandbox runs in a process of its own, so this process's memory is the function's.
        sandbox_port = free_port()
        sandboxes = subprocess.Popen(
            [sys.executable, "-c", "import sys, threading; from devstack.sandboxes.server import Sandboxes; "
             f"Sandboxes({sandbox_port}).start(); threading.Event().wait()"],
            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_until(lambda: port_open(sandbox_port), "sandboxes", sandboxes)
        sandbox_url = f"http://127.0.0.1:{sandbox_port}"
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        apply_env(emulators.env | {"SOKU_ENV": "test", "SOKU_REGION": REGION,
                                   "SOKU_FUNCTIONS_BASE_URL": f"{base}/{PROJECT}/{REGION}",
                                   "MEDIA_PUBLIC_BASE": f"{base}/media",
                                   "SOKU_OPENAI_BASE_URL": f"{sandbox_url}/openai/v1",
                                   "OPENAI_API_KEY": openai_audio.API_KEY})
        from devstack.gateway import Gateway, build_app, discover_functions
        from devstack.provision import provision
        from devstack.sandboxes.openai_audio import render
        from shared import clock
        from shared.adapters.gcp import firestore_client, storage_client
        from shared.config import get_settings
        from shared.services import api_keys

        functions = discover_functions()
        provision(functions, f"{base}/{PROJECT}/{REGION}")
        gateway = Gateway(build_app(PROJECT, REGION, functions), port).start()
        words = _make_video(video, args.minutes, work, args.video_kbps)
        size = video.stat().st_size
        db = firestore_client()
        user = db.collection("users").document("bench-user")
        user.set({"subscription": {"status": "active", "currentPeriodEnd": clock.now() + timedelta(days=1)}})
        user.collection("credits").document("current").set({"balance": 10_000})
        headers = {"soku-api-key": api_keys.create_key("bench-user", "bench")}
        storage_client().bucket(get_settings().media_bucket).blob("media/bench.mp4").upload_from_filename(
            str(video), content_type="video/mp4")
        db.collection("media").document("benchmedia").set({
            "id": "benchmedia", "userId": "bench-user", "objectPath": "media/bench.mp4",
            "contentType": "video/mp4", "ext": "mp4", "size": size, "url": f"{base}/media/benchmedia.mp4"})
        video.unlink()

        with httpx.Client(base_url=base, timeout=3600) as http, PeakRss() as rss, PeakChildRss() as child:
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
        if gateway is not None:
            gateway.stop()
        if sandboxes is not None:
            sandboxes.terminate()
            sandboxes.wait()
        emulators.stop()

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
