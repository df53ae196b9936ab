"""Facebook Pages publisher against the Facebook sandbox, through the real API and Cloud Tasks
emulator: text/link, photo, multi-photo, video (resumable), reels, and every failure mode."""

from __future__ import annotations

import httpx

from tests.conftest import wait_for
from tests.posting import Target, body, call_task, killed_while_held, submit, wait_out_the_reset

PAGE = "fb_page_42"
TARGET = f"facebook:{PAGE}"
FB = [{"platform": "facebook", "accountId": PAGE}]


_on = Target("facebook", PAGE)
_run, _final, _submit, _account, _stored_run = _on.run, _on.final, submit, _on.account, _on.stored_run
_page_id, _posted, _fb_calls = _on.platform_user_id, _on.posted, _on.calls


def _session(stack, page_id):
    with stack.sandboxes.state.lock:
        return next(s for k, s in stack.sandboxes.state.media.items()
                    if k.startswith("fb:session:") and s["owner"] == page_id)


def test_text_post_with_a_link_reaches_the_page(client, demo, sandbox, db):
    text = "Hello Facebook sandbox https://example.com/launch"
    sid = _submit(client, demo, body(FB, text))
    run = _final(client, demo, sid)
    assert run["status"] == "succeeded", run
    post = _posted(sandbox, run)
    assert post["subject"] == _page_id(db, demo)
    assert post["message"] == text and post["link"] == "https://example.com/launch" and post["kind"] == "text"
    assert run["result"]["postId"].startswith(f"{post['subject']}_")
    page = httpx.get(run["result"]["url"])  # the permalink_url Facebook returned
    assert page.status_code == 200 and "Hello Facebook sandbox" in page.text


def test_single_photo_is_pulled_by_facebook_from_our_media_url(client, stack, demo, stored_media, sandbox):
    media_id = stored_media(demo, "image", 300_000)
    sid = _submit(client, demo, body(FB, "one photo", mediaIds=[media_id]))
    run = _final(client, demo, sid)
    assert run["status"] == "succeeded", run
    post = _posted(sandbox, run)
    assert post["kind"] == "photo" and post["message"] == "one photo" and len(post["media"]) == 1
    with stack.sandboxes.state.lock:
        photo = stack.sandboxes.state.media[f"fb:photo:{post['media'][0]}"]
    assert photo["url"].endswith(f"/media/{media_id}.jpg")  # Facebook fetched our delivery URL itself
    assert photo["bytes"] == len(httpx.get(photo["url"]).content) > 0
    assert "one photo" in httpx.get(run["result"]["url"]).text


def test_multi_photo_post_uploads_unpublished_photos_then_attaches_them(client, stack, demo, stored_media,
                                                                       sandbox, db):
    ids = [stored_media(demo, "image", 200_000 + i) for i in range(3)]
    sid = _submit(client, demo, body(FB, "three photos", mediaIds=ids))
    run = _final(client, demo, sid)
    assert run["status"] == "succeeded", run
    post = _posted(sandbox, run)
    assert post["kind"] == "photos" and post["message"] == "three photos"
    checkpoint = _stored_run(db, sid)["checkpoint"]
    assert post["media"] == [checkpoint["photos"][str(i)] for i in range(3)]
    with stack.sandboxes.state.lock:
        sizes = [stack.sandboxes.state.media[f"fb:photo:{p}"]["bytes"] for p in post["media"]]
    assert sizes == sorted(sizes) and len(set(sizes)) == 3  # each photo fetched from its own URL
    assert "3 photo(s)" in httpx.get(run["result"]["url"]).text


def test_photo_facebook_cannot_fetch_fails_with_the_platforms_message(client, demo, stored_media, db):
    media_id = stored_media(demo, "image", 50_000)
    doc = db.collection("media").document(media_id)
    doc.update({"url": doc.get().get("url").replace(media_id, "m0000000000000000")})  # our URL now answers 404
    sid = _submit(client, demo, body(FB, "unreachable photo", mediaIds=[media_id]))
    run = _final(client, demo, sid)
    assert run["status"] == "failed" and run["attemptCount"] == 1
    assert run["result"]["code"] == "media_processing_failed"
    assert "(#324) Missing or invalid image file" in run["result"]["message"]


