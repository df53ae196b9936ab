"""X publisher against the X sandbox: text, images, video, and every failure mode."""

from __future__ import annotations

import httpx

from tests.conftest import wait_for
from tests.posting import Target, account_ref, body, call_task, killed_while_held, submit


_on = Target("x", "x_main", timeout=20)
_run, _final = _on.run, _on.final


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


def _submit(client, user, payload, key=None):
    return submit(client, user, payload, key)


def _account(db, user, account_id="x_main", platform="x"):
    return account_ref(db, user, platform, account_id)


def test_image_post_uploads_each_image(client, stack, demo, stored_media, sandbox):
    ids = [stored_media(demo, "image", 300_000) for _ in range(2)]
    sid = _submit(client, demo, body(["x"], "two images", mediaIds=ids))
    run = _final(client, demo, sid)
    assert run["status"] == "succeeded", run
    post = next(p for p in sandbox.posts("x") if p["id"] == run["result"]["postId"])
    assert len(post["media"]) == 2


def test_video_post_uploads_in_segments_and_waits_for_processing(client, stack, demo, stored_media, sandbox, db):
    media_id = stored_media(demo, "video", 9 * 1024 * 1024)  # three 4 MiB segments
    sid = _submit(client, demo, body(["x"], "a video", mediaIds=[media_id]))
    run = _final(client, demo, sid)
    assert run["status"] == "succeeded", run
    calls = [op for platform, op in stack.sandboxes.state.calls if platform == "x"]
    assert calls.count("append") >= 3 and "status" in calls
    checkpoint = db.collection("postSubmissions").document(sid).collection("runs").document("x:x_main").get().get("checkpoint")
    assert checkpoint["uploads"]["0"] == checkpoint["uploads"]["0"] | {"nextSegment": 3, "finalized": True, "ready": True}


def test_expired_access_token_is_refreshed_and_stored_sealed(client, demo, db):
    from datetime import datetime, timedelta, timezone

    from devstack.seed import sandbox_tokens
    from shared.services.publishing.accounts import load_account, seal_tokens
    from shared.platforms import Platform

    ref = _account(db, demo)
    stale = sandbox_tokens("x", ref.get().get("platformUserId"))
    stale.expires_at = datetime.now(timezone.utc) - timedelta(minutes=5)
    stale.access_token = stale.access_token.replace(stale.access_token.split(".")[3], "1")  # really expired
    ref.update({"tokens": seal_tokens(ref, stale)})
    sid = _submit(client, demo, body(["x"], "after refresh"))
    assert _final(client, demo, sid)["status"] == "succeeded"
    _, account = load_account(demo.uid, Platform.X, "x_main")
    assert account.tokens.access_token != stale.access_token
    assert account.tokens.refresh_token != stale.refresh_token  # rotated, and stored
    assert account.tokens.expires_at > datetime.now(timezone.utc)
    sealed = ref.get().get("tokens")
    assert account.tokens.access_token not in repr(sealed)


def test_platform_401_triggers_one_refresh_then_succeeds(client, demo, sandbox):
    sandbox.fault("x", "create", "expired_token")
    sid = _submit(client, demo, body(["x"], "refresh on 401"))
    run = _final(client, demo, sid)
    assert run["status"] == "succeeded" and run["attemptCount"] == 1


def test_rate_limit_then_success(client, demo, sandbox, db):
    sandbox.fault("x", "create", "rate_limit")
    sid = _submit(client, demo, body(["x"], "rate limited once"))
    run = _final(client, demo, sid)
    assert run["status"] == "succeeded" and run["attemptCount"] == 2
    stored = db.collection("postSubmissions").document(sid).collection("runs").document("x:x_main").get().to_dict()
    assert stored["lastError"]["code"] == "rate_limited"
    assert stored["lastError"]["retryAfter"] is not None
    assert len([p for p in sandbox.posts("x") if p["text"] == "rate limited once"]) == 1


def test_rate_limits_give_up_after_the_cap(client, demo, sandbox):
    sandbox.fault("x", "create", "rate_limit", times=50)
    sid = _submit(client, demo, body(["x"], "always limited"))
    run = _final(client, demo, sid)
    assert run["status"] == "failed" and run["attemptCount"] == 5
    assert run["result"]["code"] == "rate_limited" and "gave up after 5 attempts" in run["result"]["message"]


def test_duplicate_content_is_a_permanent_failure(client, demo, sandbox):
    first = _submit(client, demo, body(["x"], "same words"), key="dup-1")
    assert _final(client, demo, first)["status"] == "succeeded"
    second = _submit(client, demo, body(["x"], "same words"), key="dup-2")
    run = _final(client, demo, second)
    assert run["status"] == "failed" and run["attemptCount"] == 1
    assert run["result"] == {"code": "duplicate_content", "retryable": False,
                             "message": "You are not allowed to create a Tweet with duplicate content."}


def test_processing_failure_is_reported(client, demo, stored_media, sandbox):
    sandbox.fault("x", "finalize", "processing_failed")
    sid = _submit(client, demo, body(["x"], "bad codec", mediaIds=[stored_media(demo, "video", 100_000)]))
    run = _final(client, demo, sid)
    assert run["status"] == "failed"
    assert run["result"]["code"] == "media_processing_failed"
    assert "Unsupported video codec" in run["result"]["message"]


