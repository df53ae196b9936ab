"""The Firebase CLI run by hand, as docs/local-stack.md gives it ("Running the CLI by hand").

The command is read from the page itself and run through `make` in a clean copy of the tree,
with the environment a person has in a shell: no FIRESTORE_EMULATOR_HOST, no SOKU_* settings,
only what the CLI sets for its functions. It runs the Auth emulator, so they get
FIREBASE_AUTH_EMULATOR_HOST; it cannot run Firestore's offline, so the settings refuse to be
built (shared/config.py). Then, as the page says: liveness answers 200, a request without
credentials 401, and everything that needs the settings 503 `service_misconfigured` naming
FIRESTORE_EMULATOR_HOST, in the error envelope, never a 500 (DESIGN.md, decision 4).

The one change to the documented command is `--config`: the port-rewritten copy of
firebase.json that devstack/firebase_cli.py writes, so this run takes free ports and never
meets a `make run` or another test's CLI. Unlike tests/test_firebase_cli.py it needs no
session stack: the point is that nothing else runs.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import time
import uuid

import httpx
import pytest
from devstack.emulators import StackError
from devstack.firebase_cli import FirebaseEmulators
from tests.conftest import ROOT
from tests.envelope import assert_error
from tests.cli_stack import clean_copy as _clean_copy

DOC = ROOT / "docs" / "local-stack.md"
MISSING = "FIRESTORE_EMULATOR_HOST"
# What a person's shell passes on; none of it is a setting of ours. NO_UPDATE_NOTIFIER and CI
# keep the CLI from checking for updates or prompting (this machine may be offline).
PERSON = ("PATH", "HOME", "USER", "LOGNAME", "SHELL", "LANG", "LC_ALL", "TERM", "TMPDIR")


def documented_command() -> list[str]:
    """The one `make firebase …` command in the page's "Running the CLI by hand" section."""
    section = DOC.read_text().split("\n## Running the CLI by hand\n", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"^```(?:sh|bash)\n(.*?)^```", section, re.M | re.S)
    commands = [line for block in blocks for line in block.splitlines() if line.startswith("make firebase ")]
    assert len(commands) == 1, commands
    return shlex.split(commands[0])


def test_the_documented_command_is_the_cli_half_of_make_run():
    make, target, args = documented_command()
    assert (make, target) == ("make", "firebase")
    assert shlex.split(args.removeprefix("ARGS=")) == ["emulators:start", "--only", "functions,hosting,auth,tasks"]


@pytest.fixture(scope="module")
def by_hand(tmp_path_factory):
    tree = _clean_copy(tmp_path_factory.mktemp("tree"))
    # `make firebase` runs the CLI pinned under devstack/node, as a clone has it after `make tools`.
    (tree / "devstack" / "node" / "node_modules").symlink_to(ROOT / "devstack" / "node" / "node_modules")
    project = json.loads((tree / ".firebaserc").read_text())["projects"]["default"]
    emulators = FirebaseEmulators(project_dir=tree, project_id=project,
                                  log_path=tmp_path_factory.mktemp("cli") / "firebase.log")
    config = emulators._write_config()  # firebase.json with free ports, beside it
    make, target, args = documented_command()
    env = {name: os.environ[name] for name in PERSON if name in os.environ} | {"NO_UPDATE_NOTIFIER": "1",
                                                                              "CI": "true"}
    # `-o tools`: the tools are installed (these are the suite's own, linked in); make is not to
    # re-check their stamps through the links.
    command = [make, "--no-print-directory", "-o", "tools", target, f"{args} --config {config.name}"]
    log = open(emulators.log_path, "wb")
    emulators.process = subprocess.Popen(command, cwd=tree, env=env, stdout=log, stderr=subprocess.STDOUT,
                                         stdin=subprocess.DEVNULL, start_new_session=True)
    try:
        _wait_ready(emulators)
        yield emulators
    finally:
        emulators.stop()
        log.close()


def _wait_ready(emulators: FirebaseEmulators, timeout: float = 120) -> None:
    """Ready when the CLI says so and Hosting reaches the health function (whatever it answers:
    the tests judge that)."""
    deadline = time.monotonic() + timeout
    while "All emulators ready" not in emulators.log():
        if emulators.process.poll() is not None or time.monotonic() > deadline:
            raise StackError(f"the CLI did not start (exit {emulators.process.poll()}):\n{emulators.log()[-4000:]}")
        time.sleep(0.2)
    while time.monotonic() < deadline:
        try:
            if "X-Request-ID" in httpx.get(f"{emulators.hosting_url}/health", timeout=30).headers:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise StackError(f"Hosting did not reach the health function:\n{emulators.log()[-4000:]}")


