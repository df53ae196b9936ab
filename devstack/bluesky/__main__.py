"""`python -m devstack.bluesky [--port N] [--plc-port N] [--log] [handle:password ...]`: installs,
starts the local PDS, prints its ready JSON and the `export` lines for it, and stays up until
Ctrl-C or SIGTERM. With no account given, creates alice.test (password alice-pass).
`python -m devstack.bluesky --install-only`: Node.js >= 22 and `npm ci`, a no-op once done."""

from __future__ import annotations

import argparse
import json
import signal
import sys
import threading

from devstack.bluesky.pds import NodeUnavailable, PdsError, install, start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m devstack.bluesky", description=__doc__)
    parser.add_argument("--port", type=int, default=0, help="the PDS's port (default: a free one)")
    parser.add_argument("--plc-port", type=int, default=0, help="the PLC directory's port (default: a free one)")
    parser.add_argument("--log", action="store_true", help="the PDS's own logs, into its log file")
    parser.add_argument("--install-only", action="store_true", help="install (Node.js, npm ci), then exit")
    parser.add_argument("accounts", nargs="*", metavar="handle:password")
    args = parser.parse_args(argv)
    if args.install_only:
        try:
            print(f"Bluesky PDS installed; Node.js: {install(quiet=False)}")
        except (NodeUnavailable, PdsError) as exc:
            print(exc, file=sys.stderr)
            return 1
        return 0
    try:
        pds = start(args.port, args.accounts or ["alice.test:alice-pass"], plc_port=args.plc_port, log=args.log)
    except (NodeUnavailable, PdsError) as exc:
        print(exc, file=sys.stderr)
        return 1
    with pds:
        print(json.dumps(pds.ready), flush=True)
        for key, value in pds.env().items():
            print(f"export {key}={value}", flush=True)
        print(f"PDS log: {pds.log_path}. Ctrl-C stops it.", file=sys.stderr, flush=True)
        stop = threading.Event()
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, lambda *_: stop.set())
        while not stop.wait(1.0):
            if not pds.running():
                print(f"the PDS stopped by itself; its output:\n{pds.log_tail()}", file=sys.stderr)
                return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