def test_revoked_authorization_fails_the_run_and_flags_the_account(client, demo, sandbox, db):
    sandbox.revoke("x", _account(db, demo).get().get("platformUserId"))
    sid = _submit(client, demo, body(["x"], "revoked"))
    run = _final(client, demo, sid)
    assert run["status"] == "failed" and run["result"]["code"] == "token_expired"
    assert _account(db, demo).get().get("status") == "needs_reconnect"
    # The next post to that account fails fast, at submission.
    r = client.post("/v1/posts", json=body(["x"], "after revoke"), headers=demo.key_headers)
    assert r.status_code == 400 and r.json()["error"]["code"] == "account_needs_reconnect"


def test_duplicate_delivery_publishes_once(client, demo, sandbox):
    sid = _submit(client, demo, {**body(["x"], "delivered twice"), "scheduledTime": "2099-01-01T00:00:00Z"})
    task = {"postSubmissionId": sid, "targetId": "x:x_main"}
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(2) as pool:
        outcomes = sorted(r.json()["result"]["outcome"] for r in pool.map(lambda _: call_task(client, "publishX", task), range(2)))
    assert outcomes == ["skipped", "succeeded"]
    assert len([p for p in sandbox.posts("x") if p["text"] == "delivered twice"]) == 1


def _create_then_die(client, sandbox, db, sid: str, text: str) -> dict:
    """Publish on a second gateway whose create is held (the tweet is made, the answer never
    comes), then SIGKILL it before it records anything; the run as that leaves it."""
    task = {"postSubmissionId": sid, "targetId": "x:x_main"}
    # the tweet is made, the answer never comes
    killed_while_held(sandbox, "x", task, lambda: [p for p in sandbox.posts("x") if p["text"] == text])
    return db.collection("postSubmissions").document(sid).collection("runs").document("x:x_main").get().to_dict()


def _retry_reconciles(client, demo, sandbox, sid: str, text: str) -> None:
    """Cloud Tasks' retry finds the tweet the killed attempt made: no second tweet, run succeeded."""
    retry = call_task(client, "publishX", {"postSubmissionId": sid, "targetId": "x:x_main"}, retry_count=1)
    assert retry.json()["result"]["outcome"] == "succeeded", retry.text
    posts = [p for p in sandbox.posts("x") if p["text"] == text]
    assert len(posts) == 1
    final = _run(client, demo, sid)
    assert final["status"] == "succeeded" and final["result"]["postId"] == posts[0]["id"]
    assert final["attemptCount"] == 2


def test_killed_between_create_and_result_reconciles_instead_of_posting_twice(client, stack, demo, sandbox, db):
    sid = _submit(client, demo, {**body(["x"], "exactly once"), "scheduledTime": "2099-01-01T00:00:00Z"})
    run = _create_then_die(client, sandbox, db, sid, "exactly once")
    assert run["status"] == "processing" and run["checkpoint"]["createArmedAt"]
    _retry_reconciles(client, demo, sandbox, sid, "exactly once")


def test_reconcile_matches_the_text_x_renders_links_and_entities(client, stack, demo, sandbox, db):
    # X returns this tweet as "Read https://t.co/… &amp; share &lt;3": the lookup must still find it.
    text = "Read https://example.com/a?b=1&c=2 & share <3\n\nhttps://soku.example/x."
    sid = _submit(client, demo, {**body(["x"], text), "scheduledTime": "2099-01-01T00:00:00Z"})
    _create_then_die(client, sandbox, db, sid, text)
    rendered = next(p for p in sandbox.posts("x") if p["text"] == text)["rendered"]
    assert "&amp;" in rendered and "https://t.co/" in rendered and "example.com" not in rendered
    _retry_reconciles(client, demo, sandbox, sid, text)


def test_reconcile_matches_a_media_tweet_despite_the_appended_media_link(client, stack, demo, sandbox, db,
                                                                         stored_media):
    text = "Photos & notes"
    sid = _submit(client, demo, {**body(["x"], text, mediaIds=[stored_media(demo, "image", 50_000)]),
                                 "scheduledTime": "2099-01-01T00:00:00Z"})
    _create_then_die(client, sandbox, db, sid, text)
    rendered = next(p for p in sandbox.posts("x") if p["text"] == text)["rendered"]
    assert rendered.startswith("Photos &amp; notes https://t.co/")
    _retry_reconciles(client, demo, sandbox, sid, text)


def test_a_refused_create_is_retried_without_reconciling(client, stack, demo, sandbox):
    # A 429 on create proves no tweet was made: the retry creates straight away,
    # whereas a create that timed out would be reconciled (looked up) first.
    lookups_before = [op for p, op in stack.sandboxes.state.calls if p == "x"].count("lookup")
    sandbox.fault("x", "create", "rate_limit")
    sid = _submit(client, demo, body(["x"], "refused then created"))
    assert _final(client, demo, sid)["status"] == "succeeded"
    assert [op for p, op in stack.sandboxes.state.calls if p == "x"].count("lookup") == lookups_before


def test_reconcile_finds_the_tweet_behind_a_busy_timeline(client, stack, demo, sandbox, db):
    """Many runs publish to one account at once: the interrupted create's tweet is not on the
    timeline's first page by the time the retry looks. The lookup reads every page it needs."""
    text = "one of many at once"
    sid = _submit(client, demo, {**body(["x"], text), "scheduledTime": "2099-01-01T00:00:00Z"})
    _create_then_die(client, sandbox, db, sid, text)
    author = next(p for p in sandbox.posts("x") if p["text"] == text)["subject"]
    for n in range(150):  # newer tweets of the same account, from its other runs
        stack.sandboxes.state.record_post("x", author, text=f"another run's tweet {n}",
                                          rendered=f"another run's tweet {n}", media=[])
    _retry_reconciles(client, demo, sandbox, sid, text)
