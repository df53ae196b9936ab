"""`python -m devstack.wordpress [--port N]`: starts a local WordPress, prints its URL and the
users' application passwords, and stays up until Ctrl-C or SIGTERM.
`python -m devstack.wordpress --install-only`: the Debian packages (as root), a no-op once there."""

from __future__ import annotations

import argparse
import signal
import sys
import threading

from devstack.wordpress.server import WordPressError, WordPressUnavailable, install, start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m devstack.wordpress", description=__doc__)
    parser.add_argument("--port", type=int, default=0, help="the site's port (default: a free one)")
    parser.add_argument("--install-only", action="store_true", help="install the packages, then exit")
    args = parser.parse_args(argv)
    try:
        install(quiet=False)
        if args.install_only:
            print("WordPress packages installed")
            return 0
        site = start(args.port)
    except (WordPressUnavailable, WordPressError) as exc:
        print(exc, file=sys.stderr)
        return 1
    with site:
        print(f"WordPress at {site.url} (started in {site.startup_s:.1f} s)", flush=True)
        for user in site.users.values():
            print(f"  {user.login}: application password {user.password!r}", flush=True)
        stop = threading.Event()
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, lambda *_: stop.set())
        while not stop.wait(1.0):
            if not site.running():
                print(f"WordPress stopped by itself:\n{site.log_tail()}", file=sys.stderr)
                return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
