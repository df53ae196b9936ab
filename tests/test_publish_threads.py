"""Threads publisher against the Threads sandbox: text, image, video, carousel, and every failure mode.

Everything goes through the real API (`POST /v1/posts`), the real Cloud Tasks
emulator and the real sandbox over HTTP; the sandbox really downloads each
image and video from the media delivery function, as Threads does.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import httpx
import pytest

from tests.conftest import wait_for
from tests.posting import (
    SandboxCalls, Target, body, call_task, killed_while_held, object_size, submit, wait_out_the_reset,
)

TARGET = "threads:threads_main"


_on = Target("threads", "threads_main")
_run, _final, _submit, _account, _stored_run = _on.run, _on.final, submit, _on.account, _on.stored_run
_object_size, _post = object_size, _on.posted


def Calls(stack):  # noqa: N802 - stands for the class it was
    """The Threads operations the sandbox saw from here on (tests run one at a time)."""
    return SandboxCalls(stack, "threads")


def test_text_post_reaches_threads_with_its_permalink(client, stack, demo, sandbox):
    calls = Calls(stack)
    sid = _submit(client, demo, body(["threads"], "Hello Threads sandbox"))
    run = _final(client, demo, sid)
    assert run["status"] == "succeeded", run
    post = _post(sandbox, run)
    assert post["text"] == "Hello Threads sandbox" and post["mediaType"] == "TEXT"
    assert run["result"]["url"] == post["url"]  # the permalink Threads returned
    page = httpx.get(run["result"]["url"])
    assert page.status_code == 200 and "Hello Threads sandbox" in page.text
    # quota checked first, one container, one publish
    assert calls()[:2] == ["publishing_limit", "container"]
    assert calls().count("container") == 1 and calls().count("create") == 1


def test_image_post_is_pulled_from_the_media_url(client, demo, stored_media, sandbox, db):
    media_id = stored_media(demo, "image", 300_000)
    sid = _submit(client, demo, body(["threads"], "one image", mediaIds=[media_id]))
    run = _final(client, demo, sid)
    assert run["status"] == "succeeded", run
    post = _post(sandbox, run)
    assert post["mediaType"] == "IMAGE"
    assert [(m["bytes"], m["contentType"]) for m in post["media"]] == [(_object_size(db, media_id), "image/jpeg")]
    assert post["media"][0]["url"].endswith(f"/media/{media_id}.jpg")


def test_video_post_waits_for_processing(client, stack, demo, stored_media, sandbox, db):
    calls = Calls(stack)
    media_id = stored_media(demo, "video", 3 * 1024 * 1024)
    sid = _submit(client, demo, body(["threads"], "a video", mediaIds=[media_id]))
    run = _final(client, demo, sid)
    assert run["status"] == "succeeded", run
    post = _post(sandbox, run)
    assert post["mediaType"] == "VIDEO" and post["media"][0]["bytes"] == _object_size(db, media_id)
    assert calls().count("status") >= 3  # IN_PROGRESS twice, then FINISHED
    container = _stored_run(db, sid)["checkpoint"]["containers"]["post"]
    assert container["status"] == "FINISHED"
    assert container["id"] == post["containerId"]


def test_carousel_of_images(client, stack, demo, stored_media, sandbox, db):
    calls = Calls(stack)
    ids = [stored_media(demo, "image", 100_000 + i) for i in range(3)]
    sid = _submit(client, demo, body(["threads"], "three images", mediaIds=ids))
    run = _final(client, demo, sid)
    assert run["status"] == "succeeded", run
    post = _post(sandbox, run)
    assert post["mediaType"] == "CAROUSEL" and len(post["children"]) == 3
    assert [m["bytes"] for m in post["media"]] == [_object_size(db, i) for i in ids]
    assert calls().count("container") == 4  # three children, then the carousel
    containers = _stored_run(db, sid)["checkpoint"]["containers"]
    assert [containers[str(i)]["id"] for i in range(3)] == post["children"]
    assert containers["post"]["children"] == post["children"]


def test_quota_used_up_is_a_retry_later_failure(client, stack, demo, sandbox):
    calls = Calls(stack)
    sandbox.fault("threads", "publishing_limit", "quota_exhausted", times=50)
    sid = _submit(client, demo, body(["threads"], "over quota"))
    run = _final(client, demo, sid)
    assert run["status"] == "failed" and run["attemptCount"] == 5
    assert run["result"]["code"] == "publishing_quota_exhausted" and run["result"]["retryable"] is True
    assert "250 of 250 posts in the last 24 hours" in run["result"]["message"]
    assert "gave up after 5 attempts" in run["result"]["message"]
    assert "container" not in calls() and "create" not in calls()
    assert not [p for p in sandbox.posts("threads") if p["text"] == "over quota"]


def test_expiring_access_token_is_refreshed_and_stored_sealed(client, demo, db):
    from devstack.seed import sandbox_tokens
    from shared.platforms import Platform
    from shared.services.publishing.accounts import load_account, seal_tokens

    ref = _account(db, demo)
    expiring = sandbox_tokens("threads", ref.get().get("platformUserId"), lifetime_s=60)  # valid one more minute
    ref.update({"tokens": seal_tokens(ref, expiring)})
    sid = _submit(client, demo, body(["threads"], "after refresh"))
    run = _final(client, demo, sid)
    assert run["status"] == "succeeded" and run["attemptCount"] == 1
    _, account = load_account(demo.uid, Platform.THREADS, "threads_main")
    assert account.tokens.access_token != expiring.access_token
    assert account.tokens.expires_at > datetime.now(timezone.utc) + timedelta(days=59)  # long-lived again
    assert ref.get().get("status") == "connected"
    sealed = ref.get().get("tokens")
    assert account.tokens.access_token not in repr(sealed)


def test_expired_access_token_cannot_be_refreshed(client, demo, db):
    from devstack.seed import sandbox_tokens
    from shared.services.publishing.accounts import seal_tokens

    ref = _account(db, demo)
    stale = sandbox_tokens("threads", ref.get().get("platformUserId"))
    stale.expires_at = datetime.now(timezone.utc) - timedelta(minutes=5)
    stale.access_token = stale.access_token.replace(stale.access_token.split(".")[3], "1")  # really expired
    ref.update({"tokens": seal_tokens(ref, stale)})
    sid = _submit(client, demo, body(["threads"], "too late"))
    run = _final(client, demo, sid)
    assert run["status"] == "failed" and run["result"]["code"] == "token_expired"
    assert "Session has expired" in run["result"]["message"]
    assert _account(db, demo).get().get("status") == "needs_reconnect"


def test_token_rejected_on_publish_is_refreshed_once(client, demo, sandbox):
    sandbox.fault("threads", "create", "expired_token")
    sid = _submit(client, demo, body(["threads"], "refresh on 190"))
    run = _final(client, demo, sid)
    assert run["status"] == "succeeded" and run["attemptCount"] == 1
    assert len([p for p in sandbox.posts("threads") if p["text"] == "refresh on 190"]) == 1


def test_rate_limit_then_success_reuses_the_finished_container(client, stack, demo, sandbox, db, time_travel):
    calls = Calls(stack)
    sandbox.fault("threads", "create", "rate_limit")
    sid = _submit(client, demo, body(["threads"], "rate limited once"))
    wait_out_the_reset(client, db, time_travel, sid)  # the platform said when; the run waits
    run = _final(client, demo, sid)
    assert run["status"] == "succeeded" and run["attemptCount"] == 2
    stored = _stored_run(db, sid)
    assert stored["lastError"]["code"] == "rate_limited" and stored["lastError"]["retryAfter"] == 60
    assert "Application request limit reached" in stored["lastError"]["message"]
    assert calls().count("container") == 1 and calls().count("create") == 2
    assert len([p for p in sandbox.posts("threads") if p["text"] == "rate limited once"]) == 1


def test_expired_container_is_recreated_on_retry(client, stack, demo, sandbox, db):
    calls = Calls(stack)
    sid = _submit(client, demo, {**body(["threads"], "container expired"), "scheduledTime": "2099-01-01T00:00:00Z"})
    task = {"postSubmissionId": sid, "targetId": TARGET}
    sandbox.fault("threads", "create", "server_error")
    first = call_task(client, "publishThreads", task)
    assert first.status_code >= 400  # retry later
    old = _stored_run(db, sid)["checkpoint"]["containers"]["post"]["id"]
    sandbox.fault("threads", "status", "expired")  # a day later: Threads dropped the container
    retry = call_task(client, "publishThreads", task, retry_count=1)
    assert retry.json()["result"]["outcome"] == "succeeded"
    new = _stored_run(db, sid)["checkpoint"]["containers"]["post"]["id"]
    assert new != old and calls().count("container") == 2
    post = next(p for p in sandbox.posts("threads") if p["text"] == "container expired")
    assert post["containerId"] == new


def test_duplicate_content_is_a_permanent_failure(client, demo, sandbox):
    first = _submit(client, demo, body(["threads"], "same words"), key="th-dup-1")
    assert _final(client, demo, first)["status"] == "succeeded"
    second = _submit(client, demo, body(["threads"], "same words"), key="th-dup-2")
    run = _final(client, demo, second)
    assert run["status"] == "failed" and run["attemptCount"] == 1
    assert run["result"] == {"code": "duplicate_content", "retryable": False,
                             "message": "Duplicate post: this profile already published the same text."}


def test_text_is_counted_as_threads_counts_before_and_at_publishing(client, demo):
    """Threads counts an emoji as its UTF-8 bytes (4 for 🎉): 200 of them are refused at
    submission, naming the rule, before any run exists; 125 (500) are accepted by us and by
    the Threads sandbox, which counts the same way."""
    r = client.post("/v1/posts", json=body(["threads"], "🎉" * 200), headers=demo.key_headers)
    assert r.status_code == 400, r.text
    detail = r.json()["error"]["details"][0]
    assert detail["code"] == "too_big" and detail["platform"] == "threads" and detail["received"] == 800
    assert "an emoji counts its UTF-8 bytes" in detail["message"]

    run = _final(client, demo, _submit(client, demo, body(["threads"], "🎉" * 125)))
    assert run["status"] == "succeeded", run


def test_processing_failure_is_reported(client, demo, stored_media, sandbox):
    sandbox.fault("threads", "container", "processing_failed")
    sid = _submit(client, demo, body(["threads"], "bad codec", mediaIds=[stored_media(demo, "video", 100_000)]))
    run = _final(client, demo, sid)
    assert run["status"] == "failed" and run["attemptCount"] == 1
    assert run["result"]["code"] == "media_processing_failed"
    assert "FAILED_PROCESSING_VIDEO" in run["result"]["message"]


def test_media_threads_cannot_fetch_is_retried_then_reported(client, stack, demo, stored_media, db, sandbox):
    media_id = stored_media(demo, "image", 50_000)
    # The object is in the bucket but its delivery URL answers 404 to Threads.
    db.collection("media").document(media_id).update({"url": f"{stack.base_url}/media/mmissing{media_id}.jpg"})
    sid = _submit(client, demo, body(["threads"], "unfetchable", mediaIds=[media_id]))
    run = _final(client, demo, sid)
    assert run["status"] == "failed" and run["attemptCount"] == 5
    assert run["result"]["code"] == "media_fetch_failed"
    assert "The media could not be fetched from this URI" in run["result"]["message"]
    assert "HTTP 404" in run["result"]["message"]


def test_revoked_authorization_fails_the_run_and_flags_the_account(client, demo, sandbox, db):
    sandbox.revoke("threads", _account(db, demo).get().get("platformUserId"))
    sid = _submit(client, demo, body(["threads"], "revoked"))
    run = _final(client, demo, sid)
    assert run["status"] == "failed" and run["result"]["code"] == "token_expired"
    assert _account(db, demo).get().get("status") == "needs_reconnect"
    r = client.post("/v1/posts", json=body(["threads"], "after revoke"), headers=demo.key_headers)
    assert r.status_code == 400 and r.json()["error"]["code"] == "account_needs_reconnect"


def test_duplicate_delivery_publishes_once(client, demo, sandbox):
    from concurrent.futures import ThreadPoolExecutor

    sid = _submit(client, demo, {**body(["threads"], "delivered twice"), "scheduledTime": "2099-01-01T00:00:00Z"})
    task = {"postSubmissionId": sid, "targetId": TARGET}
    with ThreadPoolExecutor(2) as pool:
        outcomes = sorted(r.json()["result"]["outcome"]
                          for r in pool.map(lambda _: call_task(client, "publishThreads", task), range(2)))
    assert outcomes == ["skipped", "succeeded"]
    assert len([p for p in sandbox.posts("threads") if p["text"] == "delivered twice"]) == 1


def test_killed_between_create_and_result_reconciles_instead_of_posting_twice(client, stack, demo, sandbox, db):
    calls = Calls(stack)
    sid = _submit(client, demo, {**body(["threads"], "exactly once"), "scheduledTime": "2099-01-01T00:00:00Z"})
    task = {"postSubmissionId": sid, "targetId": TARGET}
    # published, but the answer never comes
    killed_while_held(sandbox, "threads", task,
                      lambda: [p for p in sandbox.posts("threads") if p["text"] == "exactly once"], answer_timeout=2)
    run = _stored_run(db, sid)
    assert run["status"] == "processing" and run["checkpoint"]["createArmedAt"]
    assert "publishedId" not in run["checkpoint"]

    retry = call_task(client, "publishThreads", task, retry_count=1)  # Cloud Tasks' retry
    assert retry.json()["result"]["outcome"] == "succeeded"
    posts = [p for p in sandbox.posts("threads") if p["text"] == "exactly once"]
    assert len(posts) == 1
    final = _run(client, demo, sid)
    assert final["status"] == "succeeded" and final["result"]["postId"] == posts[0]["id"]
    assert final["result"]["url"] == posts[0]["url"]
    assert final["attemptCount"] == 2
    assert calls().count("create") == 1 and "lookup" in calls()  # found on the profile, not published again


@pytest.mark.parametrize("kind", ["rate_limit", "expired_token"])
def test_permalink_read_failing_after_publish_still_reconciles(client, stack, demo, sandbox, db, kind, time_travel):
    # threads_publish succeeded; only the permalink read after it fails. The post is live, so
    # the next try (a Cloud Tasks retry, or the same attempt after refreshing the token) must
    # reconcile rather than publish again, and the run must succeed with that post.
    calls = Calls(stack)
    text = f"permalink read fails: {kind}"
    sandbox.fault("threads", "permalink", kind)
    sid = _submit(client, demo, body(["threads"], text))
    if kind == "rate_limit":
        wait_out_the_reset(client, db, time_travel, sid)  # the platform said when; the run waits
    run = _final(client, demo, sid)
    posts = [p for p in sandbox.posts("threads") if p["text"] == text]
    assert len(posts) == 1
    assert run["status"] == "succeeded", run.get("result")
    assert run["result"]["postId"] == posts[0]["id"] and run["result"]["url"] == posts[0]["url"]
    assert calls().count("create") == 1  # threads_publish was never called again


def test_reconcile_finds_the_thread_behind_a_busy_profile(client, stack, demo, sandbox, db):
    """Many runs publish to one profile at once: the interrupted publish's thread is not on the
    profile's first page by the time the retry looks. The lookup follows the cursors."""
    calls = Calls(stack)
    text = "one of many at once (on Threads)"
    sid = _submit(client, demo, {**body(["threads"], text), "scheduledTime": "2099-01-01T00:00:00Z"})
    task = {"postSubmissionId": sid, "targetId": TARGET}
    # published, but the answer never comes
    killed_while_held(sandbox, "threads", task,
                      lambda: [p for p in sandbox.posts("threads") if p["text"] == text], answer_timeout=2)
    made = next(p for p in sandbox.posts("threads") if p["text"] == text)
    for n in range(150):  # newer threads of the same profile, from its other runs
        other = stack.sandboxes.state.record_post("threads", made["subject"], text=f"another run's thread {n}",
                                                  mediaType="TEXT", media=[], children=[], containerId=None, url="")
        other["url"] = f"https://threads.invalid/@{made['subject']}/post/{other['id']}"

    retry = call_task(client, "publishThreads", task, retry_count=1)  # Cloud Tasks' retry
    assert retry.json()["result"]["outcome"] == "succeeded", retry.text
    posts = [p for p in sandbox.posts("threads") if p["text"] == text]
    assert len(posts) == 1
    final = _run(client, demo, sid)
    assert final["status"] == "succeeded" and final["result"]["postId"] == posts[0]["id"]
    assert final["attemptCount"] == 2
    assert calls().count("create") == 1 and calls().count("lookup") >= 2  # paged, not published again


