"""The spec's complete workflow (upload, transcribe, render, publish to three platforms), end to end."""

from __future__ import annotations

from devstack import workflow


def test_complete_workflow_publishes_everywhere(stack, demo, sandbox, db):
    db.collection("users").document(demo.uid).collection("credits").document("current").set({"balance": 100})
    post = workflow.run(stack.base_url, demo.api_key, log=lambda *_: None, timeout_s=240)
    runs = {r["targetId"]: r for r in post["runs"]}
    assert set(runs) == {"tiktok:tt_main", "youtube:yt_channel", "instagram:ig_creator"}
    assert {r["status"] for r in runs.values()} == {"succeeded"}, runs
    # The transcript really came through: the post text starts with it.
    assert post["content"]["text"].startswith("Check out my latest video! Welcome to my podcast.")
    # YouTube got the rendered thumbnail next to the video.
    assert runs["youtube:yt_channel"]["result"]["thumbnail"]["status"] == "set"
