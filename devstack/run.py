"""`make run`: the whole local stack in one process tree.

Starts the emulators, provisions the bucket and queues, serves every function
behind the gateway at http://127.0.0.1:8080, seeds the demo account, writes
`.local/dev.env` and prints a working API key. Ctrl-C stops everything.
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
    from devstack.emulators import StackError, port_open
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
                       gateway_port=GATEWAY_PORT, honour_real_openai_key=True)
    scheduler = None
    try:
        stack.start()
        from devstack.id_tokens import emulator_id_token
        from devstack.scheduler import LocalScheduler, scheduled_function_urls
        from devstack.seed import DEMO_USER_ID, seed_demo

        emulators, sandboxes, functions = stack.emulators, stack.sandboxes, stack.functions
        scheduler = LocalScheduler(scheduled_function_urls(functions, stack.functions_base_url)).start()
        api_key = seed_demo()
        id_token = emulator_id_token(DEMO_USER_ID, PROJECT_ID)
        DEV_ENV.write_text(
            f"export SOKU_BASE_URL={base_url}\n"
            f"export SOKU_API_KEY={api_key}\n"
            f"# Firebase ID token of the demo user, for /v1/api-keys (web-app routes)\n"
            f"export SOKU_ID_TOKEN={id_token}\n"
            + f"export SOKU_SANDBOX_URL={sandboxes.base_url}\n"
            + "".join(f"export {k}={v}\n" for k, v in emulators.env.items())
        )
        print(
            f"\nSoku local stack is up at {base_url}\n\n"
            f"  Demo API key:  {api_key}\n"
            f"  Demo user:     {DEMO_USER_ID} (active subscription, credits, connected accounts)\n"
            f"  Sandboxes:     {sandboxes.base_url} (local fakes of the platforms' APIs)\n\n"
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
            if dead:
                print(f"Emulator(s) stopped unexpectedly: {', '.join(dead)}; see .local/logs/.", file=sys.stderr)
                return 1
        print("\nStopping the Soku local stack…", flush=True)
        return 0
    except StackError as exc:
        print(f"The local stack could not start: {exc}. Logs are in .local/logs/.", file=sys.stderr)
        return 1
    finally:
        if scheduler is not None:
            scheduler.stop()
        stack.stop()
        PID_FILE.unlink(missing_ok=True)


if __name__ == "__main__":
    sys.exit(main())