def test_video_uploads_resumably_and_waits_for_processing(client, stack, demo, stored_media, sandbox, db):
    size = 9 * 1024 * 1024
    sid = _submit(client, demo, body(FB, "a video", mediaIds=[stored_media(demo, "video", size)]))
    run = _final(client, demo, sid)
    assert run["status"] == "succeeded", run
    post = _posted(sandbox, run)
    assert post["kind"] == "video" and post["video_kind"] == "video" and post["message"] == "a video"
    assert post["size"] == size and post["state"] == "published"
    session = _session(stack, _page_id(db, demo))
    assert session["requests"] == [{"offset": 0, "bytes": size}] and session["handle"]
    calls = _fb_calls(stack)
    assert calls.count("status") >= 3  # processing → processing → ready
    assert "/videos/" in run["result"]["url"] and "a video" in httpx.get(run["result"]["url"]).text


def test_video_resumes_from_facebooks_file_offset_after_a_failed_upload(client, stack, demo, stored_media,
                                                                        sandbox, db):
    size = 6 * 1024 * 1024
    kept = 2 * 1024 * 1024 + 17
    sandbox.fault("facebook", "upload", "server_error", after_bytes=kept)  # the connection breaks mid-way
    sid = _submit(client, demo, body(FB, "resumed video", mediaIds=[stored_media(demo, "video", size)]))
    run = _final(client, demo, sid)
    assert run["status"] == "succeeded" and run["attemptCount"] == 2, run
    session = _session(stack, _page_id(db, demo))
    # The second attempt asked Facebook where it stopped and sent only the rest.
    assert session["requests"] == [{"offset": 0, "bytes": kept}, {"offset": kept, "bytes": size - kept}]
    assert "upload_status" in _fb_calls(stack)
    assert _stored_run(db, sid)["lastError"]["code"] == "platform_unavailable"
    assert _posted(sandbox, run)["size"] == size


def test_reel_when_the_page_prefers_reels_and_the_text_has_no_link(client, stack, demo, stored_media,
                                                                  sandbox, db):
    _account(db, demo).update({"preferReels": True})
    size = 3 * 1024 * 1024
    sandbox.fault("facebook", "reel_upload", "server_error", after_bytes=1000)
    sid = _submit(client, demo, body(FB, "a reel", mediaIds=[stored_media(demo, "video", size)]))
    run = _final(client, demo, sid)
    assert run["status"] == "succeeded" and run["attemptCount"] == 2, run
    post = _posted(sandbox, run)
    assert post["video_kind"] == "reel" and post["size"] == size and post["message"] == "a reel"
    with stack.sandboxes.state.lock:
        reel = stack.sandboxes.state.media[f"fb:video:{post['id']}"]
    assert reel["requests"] == [{"offset": 0, "bytes": 1000}, {"offset": 1000, "bytes": size - 1000}]
    assert "/reel/" in run["result"]["url"] and httpx.get(run["result"]["url"]).status_code == 200

    # With a link in the text the same Page gets a regular video (a reel cannot carry a link).
    sid = _submit(client, demo, body(FB, "see https://example.com", mediaIds=[stored_media(demo, "video", 100_000)]))
    run = _final(client, demo, sid)
    assert run["status"] == "succeeded" and _posted(sandbox, run)["video_kind"] == "video"


