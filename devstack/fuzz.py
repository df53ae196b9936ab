"""`make fuzz`: schemathesis against `/v1/openapi.json` on a local stack, bounded.

By default it starts a private local stack (free port, temporary folder, limits
raised so the fuzzer reaches the handlers instead of `429`s), seeds what the path
parameters name (published and scheduled posts, media, an upload session, webhooks,
saved templates, repurpose links, data-deletion requests, API keys, connected sandbox
accounts), fuzzes every documented operation, and stops the stack. `--running`
fuzzes the stack `make run` started instead (reads `.local/dev.env`; its normal
limits apply, so expect 429s).

Each operation runs as the user it may not harm (RUNS): the demo user takes every
operation but those that take credentials away; key management (`/v1/api-keys`)
runs as its own user, and disconnecting accounts, then `DELETE /v1/me`, run last as
a throwaway user, so no operation revokes the key the others are fuzzed with. The
stateful phase chains real creates into reads, updates and deletes through the
document's OpenAPI links; in the other phases half the path parameters are the
seeded objects' ids (schemathesis dictionaries) and half are generated.

Checks: no 5xx, documented status codes, content types, headers and response
schemas, and schema-invalid input refused with a 4xx. Nothing leaves this
machine: the task queues are paused for the run (no publisher runs, so no
platform or media URL is fetched; the seeded posts publish to the local sandboxes
before the pause) and `POST /v1/media` is fuzzed with multipart file uploads only:
its JSON form fetches the URL it is given, so the fuzzer is handed a copy of the
document without that form.

At the end it lists the operations that answered only 401, 403, 404 or 429 (their
handlers were never reached), each with its reason when that is by design
(EXPLAINED); an unexplained one fails the run.

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
# Every endpoint's own limit too (shared/services/rate_limits.py), so the AI, render, upload and
# connection routes are fuzzed rather than answering 429.
RAISED_LIMITS = {"premium": [100000, 0], "default": [100000, 0], "authenticated": [100000, 0],
                 **{endpoint: 100000 for endpoint in (
                     "POST /v1/posts", "POST /v1/media", "POST /v1/ai/transcribe", "POST /v1/templates",
                     "POST /v1/media/render-og", "POST /v1/media/uploads", "POST /v1/connections/{platform}/start")}}
# Nor the daily ceilings (shared/services/budgets.py): one demo user takes every request.
RAISED_DAILY_LIMITS = {"premium": {"posts": 10 ** 9, "mediaBytes": 10 ** 15, "renders": 10 ** 9,
                                   "transcriptionMinutes": 10 ** 9}}

# Who runs what. Key management answers with the signed-in user's own keys, so it runs as its own
# user; disconnecting accounts and deleting the account run last, in that order, as a throwaway
# user. Every other operation runs as the demo user, whose key and token nothing else touches.
KEY_OPERATIONS = ("api_keys_list_keys", "api_keys_create_key", "api_keys_revoke_key", "api_keys_rotate_key")
DISCONNECT_OPERATIONS = ("account_disconnect_account",)
DELETE_ME_OPERATIONS = ("account_delete_me",)
KEYS_USER = "fuzz-keys"
THROWAWAY_USER = "fuzz-throwaway"
# (run, user, operation ids it runs (None: all the others), its share of --max-time); the
# runs whose operations the document links (LINKS in shared/web/openapi.py) add the stateful phase.
RUNS: tuple[tuple[str, str, tuple[str, ...] | None, float], ...] = (
    ("main", "demo", None, 0.7),
    ("keys", KEYS_USER, KEY_OPERATIONS, 0.1),
    ("disconnect", THROWAWAY_USER, DISCONNECT_OPERATIONS, 0.1),
    ("delete-me", THROWAWAY_USER, DELETE_ME_OPERATIONS, 0.1),
)
STATEFUL_RUNS = ("main", "keys")
# Statuses that say the request never reached the operation's handler.
DENIED = frozenset({401, 403, 404, 429})
# Operations whose only correct answers to a fuzzer are DENIED, by design: "METHOD path" -> why.
EXPLAINED: dict[str, str] = {}


def _read_env(path: Path) -> dict[str, str]:
    return dict(re.findall(r"^export (\w+)=(.*)$", path.read_text(), re.M))


def _start_stack(local_dir: Path) -> tuple[subprocess.Popen, dict[str, str]]:
    from devstack.emulators import free_port

    from shared.adapters.crypto import generate_key

    # The stack's token key, so that this process can seal the sandbox tokens of the users it seeds.
    token_keys = {"SOKU_TOKEN_KEYS": f"local:{generate_key()}", "SOKU_TOKEN_KEY_ID": "local"}
    env = os.environ | {"SOKU_GATEWAY_PORT": str(free_port()), "SOKU_LOCAL_DIR": str(local_dir),
                        "SOKU_LOCAL_TOKEN_KEYS": token_keys["SOKU_TOKEN_KEYS"],
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
    return process, _read_env(local_dir / "dev.env") | token_keys


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


def _fuzzed_document(base: str, folder: str) -> tuple[str, dict]:
    """The served OpenAPI document without DROPPED_BODIES, as a file for schemathesis."""
    import httpx

    document = httpx.get(f"{base}/v1/openapi.json", timeout=30).json()
    for (path, method), content_type in DROPPED_BODIES.items():
        del document["paths"][path][method]["requestBody"]["content"][content_type]
    target = Path(folder) / "openapi.json"
    target.write_text(json.dumps(document))
    return str(target), document


# --- seeding -------------------------------------------------------------------------------------

def _extra_user(uid: str, auth_host: str) -> dict[str, str]:
    """A subscribed user with the demo user's sandbox accounts: its API key and ID token."""
    from devstack.id_tokens import auth_emulator_id_token
    from devstack.seed import seed_demo_user
    from shared.services import api_keys

    from shared.config import ConfigurationError

    try:
        seed_demo_user(uid)
    except ConfigurationError:  # --running: the stack's token key is its own; no accounts then
        from shared import clock
        from shared.adapters.gcp import firestore_client

        user = firestore_client().collection("users").document(uid)
        user.set({"email": f"{uid}@soku.local", "subscription": {"status": "active"}, "createdAt": clock.now()})
    return {"key": api_keys.create_key(uid, "fuzz"),
            "token": auth_emulator_id_token(auth_host, uid, f"{uid}@soku.local", "soku-fuzz-password")}


