"""The TypeScript client (clients/typescript: openapi-fetch over the generated types, and the
hand-written src/index.ts) against the local stack.

tsc type-checks and compiles the client and its tests (test/*.test.ts) into dist/, then
`node --test` runs them as a subprocess, like tests/test_zapier.py, with SOKU_BASE_URL, the demo
user's SOKU_API_KEY, SOKU_PAGING_API_KEY (a user of its own, for exactly three posts to page
through) and SOKU_TEST_DELIVERY: a real post.published delivery this test received on 127.0.0.1
(its endpoint's secret, headers and raw body), which the client's verifier must accept.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import wait_for
from tests.webhook_receiver import publish, receiver, register  # noqa: F401 - receiver: fixture

TS = Path(__file__).resolve().parent.parent / "clients" / "typescript"


@pytest.fixture
def delivery(client, demo, receiver, tmp_path):  # noqa: F811
    hook = register(client, demo, receiver.url, events=["post.published"])
    publish(client, demo, "A delivery for the TypeScript client")
    wait_for(lambda: receiver.events("post.published"), timeout=30)
    request = receiver.request_for("post.published")
    path = tmp_path / "delivery.json"
    path.write_text(json.dumps({"secret": hook["secret"], "headers": request["headers"],
                                "body": request["raw"].decode()}))
    return path


def test_typescript_client_tests_pass_against_the_local_stack(stack, demo, make_user, delivery, tmp_path):
    from devstack.seed import seed_demo_user

    node = shutil.which("node")
    assert node, "node is required (README: Node.js 20)"
    tsc = TS / "node_modules" / "typescript" / "bin" / "tsc"
    if not tsc.exists():
        pytest.fail("clients/typescript/node_modules is missing: `make sdk-tools` installs it (`make test` does)")
    built = subprocess.run([node, str(tsc), "-p", "."], cwd=TS, capture_output=True, text=True, timeout=300)
    assert built.returncode == 0, f"tsc refused the TypeScript client:\n{built.stdout}{built.stderr}"

    paging = make_user()
    seed_demo_user(paging.uid)
    env = os.environ | {"SOKU_BASE_URL": stack.base_url, "SOKU_API_KEY": demo.api_key,
                        "SOKU_PAGING_API_KEY": paging.api_key, "SOKU_TEST_DELIVERY": str(delivery),
                        "NO_COLOR": "1"}
    tests = sorted(str(p.relative_to(TS)) for p in (TS / "dist" / "test").glob("*.test.js"))
    assert tests, "tsc wrote no clients/typescript/dist/test/*.test.js"
    done = subprocess.run([node, "--test", "--test-concurrency=1", "--test-reporter=spec", *tests],
                          cwd=TS, env=env, capture_output=True, text=True, timeout=600)
    output = done.stdout + done.stderr
    print(output)  # shown with -s
    assert done.returncode == 0, f"the TypeScript client's tests failed:\n{output}"
    assert "ℹ fail 0" in output or "# fail 0" in output, output
