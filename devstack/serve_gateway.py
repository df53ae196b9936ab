"""Serve the gateway alone, in this process, against already running emulators.

The environment (emulator hosts, sandbox bases, keys) comes from the caller.
Used to run a second function instance: tests kill it mid-publish, and shared
state across instances (rate limits) is checked with two of them.
Usage: python -m devstack.serve_gateway PORT [--standby]

`--standby`: import the functions, then wait for a line on stdin before binding
the port (end of input: exit without serving). The crash soak (bench/chaos_bench.py)
keeps one such warm spare, so a process that dies is replaced in milliseconds
rather than the second or two an import of main.py takes.
"""

from __future__ import annotations

import os
import sys


def main() -> None:
    port = int(sys.argv[1])
    project = os.environ["GCLOUD_PROJECT"]
    region = os.environ.get("SOKU_REGION", "us-central1")
    from devstack.gateway import Gateway, build_app

    app = build_app(project, region)
    if "--standby" in sys.argv[2:]:
        print("standing by", flush=True)
        if not sys.stdin.readline():
            return
    gateway = Gateway(app, port)
    print(f"serving on {gateway.base_url}", flush=True)
    gateway.server.serve_forever()


if __name__ == "__main__":
    main()
