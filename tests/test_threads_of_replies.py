"""Threads of replies (`post.content.thread`, issue 41 item 7), on X, through the public API.

The post is the thread's first post; each reply answers the one before it. Each part is
published like a post (armed, reconciled under its parent), so a publisher that dies between
a reply's create and its record resumes without making any part twice. What the X sandbox
STORED is asserted: the chain (`inReplyTo`, `conversationId`), and that nothing is doubled.
Mastodon, Threads and Bluesky chains are in their own publisher tests.
"""

from __future__ import annotations

import uuid

from tests.conftest import wait_for
from tests.posting import Target, body, call_task, killed_while_held, stored_run, submit

_on = Target("x", "x_main", timeout=40)
LATER = "2099-01-01T00:00:00Z"  # a post the pipeline leaves alone: the test delivers its tasks


def _texts(n: int) -> list[str]:
    tag = uuid.uuid4().hex[:8]  # X refuses a text the account posted before: each test its own
    return [f"{i + 1}/{n} thread {tag}" for i in range(n)]


def _thread_body(platforms, texts: list[str], **content) -> dict:
    return body(platforms, texts[0], thread=[{"text": text} for text in texts[1:]], **content)


def _chain(sandbox, texts: list[str]) -> list[dict]:
    """The sandbox's tweets of the thread, in the order of `texts` (every copy of each)."""
    tweets = [p for p in sandbox.posts("x") if p["text"] in texts]
    return sorted(tweets, key=lambda p: texts.index(p["text"]))


def _assert_chained(tweets: list[dict], texts: list[str]) -> None:
    assert [t["text"] for t in tweets] == texts  # each part once, in order
    root = tweets[0]
    assert "inReplyTo" not in root and root["conversationId"] == root["id"]
    for parent, reply in zip(tweets, tweets[1:]):
        assert reply["inReplyTo"] == parent["id"] and reply["conversationId"] == root["id"]


def test_four_replies_publish_as_five_chained_tweets(client, demo, sandbox):
    texts = _texts(5)
    sid = submit(client, demo, _thread_body(["x"], texts))
    run = _on.final(client, demo, sid)
    assert run["status"] == "succeeded", run
    tweets = _chain(sandbox, texts)
    _assert_chained(tweets, texts)
    assert run["result"]["postId"] == tweets[0]["id"]
    assert [part["postId"] for part in run["result"]["thread"]] == [t["id"] for t in tweets[1:]]
    assert all(part["url"].endswith(part["postId"]) for part in run["result"]["thread"])
    # The post shows its thread as it was asked for.
    post = client.get(f"/v1/posts/{sid}", headers=demo.key_headers).json()
    assert [part["text"] for part in post["content"]["thread"]] == texts[1:]


def test_a_crash_at_the_third_part_resumes_without_duplicating_the_first_two(client, stack, demo, sandbox, db):
    """The publisher dies after X made the third tweet (reply 2) and before it was recorded; Cloud
    Tasks' retry finds that reply under its parent and goes on: five tweets, none twice."""
    texts = _texts(5)
    sid = submit(client, demo, {**_thread_body(["x"], texts), "scheduledTime": LATER})
    task = {"postSubmissionId": sid, "targetId": _on.target}
    sandbox.fault("x", "create", "pass", times=2)  # the first two creates go through ...
    killed_while_held(sandbox, "x", task, lambda: _chain(sandbox, texts)[2:])  # ... the third is made, unanswered
    stored = stored_run(db, sid, _on.target)
    assert stored["status"] == "processing" and len(stored["checkpoint"]["thread"]["posted"]) == 2
    assert stored["checkpoint"]["threadParts"]["2"]["createArmedAt"]  # reply 2 armed, its outcome unknown

    retry = call_task(client, "publishX", task, retry_count=1)  # Cloud Tasks' retry
    assert retry.json()["result"]["outcome"] == "succeeded", retry.text
    tweets = _chain(sandbox, texts)
    _assert_chained(tweets, texts)
    run = _on.run(client, demo, sid)
    assert run["status"] == "succeeded" and run["attemptCount"] == 2
    assert [part["postId"] for part in run["result"]["thread"]] == [t["id"] for t in tweets[1:]]


