"""Benchmark of direct uploads: a 200 MB upload session and a 30 MiB multipart upload.

Upload session: `POST /v1/media/uploads`, one streamed PUT of the file to the returned
Cloud Storage session URI (from a generator: the client never holds the file), then
`POST …/complete`. Prints the time of each step and the peak RSS of the process that
runs the functions (the local stack's gateway serves main.py in this process, as for
the suite) before, during and after: the function only touches the sniffed head, so
its memory should stay flat whatever the size. The PUT goes to the storage emulator, a
separate process; it is timed but its memory is not ours.

Multipart: `POST /v1/media` with a file at the 30 MiB body limit; the function streams
it through to Storage, so its peak RSS rises by a chunk or two (the resumable writer's
8 MiB buffer), not by the file.

Run: `make bench-uploads` (or `venv/bin/python -m bench.uploads_bench --mb 200 --runs 3`).
"""

from __future__ import annotations

import argparse
import logging
import os
import statistics
import struct
import sys
import tempfile
import time
from pathlib import Path
from typing import Iterator

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.media_bench import MB, PeakRss, _rss_bytes  # noqa: E402
from devstack.stack import LocalStack  # noqa: E402

PROJECT, REGION = "bench-soku", "us-central1"
MiB = 1024 * 1024


def _video(size: int, block: bytes) -> Iterator[bytes]:
    """An MP4-signed file (ftyp + one mdat box) of `size` bytes, generated 4 MiB at a time."""
    ftyp = struct.pack(">I", 24) + b"ftyp" + b"isom" + b"\x00\x00\x02\x00" + b"isom" + b"mp41"
    yield ftyp + struct.pack(">I", size - len(ftyp)) + b"mdat"
    left = size - len(ftyp) - 8
    while left > 0:
        yield block[:left]
        left -= len(block)


def _multipart(size: int, block: bytes, boundary: str) -> tuple[int, Iterator[bytes]]:
    head = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"clip.mp4\"\r\n"
            f"Content-Type: video/mp4\r\n\r\n").encode()
    tail = f"\r\n--{boundary}--\r\n".encode()

    def body() -> Iterator[bytes]:
        yield head
        yield from _video(size, block)
        yield tail

    return len(head) + size + len(tail), body()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--mb", type=int, default=200, help="upload session file size in MB (10^6 bytes)")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--upload-chunk-mib", type=int, default=None,
                        help="the resumable writer's chunk for multipart uploads (default: ingest.UPLOAD_CHUNK)")
    args = parser.parse_args()
    if args.upload_chunk_mib:
        from shared.services.media import ingest

        ingest.UPLOAD_CHUNK = args.upload_chunk_mib * MiB  # a multiple of 256 KiB, as the protocol needs
    os.environ.setdefault("GRPC_VERBOSITY", "ERROR")
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    size = args.mb * MB
    block = os.urandom(4 * MiB)

    work = Path(tempfile.mkdtemp(prefix="soku-uploads-bench-"))
    stack = LocalStack(project_id=PROJECT, region=REGION, environment="test", log_dir=work / "logs")
    steps: dict[str, list[float]] = {"create": [], "put": [], "complete": []}
    session_rss: list[tuple[int, int, int]] = []  # (before, peak, after) over create+PUT+complete
    multipart_rss: list[PeakRss] = []
    multipart_times: list[float] = []
    try:
        stack.start()
        from devstack.seed import seed_demo
        from shared.services.media.uploads import DIRECT_UPLOAD_MAX_BYTES

        headers = {"soku-api-key": seed_demo()}  # the demo user: subscribed
        with httpx.Client(base_url=stack.base_url, timeout=600) as http:
            for _ in range(args.runs):
                with PeakRss() as rss:
                    started = time.perf_counter()
                    r = http.post("/v1/media/uploads", json={"size": size, "filename": "big.mp4"}, headers=headers)
                    assert r.status_code == 201, r.text
                    upload = r.json()
                    steps["create"].append(time.perf_counter() - started)

                    started = time.perf_counter()
                    put = httpx.put(upload["uploadUrl"], content=_video(size, block), timeout=600,
                                    headers={"Content-Length": str(size)})
                    assert put.status_code in (200, 201), put.text
                    steps["put"].append(time.perf_counter() - started)

                    started = time.perf_counter()
                    r = http.post(f"/v1/media/uploads/{upload['id']}/complete", headers=headers)
                    assert r.status_code == 200, r.text
                    steps["complete"].append(time.perf_counter() - started)
                doc = http.get(f"/v1/media/{r.json()['id']}", headers=headers).json()
                assert doc["size"] == size and doc["contentType"] == "video/mp4", doc
                session_rss.append((rss.baseline, rss.peak, _rss_bytes()))
                http.delete(f"/v1/media/{doc['id']}", headers=headers)  # the emulator keeps objects in memory

            boundary = "soku-bench-boundary"
            for _ in range(args.runs):
                length, body = _multipart(DIRECT_UPLOAD_MAX_BYTES - 300, block, boundary)
                with PeakRss() as rss:
                    started = time.perf_counter()
                    r = http.post("/v1/media", content=body, headers={
                        **headers, "Content-Length": str(length),
                        "Content-Type": f"multipart/form-data; boundary={boundary}"})
                    multipart_times.append(time.perf_counter() - started)
                assert r.status_code == 201, r.text
                multipart_rss.append(rss)
                http.delete(f"/v1/media/{r.json()['id']}", headers=headers)
    finally:
        stack.stop()

    def median(values: list[float]) -> float:
        return statistics.median(values)

    print(f"Direct uploads through the local stack, median of {args.runs} runs ({os.cpu_count()}-core machine)")
    print(f"  upload session, {args.mb} MB MP4: create {median(steps['create']) * 1000:.0f} ms, "
          f"PUT to the session URI {median(steps['put']):.2f} s ({size / MB / median(steps['put']):.1f} MB/s), "
          f"complete {median(steps['complete']):.2f} s")
    for i, (before, peak, after) in enumerate(session_rss, 1):
        print(f"    run {i}: functions' process RSS {before / MiB:.0f} MiB before, peak {peak / MiB:.0f} MiB "
              f"(+{(peak - before) / MiB:.1f} MiB), {after / MiB:.0f} MiB after")
    from shared.services.media import ingest

    mp_mib = (DIRECT_UPLOAD_MAX_BYTES - 300) / MiB
    print(f"  multipart POST /v1/media, {mp_mib:.1f} MiB file (the 30 MiB body limit), "
          f"{ingest.UPLOAD_CHUNK / MiB:.0f} MiB resumable chunks: "
          f"{median(multipart_times):.2f} s ({mp_mib * MiB / MB / median(multipart_times):.1f} MB/s)")
    for i, rss in enumerate(multipart_rss, 1):
        print(f"    run {i}: RSS {rss.baseline / MiB:.0f} MiB before, peak {rss.peak / MiB:.0f} MiB "
              f"(+{(rss.peak - rss.baseline) / MiB:.1f} MiB)")


if __name__ == "__main__":
    main()
