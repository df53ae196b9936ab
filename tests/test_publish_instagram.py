"""Instagram publisher against the Instagram sandbox: feed images, carousels, reels, stories,
first comments, the publishing quota, and every failure mode.

Everything goes through the real API (`POST /v1/posts`), the real Cloud Tasks
emulator and the real sandbox over HTTP; the sandbox really downloads each
image and video from the media delivery function, as Instagram does.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import httpx
import pytest

from tests.conftest import wait_for
from tests.posting import (
    SandboxCalls, Target, body, call_task, killed_while_held, object_size, submit, wait_out_the_reset,
)

ACCOUNT = "ig_business"
TARGET = f"instagram:{ACCOUNT}"
IG = [{"platform": "instagram", "accountId": ACCOUNT}]


def _ig(**options):
    return [{"platform": "instagram", "accountId": ACCOUNT, "options": options}]


_on = Target("instagram", ACCOUNT)
_run, _final, _submit, _account, _stored_run = _on.run, _on.final, submit, _on.account, _on.stored_run
_ig_user, _object_size, _post = _on.platform_user_id, object_size, _on.posted


def _posts_with(sandbox, caption):
    return [p for p in sandbox.posts("instagram") if p["caption"] == caption]


def Calls(stack):  # noqa: N802 - stands for the class it was
    """The Instagram operations the sandbox saw from here on (tests run one at a time)."""
    return SandboxCalls(stack, "instagram")


# -- what gets published --------------------------------------------------------------------

def test_text_only_post_is_refused_at_submission(client, demo):
    r = client.post("/v1/posts", json=body(IG, "just words"), headers=demo.key_headers)
    assert r.status_code == 400
    details = r.json()["error"]["details"]
    assert details[0]["platform"] == "instagram"
    assert details[0]["message"] == "Instagram needs an image or a video; this is a text-only post"


def test_image_post_is_pulled_from_the_media_url(client, stack, demo, stored_media, sandbox, db):
    calls = Calls(stack)
    media_id = stored_media(demo, "image", 300_000)
    sid = _submit(client, demo, body(IG, "one image #soku", mediaIds=[media_id]))
    run = _final(client, demo, sid)
    assert run["status"] == "succeeded", run
    post = _post(sandbox, run)
    assert post["mediaType"] == "IMAGE" and post["caption"] == "one image #soku"
    assert [(m["bytes"], m["contentType"]) for m in post["media"]] == [(_object_size(db, media_id), "image/jpeg")]
    assert post["media"][0]["url"].endswith(f"/media/{media_id}.jpg")
    assert run["result"]["url"] == post["url"] and "/p/" in post["url"]  # the permalink Instagram returned
    page = httpx.get(run["result"]["url"])
    assert page.status_code == 200 and "one image #soku" in page.text
    # quota read first, one container, polled, one publish, then the permalink
    assert calls()[:2] == ["publishing_limit", "container"]
    assert calls().count("container") == 1 and calls().count("create") == 1 and "permalink" in calls()


def test_video_post_becomes_a_reel_and_waits_for_processing(client, stack, demo, stored_media, sandbox, db):
    calls = Calls(stack)
    media_id = stored_media(demo, "video", 3 * 1024 * 1024)
    sid = _submit(client, demo, body(IG, "a video", mediaIds=[media_id]))
    run = _final(client, demo, sid)
    assert run["status"] == "succeeded", run
    post = _post(sandbox, run)
    assert post["mediaType"] == "REELS" and post["media"][0]["bytes"] == _object_size(db, media_id)
    assert post["shareToFeed"] is None and post["thumbOffset"] is None  # Instagram's defaults
    assert "/reel/" in run["result"]["url"]
    assert calls().count("status") >= 3  # IN_PROGRESS twice, then FINISHED
    container = _stored_run(db, sid)["checkpoint"]["containers"]["post"]
    assert container["status"] == "FINISHED" and container["id"] == post["containerId"]


def test_carousel_of_images(client, stack, demo, stored_media, sandbox, db):
    calls = Calls(stack)
    ids = [stored_media(demo, "image", 100_000 + i) for i in range(3)]
    sid = _submit(client, demo, body(IG, "three images", mediaIds=ids))
    run = _final(client, demo, sid)
    assert run["status"] == "succeeded", run
    post = _post(sandbox, run)
    assert post["mediaType"] == "CAROUSEL" and len(post["children"]) == 3
    assert [m["bytes"] for m in post["media"]] == [_object_size(db, i) for i in ids]
    assert calls().count("container") == 4 and calls().count("create") == 1  # three children, then the carousel
    containers = _stored_run(db, sid)["checkpoint"]["containers"]
    assert [containers[str(i)]["id"] for i in range(3)] == post["children"]
    assert containers["post"]["children"] == post["children"]


def test_feed_carousel_mixing_images_and_a_video(client, demo, stored_media, sandbox, db):
    ids = [stored_media(demo, "image", 120_000), stored_media(demo, "video", 200_000)]
    sid = _submit(client, demo, body(_ig(kind="feed"), "image then video", mediaIds=ids))
    run = _final(client, demo, sid)
    assert run["status"] == "succeeded", run
    post = _post(sandbox, run)
    assert post["mediaType"] == "CAROUSEL"
    assert [m["contentType"] for m in post["media"]] == ["image/jpeg", "video/mp4"]


def test_reel_options_reach_instagram(client, demo, stored_media, sandbox):
    media_id = stored_media(demo, "video", 500_000)
    payload = body(_ig(thumbOffsetMs=1500), "reel with a cover", mediaIds=[media_id],
                   options={"instagram": {"kind": "reel", "shareToFeed": False}})
    sid = _submit(client, demo, payload)
    run = _final(client, demo, sid)
    assert run["status"] == "succeeded", run
    post = _post(sandbox, run)
    assert post["mediaType"] == "REELS"
    assert post["shareToFeed"] is False and post["thumbOffset"] == 1500


def test_a_single_video_asked_for_the_feed_is_a_reel_shared_to_the_feed(client, demo, stored_media, sandbox):
    sid = _submit(client, demo, body(_ig(kind="feed"), "feed video", mediaIds=[stored_media(demo, "video", 90_000)]))
    run = _final(client, demo, sid)
    assert run["status"] == "succeeded", run
    post = _post(sandbox, run)
    assert post["mediaType"] == "REELS" and post["shareToFeed"] is True


def test_image_story(client, demo, stored_media, sandbox, db):
    media_id = stored_media(demo, "image", 150_000)
    sid = _submit(client, demo, body(_ig(kind="story"), "stories take no caption", mediaIds=[media_id]))
    run = _final(client, demo, sid)
    assert run["status"] == "succeeded", run
    post = _post(sandbox, run)
    assert post["mediaType"] == "STORIES" and post["caption"] == ""
    assert post["media"][0]["bytes"] == _object_size(db, media_id)
    assert f"/stories/{_ig_user(db, demo)}/{post['id']}/" in run["result"]["url"]
    assert httpx.get(run["result"]["url"]).status_code == 200


def test_video_story(client, stack, demo, stored_media, sandbox, db):
    calls = Calls(stack)
    media_id = stored_media(demo, "video", 1024 * 1024)
    sid = _submit(client, demo, body(_ig(kind="story"), "", mediaIds=[media_id]))
    run = _final(client, demo, sid)
    assert run["status"] == "succeeded", run
    post = _post(sandbox, run)
    assert post["mediaType"] == "STORIES"
    assert [(m["bytes"], m["contentType"]) for m in post["media"]] == [(_object_size(db, media_id), "video/mp4")]
    assert calls().count("status") >= 3


def test_story_of_several_items_is_refused_with_a_clear_message(client, demo, stored_media, sandbox):
    ids = [stored_media(demo, "image", 10_000), stored_media(demo, "image", 11_000)]
    sid = _submit(client, demo, body(_ig(kind="story"), "two", mediaIds=ids))
    run = _final(client, demo, sid)
    assert run["status"] == "failed" and run["result"]["code"] == "invalid_media"
    assert run["result"]["message"] == "An Instagram story is one image or one video; this post has 2 media items"


def test_first_comment_is_posted_after_publishing(client, stack, demo, stored_media, sandbox, db):
    calls = Calls(stack)
    payload = body(IG, "with a comment", mediaIds=[stored_media(demo, "image", 50_000)],
                   options={"instagram": {"firstComment": "#more #tags here"}})
    sid = _submit(client, demo, payload)
    run = _final(client, demo, sid)
    assert run["status"] == "succeeded", run
    post = _post(sandbox, run)
    assert [c["text"] for c in post["comments"]] == ["#more #tags here"]
    assert calls().index("comment") > calls().index("create")
    # The outcome is part of the run's result, as GET /v1/posts/{id} shows it.
    assert run["result"]["firstComment"] == {"status": "posted", "commentId": post["comments"][0]["id"]}
    assert "#more #tags here" in httpx.get(run["result"]["url"]).text


def test_a_failed_first_comment_does_not_fail_the_run(client, demo, stored_media, sandbox, db):
    sandbox.fault("instagram", "comment", "rate_limit", code=17)
    payload = body(IG, "comment refused", mediaIds=[stored_media(demo, "image", 50_000)],
                   options={"instagram": {"firstComment": "first!"}})
    sid = _submit(client, demo, payload)
    run = _final(client, demo, sid)
    assert run["status"] == "succeeded" and run["attemptCount"] == 1
    assert _post(sandbox, run)["comments"] == []
    recorded = run["result"]["firstComment"]
    assert recorded["status"] == "failed" and recorded["code"] == "rate_limited"
    assert "(#17) User request limit reached" in recorded["message"]
    assert len(_posts_with(sandbox, "comment refused")) == 1


# -- quota ------------------------------------------------------------------------------------

def test_quota_used_up_is_a_retry_later_failure(client, stack, demo, stored_media, sandbox):
    calls = Calls(stack)
    sandbox.fault("instagram", "publishing_limit", "quota_exhausted", times=50)
    sid = _submit(client, demo, body(IG, "over quota", mediaIds=[stored_media(demo, "image", 20_000)]))
    run = _final(client, demo, sid)
    assert run["status"] == "failed" and run["attemptCount"] == 5
    assert run["result"]["code"] == "publishing_quota_exhausted" and run["result"]["retryable"] is True
    assert "50 of 50 posts in the last 24 hours" in run["result"]["message"]
    assert "gave up after 5 attempts" in run["result"]["message"]
    assert "container" not in calls() and "create" not in calls()
    assert not _posts_with(sandbox, "over quota")


def test_media_publish_answering_2207042_is_a_retry_later_failure(client, stack, demo, stored_media, sandbox, db):
    from devstack.sandboxes.instagram import QUOTA_MESSAGE

    calls = Calls(stack)
    sandbox.fault("instagram", "create", "quota_exhausted", times=50)
    sid = _submit(client, demo, body(IG, "publish over quota", mediaIds=[stored_media(demo, "image", 20_000)]))
    run = _final(client, demo, sid)
    assert run["status"] == "failed" and run["attemptCount"] == 5
    assert run["result"]["code"] == "publishing_quota_exhausted" and run["result"]["retryable"] is True
    assert QUOTA_MESSAGE in run["result"]["message"] and "retried later" in run["result"]["message"]
    assert calls().count("container") == 1 and calls().count("create") == 5  # the container was reused
    assert not _posts_with(sandbox, "publish over quota")


# -- containers -------------------------------------------------------------------------------

def test_expired_container_is_recreated_on_retry(client, stack, demo, stored_media, sandbox, db):
    calls = Calls(stack)
    payload = {**body(IG, "container expired", mediaIds=[stored_media(demo, "image", 30_000)]),
               "scheduledTime": "2099-01-01T00:00:00Z"}
    sid = _submit(client, demo, payload)
    task = {"postSubmissionId": sid, "targetId": TARGET}
    sandbox.fault("instagram", "create", "server_error")
    first = call_task(client, "publishInstagram", task)
    assert first.status_code >= 400  # retry later
    old = _stored_run(db, sid)["checkpoint"]["containers"]["post"]["id"]
    sandbox.fault("instagram", "status", "expired")  # a day later: Instagram dropped the container
    retry = call_task(client, "publishInstagram", task, retry_count=1)
    assert retry.json()["result"]["outcome"] == "succeeded"
    new = _stored_run(db, sid)["checkpoint"]["containers"]["post"]["id"]
    assert new != old and calls().count("container") == 2
    (post,) = _posts_with(sandbox, "container expired")
    assert post["containerId"] == new


def test_publish_answering_not_ready_keeps_polling(client, stack, demo, stored_media, sandbox):
    calls = Calls(stack)
    sandbox.fault("instagram", "create", "not_ready")
    sid = _submit(client, demo, body(IG, "not ready yet", mediaIds=[stored_media(demo, "image", 30_000)]))
    run = _final(client, demo, sid)
    assert run["status"] == "succeeded" and run["attemptCount"] == 1
    ops = calls()
    assert ops.count("create") == 2 and ops[ops.index("create") + 1] == "status"
    assert len(_posts_with(sandbox, "not ready yet")) == 1


# -- authorization -----------------------------------------------------------------------------

def test_expired_access_token_is_renewed_and_stored_sealed(client, demo, stored_media, sandbox, db):
    from devstack.seed import sandbox_tokens
    from shared.platforms import Platform
    from shared.services.publishing.accounts import load_account, seal_tokens

    ref = _account(db, demo)
    stale = sandbox_tokens("instagram", _ig_user(db, demo))
    stale.expires_at = datetime.now(timezone.utc) - timedelta(minutes=5)
    stale.access_token = stale.access_token.replace(stale.access_token.split(".")[3], "1")  # really expired
    ref.update({"tokens": seal_tokens(ref, stale)})
    sid = _submit(client, demo, body(IG, "after renewal", mediaIds=[stored_media(demo, "image", 20_000)]))
    run = _final(client, demo, sid)
    assert run["status"] == "succeeded" and run["attemptCount"] == 1
    assert len(_posts_with(sandbox, "after renewal")) == 1
    _, account = load_account(demo.uid, Platform.INSTAGRAM, ACCOUNT)
    assert account.tokens.access_token != stale.access_token
    assert account.tokens.refresh_token != stale.refresh_token  # a fresh long-lived user token
    assert account.tokens.expires_at is None  # Page tokens do not expire
    assert ref.get().get("status") == "connected"
    sealed = ref.get().get("tokens")
    assert account.tokens.access_token not in repr(sealed) and account.tokens.refresh_token not in repr(sealed)


def test_graph_190_on_publish_renews_once_then_succeeds(client, demo, stored_media, sandbox):
    sandbox.fault("instagram", "create", "expired_token")
    sid = _submit(client, demo, body(IG, "renew on 190", mediaIds=[stored_media(demo, "image", 20_000)]))
    run = _final(client, demo, sid)
    assert run["status"] == "succeeded" and run["attemptCount"] == 1
    assert len(_posts_with(sandbox, "renew on 190")) == 1


def test_expired_authorization_that_cannot_be_renewed(client, demo, stored_media, db):
    from devstack.seed import sandbox_tokens
    from shared.services.publishing.accounts import seal_tokens

    ref = _account(db, demo)
    stale = sandbox_tokens("instagram", _ig_user(db, demo))
    stale.access_token = stale.access_token.replace(stale.access_token.split(".")[3], "1")
    stale.refresh_token = None  # connected without a long-lived user token
    ref.update({"tokens": seal_tokens(ref, stale)})
    sid = _submit(client, demo, body(IG, "too late", mediaIds=[stored_media(demo, "image", 20_000)]))
    run = _final(client, demo, sid)
    assert run["status"] == "failed" and run["result"]["code"] == "token_expired"
    assert "Session has expired" in run["result"]["message"]
    assert ref.get().get("status") == "needs_reconnect"


def test_revoked_authorization_fails_the_run_and_flags_the_account(client, demo, stored_media, sandbox, db):
    sandbox.revoke("instagram", _ig_user(db, demo))
    sid = _submit(client, demo, body(IG, "revoked", mediaIds=[stored_media(demo, "image", 20_000)]))
    run = _final(client, demo, sid)
    assert run["status"] == "failed" and run["result"]["code"] == "token_expired"
    assert "invalidated" in run["result"]["message"]
    assert _account(db, demo).get().get("status") == "needs_reconnect"
    other = (db.collection("users").document(demo.uid).collection("integrations").document("instagram")
             .collection("accounts").document("ig_main"))
    assert other.get().get("status") == "connected"  # the other Instagram account is fine
    r = client.post("/v1/posts", json=body(IG, "after revoke", mediaUrls=["https://example.com/a.jpg"]),
                    headers=demo.key_headers)
    assert r.status_code == 400 and r.json()["error"]["code"] == "account_needs_reconnect"


# -- failures ------------------------------------------------------------------------------------

def test_rate_limit_then_success_reuses_the_finished_container(client, stack, demo, stored_media, sandbox, db, time_travel):
    calls = Calls(stack)
    sandbox.fault("instagram", "create", "rate_limit", regain_in_minutes=2)
    sid = _submit(client, demo, body(IG, "rate limited once", mediaIds=[stored_media(demo, "image", 20_000)]))
    wait_out_the_reset(client, db, time_travel, sid)  # the platform said when; the run waits
    run = _final(client, demo, sid)
    assert run["status"] == "succeeded" and run["attemptCount"] == 2
    stored = _stored_run(db, sid)
    assert stored["lastError"]["code"] == "rate_limited"
    assert stored["lastError"]["retryAfter"] == 120  # X-Business-Use-Case-Usage: 2 minutes
    assert "(#4) Application request limit reached" in stored["lastError"]["message"]
    assert calls().count("container") == 1 and calls().count("create") == 2
    assert len(_posts_with(sandbox, "rate limited once")) == 1


def test_duplicate_content_is_a_permanent_failure(client, demo, stored_media, sandbox):
    from devstack.sandboxes.instagram import DUPLICATE_MESSAGE

    sandbox.fault("instagram", "create", "duplicate")
    sid = _submit(client, demo, body(IG, "same again", mediaIds=[stored_media(demo, "image", 20_000)]))
    run = _final(client, demo, sid)
    assert run["status"] == "failed" and run["attemptCount"] == 1
    assert run["result"] == {"code": "duplicate_content", "retryable": False, "message": DUPLICATE_MESSAGE}
    assert not _posts_with(sandbox, "same again")


def test_processing_failure_is_reported_with_instagrams_message(client, demo, stored_media, sandbox, db):
    sandbox.fault("instagram", "container", "processing_failed")
    sid = _submit(client, demo, body(IG, "bad codec", mediaIds=[stored_media(demo, "video", 100_000)]))
    run = _final(client, demo, sid)
    assert run["status"] == "failed" and run["attemptCount"] == 1
    assert run["result"]["code"] == "media_processing_failed"
    assert "2207026" in run["result"]["message"] and "video format is not supported" in run["result"]["message"]
    assert _stored_run(db, sid)["checkpoint"]["containers"]["post"]["status"] == "ERROR"
    assert not _posts_with(sandbox, "bad codec")


def test_a_download_timeout_in_the_container_is_retried_with_a_new_container(client, stack, demo, stored_media,
                                                                              sandbox, db):
    calls = Calls(stack)
    sandbox.fault("instagram", "container", "processing_failed", subcode=2207003)
    sid = _submit(client, demo, body(IG, "slow download", mediaIds=[stored_media(demo, "video", 100_000)]))
    run = _final(client, demo, sid)
    assert run["status"] == "succeeded" and run["attemptCount"] == 2
    stored = _stored_run(db, sid)
    assert stored["lastError"]["code"] == "media_fetch_failed"
    assert "It takes too long to download the media." in stored["lastError"]["message"]
    assert calls().count("container") == 2
    assert _post(sandbox, run)["containerId"] == stored["checkpoint"]["containers"]["post"]["id"]


@pytest.mark.parametrize("subcode,code,message,expected", [
    (2207001, -1, "Spam: we restrict certain content", "publish_rejected"),
    (2207009, 36003, "The submitted image with aspect ratio ('0.3') cannot be published", "media_processing_failed"),
    (2207004, 36000, "The image is too large to download. It should be less than 8 MiB.", "media_processing_failed"),
    (2207010, 100, "The caption is too long", "text_too_long"),
    (2207050, 25, "The Instagram account is restricted", "publish_rejected"),
    (2207051, 4, "We restrict certain activity to protect our community.", "publish_rejected"),
])
def test_instagram_refusals_are_permanent_with_the_platforms_message(client, demo, stored_media, sandbox,
                                                                      subcode, code, message, expected):
    sandbox.fault("instagram", "container", "graph_error", code=code, subcode=subcode, message=message)
    sid = _submit(client, demo, body(IG, f"refused {subcode}", mediaIds=[stored_media(demo, "image", 20_000)]))
    run = _final(client, demo, sid)
    assert run["status"] == "failed" and run["attemptCount"] == 1
    assert run["result"] == {"code": expected, "retryable": False, "message": message}


def test_media_instagram_cannot_fetch_is_retried_then_reported(client, stack, demo, stored_media, db):
    media_id = stored_media(demo, "image", 50_000)
    # The object is in the bucket but its delivery URL answers 404 to Instagram.
    db.collection("media").document(media_id).update({"url": f"{stack.base_url}/media/mmissing{media_id}.jpg"})
    sid = _submit(client, demo, body(IG, "unfetchable", mediaIds=[media_id]))
    run = _final(client, demo, sid)
    assert run["status"] == "failed" and run["attemptCount"] == 5
    assert run["result"]["code"] == "media_fetch_failed"
    assert "The media could not be fetched from this URI" in run["result"]["message"]
    assert "HTTP 404" in run["result"]["message"]


# -- exactly once ---------------------------------------------------------------------------------

def test_duplicate_delivery_publishes_once(client, demo, stored_media, sandbox):
    from concurrent.futures import ThreadPoolExecutor

    payload = {**body(IG, "delivered twice", mediaIds=[stored_media(demo, "image", 20_000)]),
               "scheduledTime": "2099-01-01T00:00:00Z"}
    sid = _submit(client, demo, payload)
    task = {"postSubmissionId": sid, "targetId": TARGET}
    with ThreadPoolExecutor(2) as pool:
        outcomes = sorted(r.json()["result"]["outcome"]
                          for r in pool.map(lambda _: call_task(client, "publishInstagram", task), range(2)))
    assert outcomes == ["skipped", "succeeded"]
    assert len(_posts_with(sandbox, "delivered twice")) == 1


def _publish_then_die(sandbox, db, sid: str, caption: str) -> dict:
    """Publish on a second gateway whose media_publish is held (the post is made, the answer
    never comes), then SIGKILL it before it records anything; the run as that leaves it."""
    task = {"postSubmissionId": sid, "targetId": TARGET}
    # published, but the answer never comes
    killed_while_held(sandbox, "instagram", task, lambda: _posts_with(sandbox, caption), answer_timeout=2)
    return _stored_run(db, sid)


def _retry_reconciles(client, calls, demo, sandbox, sid: str, caption: str) -> list[dict]:
    """Cloud Tasks' retry finds the post the killed attempt made: no second post, run succeeded."""
    retry = call_task(client, "publishInstagram", {"postSubmissionId": sid, "targetId": TARGET}, retry_count=1)
    assert retry.json()["result"]["outcome"] == "succeeded", retry.text
    posts = _posts_with(sandbox, caption)
    assert len(posts) == 1
    final = _run(client, demo, sid)
    assert final["status"] == "succeeded" and final["result"]["postId"] == posts[0]["id"]
    assert final["result"]["url"] == posts[0]["url"]
    assert final["attemptCount"] == 2
    assert calls().count("create") == 1 and "lookup" in calls()  # found on the account, not published again
    return posts