def _checked(response, *ok: int) -> dict:
    if response.status_code not in ok:
        raise SystemExit(f"seeding failed: {response.request.method} {response.request.url.path} answered "
                         f"{response.status_code}: {response.text[:300]}")
    return response.json()


def _seed_posts(client, stack_env: dict[str, str]) -> tuple[list[str], list[str]]:
    """Posts before the queues pause: two publish to the X sandbox (take-down, metrics and retry
    have runs to act on), one is scheduled far ahead (reschedule and cancel have one to move)."""
    stamp = time.strftime("%H:%M:%S")
    published = [_checked(client.post("/v1/posts", json={"post": {"content": {
        "text": f"Fuzz seed {n} at {stamp}", "platform": ["x"]}}}), 201)["postSubmissionId"] for n in (1, 2)]
    scheduled = [_checked(client.post("/v1/posts", json={"post": {"content": {
        "text": f"Fuzz seed scheduled {n} at {stamp}", "platform": ["x"]}},
        "scheduledTime": "2099-12-24T09:00:00Z"}), 201)["postSubmissionId"] for n in (1, 2)]
    targets: set[str] = set()
    deadline = time.monotonic() + 90
    for post_id in published:
        while time.monotonic() < deadline:
            runs = _checked(client.get(f"/v1/posts/{post_id}"), 200).get("runs") or []
            if runs and all(run.get("status") in ("succeeded", "failed") for run in runs):
                targets |= {run["targetId"] for run in runs if run.get("targetId")}
                break
            time.sleep(1)
    if not targets:
        print("fuzz: the seeded posts did not publish within 90 s; take-down is fuzzed without a real run",
              flush=True)
    return published + scheduled, sorted(targets)