def test_expired_page_token_is_renewed_and_stored_sealed(client, demo, db):
    from datetime import datetime, timedelta, timezone

    from devstack.seed import sandbox_tokens
    from shared.platforms import Platform
    from shared.services.publishing.accounts import load_account, seal_tokens

    ref = _account(db, demo)
    stale = sandbox_tokens("facebook", _page_id(db, demo))
    stale.expires_at = datetime.now(timezone.utc) - timedelta(minutes=5)
    stale.access_token = stale.access_token.replace(stale.access_token.split(".")[3], "1")  # really expired
    ref.update({"tokens": seal_tokens(ref, stale)})
    sid = _submit(client, demo, body(FB, "after renewal"))
    assert _final(client, demo, sid)["status"] == "succeeded"
    _, account = load_account(demo.uid, Platform.FACEBOOK, PAGE)
    assert account.tokens.access_token != stale.access_token
    assert account.tokens.refresh_token != stale.refresh_token  # a fresh long-lived user token
    assert account.tokens.expires_at is None  # Page tokens do not expire
    sealed = ref.get().get("tokens")
    assert account.tokens.access_token not in repr(sealed)


def test_graph_190_triggers_one_renewal_then_succeeds(client, demo, sandbox):
    sandbox.fault("facebook", "create", "expired_token")
    sid = _submit(client, demo, body(FB, "renew on 190"))
    run = _final(client, demo, sid)
    assert run["status"] == "succeeded" and run["attemptCount"] == 1
    assert len([p for p in sandbox.posts("facebook") if p["message"] == "renew on 190"]) == 1


def test_rate_limit_then_success(client, demo, sandbox, db, time_travel):
    sandbox.fault("facebook", "create", "rate_limit", regain_in_minutes=2)
    sid = _submit(client, demo, body(FB, "rate limited once"))
    wait_out_the_reset(client, db, time_travel, sid)  # the platform said when; the run waits
    run = _final(client, demo, sid)
    assert run["status"] == "succeeded" and run["attemptCount"] == 2
    stored = _stored_run(db, sid)
    assert stored["lastError"]["code"] == "rate_limited"
    assert stored["lastError"]["retryAfter"] == 120  # X-Business-Use-Case-Usage: 2 minutes
    assert "(#32) Page request limit reached" in stored["lastError"]["message"]
    assert len([p for p in sandbox.posts("facebook") if p["message"] == "rate limited once"]) == 1


def test_duplicate_content_is_a_permanent_failure(client, demo, sandbox):
    first = _submit(client, demo, body(FB, "same words"), key="fb-dup-1")
    assert _final(client, demo, first)["status"] == "succeeded"
    second = _submit(client, demo, body(FB, "same words"), key="fb-dup-2")
    run = _final(client, demo, second)
    assert run["status"] == "failed" and run["attemptCount"] == 1
    from devstack.sandboxes.facebook import DUPLICATE_MESSAGE

    assert run["result"] == {"code": "duplicate_content", "retryable": False, "message": DUPLICATE_MESSAGE}
    assert len([p for p in sandbox.posts("facebook") if p["message"] == "same words"]) == 1


def test_video_processing_failure_is_reported(client, demo, stored_media, sandbox):
    sandbox.fault("facebook", "create", "processing_failed")
    sid = _submit(client, demo, body(FB, "bad codec", mediaIds=[stored_media(demo, "video", 100_000)]))
    run = _final(client, demo, sid)
    assert run["status"] == "failed" and run["result"]["code"] == "media_processing_failed"
    assert "Video Format Is Not Supported" in run["result"]["message"]
    assert [p["state"] for p in sandbox.posts("facebook") if p["message"] == "bad codec"] == ["error"]


def test_revoked_authorization_fails_the_run_and_flags_the_account(client, demo, sandbox, db):
    sandbox.revoke("facebook", _page_id(db, demo))
    sid = _submit(client, demo, body(FB, "revoked"))
    run = _final(client, demo, sid)
    assert run["status"] == "failed" and run["result"]["code"] == "token_expired"
    assert "invalidated" in run["result"]["message"]
    assert _account(db, demo).get().get("status") == "needs_reconnect"
    assert _account(db, demo, "fb_page_main").get().get("status") == "connected"  # the other Page is fine
    r = client.post("/v1/posts", json=body(FB, "after revoke"), headers=demo.key_headers)
    assert r.status_code == 400 and r.json()["error"]["code"] == "account_needs_reconnect"