def test_killed_between_create_and_result_reconciles_instead_of_posting_twice(client, stack, demo, stored_media,
                                                                              sandbox, db):
    calls = Calls(stack)
    payload = {**body(IG, "exactly once", mediaIds=[stored_media(demo, "image", 20_000)],
                      options={"instagram": {"firstComment": "only one comment"}}),
               "scheduledTime": "2099-01-01T00:00:00Z"}
    sid = _submit(client, demo, payload)
    run = _publish_then_die(sandbox, db, sid, "exactly once")
    assert run["status"] == "processing" and run["checkpoint"]["createArmedAt"]
    assert "publishedId" not in run["checkpoint"]
    posts = _retry_reconciles(client, calls, demo, sandbox, sid, "exactly once")
    assert [c["text"] for c in posts[0]["comments"]] == ["only one comment"]


def test_reconcile_matches_the_caption_instagram_lists_without_the_mentions_at(client, stack, demo, stored_media,
                                                                               sandbox, db):
    # Instagram lists this caption as "Shot with anna.k and studio_9 …": the IG Media reference
    # says `caption` excludes the @ symbol for readers without admin tasks on the linked Page.
    from devstack.sandboxes.instagram import listed_caption

    calls = Calls(stack)
    caption = "Shot with @anna.k and @studio_9 #behindthescenes"
    sid = _submit(client, demo, {**body(IG, caption, mediaIds=[stored_media(demo, "image", 20_000)]),
                                 "scheduledTime": "2099-01-01T00:00:00Z"})
    _publish_then_die(sandbox, db, sid, caption)
    assert listed_caption(caption) == "Shot with anna.k and studio_9 #behindthescenes"
    _retry_reconciles(client, calls, demo, sandbox, sid, caption)