def _seed(base: str, stack_env: dict[str, str], users: dict[str, dict[str, str]]) -> dict[str, list[str]]:
    """Objects for the path parameters to name, by dictionary (see _config)."""
    import httpx

    from devstack.media_samples import JPEG_1PX
    from shared import clock
    from shared.adapters.gcp import firestore_client
    from shared.services.privacy.meta import DELETIONS

    main = httpx.Client(base_url=base, headers={"soku-api-key": users["demo"]["key"]}, timeout=60)
    seeds: dict[str, list[str]] = {}
    seeds["post_ids"], seeds["target_ids"] = _seed_posts(main, stack_env)
    _pause_queues(stack_env)
    seeds["media_ids"] = [_checked(main.post("/v1/media", files={"file": (f"seed{n}.jpg", JPEG_1PX, "image/jpeg")}),
                                   201)["id"] for n in range(3)]
    seeds["upload_ids"] = [_checked(main.post("/v1/media/uploads", json={
        "size": 1000 + n, "contentType": "image/jpeg", "filename": f"seed{n}.jpg"}), 201)["id"] for n in range(2)]
    seeds["webhook_ids"] = [_checked(main.post("/v1/webhooks", json={
        "url": f"http://127.0.0.1:9/fuzz-hooks/{n}", "events": ["post.published", "post.failed"]}), 201)["id"]
        for n in range(3)]
    seeds["template_ids"] = [_checked(main.post("/v1/templates/saved", json={
        "name": f"Fuzz card {n}", "templateSlug": "tweetImage", "config": {"author": "@fuzz"}}), 201)["id"]
        for n in range(3)]
    seeds["link_ids"] = [_checked(main.post("/v1/repurposeLinks", json={
        "platform": "instagram", "accountId": account, "type": "text", "templateId": "tweetImage"}), 201)["id"]
        for account in ("ig_business", "ig_main", "ig_personal")]
    # Data-deletion requests as the signed callbacks store them (their status pages are public).
    db = firestore_client()
    seeds["deletion_codes"] = []
    for family in ("meta", "threads", "instagram_login"):
        code = f"f0221{family.encode().hex()}"
        db.collection(DELETIONS).document(code).set({
            "code": code, "platform": family, "status": "completed", "requestedAt": clock.now(),
            "completedAt": clock.now(), "accountsDeleted": 1, "sokuUsers": 1})
        seeds["deletion_codes"].append(code)
    keys = httpx.Client(base_url=base, headers={"Authorization": f"Bearer {users[KEYS_USER]['token']}"}, timeout=60)
    seeds["key_ids"] = [_checked(keys.post("/v1/api-keys", json={"name": f"fuzz seed {n}"}), 201)["id"]
                        for n in range(4)]
    from devstack.seed import DEMO_ACCOUNTS

    seeds["account_ids"] = [account for accounts in DEMO_ACCOUNTS.values() for account, _ in accounts]
    seeds["user_ids"] = [THROWAWAY_USER]
    seeds["template_slugs"] = [t["slug"] for t in _checked(main.get("/v1/templates"), 200)["templates"]]
    from devstack.sandboxes import tiktok

    seeds["tiktok_client_keys"] = [tiktok.CLIENT_KEY]
    seeds["tiktok_events"] = ["authorization.removed"]
    return seeds


