"""The Zapier integration (integrations/zapier/, docs/zapier.md) against the local stack.

The integration's own tests (`node --test`, zapier-platform-core's appTester) run as a
subprocess against this session's stack, as a seeded demo user (instagram acct-a and
acct-b among its accounts), and make the assertions themselves, checking Soku's state
through the API. This test provides the stack, the user, and an origin serving an image
and an audio file; it fails with the runner's output. Includes the Zapier rows of the
multi-account test plan (spec 002) and the integration's structural validation (what
`zapier validate` runs offline).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.audio_fixtures import SPEECH, encode
from tests.media_origin import JPEG_1PX, origin  # noqa: F401 - fixture

ZAPIER = Path(__file__).resolve().parent.parent / "integrations" / "zapier"


@pytest.fixture
def zapier_env(stack, demo, origin):  # noqa: F811 - the origin fixture
    if not (ZAPIER / "node_modules" / "zapier-platform-core").is_dir():
        pytest.fail("integrations/zapier/node_modules is missing: `make zapier` installs it (`make test` does)")
    image = origin.add("/zapier.jpg", body=JPEG_1PX, headers={"Content-Type": "image/jpeg"})
    audio = origin.add("/zapier.mp3", body=encode(SPEECH, "mp3"), headers={"Content-Type": "audio/mpeg"})
    return os.environ | {
        "SOKU_BASE_URL": stack.base_url,
        "SOKU_API_KEY": demo.api_key,
        "SOKU_TEST_IMAGE_URL": image,
        "SOKU_TEST_AUDIO_URL": audio,
        "SOKU_ZAPIER_POLL_PAGE_SIZE": "2",
        "NO_COLOR": "1",
    }


def test_zapier_app_tests_pass_against_the_local_stack(zapier_env):
    node = shutil.which("node")
    assert node, "node is required (README: Node.js 20)"
    tests = sorted(str(p.relative_to(ZAPIER)) for p in (ZAPIER / "test").glob("*.test.js"))
    assert tests, "no integrations/zapier/test/*.test.js"
    done = subprocess.run([node, "--test", "--test-concurrency=1", "--test-reporter=spec", *tests],
                          cwd=ZAPIER, env=zapier_env, capture_output=True, text=True, timeout=600)
    output = done.stdout + done.stderr
    assert done.returncode == 0, f"the Zapier app's tests failed:\n{output}"
    assert "# fail 0" in output or "ℹ fail 0" in output, output