@pytest.mark.parametrize("kind", ["rate_limit", "expired_token"])
def test_permalink_read_failing_after_publish_still_reconciles(client, stack, demo, stored_media, sandbox, kind, time_travel, db):
    # media_publish succeeded; only the permalink read after it fails. The retry must
    # reconcile (not call media_publish again) and the run must succeed with that post.
    calls = Calls(stack)
    caption = f"permalink read fails: {kind}"
    sandbox.fault("instagram", "permalink", kind)
    sid = _submit(client, demo, body(IG, caption, mediaIds=[stored_media(demo, "image", 50_000)]))
    if kind == "rate_limit":
        wait_out_the_reset(client, db, time_travel, sid)  # the platform said when; the run waits
    run = _final(client, demo, sid)
    posts = _posts_with(sandbox, caption)
    assert len(posts) == 1
    assert run["status"] == "succeeded", run.get("result")
    assert run["result"]["postId"] == posts[0]["id"]
    assert calls().count("create") == 1  # media_publish was never called again


def test_reconcile_finds_the_post_behind_a_busy_account(client, stack, demo, stored_media, sandbox, db):
    """Many runs publish to one account at once: the interrupted publish's post is not on the
    media edge's first page by the time the retry looks. The lookup follows the cursors."""
    calls = Calls(stack)
    caption = "one of many at once (on Instagram)"
    sid = _submit(client, demo, {**body(IG, caption, mediaIds=[stored_media(demo, "image", 20_000)]),
                                 "scheduledTime": "2099-01-01T00:00:00Z"})
    _publish_then_die(sandbox, db, sid, caption)
    made = _posts_with(sandbox, caption)[0]
    for n in range(150):  # newer posts of the same account, from its other runs
        other = stack.sandboxes.state.record_post(
            "instagram", made["subject"], mediaType="IMAGE", caption=f"another run's post {n}", media=[],
            children=[], containerId=None, shareToFeed=True, thumbOffset=None, comments=[], url="")
        other["url"] = f"https://instagram.invalid/p/{other['id']}/"
    _retry_reconciles(client, calls, demo, sandbox, sid, caption)
    assert calls().count("lookup") >= 2  # more than one page read