def test_a_refused_reply_stops_the_thread_says_which_and_a_retry_resumes_there(client, demo, sandbox):
    texts = _texts(4)
    sandbox.fault("x", "create", "pass", times=2)
    sandbox.fault("x", "create", "duplicate")  # X refuses reply 2
    sid = submit(client, demo, _thread_body(["x"], texts))
    run = _on.final(client, demo, sid)
    assert run["status"] == "failed", run
    result = run["result"]
    assert result["code"] == "duplicate_content" and result["stoppedAtReply"] == 2
    assert result["message"].startswith("Reply 2 of 3 of the thread (post.content.thread[1]) was not published")
    published = _chain(sandbox, texts)
    assert [t["text"] for t in published] == texts[:2]
    assert result["postId"] == published[0]["id"] and [p["postId"] for p in result["thread"]] == [published[1]["id"]]

    r = client.post(f"/v1/posts/{sid}/retry", headers=demo.key_headers)
    assert r.status_code == 200, r.text
    run = wait_for(lambda: (x := _on.run(client, demo, sid))["status"] == "succeeded" and x, timeout=40)
    _assert_chained(_chain(sandbox, texts), texts)  # the first two were not made again
    assert len(run["result"]["thread"]) == 3


def test_taking_a_thread_down_deletes_every_part(client, demo, sandbox):
    texts = _texts(3)
    sid = submit(client, demo, _thread_body(["x"], texts))
    assert _on.final(client, demo, sid)["status"] == "succeeded"
    assert len(_chain(sandbox, texts)) == 3
    r = client.delete(f"/v1/posts/{sid}/runs/{_on.target}/published", headers=demo.key_headers)
    assert r.status_code == 200 and r.json()["deletion"]["status"] == "deleted", r.text
    assert _chain(sandbox, texts) == []


def test_a_thread_stopped_part_way_can_be_taken_down(client, demo, sandbox):
    texts = _texts(3)
    sandbox.fault("x", "create", "pass")
    sandbox.fault("x", "create", "duplicate")  # reply 1 refused: only the first post is up
    sid = submit(client, demo, _thread_body(["x"], texts))
    assert _on.final(client, demo, sid)["status"] == "failed"
    assert len(_chain(sandbox, texts)) == 1
    r = client.post(f"/v1/posts/{sid}/unpublish", headers=demo.key_headers)
    assert r.status_code == 200 and r.json()["takedown"][0]["outcome"] == "deleted", r.text
    assert _chain(sandbox, texts) == []


# -- what is refused at submission ------------------------------------------------------------

def test_a_thread_to_a_platform_without_threads_is_refused_naming_it(client, demo):
    r = client.post("/v1/posts", json=_thread_body(["x", "linkedin"], _texts(2)), headers=demo.key_headers)
    assert r.status_code == 400, r.text
    [problem] = r.json()["error"]["details"]
    assert problem["field"] == "body.post.content.thread" and problem["platform"] == "linkedin"
    assert problem["code"] == "unsupported" and "X, Threads, Mastodon, Bluesky" in problem["message"]


def test_each_reply_is_held_to_the_platforms_limits(client, demo):
    texts = _texts(3)
    texts[2] = "x" * 281
    r = client.post("/v1/posts", json=_thread_body(["x"], texts), headers=demo.key_headers)
    assert r.status_code == 400, r.text
    [problem] = r.json()["error"]["details"]
    assert problem["field"] == "body.post.content.thread.1.text" and problem["code"] == "too_big"
    assert problem["received"] == 281


def test_a_reply_needs_text_or_media_and_a_thread_has_at_most_24_replies(client, demo):
    r = client.post("/v1/posts", json=body(["x"], "first", thread=[{"text": "  "}]), headers=demo.key_headers)
    assert r.status_code == 400 and r.json()["error"]["details"][0]["field"] == "body.post.content.thread.0.text"
    r = client.post("/v1/posts", json=body(["x"], "first", thread=[{"text": f"r{i}"} for i in range(25)]),
                    headers=demo.key_headers)
    assert r.status_code == 400 and r.json()["error"]["details"][0]["field"] == "body.post.content.thread", r.text


def test_platforms_say_which_publish_threads(client):
    catalog = client.get("/v1/platforms").json()
    assert {p["platform"] for p in catalog["platforms"] if p["capabilities"]["threads"]} == {
        "x", "threads", "mastodon", "bluesky"}