# Path parameters (and bodies) -> the dictionary of seeded values they take half the time.
BINDINGS = {"path.post_id": "post_ids", "path.target_id": "target_ids", "path.media_id": "media_ids",
            "path.upload_id": "upload_ids", "path.webhook_id": "webhook_ids", "path.template_id": "template_ids",
            "path.link_id": "link_ids", "path.code": "deletion_codes", "path.key_id": "key_ids",
            "path.account_id": "account_ids", "body.mediaId": "media_ids", "body.confirm": "user_ids",
            "body.templateSlug": "template_slugs", "body.templateId": "template_slugs",
            "body.client_key": "tiktok_client_keys", "body.event": "tiktok_events"}


def _toml_string(value: str) -> str:
    return json.dumps(value)  # a JSON string is a TOML basic string for these values


def _config(seeds: dict[str, list[str]]) -> str:
    """schemathesis.toml: the seeded ids as dictionaries, bound to the parameters that take them."""
    # A body past the API's 1 MiB cap is refused before it is read, with 413: a rejection like any
    # other (schemathesis's default list leaves 413 out; a long enough thread of replies gets there).
    lines = ["[checks.negative_data_rejection]",
             'expected-statuses = ["400", "401", "403", "404", "405", "406", "409", "413", "415", "422", "428", '
             '"429", "5xx"]', ""]
    for name, values in seeds.items():
        if values:
            lines += [f"[dictionaries.{name}]", "values = [" + ", ".join(map(_toml_string, values)) + "]", ""]
    lines.append("[parameters]")
    for parameter, name in BINDINGS.items():
        if seeds.get(name):
            lines.append(f"{_toml_string(parameter)} = {{ dictionary = {_toml_string(name)}, probability = 0.5 }}")
    return "\n".join(lines) + "\n"


# --- the report ----------------------------------------------------------------------------------

def _path_matcher(document: dict):
    """A function from (method, URL path) to the document's "METHOD path": the most literal path
    the URL matches (`/v1/media/uploads` before `/v1/media/{media_id}`), if it has that method
    (the coverage phase's unexpected methods belong to no operation)."""
    templates = sorted((path.count("{"), path, re.compile(
        "^" + re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(path)) + "$")) for path in document["paths"])

    def match(method: str, url_path: str) -> str | None:
        for _, path, pattern in templates:
            if pattern.match(url_path):
                operation = document["paths"][path].get(method.lower())
                return f"{method.upper()} {path}" if isinstance(operation, dict) else None
        return None
    return match


def statuses_by_operation(har: dict, document: dict) -> dict[str, set[int]]:
    """Every status each operation answered in a HAR file schemathesis wrote."""
    from urllib.parse import urlsplit

    match = _path_matcher(document)
    seen: dict[str, set[int]] = {}
    for entry in har.get("log", {}).get("entries", []):
        label = match(entry["request"]["method"], urlsplit(entry["request"]["url"]).path)
        if label is not None:
            seen.setdefault(label, set()).add(int(entry["response"]["status"]))
    return seen


def denied_only(seen: dict[str, set[int]], operations: list[str]) -> dict[str, set[int]]:
    """The operations whose every answer was 401, 403, 404 or 429, or that were never called
    (an empty set): their handlers were never reached."""
    return {label: seen.get(label, set()) for label in operations if seen.get(label, set()) <= DENIED}


def _operations(document: dict, operation_ids: tuple[str, ...] | None, others: set[str]) -> list[str]:
    labels = []
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            op_id = operation.get("operationId") if isinstance(operation, dict) else None
            if op_id is None:
                continue
            if (op_id in operation_ids) if operation_ids is not None else (op_id not in others):
                labels.append(f"{method.upper()} {path}")
    return labels


