"""`make run`: the whole local stack in one process tree.

Starts the Firestore and Storage emulators and the platform sandboxes, then the
official Firebase CLI's Functions, Hosting, Auth and Cloud Tasks emulators on
this tree (Hosting at http://127.0.0.1:8080 routes by firebase.json's rewrites;
the CLI discovers main.py, creates the queues and dispatches tasks, as a deploy
would). Seeds the demo account, signs its user in to the Auth emulator, writes
`.local/dev.env` and prints a working API key. Ctrl-C stops everything.

The CLI does not run scheduled functions offline (it needs the Pub/Sub
emulator, a download), so this process serves `sweepScheduledPosts` itself and
fires it every minute, as Cloud Scheduler would.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOCAL = Path(os.environ.get("SOKU_LOCAL_DIR") or ROOT / ".local")
PID_FILE = LOCAL / "run.pid"
DEV_ENV = LOCAL / "dev.env"
GATEWAY_PORT = int(os.environ.get("SOKU_GATEWAY_PORT", "8080"))
PROJECT_ID = os.environ.get("SOKU_LOCAL_PROJECT", "demo-soku")
REGION = "us-central1"


def _already_running() -> int | None:
    try:
        pid = int(PID_FILE.read_text().strip())
    except (OSError, ValueError):
        return None
    try:
        os.kill(pid, 0)
    except OSError:
        return None
    return pid


def main() -> int:
    os.environ.setdefault("GRPC_VERBOSITY", "ERROR")  # keep gRPC's shutdown chatter off the console
    sys.path.insert(0, str(ROOT))
    from devstack.emulators import StackError, free_port, port_open
    from devstack.stack import LocalStack

    other = _already_running()
    if other is not None:
        print(f"The Soku local stack is already running (pid {other}) at http://127.0.0.1:{GATEWAY_PORT}.\n"
              f"Use it (`source .local/dev.env`), or stop it with Ctrl-C in its terminal "
              f"(or `kill {other}`) before starting another.", file=sys.stderr)
        return 1
    if port_open(GATEWAY_PORT):
        print(f"Port {GATEWAY_PORT} is already in use by another program; free it or set "
              f"SOKU_GATEWAY_PORT to another port.", file=sys.stderr)
        return 1
    LOCAL.mkdir(exist_ok=True)
    PID_FILE.write_text(str(os.getpid()))

    base_url = f"http://127.0.0.1:{GATEWAY_PORT}"
    stack = LocalStack(project_id=PROJECT_ID, region=REGION, environment="local", log_dir=LOCAL / "logs",
                       gateway_port=GATEWAY_PORT, honour_real_openai_key=True, firebase_cli=True)
    scheduler = None
    scheduled = None
    bluesky = None
    wordpress = None
    try:
        print("Starting the emulators, the platform sandboxes and the Firebase CLI (about 20 s)…", flush=True)
        stack.start()
        from devstack.gateway import Gateway, build_app
        from devstack.id_tokens import auth_emulator_id_token
        from devstack.scheduler import LocalScheduler, scheduled_function_urls, scheduled_functions
        from devstack.seed import DEMO_EMAIL, DEMO_PASSWORD, DEMO_USER_ID, seed_demo

        emulators, sandboxes, cli = stack.emulators, stack.sandboxes, stack.cli
        jobs = scheduled_functions(stack.functions)
        scheduled = Gateway(build_app(PROJECT_ID, REGION, jobs, rewrites=[]), free_port()).start()
        scheduler = LocalScheduler(scheduled_function_urls(jobs, f"{scheduled.base_url}/{PROJECT_ID}/{REGION}")).start()
        api_key = seed_demo()
        from devstack.bluesky_demo import start_connected

        bluesky = start_connected(DEMO_USER_ID, int(os.environ.get("SOKU_BLUESKY_PDS_PORT", "0")))
        from devstack import wordpress_demo

        wordpress = wordpress_demo.start_connected(DEMO_USER_ID, int(os.environ.get("SOKU_WORDPRESS_PORT", "0")))
        id_token = auth_emulator_id_token(cli.emulator_env["FIREBASE_AUTH_EMULATOR_HOST"], DEMO_USER_ID,
                                          DEMO_EMAIL, DEMO_PASSWORD)
        DEV_ENV.write_text(
            f"export SOKU_BASE_URL={base_url}\n"
            f"export SOKU_API_KEY={api_key}\n"
            f"# Each function by id (task-queue functions are private in production)\n"
            f"export SOKU_FUNCTIONS_URL={cli.functions_base_url}\n"
            f"# The api function: every public route, as at https://<region>-<project>.cloudfunctions.net/api\n"
            f"export SOKU_API_URL={cli.functions_base_url}/api\n"
            f"# Firebase ID token of the demo user ({DEMO_EMAIL}), from the Auth emulator, for\n"
            f"# /v1/api-keys (web-app routes); it lasts an hour: `make id-token` prints a fresh one\n"
            f"export SOKU_ID_TOKEN={id_token}\n"
            + f"export SOKU_SANDBOX_URL={sandboxes.base_url}\n"
            + "".join(f"export {k}={v}\n" for k, v in (emulators.env | cli.emulator_env).items())
            + "# The local Bluesky PDS (the AT Protocol's reference server); the demo user's account on it\n"
            + "".join(f"export {k}={v}\n" for k, v in (bluesky.env() if bluesky else {}).items())
            + "# The local WordPress (Debian's package on MariaDB); the demo user's account is its admin\n"
            + "".join(f"export {k}={v}\n" for k, v in (wordpress_demo.env(wordpress) if wordpress else {}).items())
        )
        print(
            f"\nSoku local stack is up at {base_url}\n\n"
            f"  Demo API key:  {api_key}\n"
            f"  Demo user:     {DEMO_USER_ID} (active subscription, credits, connected accounts)\n"
            f"  Sandboxes:     {sandboxes.base_url} (local fakes of the platforms' APIs)\n"
            f"  Functions:     {cli.functions_base_url}/<functionId> (Firebase CLI emulators)\n"
            f"  api function:  {cli.functions_base_url}/api (every public route, no 60 s cut)\n\n"
            f"  source .local/dev.env      # sets SOKU_BASE_URL, SOKU_API_KEY, SOKU_ID_TOKEN\n"
            f"  curl -s -H \"soku-api-key: $SOKU_API_KEY\" $SOKU_BASE_URL/v1/me\n\n"
            f"Emulator logs: {LOCAL / 'logs'}. Press Ctrl-C to stop everything.\n",
            flush=True,
        )
        stop = threading.Event()
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, lambda *_: stop.set())
        while not stop.wait(1.0):
            dead = [name for name, p in emulators.processes.items() if p.poll() is not None]
            dead += [] if cli.running() else ["the Firebase CLI"]
            if dead:
                print(f"Emulator(s) stopped unexpectedly: {', '.join(dead)}; see .local/logs/.", file=sys.stderr)
                return 1
        print("\nStopping the Soku local stack…", flush=True)
        return 0
    except StackError as exc:
        print(f"The local stack could not start: {exc}. Logs are in .local/logs/.", file=sys.stderr)
        return 1
    finally:
        if bluesky is not None:
            bluesky.stop()
        if wordpress is not None:
            wordpress.stop()
        if scheduler is not None:
            scheduler.stop()
        if scheduled is not None:
            scheduled.stop()
        stack.stop()
        PID_FILE.unlink(missing_ok=True)


if __name__ == "__main__":
    sys.exit(main())
