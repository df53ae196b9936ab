"""The CLI contract: the official Firebase CLI accepts and runs this bundle.

A clean copy of the tree (what git tracks, nothing generated, the venv linked
in as `venv/` where the CLI looks for it) is handed to
`firebase emulators:start --only functions,hosting,auth,tasks`, beside the
session's Firestore and Storage emulators and platform sandboxes. Then:
discovery loads every function main.py exports with its trigger, with no
runtime or queue error; each task-queue function gets its queue; Hosting's
rewrites reach a function; and a post submitted through Hosting is published
by the publisher function the CLI runs, dispatched by the CLI's Tasks emulator.
The in-process gateway the rest of the suite uses cannot show any of this.
"""

from __future__ import annotations

import httpx
import pytest
from devstack.provision import manifest_endpoints
from tests.cli_stack import start_cli
from tests.conftest import PROJECT_ID, REGION, wait_for
from tests.posting import body

FAILURES = ("Unexpected runtime", "Failed to load function", "Error adding Task Queue",
            "Queue ID can contain only", "Traceback")


@pytest.fixture(scope="module")
def cli(stack, tmp_path_factory):
    emulators = start_cli(stack, tmp_path_factory)
    yield emulators
    emulators.stop()


def test_the_cli_loads_every_exported_function_with_its_trigger(stack, cli):
    exported = manifest_endpoints(stack.functions)
    loaded = cli.loaded_functions()
    assert sorted(loaded) == sorted(exported), (loaded, sorted(exported))
    log = cli.log()
    assert not [f for f in FAILURES if f in log], log[-4000:]
    for name, endpoint in exported.items():
        if "httpsTrigger" in endpoint or "taskQueueTrigger" in endpoint:
            assert f"http function initialized (http://127.0.0.1:{cli.functions_port}/{PROJECT_ID}/{REGION}/{name})" \
                in log, name
        if "taskQueueTrigger" in endpoint:
            assert f"Created queue with key: queue:{PROJECT_ID}-{REGION}-{name}" in log, name
        if "scheduleTrigger" in endpoint:
            # Offline, the CLI skips scheduled functions (they need the Pub/Sub emulator).
            assert f"functions[{REGION}-{name}]: function ignored because the pubsub emulator" in log, name


def test_hosting_rewrites_reach_the_functions(cli):
    r = httpx.get(f"{cli.hosting_url}/health", timeout=30)
    assert r.status_code == 200 and r.json()["status"] == "ok"
    r = httpx.get(f"{cli.hosting_url}/v1/no-such-route", timeout=30)
    assert r.status_code == 404 and r.json()["error"]["code"] == "not_found"
    # Hosting's globs skip a segment that starts with a dot (`/v1/posts/**` does not take it);
    # the globs' regex twins route it to the function of its prefix, not to Hosting's HTML page.
    # Without a key: the posts function's 401 (notFound would answer 404), in the JSON envelope.
    r = httpx.delete(f"{cli.hosting_url}/v1/posts/.%14x", timeout=30)
    assert r.status_code == 401 and r.json()["error"]["code"] == "unauthorized", r.text


def test_a_post_through_hosting_is_published_by_the_cli_run_functions(cli, demo, sandbox):
    with httpx.Client(base_url=cli.hosting_url, timeout=60, headers=demo.key_headers) as http:
        r = http.post("/v1/posts", json=body(["x"], "Published by the Firebase CLI's functions"))
        assert r.status_code == 201, r.text
        sid = r.json()["postSubmissionId"]
        run = wait_for(lambda: (p := http.get(f"/v1/posts/{sid}").json())["runs"][0]["status"]
                       in ("succeeded", "failed") and p["runs"][0], timeout=90, interval=0.5)
    assert run["status"] == "succeeded", run
    assert run["attemptCount"] == 1
    # The orchestrator and the publisher ran in the CLI's function processes, fed by its Tasks emulator.
    # The run is recorded before its function returns (its events are dispatched after the commit).
    for function in ("posts", "orchestratePost", "publishX"):
        assert wait_for(lambda: f'Finished "{REGION}-{function}"' in cli.log(), timeout=30), function
    tweets = [p for p in sandbox.posts("x") if p["id"] == run["result"]["postId"]]
    assert [t["text"] for t in tweets] == ["Published by the Firebase CLI's functions"]


def test_the_api_function_serves_the_public_routes_under_the_cli(cli, demo):
    """The reference's base URL, `…/api`, as the CLI's Functions emulator serves it: it strips
    /{project}/{region}/api, and the function still answers as Hosting does and builds
    its OAuth redirect URI under its own URL."""
    api = f"{cli.functions_base_url}/api"
    with httpx.Client(timeout=60) as http:
        r = http.get(f"{api}/health")
        assert r.status_code == 200 and r.json()["status"] == "ok"
        r = http.get(f"{api}/v1/no-such-route")
        assert r.status_code == 404 and r.json()["error"]["code"] == "not_found"
        me = http.get(f"{api}/v1/me", headers=demo.key_headers)
        assert me.status_code == 200, me.text
        assert me.json() == http.get(f"{cli.hosting_url}/v1/me", headers=demo.key_headers).json()
        start = http.post(f"{api}/v1/connections/x/start", headers=demo.key_headers)
        assert start.status_code == 200, start.text
        assert start.json()["redirectUri"] == f"{api}/oauth/x/callback"