def test_duplicate_delivery_publishes_once(client, demo, sandbox):
    sid = _submit(client, demo, {**body(FB, "delivered twice"), "scheduledTime": "2099-01-01T00:00:00Z"})
    task = {"postSubmissionId": sid, "targetId": TARGET}
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(2) as pool:
        outcomes = sorted(r.json()["result"]["outcome"]
                          for r in pool.map(lambda _: call_task(client, "publishFacebook", task), range(2)))
    assert outcomes == ["skipped", "succeeded"]
    assert len([p for p in sandbox.posts("facebook") if p["message"] == "delivered twice"]) == 1


def test_killed_between_create_and_result_reconciles_instead_of_posting_twice(client, stack, demo, sandbox, db):
    sid = _submit(client, demo, {**body(FB, "exactly once on Facebook"), "scheduledTime": "2099-01-01T00:00:00Z"})
    task = {"postSubmissionId": sid, "targetId": TARGET}
    # the post is made, the answer never comes
    killed_while_held(sandbox, "facebook", task,
                      lambda: [p for p in sandbox.posts("facebook") if p["message"] == "exactly once on Facebook"])
    run = _stored_run(db, sid)
    assert run["status"] == "processing" and run["checkpoint"]["createArmedAt"]

    retry = call_task(client, "publishFacebook", task, retry_count=1)  # Cloud Tasks' retry
    assert retry.json()["result"]["outcome"] == "succeeded"
    posts = [p for p in sandbox.posts("facebook") if p["message"] == "exactly once on Facebook"]
    assert len(posts) == 1
    final = _run(client, demo, sid)
    assert final["status"] == "succeeded" and final["result"]["postId"] == posts[0]["id"]
    assert final["result"]["url"] == posts[0]["url"]
    assert final["attemptCount"] == 2
    assert "lookup" in _fb_calls(stack)


def _create_then_die(sandbox, db, sid: str, message: str) -> dict:
    """Publish on a second gateway whose create is held (the post is made, the answer never
    comes), then SIGKILL it before it records anything; the run as that leaves it."""
    # the post is made, the answer never comes
    killed_while_held(sandbox, "facebook", {"postSubmissionId": sid, "targetId": TARGET},
                      lambda: [p for p in sandbox.posts("facebook") if p["message"] == message])
    return _stored_run(db, sid)


def test_reconcile_finds_the_post_behind_a_busy_feed(client, stack, demo, sandbox, db):
    """Many runs publish to one Page at once: the interrupted create's post is not on the
    feed's first page by the time the retry looks. The lookup follows the feed's cursors."""
    message = "one of many at once (on Facebook)"
    sid = _submit(client, demo, {**body(FB, message), "scheduledTime": "2099-01-01T00:00:00Z"})
    run = _create_then_die(sandbox, db, sid, message)
    assert run["status"] == "processing" and run["checkpoint"]["createArmedAt"]
    made = next(p for p in sandbox.posts("facebook") if p["message"] == message)
    page = made["subject"]
    for n in range(150):  # newer posts of the same Page, from its other runs
        number = stack.sandboxes.state.next_id()
        path = f"/{page}/posts/{number}"
        stack.sandboxes.state.record_post(
            "facebook", page, id=f"{page}_{number}", kind="text", path=path, url=f"https://facebook.invalid{path}",
            permalink=f"https://facebook.invalid{path}", message=f"another run's post {n}", link=None, media=[],
            published=True)
    retry = call_task(client, "publishFacebook", {"postSubmissionId": sid, "targetId": TARGET}, retry_count=1)
    assert retry.json()["result"]["outcome"] == "succeeded", retry.text
    posts = [p for p in sandbox.posts("facebook") if p["message"] == message]
    assert len(posts) == 1
    final = _run(client, demo, sid)
    assert final["status"] == "succeeded" and final["result"]["postId"] == posts[0]["id"]
    assert final["attemptCount"] == 2
    assert _fb_calls(stack).count("lookup") >= 2  # more than one page read
