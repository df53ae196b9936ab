"""X publisher against the X sandbox: text, images, video, and every failure mode."""

from __future__ import annotations

import httpx
import pytest

from tests.conftest import wait_for
from tests.posting import body, call_task


def _run(client, user, sid, target="x:x_main"):
    post = client.get(f"/v1/posts/{sid}", headers=user.key_headers).json()
    return next(r for r in post["runs"] if r["targetId"] == target)


def _final(client, user, sid, target="x:x_main"):
    return wait_for(lambda: (r := _run(client, user, sid, target))["status"] in ("succeeded", "failed") and r,
                    timeout=20)


def _sandbox_posts(stack, platform="x"):
    return httpx.get(f"{stack.sandboxes.base_url}/__sandbox/posts", params={"platform": platform}).json()["posts"]


def test_text_post_reaches_the_platform(client, stack, demo):
    r = client.post("/v1/posts", json=body(["x"], "Hello X sandbox"), headers=demo.key_headers)
    run = _final(client, demo, r.json()["postSubmissionId"])
    assert run["status"] == "succeeded", run
    assert run["result"]["postId"] and run["result"]["url"].endswith(run["result"]["postId"])
    page = httpx.get(run["result"]["url"])
    assert page.status_code == 200 and "Hello X sandbox" in page.text
    assert [p["text"] for p in _sandbox_posts(stack) if p["id"] == run["result"]["postId"]] == ["Hello X sandbox"]