def _misconfigured(response: httpx.Response) -> None:
    error = assert_error(response, 503, "service_misconfigured")
    assert MISSING in error["message"], error
    assert "Traceback" not in response.text


def test_liveness_answers_200(by_hand):
    for url in (f"{by_hand.hosting_url}/health", f"{by_hand.functions_base_url}/api/health"):
        r = httpx.get(url, timeout=30)
        assert r.status_code == 200, (url, r.text)
        body = r.json()
        assert body["status"] == "ok" and body["version"], body


def test_readiness_names_what_is_missing(by_hand):
    _misconfigured(httpx.get(f"{by_hand.hosting_url}/health/ready", timeout=30))


def test_a_request_without_credentials_is_401(by_hand):
    with httpx.Client(base_url=by_hand.hosting_url, timeout=30) as http:
        assert_error(http.get("/v1/me"), 401, "unauthorized")
        assert_error(http.get("/v1/posts"), 401, "unauthorized")


def test_a_request_with_a_key_is_503_naming_firestore(by_hand):
    key = {"soku-api-key": f"sk_live_{uuid.uuid4().hex}"}  # well formed: it has to be looked up
    with httpx.Client(base_url=by_hand.hosting_url, timeout=30, headers=key) as http:
        _misconfigured(http.get("/v1/me"))
        _misconfigured(http.post("/v1/posts", json={"post": {"content": {"text": "hi", "platform": ["x"]}}}))
    _misconfigured(httpx.get(f"{by_hand.functions_base_url}/api/v1/me", headers=key, timeout=30))


def test_connecting_an_account_is_401_or_503_never_500(by_hand):
    with httpx.Client(base_url=by_hand.hosting_url, timeout=30) as http:
        r = http.post("/v1/connections/x/start")
        if r.status_code == 401:
            assert_error(r, 401, "unauthorized")
        else:
            _misconfigured(r)
        for begin in (http.get("/oauth/x/begin", params={"flow": "abc"}),
                      http.get("/oauth/x/callback", params={"state": "abc", "code": "c"})):
            _misconfigured(begin)


def test_media_downloads_are_503_naming_firestore(by_hand):
    _misconfigured(httpx.get(f"{by_hand.hosting_url}/media/0123456789abcdef.png", timeout=30))


def test_the_cli_logs_what_is_missing_without_a_traceback(by_hand):
    httpx.get(f"{by_hand.hosting_url}/health/ready", timeout=30)
    log = by_hand.log()
    assert "Traceback" not in log, log[-4000:]
    assert f"cannot serve GET /health/ready: {MISSING} is not set" in log


# -- the same rules in-process (fast): the CLI's environment, without the CLI ------------------

@pytest.fixture
def cli_environment(monkeypatch):
    """What the CLI gives its functions by hand: its Auth emulator, no Firestore emulator."""
    from shared.config import reset_settings

    for name in ("FIRESTORE_EMULATOR_HOST", "SOKU_ENV"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("FUNCTIONS_EMULATOR", "true")
    monkeypatch.setenv("GCLOUD_PROJECT", "demo-soku")
    monkeypatch.setenv("K_REVISION", "1")
    monkeypatch.setenv("FIREBASE_AUTH_EMULATOR_HOST", "127.0.0.1:9099")
    reset_settings()
    yield
    monkeypatch.undo()
    reset_settings()


def _call(function, path: str, method: str = "GET"):
    import flask

    with flask.Flask("t").test_request_context(path, method=method):
        response = function(flask.request)
    return response.status_code, response.get_json()


def test_in_process_health_needs_no_settings_and_the_rest_names_what_is_missing(cli_environment):
    from functions.account import account
    from functions.connections import oauthCallback
    from functions.health import health

    status, body = _call(health, "/health")
    assert (status, body["status"], body["version"]) == (200, "ok", "1")
    status, body = _call(health, "/health/ready")
    assert status == 503 and body["error"]["code"] == "service_misconfigured"
    assert MISSING in body["error"]["message"]
    status, body = _call(account, "/v1/me")
    assert status == 401 and body["error"]["code"] == "unauthorized"
    status, body = _call(oauthCallback, "/oauth/x/begin?flow=abc")
    assert status == 503 and MISSING in body["error"]["message"]
