"""One variable must not turn the internal guards off (issue 36, item 1).

`shared.config.emulated()` switches off the OIDC check of task and scheduler calls
(shared/web/internal.py), the start-up secret check (shared/secrets.py) and arms the crash
points. It holds only with every emulator address on loopback and no production marker;
K_SERVICE, which Cloud Run sets and a `.env` file cannot, counts as one unless the Firebase
CLI's emulator set it (FUNCTIONS_EMULATOR=true *and* its hub on loopback, a FIREBASE_ name a
`.env` file cannot carry). A real functions-framework process shows it end to end.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from shared import secrets
from shared.config import ConfigurationError, emulated, production_markers, reset_settings
from tests import function_process
from tests.posting import body, call_task, make_due, run_of, submit

ROOT = Path(__file__).resolve().parent.parent
LATER = "2099-01-01T00:00:00Z"  # a post the pipeline leaves alone

# What the Firebase CLI's Functions emulator gives a function (firebase-tools 15.34.2,
# lib/emulator/functionsEmulator.js getSystemEnvs / getEmulatorEnvs, lib/emulator/env.js).
CLI = {"FUNCTIONS_EMULATOR": "true", "K_SERVICE": "publishX", "K_REVISION": "1", "FUNCTION_TARGET": "publishX",
       "FIREBASE_EMULATOR_HUB": "127.0.0.1:4400", "CLOUD_TASKS_EMULATOR_HOST": "127.0.0.1:9499",
       "FIREBASE_AUTH_EMULATOR_HOST": "127.0.0.1:9099", "GCLOUD_PROJECT": "demo-soku"}
# The local stack and the tests (devstack/emulators.py, devstack/stack.py).
STACK = {"FIRESTORE_EMULATOR_HOST": "127.0.0.1:8085", "STORAGE_EMULATOR_HOST": "http://127.0.0.1:9023",
         "CLOUD_TASKS_EMULATOR_HOST": "127.0.0.1:8123", "FIREBASE_AUTH_EMULATOR_HOST": "127.0.0.1:9099",
         "SOKU_ENV": "test"}
# A deployed function: what Cloud Run sets (K_SERVICE cannot come from a .env file).
DEPLOYED = {"K_SERVICE": "publishx", "K_REVISION": "publishx-00007-abc", "GCLOUD_PROJECT": "soku-prod",
            "FUNCTION_TARGET": "publishX"}


def test_the_local_stack_and_the_clis_emulator_are_emulated():
    assert emulated(STACK) and not production_markers(STACK)
    assert emulated(CLI) and not production_markers(CLI)
    # The CLI running the functions by hand, without a Firestore emulator (docs/local-stack.md).
    assert emulated({k: v for k, v in CLI.items() if k != "CLOUD_TASKS_EMULATOR_HOST"})
    for loopback in ("localhost:8085", "[::1]:8085", "127.0.0.2:8085"):
        assert emulated(STACK | {"FIRESTORE_EMULATOR_HOST": loopback}), loopback


@pytest.mark.parametrize("env", [
    # A .env.<project> file deploys FUNCTIONS_EMULATOR=true: K_SERVICE still says production.
    DEPLOYED | {"FUNCTIONS_EMULATOR": "true"},
    DEPLOYED | {"FUNCTIONS_EMULATOR": "true", "CLOUD_TASKS_EMULATOR_HOST": "127.0.0.1:9499"},
    DEPLOYED | {"FIRESTORE_EMULATOR_HOST": "127.0.0.1:8080"},
    DEPLOYED | {"FUNCTIONS_EMULATOR": "true", "FIRESTORE_EMULATOR_HOST": "127.0.0.1:8080"},
    # The hub on another host is not the CLI's on this machine.
    DEPLOYED | {"FUNCTIONS_EMULATOR": "true", "FIRESTORE_EMULATOR_HOST": "127.0.0.1:8080",
                "FIREBASE_EMULATOR_HUB": "10.0.0.7:4400"},
    # SOKU_ENV=production wins over everything, even the CLI's own environment.
    STACK | {"SOKU_ENV": "production"},
    CLI | {"SOKU_ENV": "production"},
    # An emulator address off this machine is a real service, or a mistake.
    STACK | {"FIRESTORE_EMULATOR_HOST": "firestore.example.com:443"},
    STACK | {"STORAGE_EMULATOR_HOST": "http://10.1.2.3:9023"},
    CLI | {"FIREBASE_AUTH_EMULATOR_HOST": "auth.example.com:9099"},
    # A switch with no emulator at all.
    {"FUNCTIONS_EMULATOR": "true", "GCLOUD_PROJECT": "soku-prod"},
], ids=["dotenv-FUNCTIONS_EMULATOR", "dotenv-with-tasks-host", "dotenv-FIRESTORE_EMULATOR_HOST", "dotenv-both",
        "remote-hub", "stack-SOKU_ENV=production", "cli-SOKU_ENV=production", "remote-firestore",
        "remote-storage", "remote-auth", "switch-alone"])
def test_no_single_variable_turns_the_guards_off(env):
    assert not emulated(env)


def test_k_service_is_a_marker_unless_the_clis_emulator_set_it():
    assert production_markers(DEPLOYED | {"FUNCTIONS_EMULATOR": "true"}) == ["K_SERVICE"]
    assert production_markers(DEPLOYED | {"FUNCTIONS_EMULATOR": "true", "FIREBASE_EMULATOR_HUB": "127.0.0.1:4400"}) == []
    assert production_markers(DEPLOYED | {"FIREBASE_EMULATOR_HUB": "127.0.0.1:4400"}) == ["K_SERVICE"]


@pytest.fixture
def environ(monkeypatch):
    for name in list(os.environ):
        if name.endswith("_EMULATOR_HOST") or name in ("FUNCTIONS_EMULATOR", "FIREBASE_EMULATOR_HUB", "SOKU_ENV",
                                                       "K_SERVICE", "OPENAI_API_KEY"):
            monkeypatch.delenv(name)
    reset_settings()
    yield monkeypatch
    monkeypatch.undo()
    reset_settings()


def test_the_secret_check_runs_in_a_deployment_whose_env_file_says_emulator(environ):
    for name, value in (DEPLOYED | {"FUNCTIONS_EMULATOR": "true", "FIRESTORE_EMULATOR_HOST": "127.0.0.1:8080"}).items():
        environ.setenv(name, value)
    with pytest.raises(ConfigurationError, match="OPENAI_API_KEY"):
        secrets.check([secrets.OPENAI_API_KEY.name])


# -- a real functions-framework instance: production markers beside the emulator switches ---------

_serve, _stop = function_process.serve, function_process.stop


def test_a_deployed_function_with_emulator_variables_still_refuses_forged_calls(stack, client, demo, sandbox):
    """The instance a `.env.<project>` with FUNCTIONS_EMULATOR=true and FIRESTORE_EMULATOR_HOST
    would give: Cloud Run's K_SERVICE, SOKU_ENV=production, the stack's real (loopback)
    emulators and sandboxes. A forged Cloud Tasks call to publishX with the queue header,
    for a post scheduled for 2099, and a forged scheduler call are refused 401; the post is
    not published. A function missing its required secret answers 503 naming it."""
    text = "scheduled for 2099, forged today"
    sid = submit(client, demo, {**body(["x"], text), "scheduledTime": LATER})
    # A deployment's environment: no FIREBASE_* (the CLI refuses them in .env files).
    base = {name: value for name, value in stack.env.items() if not name.startswith("FIREBASE_")}
    base |= {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(ROOT), "PYTHONUNBUFFERED": "1",
             "SOKU_ENV": "production", "FUNCTIONS_EMULATOR": "true"}
    assert base["FIRESTORE_EMULATOR_HOST"].startswith("127.0.0.1:")
    targets = {"publishX": base, "sweepScheduledPosts": base,
               "account": {k: v for k, v in base.items() if k not in ("SOKU_TOKEN_KEYS", "SOKU_TOKEN_KEY_ID")}}
    with ThreadPoolExecutor(len(targets)) as pool:
        served = dict(zip(targets, pool.map(lambda t: _serve(t, targets[t] | {"K_SERVICE": t.lower()}), targets)))
    outputs = {}
    try:
        publish = httpx.post(f"http://127.0.0.1:{served['publishX'][1]}/", timeout=30,
                             json={"data": {"postSubmissionId": sid, "targetId": "x:x_main"}},
                             headers={"X-CloudTasks-QueueName": "publishX", "X-CloudTasks-TaskName": "forged",
                                      "X-CloudTasks-TaskRetryCount": "0"})
        sweep = httpx.post(f"http://127.0.0.1:{served['sweepScheduledPosts'][1]}/", timeout=30, json={},
                           headers={"X-CloudScheduler": "true", "X-CloudScheduler-JobName": "forged"})
        me = httpx.get(f"http://127.0.0.1:{served['account'][1]}/v1/me", timeout=30)
    finally:
        for target, (process, _) in served.items():
            outputs[target] = _stop(process)
    assert publish.status_code == 401, (publish.text, outputs["publishX"][-2000:])
    assert publish.json()["error"]["code"] == "unauthorized"
    assert sweep.status_code == 401, (sweep.text, outputs["sweepScheduledPosts"][-2000:])
    assert sweep.json()["error"]["code"] == "unauthorized"
    assert me.status_code == 503, (me.text, outputs["account"][-2000:])
    assert me.json()["error"]["code"] == "service_misconfigured" and "SOKU_TOKEN_KEYS" in me.json()["error"]["message"]
    run = run_of(client, demo, sid, "x:x_main")
    assert run["status"] == "queued" and run["attemptCount"] == 0, run
    assert not [p for p in sandbox.posts("x") if p["text"] == text]


# -- a run is never claimed before its post's scheduledTime ----------------------------------------

def test_a_delivery_before_the_scheduled_time_publishes_nothing_and_asks_to_be_retried(client, demo, sandbox, db):
    """`POST …/publishX` with the queue header, under the emulators (no OIDC), for a post
    scheduled for 2099: 503 (Cloud Tasks retries a non-2xx), the run untouched, nothing
    posted. Once the post is due the same delivery publishes it, once."""
    text = "an early delivery, not before its time"
    sid = submit(client, demo, {**body(["x"], text), "scheduledTime": LATER})
    task = {"postSubmissionId": sid, "targetId": "x:x_main"}
    early = call_task(client, "publishX", task, due=False)
    assert early.status_code == 503, early.text
    run = db.collection("postSubmissions").document(sid).collection("runs").document("x:x_main").get().to_dict()
    assert run["status"] == "queued" and int(run.get("attemptCount", 0)) == 0, run
    assert not list(db.collection("postSubmissions").document(sid).collection("runs").document("x:x_main")
                    .collection("attempts").stream())
    assert not [p for p in sandbox.posts("x") if p["text"] == text]
    make_due(sid)
    on_time = call_task(client, "publishX", task)
    assert on_time.status_code == 200 and on_time.json()["result"]["outcome"] == "succeeded", on_time.text
    assert len([p for p in sandbox.posts("x") if p["text"] == text]) == 1


def test_a_rescheduled_post_is_not_claimed_before_its_new_time(client, demo, sandbox):
    """Read from the submission in the claim's transaction: a post moved later is seen."""
    from tests.posting import future

    text = "moved to later"
    sid = submit(client, demo, {**body(["x"], text), "scheduledTime": LATER})
    make_due(sid)
    moved = client.patch(f"/v1/posts/{sid}", json={"scheduledTime": future(days=3)}, headers=demo.key_headers)
    assert moved.status_code == 200, moved.text
    early = call_task(client, "publishX", {"postSubmissionId": sid, "targetId": "x:x_main"}, due=False)
    assert early.status_code == 503, early.text
    assert not [p for p in sandbox.posts("x") if p["text"] == text]
