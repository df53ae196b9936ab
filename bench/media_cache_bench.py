"""How many fetches of one media URL reach the `mediaFiles` function through Hosting.

Starts the local stack's emulators and the Firebase CLI's Functions and Hosting emulators on
a clean copy of this tree (as tests/cli_stack.py does), stores two files (one below
SOKU_MEDIA_REDIRECT_BYTES, streamed by the function; one above it, redirected to a signed
Storage URL), fetches each `--fetches` times through Hosting's `/media/**` rewrite, and
counts the function's executions in the CLI's log (`Beginning execution of
"us-central1-mediaFiles"`, one line per request the function gets).

What this can show, and what it cannot: the CLI's Hosting emulator has no CDN cache. It
proxies every request to the function (`firebase-tools` `lib/hosting/proxy.js`: no cache,
only the header rules listed in docs/hosting.md), so here function hits == fetches, whatever
the answer's headers. The benchmark therefore prints the headers that let deployed Hosting's
CDN keep the answer (`Cache-Control: public, max-age=31536000, immutable`, no `Set-Cookie`)
and the hits it measured; it does not pretend to measure a CDN. On deployed Hosting, repeats
of a cacheable answer are served by the CDN (docs/hosting.md); that is not measured here.

Run: `make bench-media-cache` (or `venv/bin/python -m bench.media_cache_bench --fetches 20`).
"""

from __future__ import annotations

import argparse
import logging
import os
import struct
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from devstack.firebase_cli import FirebaseEmulators  # noqa: E402
from devstack.stack import LocalStack  # noqa: E402

PROJECT, REGION = "bench-soku", "us-central1"
MiB = 1024 * 1024
HIT = 'Beginning execution of "us-central1-mediaFiles"'


def _mp4(size: int) -> bytes:
    ftyp = struct.pack(">I", 24) + b"ftyp" + b"isom" + b"\x00\x00\x02\x00" + b"isom" + b"mp41"
    return ftyp + struct.pack(">I", size - len(ftyp)) + b"mdat" + bytes(size - len(ftyp) - 8)


def _hits(cli: FirebaseEmulators) -> int:
    return cli.log().count(HIT)


def _wait_for_log(cli: FirebaseEmulators, expected: int, timeout: float = 10.0) -> int:
    """The CLI writes its log asynchronously: wait until the count settles (or reaches `expected`)."""
    deadline, last = time.monotonic() + timeout, -1
    while time.monotonic() < deadline:
        now = _hits(cli)
        if now >= expected or (now == last and now > 0):
            return now
        last = now
        time.sleep(0.5)
    return _hits(cli)


def _measure(http: httpx.Client, cli: FirebaseEmulators, url: str, fetches: int) -> dict:
    before = _hits(cli)
    statuses: dict[int, int] = {}
    first = None
    for _ in range(fetches):
        r = http.get(url)
        statuses[r.status_code] = statuses.get(r.status_code, 0) + 1
        first = first or r
    hits = _wait_for_log(cli, before + fetches) - before
    assert first is not None
    return {"statuses": statuses, "hits": hits, "cache_control": first.headers.get("cache-control"),
            "set_cookie": "set-cookie" in first.headers, "location": first.headers.get("location"),
            "bytes": len(first.content)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--fetches", type=int, default=20, help="GETs of each URL")
    parser.add_argument("--small-mib", type=float, default=2.0, help="the file the function streams")
    parser.add_argument("--large-mib", type=float, default=12.0, help="the file above 10 MiB, redirected")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    from tests.cli_stack import clean_copy

    work = Path(tempfile.mkdtemp(prefix="soku-media-cache-bench-"))
    stack = LocalStack(project_id=PROJECT, region=REGION, environment="test", log_dir=work / "logs")
    cli = None
    try:
        stack.start()
        tree = work / "tree"
        tree.mkdir()
        clean_copy(tree)
        cli = FirebaseEmulators(project_dir=tree, project_id=PROJECT, region=REGION,
                                log_path=work / "cli" / "firebase.log")
        cli.env = stack.env | cli.emulator_env | {"SOKU_FUNCTIONS_BASE_URL": cli.functions_base_url,
                                                  "MEDIA_PUBLIC_BASE": f"{cli.hosting_url}/media"}
        cli.start()
        from shared.adapters.gcp import storage_client
        from shared.config import get_settings

        bucket = storage_client().bucket(get_settings().media_bucket)
        files = {"small": ("benchcachesmall.mp4", int(args.small_mib * MiB)),
                 "large": ("benchcachelarge.mp4", int(args.large_mib * MiB))}
        for name, size in files.values():
            bucket.blob(f"media/{name}").upload_from_string(_mp4(size), content_type="video/mp4")

        results = {}
        # One caller, one address, as a platform's crawler or a loop of GETs would be.
        with httpx.Client(timeout=120, headers={"X-Forwarded-For": "198.51.100.23"}) as http:
            for label, (name, size) in files.items():
                results[label] = (size, _measure(http, cli, f"{cli.hosting_url}/media/{name}", args.fetches))
    finally:
        if cli is not None:
            cli.stop()
        stack.stop()

    print(f"media_cache_bench: {args.fetches} GETs of each URL through the Firebase CLI's Hosting emulator "
          f"(firebase-tools, /media/** rewrite to mediaFiles)")
    for label, (size, r) in results.items():
        print(f"  {label} file, {size / MiB:.1f} MiB: statuses {r['statuses']}, function hits {r['hits']} "
              f"of {args.fetches} fetches")
        print(f"    Cache-Control: {r['cache_control']}; Set-Cookie: {'yes' if r['set_cookie'] else 'none'}"
              + (f"; Location: {r['location'].split('?')[0]}?X-Goog-…" if r["location"] else
                 f"; body {r['bytes']} bytes"))
    print("  The CLI's Hosting emulator has no CDN cache: it proxies every request to the function, so "
          "function hits == fetches here whatever the headers.")
    print("  What is shown is that the answers carry what lets deployed Hosting's CDN keep them (public, "
          "max-age, immutable, no Set-Cookie); that the CDN then serves repeats is documented by Firebase, "
          "not measured here. The large file's answer is a 302 to a signed Storage URL that is never cached "
          "(private, no-store): each fetch reaches the function, but the bytes come from Storage.")


if __name__ == "__main__":
    os.environ.setdefault("GRPC_VERBOSITY", "ERROR")
    main()