def _print_report(unreached: dict[str, set[int]]) -> int:
    """Print the list; the number of entries EXPLAINED does not account for."""
    if not unreached:
        print("\nfuzz: every operation's handler was reached (none answered only 401/403/404/429)", flush=True)
        return 0
    print("\nfuzz: operations that answered only 401/403/404/429 (their handlers were never reached):")
    unexplained = 0
    for label, statuses in sorted(unreached.items()):
        seen = ", ".join(map(str, sorted(statuses))) or "never called"
        why = EXPLAINED.get(label)
        unexplained += why is None
        print(f"  {label}: {seen} -- {why or 'UNEXPLAINED'}")
    print(flush=True)
    return unexplained


def _run(name: str, argv: list[str], workdir: str) -> int:
    print(f"\nfuzz run `{name}`:", " ".join(a if "sk_live_" not in a and "Bearer" not in a
                                            else a.split(":")[0] + ": …" for a in argv), flush=True)
    # schemathesis keeps a cache folder in its working directory: not in the repo.
    from devstack.sandboxes import tiktok

    env = os.environ | {"SCHEMATHESIS_HOOKS": "devstack.fuzz_hooks", "SOKU_FUZZ_TIKTOK_SECRET": tiktok.CLIENT_SECRET,
                        "PYTHONPATH": os.pathsep.join(filter(None, (str(ROOT), os.environ.get("PYTHONPATH"))))}
    return subprocess.call(argv, cwd=workdir, env=env)


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
        os.environ.update({k: v for k, v in stack_env.items() if k.isupper()})
        from devstack.emulators import apply_env

        apply_env({})
        base = stack_env["SOKU_BASE_URL"]
        auth_host = stack_env["FIREBASE_AUTH_EMULATOR_HOST"]
        users = {"demo": {"key": stack_env["SOKU_API_KEY"], "token": stack_env["SOKU_ID_TOKEN"]},
                 KEYS_USER: _extra_user(KEYS_USER, auth_host), THROWAWAY_USER: _extra_user(THROWAWAY_USER, auth_host)}
        seeds = _seed(base, stack_env, users)
        print("fuzz: seeded " + ", ".join(f"{len(v)} {k}" for k, v in seeds.items()), flush=True)
        workdir = tempfile.mkdtemp(prefix="soku-fuzz-run-")
        document_file, document = _fuzzed_document(base, workdir)
        config_file = Path(workdir) / "schemathesis.toml"
        config_file.write_text(_config(seeds))
        own = {op for _, _, ops, _ in RUNS if ops for op in ops}
        codes, unreached = [], {}
        for name, user, operation_ids, share in RUNS:
            har = Path(workdir) / f"{name}.har"
            argv = [
                str(Path(sys.executable).parent / "schemathesis"), "--config-file", str(config_file), "run",
                document_file, "--url", base,
                "-H", f"soku-api-key: {users[user]['key']}", "-H", f"Authorization: Bearer {users[user]['token']}",
                "--checks", CHECKS,
                "--phases", "examples,coverage,fuzzing" + (",stateful" if name in STATEFUL_RUNS else ""),
                "--max-examples", str(args.max_examples), "--max-time", str(max(15, int(args.max_time * share))),
                "--seed", str(args.seed), "--workers", str(args.workers),
                "--request-timeout", "30", "--suppress-health-check", "all", "--no-shrink",
                "--report", "har", "--report-har-path", str(har),
            ]
            for operation_id in (operation_ids or ()):
                argv += ["--include-operation-id", operation_id]
            for operation_id in (EXCLUDED + tuple(own) if operation_ids is None else EXCLUDED):
                argv += ["--exclude-operation-id", operation_id]
            codes.append(_run(name, argv, workdir))
            seen = statuses_by_operation(json.loads(har.read_text()) if har.exists() else {}, document)
            unreached |= denied_only(seen, _operations(document, operation_ids, own))
        unexplained = _print_report(unreached)
        print(f"fuzz: schemathesis exit codes {dict(zip((r[0] for r in RUNS), codes))}", flush=True)
        return max(codes) or (1 if unexplained else 0)
    finally:
        if process is not None and process.poll() is None:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()


if __name__ == "__main__":
    sys.exit(main())
