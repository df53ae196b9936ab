"""`make fuzz`: schemathesis against `/v1/openapi.json` on a local stack, bounded.

By default it starts a private local stack (free port, temporary folder, limits
raised so the fuzzer reaches the handlers instead of `429`s), fuzzes every
documented operation with the demo user's API key and Firebase ID token, and
stops the stack. `--running` fuzzes the stack `make run` started instead
(reads `.local/dev.env`; its normal limits apply, so expect 429s).

Checks: no 5xx, documented status codes, content types, headers and response
schemas, and schema-invalid input refused with a 4xx. Nothing leaves this
machine: the task queues are paused for the run (no publisher runs, so no
platform or media URL is fetched) and `POST /v1/media` is fuzzed with multipart
file uploads only: its JSON form fetches the URL it is given, so the fuzzer is
handed a copy of the document without that form.

Usage: python -m devstack.fuzz [--running] [--max-examples N] [--max-time S] [--seed N]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHECKS = ("not_a_server_error,status_code_conformance,content_type_conformance,"
          "response_headers_conformance,response_schema_conformance,negative_data_rejection")
# Operations that reach outside the machine: never fuzzed here.
EXCLUDED: tuple[str, ...] = ()
# Request bodies that reach outside the machine, dropped from the fuzzed copy of the document:
# POST /v1/media's JSON form fetches its URL (its multipart form, a file, stays fuzzed).
DROPPED_BODIES = {("/v1/media", "post"): "application/json"}
RAISED_LIMITS = {"premium": [100000, 0], "default": [100000, 0], "authenticated": [100000, 0],
                 "POST /v1/posts": 100000, "POST /v1/media": 100000}
# Nor the daily ceilings (shared/services/budgets.py): one demo user takes every request.
RAISED_DAILY_LIMITS = {"premium": {"posts": 10 ** 9, "mediaBytes": 10 ** 15, "renders": 10 ** 9,
                                   "transcriptionMinutes": 10 ** 9}}


def _read_env(path: Path) -> dict[str, str]:
    return dict(re.findall(r"^export (\w+)=(.*)$", path.read_text(), re.M))


def _start_stack(local_dir: Path) -> tuple[subprocess.Popen, dict[str, str]]:
    from devstack.emulators import free_port

    env = os.environ | {"SOKU_GATEWAY_PORT": str(free_port()), "SOKU_LOCAL_DIR": str(local_dir),
                        "SOKU_RATE_LIMITS": json.dumps(RAISED_LIMITS), "GRPC_VERBOSITY": "ERROR",
                        "SOKU_DAILY_LIMITS": json.dumps(RAISED_DAILY_LIMITS)}
    for name in ("FIRESTORE_EMULATOR_HOST", "STORAGE_EMULATOR_HOST", "CLOUD_TASKS_EMULATOR_HOST",
                 "FIREBASE_AUTH_EMULATOR_HOST"):
        env.pop(name, None)
    process = subprocess.Popen([sys.executable, "-m", "devstack.run"], cwd=ROOT, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    deadline = time.monotonic() + 150
    assert process.stdout is not None
    for line in process.stdout:
        if "Press Ctrl-C" in line:
            break
        if time.monotonic() > deadline:
            break
    if not (local_dir / "dev.env").exists():
        process.kill()
        raise SystemExit("the local stack did not start; see its output above")
    # Keep draining its output so it never blocks on a full pipe.
    import threading

    threading.Thread(target=lambda: [None for _ in process.stdout], daemon=True).start()  # type: ignore[union-attr]
    return process, _read_env(local_dir / "dev.env")


def _pause_queues(stack_env: dict[str, str]) -> None:
    """No task runs during the fuzz: no publisher, so no URL from a fuzzed post is fetched."""
    os.environ.update({k: v for k, v in stack_env.items() if k.isupper()})
    from devstack.emulators import apply_env
    from devstack.gateway import discover_functions
    from devstack.provision import create_queues

    apply_env({})
    # The CLI's Tasks emulator has no pause: its queues are replaced by ones that accept
    # tasks and never dispatch them.
    create_queues(discover_functions(), stack_env["SOKU_FUNCTIONS_URL"], paused=True)


def _fuzzed_document(base: str, folder: str) -> str:
    """The served OpenAPI document without DROPPED_BODIES, as a file for schemathesis."""
    import httpx

    document = httpx.get(f"{base}/v1/openapi.json", timeout=30).json()
    for (path, method), content_type in DROPPED_BODIES.items():
        del document["paths"][path][method]["requestBody"]["content"][content_type]
    target = Path(folder) / "openapi.json"
    target.write_text(json.dumps(document))
    return str(target)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--running", action="store_true", help="fuzz the stack `make run` started")
    parser.add_argument("--max-examples", type=int, default=40, help="test cases per operation and phase")
    parser.add_argument("--max-time", type=int, default=240, help="time budget of the whole run, seconds")
    parser.add_argument("--seed", type=int, default=20261125)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))

    process = None
    if args.running:
        dev_env = Path(os.environ.get("SOKU_LOCAL_DIR") or ROOT / ".local") / "dev.env"
        if not dev_env.exists():
            raise SystemExit(f"{dev_env} not found: start the stack with `make run` first")
        stack_env = _read_env(dev_env)
    else:
        process, stack_env = _start_stack(Path(tempfile.mkdtemp(prefix="soku-fuzz-")))
    try:
        _pause_queues(stack_env)
        base = stack_env["SOKU_BASE_URL"]
        workdir = tempfile.mkdtemp(prefix="soku-fuzz-run-")
        argv = [
            str(Path(sys.executable).parent / "schemathesis"), "run", _fuzzed_document(base, workdir), "--url", base,
            "-H", f"soku-api-key: {stack_env['SOKU_API_KEY']}",
            "-H", f"Authorization: Bearer {stack_env['SOKU_ID_TOKEN']}",
            "--checks", CHECKS, "--phases", "examples,coverage,fuzzing",
            "--max-examples", str(args.max_examples), "--max-time", str(args.max_time),
            "--seed", str(args.seed), "--workers", str(args.workers),
            "--request-timeout", "30", "--suppress-health-check", "all", "--no-shrink",
        ]
        for operation_id in EXCLUDED:
            argv += ["--exclude-operation-id", operation_id]
        print("running:", " ".join(a if "sk_live_" not in a and "Bearer" not in a else a.split(":")[0] + ": …"
                                   for a in argv), flush=True)
        # schemathesis keeps a cache folder in its working directory: not in the repo.
        return subprocess.call(argv, cwd=workdir)
    finally:
        if process is not None and process.poll() is None:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()


if __name__ == "__main__":
    sys.exit(main())
