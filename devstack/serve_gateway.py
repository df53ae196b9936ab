"""Serve the gateway alone, in this process, against already running emulators.

The environment (emulator hosts, sandbox bases, keys) comes from the caller.
Used to run a second function instance: tests kill it mid-publish, and shared
state across instances (rate limits) is checked with two of them.
Usage: python -m devstack.serve_gateway PORT
"""

from __future__ import annotations

import os
import sys


def main() -> None:
    port = int(sys.argv[1])
    project = os.environ["GCLOUD_PROJECT"]
    region = os.environ.get("SOKU_REGION", "us-central1")
    from devstack.gateway import Gateway, build_app

    gateway = Gateway(build_app(project, region), port)
    print(f"serving on {gateway.base_url}", flush=True)
    gateway.server.serve_forever()


if __name__ == "__main__":
    main()