def test_a_thread_is_a_chain_of_replies_under_the_first_post(client, stack, demo, sandbox, db):
    """`post.content.thread`: each reply's container names the post it answers (`reply_to_id`);
    the profile lists the first post, and each post's replies edge lists the next."""
    import uuid

    tag = uuid.uuid4().hex[:8]
    texts = [f"Threads chain {tag} 1/3", f"Threads chain {tag} 2/3", f"Threads chain {tag} 3/3"]
    options = {"threads": {"topicTag": "soku"}}
    sid = _submit(client, demo, body(["threads"], texts[0], thread=[{"text": t} for t in texts[1:]], options=options))
    run = _final(client, demo, sid)
    assert run["status"] == "succeeded", run
    posts = sorted((p for p in sandbox.posts("threads") if p["text"] in texts), key=lambda p: texts.index(p["text"]))
    assert [p["text"] for p in posts] == texts
    assert "replyTo" not in posts[0] and [p["replyTo"] for p in posts[1:]] == [p["id"] for p in posts[:-1]]
    assert {p.get("rootId") for p in posts[1:]} == {posts[0]["id"]}
    assert [part["postId"] for part in run["result"]["thread"]] == [p["id"] for p in posts[1:]]
    assert all(part["url"] for part in run["result"]["thread"])


def test_a_crash_after_a_reply_was_published_finds_it_under_its_parent(client, stack, demo, sandbox, db):
    """The publisher dies after Threads published reply 1 and before recording it; the retry looks
    among the first post's replies (GET /{id}/replies), finds it, and publishes reply 2 once."""
    import uuid

    tag = uuid.uuid4().hex[:8]
    texts = [f"Crash chain {tag} 1/3", f"Crash chain {tag} 2/3", f"Crash chain {tag} 3/3"]
    sid = _submit(client, demo, {**body(["threads"], texts[0], thread=[{"text": t} for t in texts[1:]]),
                                 "scheduledTime": "2099-01-01T00:00:00Z"})
    task = {"postSubmissionId": sid, "targetId": TARGET}
    sandbox.fault("threads", "create", "pass")  # the first post's threads_publish goes through
    killed_while_held(sandbox, "threads", task,
                      lambda: [p for p in sandbox.posts("threads") if p["text"] == texts[1]], answer_timeout=2)
    retry = call_task(client, "publishThreads", task, retry_count=1)
    assert retry.json()["result"]["outcome"] == "succeeded", retry.text
    made = [p["text"] for p in sandbox.posts("threads") if p["text"] in texts]
    assert sorted(made) == sorted(texts)  # each once
