"""The submission preflight hook (shared/services/posts/preflight.py) costs nothing for a
platform without a `preflight.py`: only Reddit's manifest declares one, and checking a post to
every other platform imports no preflight module and reads nothing. Offline: no stack."""

from __future__ import annotations

import subprocess
import sys

from shared.platforms import RULES, Platform


def test_only_reddit_declares_a_preflight():
    assert {p for p in Platform if RULES[p].preflight} == {Platform.REDDIT}


def test_checking_the_other_platforms_imports_no_preflight_and_reads_nothing():
    # A fresh interpreter: what checking every other platform's target loads, and that it asks
    # Firestore nothing (the client is never created).
    script = """
import sys
from shared.platforms import Platform
from shared.services.posts import preflight
from shared.services.posts.media import MediaPlan
from shared.services.posts.targets import Target
import shared.adapters.gcp as gcp
gcp.firestore_client = lambda: (_ for _ in ()).throw(AssertionError("read"))
targets = [Target(f"{p.value}:a", p, "a") for p in Platform if p is not Platform.REDDIT]
preflight.check_with_platforms("u", "hello", MediaPlan("text", []), targets)
loaded = [m for m in sys.modules if m.endswith(".preflight") and m.startswith("shared.platforms.")]
assert loaded == [], loaded
assert "shared.services.publishing.account_calls" not in sys.modules
print("ok")
"""
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0 and out.stdout.strip() == "ok", out.stderr[-2000:]


def test_a_reddit_post_without_a_title_is_refused_before_reddit_is_asked():
    from shared.platforms.reddit import preflight
    from shared.services.posts.media import MediaPlan
    from shared.services.posts.preflight import PreflightRequest
    from shared.services.posts.targets import Target

    class NoAsking(PreflightRequest):
        def ask(self, *args, **kwargs):
            raise AssertionError("Reddit asked")

    target = Target("reddit:a", Platform.REDDIT, "a", options={"url": "https://example.com"})
    [problem] = preflight.check(NoAsking("u", target, "", MediaPlan("text", [])))
    assert problem["field"] == "body.post.content.options.reddit.title" and problem["code"] == "required"
