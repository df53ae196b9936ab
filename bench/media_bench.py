"""Benchmark of POST /v1/media: ingest a 200 MB video served on loopback.

Prints ingest throughput (MB/s) and the process's peak RSS while ingesting,
next to the floor: the same file copied with plain httpx streaming (GET from
the origin, chunked POST into the storage emulator's upload endpoint), with
no checks, no sniffing, no resumable protocol and no Firestore. The ratio
says what the safety and the resumable upload cost; a third figure copies
through a resumable session with one PUT (ingest's own protocol, without the
checks), which separates the emulator's cost of that protocol from ours.

The origin is `python -m http.server` in a child process (so its CPU and
memory are not counted here); the local stack is devstack/stack.py's, as for the
suite and the other benchmarks: the gateway and the media function run in this
process (the platform sandboxes too, idle). Run: `make bench-media`
(or `venv/bin/python -m bench.media_bench --mb 200 --runs 5`).
"""

from __future__ import annotations

import argparse
import logging
import os
import statistics
import struct
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from devstack.emulators import free_port, port_open, wait_until  # noqa: E402
from devstack.stack import LocalStack  # noqa: E402

PROJECT, REGION = "bench-soku", "us-central1"
MB = 1_000_000


def _rss_bytes(pid: int | str = "self") -> int:
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    return 0


class PeakRss:
    """Samples a process's RSS (this one's by default) every few milliseconds while in use."""

    def __init__(self, pid: int | str = "self") -> None:
        self.pid = pid
        self.baseline = self.peak = 0
        self._stop = threading.Event()

    def __enter__(self) -> "PeakRss":
        self.baseline = self.peak = _rss_bytes(self.pid)
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        return self

    def _sample(self) -> None:
        while not self._stop.wait(0.005):
            self.peak = max(self.peak, _rss_bytes(self.pid))

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, _rss_bytes(self.pid))


def _write_video(path: Path, size: int) -> None:
    """An MP4-signed file (ftyp + one mdat box) of `size` random bytes."""
    ftyp = struct.pack(">I", 24) + b"ftyp" + b"isom" + b"\x00\x00\x02\x00" + b"isom" + b"mp41"
    with path.open("wb") as out:
        out.write(ftyp + struct.pack(">I", size - len(ftyp)) + b"mdat")
        left = size - len(ftyp) - 8
        block = os.urandom(4 * 1024 * 1024)
        while left > 0:
            out.write(block[:left])
            left -= len(block)


def _floor_copy(source: str, storage_host: str, bucket: str, name: str) -> int:
    """The floor: GET streamed straight into a single-request (uploadType=media) upload."""
    upload = f"{storage_host}/upload/storage/v1/b/{bucket}/o"
    with httpx.Client(timeout=120, trust_env=False) as http:
        with http.stream("GET", source) as response:
            response.raise_for_status()
            r = http.post(upload, params={"uploadType": "media", "name": name},
                          headers={"Content-Type": "video/mp4"},
                          content=response.iter_bytes(1024 * 1024))
            r.raise_for_status()
            return int(r.json()["size"])


def _floor_resumable_copy(source: str, blob) -> int:
    """The same copy through a resumable session and one PUT: the protocol ingest uses."""
    with httpx.Client(timeout=120, trust_env=False) as http:
        with http.stream("GET", source) as response:
            response.raise_for_status()
            size = int(response.headers["Content-Length"])
            session = blob.create_resumable_upload_session(content_type="video/mp4", size=size)
            r = http.put(session, content=response.iter_bytes(1024 * 1024),
                         headers={"Content-Length": str(size)})
            r.raise_for_status()
            return int(r.json()["size"])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--mb", type=int, default=200, help="file size in MB (10^6 bytes)")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    os.environ.setdefault("GRPC_VERBOSITY", "ERROR")
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    size = args.mb * MB

    work = Path(tempfile.mkdtemp(prefix="soku-media-bench-"))
    _write_video(work / "video.mp4", size)
    origin_port = free_port()
    origin = subprocess.Popen(
        [sys.executable, "-m", "http.server", str(origin_port), "--bind", "127.0.0.1", "--directory", str(work)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    stack = LocalStack(project_id=PROJECT, region=REGION, environment="test", log_dir=work / "logs")
    try:
        wait_until(lambda: port_open(origin_port), "origin", origin)
        stack.start()
        base = stack.base_url
        from devstack.seed import seed_demo
        from shared.adapters.gcp import storage_client
        from shared.config import get_settings

        headers = {"soku-api-key": seed_demo()}  # the demo user: subscribed
        bucket = storage_client().bucket(get_settings().media_bucket)
        source = f"http://127.0.0.1:{origin_port}/video.mp4"

        times: dict[str, list[float]] = {"floor": [], "resumable": [], "ingest": []}
        floor_peaks, ours = [], []
        with httpx.Client(base_url=base, timeout=600) as http:
            for run in range(args.runs):
                # Each copy is deleted at once: the emulator keeps objects in memory.
                with PeakRss() as rss:
                    started = time.perf_counter()
                    stored = _floor_copy(source, stack.env["STORAGE_EMULATOR_HOST"], bucket.name, "bench/floor")
                    times["floor"].append(time.perf_counter() - started)
                assert stored == size, stored
                floor_peaks.append(rss.peak - rss.baseline)
                bucket.blob("bench/floor").delete()

                started = time.perf_counter()
                assert _floor_resumable_copy(source, bucket.blob("bench/resumable")) == size
                times["resumable"].append(time.perf_counter() - started)
                bucket.blob("bench/resumable").delete()

                with PeakRss() as rss:
                    started = time.perf_counter()
                    r = http.post("/v1/media", json={"url": source}, headers=headers)
                    elapsed = time.perf_counter() - started
                assert r.status_code == 201, r.text
                doc = http.get(f"/v1/media/{r.json()['id']}", headers=headers).json()
                assert doc["size"] == size and doc["contentType"] == "video/mp4", doc
                times["ingest"].append(elapsed)
                ours.append(rss)
                http.delete(f"/v1/media/{doc['id']}", headers=headers)
    finally:
        stack.stop()
        origin.terminate()
        origin.wait()
        for path in work.glob("*.mp4"):
            path.unlink()

    rate = {name: size / MB / statistics.median(values) for name, values in times.items()}

    def runs(name: str) -> str:
        return ", ".join(f"{t:.2f}" for t in times[name])

    print(f"POST /v1/media, {args.mb} MB MP4 served on loopback, median of {args.runs} runs "
          f"(local stack, {os.cpu_count()}-core machine)")
    print(f"  ingest:  {rate['ingest']:6.1f} MB/s  (runs {runs('ingest')} s)")
    print(f"  peak RSS while ingesting: {max(r.peak for r in ours) / 2**20:.0f} MiB "
          f"(+{max(r.peak - r.baseline for r in ours) / 2**20:.0f} MiB over the "
          f"{ours[0].baseline / 2**20:.0f} MiB before)")
    print(f"  floor, plain httpx streaming copy into the storage emulator (uploadType=media): "
          f"{rate['floor']:6.1f} MB/s (runs {runs('floor')} s; +{max(floor_peaks) / 2**20:.0f} MiB RSS)")
    print(f"  same copy through a resumable session, one PUT (ingest's protocol): "
          f"{rate['resumable']:6.1f} MB/s (runs {runs('resumable')} s)")
    print(f"  ratio ingest/floor: {rate['ingest'] / rate['floor']:.2f}; "
          f"ingest/resumable copy: {rate['ingest'] / rate['resumable']:.2f}")


if __name__ == "__main__":
    main()
