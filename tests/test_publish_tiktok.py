"""TikTok publisher against the TikTok sandbox, through the real API and Cloud Tasks emulator:
videos (chunked uploads, URL pulls), photo posts, every option, and every failure mode."""

from __future__ import annotations

import httpx
import pytest

from tests.conftest import wait_for
from tests.posting import Target, body, call_task, killed_while_held, make_due, submit, wait_out_the_reset

ACCOUNT = "tt_creator"
TARGET = f"tiktok:{ACCOUNT}"
TT = [{"platform": "tiktok", "accountId": ACCOUNT}]
MB = 1024 * 1024


_on = Target("tiktok", ACCOUNT, timeout=45)
_run, _final, _submit, _account, _stored_run = _on.run, _on.final, submit, _on.account, _on.stored_run
_open_id = _on.platform_user_id


def _tiktok(text, options=None, **content):
    payload = body(TT, text, **content)
    if options is not None:
        payload["post"]["content"]["options"] = {"tiktok": options}
    return payload


def _posts_of(sandbox, open_id):
    return [p for p in sandbox.posts("tiktok") if p["subject"] == open_id]


def _publishes_of(stack, open_id):
    with stack.sandboxes.state.lock:
        return [dict(p) for p in stack.sandboxes.state.media.get("tt:publishes", {}).values() if p["owner"] == open_id]


def _calls(stack, operation):
    return [op for op in _on.calls(stack) if op == operation]


def _creator(stack, open_id, **settings):
    httpx.post(f"{stack.sandboxes.base_url}/tiktok/__sandbox/creators/{open_id}", json=settings).raise_for_status()


# -- what can be posted ----------------------------------------------------------------------

def test_text_only_post_is_refused_at_submission(client, demo):
    r = client.post("/v1/posts", json=_tiktok("just words"), headers=demo.key_headers)
    assert r.status_code == 400, r.text
    error = r.json()["error"]
    assert error["code"] == "validation_error"
    assert error["details"][0]["platform"] == "tiktok" and error["details"][0]["code"] == "invalid_media"
    assert "TikTok needs an image or a video" in error["details"][0]["message"]


def test_video_is_uploaded_whole_as_self_only_and_waits_for_processing(client, stack, demo, stored_media,
                                                                       sandbox, db):
    size = 3 * MB  # under 5 MB: one piece
    sid = _submit(client, demo, _tiktok("a small video", mediaIds=[stored_media(demo, "video", size)]))
    run = _final(client, demo, sid)
    assert run["status"] == "succeeded", run
    [post] = _posts_of(sandbox, _open_id(db, demo))
    assert post["mediaType"] == "VIDEO" and post["source"] == "FILE_UPLOAD" and post["title"] == "a small video"
    assert post["privacyLevel"] == "SELF_ONLY"  # no privacyLevel given: what unaudited apps may use
    assert post["chunks"] == [{"index": 0, "range": f"0-{size - 1}", "bytes": size}]
    assert post["media"][0]["bytes"] == size and post["media"][0]["contentType"] == "video/mp4"
    # A private post never gets a public id: the result is the publish_id, no URL, and why.
    assert run["result"]["postId"] == post["publishId"] and run["result"]["url"] is None
    assert run["result"]["publishId"] == post["publishId"] and run["result"]["urlUnavailable"] == "private"
    stored = _stored_run(db, sid)
    assert stored["checkpoint"]["upload"] | {"done": True, "nextChunk": 1, "count": 1} == stored["checkpoint"]["upload"]


def test_public_video_gets_its_post_url_after_moderation(client, demo, stored_media, sandbox, db):
    sid = _submit(client, demo, _tiktok("public video", {"privacyLevel": "PUBLIC_TO_EVERYONE"},
                                        mediaIds=[stored_media(demo, "video", 2 * MB)]))
    run = _final(client, demo, sid)
    assert run["status"] == "succeeded", run
    [post] = _posts_of(sandbox, _open_id(db, demo))
    assert run["result"]["postId"] == post["id"] and run["result"]["url"] == post["url"]
    assert run["result"]["url"].endswith(f"/@{post['username']}/video/{post['id']}")
    # The video id, not the publish_id; the publish_id still comes along, and nothing is missing.
    assert post["id"].isdigit() and run["result"]["publishId"] == post["publishId"] != post["id"]
    assert run["result"]["urlUnavailable"] is None
    page = httpx.get(run["result"]["url"])
    assert page.status_code == 200 and "public video" in page.text


def test_public_video_still_in_moderation_has_no_url_and_says_so(client, demo, stored_media, sandbox, db,
                                                                 monkeypatch):
    from dataclasses import replace

    from shared.platforms.tiktok import publisher as tiktok

    # TikTok has not made it public by the time Soku stops waiting: no video id, so no URL.
    monkeypatch.setattr(tiktok, "LIMITS", replace(tiktok.LIMITS, moderation_wait_s=-1))
    sid = _submit(client, demo, _tiktok("in moderation", {"privacyLevel": "PUBLIC_TO_EVERYONE"},
                                        mediaIds=[stored_media(demo, "video", 2 * MB)]))
    run = _final(client, demo, sid)
    assert run["status"] == "succeeded", run
    [post] = _posts_of(sandbox, _open_id(db, demo))
    assert run["result"]["url"] is None and run["result"]["urlUnavailable"] == "moderation"
    assert run["result"]["postId"] == run["result"]["publishId"] == post["publishId"]


def test_multi_chunk_upload_follows_tiktoks_chunk_rules(client, stack, demo, stored_media, sandbox, db):
    size = 21 * MB  # 10 MiB chunks: floor(21/10) = 2, the last one takes the trailing 1 MiB
    sid = _submit(client, demo, _tiktok("two chunks", mediaIds=[stored_media(demo, "video", size)]))
    run = _final(client, demo, sid)
    assert run["status"] == "succeeded", run
    [post] = _posts_of(sandbox, _open_id(db, demo))
    assert post["chunks"] == [{"index": 0, "range": f"0-{10 * MB - 1}", "bytes": 10 * MB},
                              {"index": 1, "range": f"{10 * MB}-{size - 1}", "bytes": 11 * MB}]
    assert post["media"][0]["bytes"] == size
    [publish] = _publishes_of(stack, post["subject"])
    assert (publish["size"], publish["chunkSize"], publish["count"]) == (size, 10 * MB, 2)


@pytest.mark.parametrize("size, expected", [
    (1, (1, 1)),
    (4 * MB, (4 * MB, 1)),  # under 5 MB: whole
    (5 * MB, (5 * MB, 1)),
    (10 * MB, (10 * MB, 1)),  # up to one chunk's worth: whole
    (15 * MB, (15 * MB, 1)),  # floor(15/10) = 1 chunk holding everything
    (21 * MB, (10 * MB, 2)),
    (64 * MB, (10 * MB, 6)),
    (65 * MB, (10 * MB, 6)),  # over 64 MB: several chunks, the last one 15 MiB
    (4096 * MB, (10 * MB, 409)),
])
def test_chunk_arithmetic(size, expected):
    from devstack.sandboxes.tiktok import check_chunks
    from shared.platforms.tiktok.publisher import chunk_ranges, plan_chunks

    chunk_size, count = plan_chunks(size)
    assert (chunk_size, count) == expected
    assert count == size // chunk_size and 1 <= count <= 1000  # TikTok: count = floor(size / chunk)
    ranges = chunk_ranges(size, chunk_size, count)
    assert ranges[0][0] == 0 and ranges[-1][1] == size
    assert all(a[1] == b[0] for a, b in zip(ranges, ranges[1:]))  # contiguous, in order
    if size >= 5 * MB:
        assert all(5 * MB <= end - start <= 64_000_000 for start, end in ranges[:-1])
    assert ranges[-1][1] - ranges[-1][0] <= 128_000_000
    if size > 64 * MB:
        assert count > 1
    assert check_chunks(size, chunk_size, count) is None  # and the sandbox, coded from the same rules, agrees


def test_chunk_arithmetic_caps_the_chunk_count():
    from shared.services.publishing.errors import PermanentError
    from shared.platforms.tiktok.publisher import plan_chunks

    size = 20 * 1024 * MB  # 2048 chunks of 10 MiB would be too many: chunks grow instead
    chunk_size, count = plan_chunks(size, target=10 * MB)
    assert count <= 1000 and 5 * MB <= chunk_size <= 64_000_000 and count == size // chunk_size
    with pytest.raises(PermanentError):
        plan_chunks(0)


def test_upload_resumes_after_a_failed_chunk_without_sending_the_first_again(client, stack, demo, stored_media,
                                                                             sandbox, db):
    sandbox.fault("tiktok", "upload", "server_error", chunk=1)  # the second chunk's PUT fails once
    sid = _submit(client, demo, _tiktok("resumed upload", mediaIds=[stored_media(demo, "video", 21 * MB)]))
    run = _final(client, demo, sid)
    assert run["status"] == "succeeded" and run["attemptCount"] == 2, run
    [post] = _posts_of(sandbox, _open_id(db, demo))
    assert [c["index"] for c in post["chunks"]] == [0, 1]  # chunk 0 went once
    assert len(_publishes_of(stack, post["subject"])) == 1  # the same upload session, resumed
    assert _stored_run(db, sid)["lastError"]["code"] == "platform_unavailable"


def test_an_expired_upload_session_starts_a_new_init(client, stack, demo, stored_media, sandbox, db):
    sandbox.fault("tiktok", "upload", "expired", chunk=1)  # TikTok drops the session mid-upload
    sid = _submit(client, demo, _tiktok("new session", mediaIds=[stored_media(demo, "video", 21 * MB)]))
    run = _final(client, demo, sid)
    assert run["status"] == "succeeded", run
    open_id = _open_id(db, demo)
    [post] = _posts_of(sandbox, open_id)
    publishes = _publishes_of(stack, open_id)
    assert len(publishes) == 2 and [p["postId"] for p in publishes].count(None) == 1
    assert run["result"]["postId"] == post["publishId"] and post["chunks"][0]["index"] == 0


def test_single_image_is_a_photo_post_pulled_from_our_url(client, demo, stored_media, sandbox, db):
    media_id = stored_media(demo, "image", 200_000)
    sid = _submit(client, demo, _tiktok("one photo", mediaIds=[media_id]))
    run = _final(client, demo, sid)
    assert run["status"] == "succeeded", run
    [post] = _posts_of(sandbox, _open_id(db, demo))
    assert post["mediaType"] == "PHOTO" and post["source"] == "PULL_FROM_URL"
    assert post["description"] == "one photo" and post["title"] == "" and post["photoCoverIndex"] == 0
    assert [m["bytes"] for m in post["media"]] == [200_000]
    # Pulled from this attempt's own URL of the file (media/pull_grants.py), which TikTok fetched.
    assert post["media"][0]["url"].split("?grant=")[0].endswith(f"/media/{media_id}.jpg")


def test_photo_post_with_title_cover_music_and_privacy(client, demo, stored_media, sandbox, db):
    ids = [stored_media(demo, "image", 100_000 + i) for i in range(3)]
    options = {"privacyLevel": "MUTUAL_FOLLOW_FRIENDS", "title": "Three photos", "photoCoverIndex": 2,
               "autoAddMusic": True, "disableComment": True, "brandOrganicToggle": True}
    sid = _submit(client, demo, _tiktok("the description", options, mediaIds=ids))
    run = _final(client, demo, sid)
    assert run["status"] == "succeeded", run
    [post] = _posts_of(sandbox, _open_id(db, demo))
    assert post["title"] == "Three photos" and post["description"] == "the description"
    assert post["photoCoverIndex"] == 2 and post["autoAddMusic"] is True and post["disableComment"] is True
    assert post["privacyLevel"] == "MUTUAL_FOLLOW_FRIENDS" and post["brandOrganicToggle"] is True
    assert [m["bytes"] for m in post["media"]] == [100_000, 100_001, 100_002]  # in order
    assert run["result"]["url"] and "Three photos" in httpx.get(run["result"]["url"]).text


def test_png_photos_are_refused_before_calling_tiktok(client, stack, demo, stored_media):
    inits = len(_calls(stack, "create"))
    sid = _submit(client, demo, _tiktok("png", mediaIds=[stored_media(demo, "image", 1000, "image/png")]))
    run = _final(client, demo, sid)
    assert run["status"] == "failed" and run["result"]["code"] == "unsupported_media"
    assert "JPEG or WebP" in run["result"]["message"]
    assert len(_calls(stack, "create")) == inits


def test_photo_tiktok_cannot_fetch_fails_with_the_reason(client, demo, stored_media, db):
    media_id = stored_media(demo, "image", 50_000)
    doc = db.collection("media").document(media_id)
    doc.update({"url": doc.get().get("url").replace(media_id, "m0000000000000000")})  # our URL now answers 404
    sid = _submit(client, demo, _tiktok("unreachable photo", mediaIds=[media_id]))
    run = _final(client, demo, sid)
    assert run["status"] == "failed" and run["attemptCount"] == 1
    assert run["result"]["code"] == "media_processing_failed" and "photo_pull_failed" in run["result"]["message"]


def test_video_is_pulled_from_url_when_our_domain_is_verified(client, demo, stored_media, sandbox, db, monkeypatch):
    monkeypatch.setenv("SOKU_TIKTOK_VERIFIED_DOMAINS", "127.0.0.1")
    size = 12 * MB
    media_id = stored_media(demo, "video", size)
    sid = _submit(client, demo, _tiktok("pulled video", mediaIds=[media_id]))
    run = _final(client, demo, sid)
    assert run["status"] == "succeeded", run
    [post] = _posts_of(sandbox, _open_id(db, demo))
    assert post["source"] == "PULL_FROM_URL" and post["chunks"] == []
    assert post["media"][0]["bytes"] == size and post["media"][0]["url"].split("?grant=")[0].endswith(f"/media/{media_id}.mp4")
    assert run["result"]["postId"] == post["publishId"]


def test_pull_from_an_unverified_domain_is_refused(client, stack, demo, stored_media, sandbox, db, monkeypatch):
    monkeypatch.setenv("SOKU_TIKTOK_VERIFIED_DOMAINS", "127.0.0.1")  # we believe it verified, TikTok does not
    control = f"{stack.sandboxes.base_url}/tiktok/__sandbox/verified_domains"
    httpx.put(control, json={"domains": ["media.soku.example"]}).raise_for_status()
    try:
        sid = _submit(client, demo, _tiktok("unverified", mediaIds=[stored_media(demo, "video", MB)]))
        run = _final(client, demo, sid)
    finally:
        httpx.put(control, json={"domains": ["127.0.0.1", "localhost"]}).raise_for_status()
    assert run["status"] == "failed" and run["attemptCount"] == 1
    assert run["result"]["code"] == "url_ownership_unverified"
    assert "not verified" in run["result"]["message"]
    assert _posts_of(sandbox, _open_id(db, demo)) == []


# -- options and the creator's settings ----------------------------------------------------------

def test_every_video_option_reaches_tiktok(client, demo, stored_media, sandbox, db):
    options = {"privacyLevel": "FOLLOWER_OF_CREATOR", "disableComment": True, "disableDuet": True,
               "disableStitch": True, "videoCoverTimestampMs": 1500, "brandContentToggle": True,
               "brandOrganicToggle": True, "isAigc": True}
    sid = _submit(client, demo, _tiktok("with options", options, mediaIds=[stored_media(demo, "video", MB)]))
    run = _final(client, demo, sid)
    assert run["status"] == "succeeded", run
    [post] = _posts_of(sandbox, _open_id(db, demo))
    assert {k: post[k] for k in ("privacyLevel", "disableComment", "disableDuet", "disableStitch",
                                 "videoCoverTimestampMs", "brandContentToggle", "brandOrganicToggle", "isAigc")} == {
        "privacyLevel": "FOLLOWER_OF_CREATOR", "disableComment": True, "disableDuet": True, "disableStitch": True,
        "videoCoverTimestampMs": 1500, "brandContentToggle": True, "brandOrganicToggle": True, "isAigc": True}


def test_interactions_the_creator_turned_off_stay_off(client, stack, demo, stored_media, sandbox, db):
    open_id = _open_id(db, demo)
    _creator(stack, open_id, comment_disabled=True, duet_disabled=True)
    sid = _submit(client, demo, _tiktok("creator settings", mediaIds=[stored_media(demo, "video", MB)]))
    assert _final(client, demo, sid)["status"] == "succeeded"
    [post] = _posts_of(sandbox, open_id)
    assert (post["disableComment"], post["disableDuet"], post["disableStitch"]) == (True, True, False)


def test_a_privacy_level_the_account_does_not_offer_is_refused(client, stack, demo, stored_media, sandbox, db):
    open_id = _open_id(db, demo)
    _creator(stack, open_id, privacy_level_options=["FOLLOWER_OF_CREATOR", "SELF_ONLY"])
    inits = len(_calls(stack, "create"))
    sid = _submit(client, demo, _tiktok("too public", {"privacyLevel": "PUBLIC_TO_EVERYONE"},
                                        mediaIds=[stored_media(demo, "video", MB)]))
    run = _final(client, demo, sid)
    assert run["status"] == "failed" and run["attemptCount"] == 1
    assert run["result"]["code"] == "privacy_level_option_mismatch"
    assert "PUBLIC_TO_EVERYONE" in run["result"]["message"]
    assert "FOLLOWER_OF_CREATOR, SELF_ONLY" in run["result"]["message"]
    assert len(_calls(stack, "create")) == inits and _posts_of(sandbox, open_id) == []


def test_without_a_privacy_level_self_only_must_be_offered(client, stack, demo, stored_media, db):
    _creator(stack, _open_id(db, demo), privacy_level_options=["PUBLIC_TO_EVERYONE"])
    sid = _submit(client, demo, _tiktok("no level", mediaIds=[stored_media(demo, "video", MB)]))
    run = _final(client, demo, sid)
    assert run["status"] == "failed" and run["result"]["code"] == "privacy_level_option_mismatch"
    assert "privacyLevel" in run["result"]["message"] and "PUBLIC_TO_EVERYONE" in run["result"]["message"]


def test_unaudited_client_posting_publicly_is_refused(client, stack, demo, stored_media, db):
    _creator(stack, _open_id(db, demo), unaudited=True)
    sid = _submit(client, demo, _tiktok("unaudited", {"privacyLevel": "PUBLIC_TO_EVERYONE"},
                                        mediaIds=[stored_media(demo, "video", MB)]))
    run = _final(client, demo, sid)
    assert run["status"] == "failed" and run["attemptCount"] == 1
    assert run["result"]["code"] == "unaudited_client_can_only_post_to_private_accounts"


# -- failures ------------------------------------------------------------------------------------

def test_daily_post_cap_is_a_failure_that_says_so(client, demo, stored_media, sandbox):
    sandbox.fault("tiktok", "create", "too_many_posts")
    sid = _submit(client, demo, _tiktok("one too many", mediaIds=[stored_media(demo, "video", MB)]))
    run = _final(client, demo, sid)
    assert run["status"] == "failed" and run["attemptCount"] == 1
    assert run["result"]["code"] == "publishing_quota_exhausted" and run["result"]["retryable"] is False
    assert "daily posting limit" in run["result"]["message"]
    assert "spam_risk_too_many_posts" in run["result"]["message"]


def test_expired_access_token_is_refreshed_and_stored_sealed(client, demo, stored_media, db):
    from datetime import datetime, timedelta, timezone

    from devstack.seed import sandbox_tokens
    from shared.platforms import Platform
    from shared.services.publishing.accounts import load_account, seal_tokens

    ref = _account(db, demo)
    stale = sandbox_tokens("tiktok", ref.get().get("platformUserId"))
    stale.expires_at = datetime.now(timezone.utc) - timedelta(minutes=5)
    stale.access_token = stale.access_token.replace(stale.access_token.split(".")[3], "1")  # really expired
    ref.update({"tokens": seal_tokens(ref, stale)})
    sid = _submit(client, demo, _tiktok("after refresh", mediaIds=[stored_media(demo, "video", MB)]))
    assert _final(client, demo, sid)["status"] == "succeeded"
    _, account = load_account(demo.uid, Platform.TIKTOK, ACCOUNT)
    assert account.tokens.access_token != stale.access_token
    assert account.tokens.refresh_token != stale.refresh_token  # rotated, and stored
    assert account.tokens.expires_at > datetime.now(timezone.utc) + timedelta(hours=23)  # expires_in trusted
    assert account.tokens.access_token not in repr(ref.get().get("tokens"))


def test_access_token_invalid_triggers_one_refresh_then_succeeds(client, demo, stored_media, sandbox):
    sandbox.fault("tiktok", "creator_info", "expired_token")
    sid = _submit(client, demo, _tiktok("refresh on 401", mediaIds=[stored_media(demo, "video", MB)]))
    run = _final(client, demo, sid)
    assert run["status"] == "succeeded" and run["attemptCount"] == 1


@pytest.mark.parametrize("kind", ["video", "image"])  # an upload init, and a pull init (whose refusal is an answer)
def test_rate_limit_then_success(client, demo, stored_media, sandbox, db, kind, time_travel):
    sandbox.fault("tiktok", "create", "rate_limit")
    sid = _submit(client, demo, _tiktok("rate limited once", mediaIds=[stored_media(demo, kind, MB)]))
    wait_out_the_reset(client, db, time_travel, sid)  # the platform said when; the run waits
    run = _final(client, demo, sid)
    assert run["status"] == "succeeded" and run["attemptCount"] == 2
    stored = _stored_run(db, sid)
    assert stored["lastError"]["code"] == "rate_limited" and stored["lastError"]["retryAfter"] == 60
    assert len(_posts_of(sandbox, _open_id(db, demo))) == 1


def test_internal_error_is_retried(client, demo, stored_media, sandbox):
    sandbox.fault("tiktok", "status", "server_error")
    sid = _submit(client, demo, _tiktok("internal once", mediaIds=[stored_media(demo, "video", MB)]))
    run = _final(client, demo, sid)
    assert run["status"] == "succeeded" and run["attemptCount"] == 2


def test_duplicate_content_is_a_permanent_failure(client, demo, stored_media, sandbox):
    sandbox.fault("tiktok", "create", "duplicate")
    sid = _submit(client, demo, _tiktok("same video", mediaIds=[stored_media(demo, "video", MB)]))
    run = _final(client, demo, sid)
    assert run["status"] == "failed" and run["attemptCount"] == 1
    assert run["result"] == {"code": "duplicate_content", "retryable": False,
                             "message": "This content was already posted to this account. Change it and try again."}


def test_processing_failure_is_reported_with_tiktoks_reason(client, demo, stored_media, sandbox, db):
    sandbox.fault("tiktok", "create", "processing_failed", reason="frame_rate_check_failed")
    sid = _submit(client, demo, _tiktok("bad frame rate", mediaIds=[stored_media(demo, "video", MB)]))
    run = _final(client, demo, sid)
    assert run["status"] == "failed" and run["attemptCount"] == 1
    assert run["result"]["code"] == "media_processing_failed"
    assert "frame_rate_check_failed" in run["result"]["message"]
    assert _posts_of(sandbox, _open_id(db, demo)) == []


def test_revoked_authorization_fails_the_run_and_flags_the_account(client, demo, stored_media, sandbox, db):
    sandbox.revoke("tiktok", _open_id(db, demo))
    sid = _submit(client, demo, _tiktok("revoked", mediaIds=[stored_media(demo, "video", MB)]))
    run = _final(client, demo, sid)
    assert run["status"] == "failed" and run["result"]["code"] == "token_expired"
    assert _account(db, demo).get().get("status") == "needs_reconnect"
    r = client.post("/v1/posts", json=_tiktok("after revoke", mediaIds=[stored_media(demo, "video", MB)]),
                    headers=demo.key_headers)
    assert r.status_code == 400 and r.json()["error"]["code"] == "account_needs_reconnect"


def test_duplicate_delivery_publishes_once(client, demo, stored_media, sandbox, db):
    sid = _submit(client, demo, {**_tiktok("delivered twice", mediaIds=[stored_media(demo, "video", MB)]),
                                 "scheduledTime": "2099-01-01T00:00:00Z"})
    task = {"postSubmissionId": sid, "targetId": TARGET}
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(2) as pool:
        outcomes = sorted(r.json()["result"]["outcome"]
                          for r in pool.map(lambda _: call_task(client, "publishTiktok", task), range(2)))
    assert outcomes == ["skipped", "succeeded"]
    assert len(_posts_of(sandbox, _open_id(db, demo))) == 1


# -- a publisher killed mid-publish --------------------------------------------------------------

def _killed_during(client, sandbox, operation, sid, until, **fault):
    """Deliver the task to a second gateway process, hold `operation`, and kill that process
    (SIGKILL, nothing recorded) once `until()` holds."""
    # it took effect; the answer never comes
    killed_while_held(sandbox, "tiktok", {"postSubmissionId": sid, "targetId": TARGET},
                      until, operation=operation, made_within=20, **fault)


def test_killed_after_the_last_chunk_was_taken_resumes_without_sending_it_again(client, stack, demo, stored_media,
                                                                                sandbox, db):
    """The last chunk reached TikTok (the upload is complete, the post made) but the publisher
    died before recording it: the retry asks TikTok how many bytes it has, sends nothing more
    (TikTok would refuse: "All chunks were already received") and records the one post."""
    sid = _submit(client, demo, {**_tiktok("last chunk taken", mediaIds=[stored_media(demo, "video", MB)]),
                                 "scheduledTime": "2099-01-01T00:00:00Z"})
    open_id = _open_id(db, demo)
    _killed_during(client, sandbox, "upload", sid, lambda: _posts_of(sandbox, open_id))
    assert not (_stored_run(db, sid)["checkpoint"].get("upload") or {}).get("done")

    retry = call_task(client, "publishTiktok", {"postSubmissionId": sid, "targetId": TARGET}, retry_count=1)
    assert retry.json()["result"]["outcome"] == "succeeded", retry.text
    [post] = _posts_of(sandbox, open_id)
    assert [c["index"] for c in post["chunks"]] == [0]  # the chunk was not sent again
    final = _run(client, demo, sid)
    assert final["status"] == "succeeded" and final["result"]["postId"] == post["publishId"]


def test_a_retry_past_the_upload_urls_hour_keeps_an_upload_tiktok_already_has(client, stack, demo, stored_media,
                                                                              sandbox, db, time_travel):
    """As above, but the retry comes over an hour after the upload began, when its URL takes no
    more bytes. The URL's age says nothing about how far the upload got: TikTok's status does.
    It has every byte (the post is made), so nothing is initialized or sent again: one post."""
    sid = _submit(client, demo, {**_tiktok("complete, an hour later", mediaIds=[stored_media(demo, "video", MB)]),
                                 "scheduledTime": "2099-01-01T00:00:00Z"})
    open_id = _open_id(db, demo)
    _killed_during(client, sandbox, "upload", sid, lambda: _posts_of(sandbox, open_id))
    inits = len(_calls(stack, "create"))
    time_travel(minutes=61)

    retry = call_task(client, "publishTiktok", {"postSubmissionId": sid, "targetId": TARGET}, retry_count=1)
    assert retry.json()["result"]["outcome"] == "succeeded", retry.text
    posts = _posts_of(sandbox, open_id)
    assert len(posts) == 1, posts
    assert len(_calls(stack, "create")) == inits  # no second init
    final = _run(client, demo, sid)
    assert final["status"] == "succeeded" and final["result"]["postId"] == posts[0]["publishId"]


def test_a_retry_past_the_upload_urls_hour_starts_over_an_upload_tiktok_lacks_bytes_of(
        client, stack, demo, stored_media, sandbox, db, time_travel):
    """The publisher died after the first of two chunks and the retry comes over an hour later:
    TikTok has only part of the video, which can never become a post, so the session is dropped
    and a new init uploads the whole video: one post, from the second session."""
    size = 21 * MB
    sid = _submit(client, demo, {**_tiktok("incomplete, an hour later", mediaIds=[stored_media(demo, "video", size)]),
                                 "scheduledTime": "2099-01-01T00:00:00Z"})
    open_id = _open_id(db, demo)
    _killed_during(client, sandbox, "upload", sid,
                   lambda: any(p["received"] for p in _publishes_of(stack, open_id)), chunk=0)
    time_travel(minutes=61)

    retry = call_task(client, "publishTiktok", {"postSubmissionId": sid, "targetId": TARGET}, retry_count=1)
    assert retry.json()["result"]["outcome"] == "succeeded", retry.text
    [post] = _posts_of(sandbox, open_id)
    assert post["media"][0]["bytes"] == size and [c["index"] for c in post["chunks"]] == [0, 1]
    publishes = _publishes_of(stack, open_id)
    assert len(publishes) == 2 and sorted(p["received"] for p in publishes) == [10 * MB, size]
    assert _run(client, demo, sid)["result"]["postId"] == post["publishId"]


def test_killed_between_create_and_result_reconciles_instead_of_posting_twice(client, stack, demo, stored_media,
                                                                              sandbox, db):
    """The init (the create) took effect but its answer was lost: a FILE_UPLOAD init never received a
    byte, so it can never become a post, and the retry safely makes a new one: exactly one post."""
    sid = _submit(client, demo, {**_tiktok("exactly once", mediaIds=[stored_media(demo, "video", MB)]),
                                 "scheduledTime": "2099-01-01T00:00:00Z"})
    open_id = _open_id(db, demo)
    _killed_during(client, sandbox, "create", sid, lambda: _publishes_of(stack, open_id))
    run = _stored_run(db, sid)
    assert run["status"] == "processing" and run["checkpoint"]["createArmedAt"]
    assert not run["checkpoint"].get("publishId") and _posts_of(sandbox, open_id) == []

    retry = call_task(client, "publishTiktok", {"postSubmissionId": sid, "targetId": TARGET}, retry_count=1)
    assert retry.json()["result"]["outcome"] == "succeeded"
    posts = _posts_of(sandbox, open_id)
    assert len(posts) == 1
    publishes = _publishes_of(stack, open_id)
    assert len(publishes) == 2 and sorted(p["received"] for p in publishes) == [0, MB]  # the lost one stays empty
    final = _run(client, demo, sid)
    assert final["status"] == "succeeded" and final["result"]["postId"] == posts[0]["publishId"]
    assert final["attemptCount"] == 2


def test_killed_after_the_init_answered_reconciles_from_the_publish_id(client, stack, demo, stored_media,
                                                                       sandbox, db):
    """A photo post (TikTok pulls it: the init alone publishes) killed while waiting on its status:
    the retry reads the checkpointed publish_id's status instead of initializing again."""
    sid = _submit(client, demo, {**_tiktok("reconciled photo", mediaIds=[stored_media(demo, "image", 80_000)]),
                                 "scheduledTime": "2099-01-01T00:00:00Z"})
    open_id = _open_id(db, demo)
    _killed_during(client, sandbox, "status", sid, lambda: (_stored_run(db, sid).get("checkpoint") or {}).get("publishId"))
    assert len(_posts_of(sandbox, open_id)) == 1
    inits = len(_calls(stack, "create"))

    retry = call_task(client, "publishTiktok", {"postSubmissionId": sid, "targetId": TARGET}, retry_count=1)
    assert retry.json()["result"]["outcome"] == "succeeded"
    assert len(_calls(stack, "create")) == inits  # no second init
    [post] = _posts_of(sandbox, open_id)
    final = _run(client, demo, sid)
    assert final["status"] == "succeeded" and final["result"]["postId"] == post["publishId"]
    assert final["attemptCount"] == 2


def test_a_lost_answer_to_a_pull_init_is_not_sent_again(client, stack, demo, stored_media, sandbox, db):
    """TikTok pulled and published the photo, but the init's answer (its publish_id) was lost: TikTok
    cannot look posts up, so rather than risk a second post the run ends unconfirmed (not failed:
    the post may well be live) and says why; the user, having looked, may retry it."""
    sid = _submit(client, demo, {**_tiktok("outcome unknown", mediaIds=[stored_media(demo, "image", 80_000)]),
                                 "scheduledTime": "2099-01-01T00:00:00Z"})
    open_id = _open_id(db, demo)
    _killed_during(client, sandbox, "create", sid, lambda: _posts_of(sandbox, open_id))

    retry = call_task(client, "publishTiktok", {"postSubmissionId": sid, "targetId": TARGET}, retry_count=1)
    assert retry.json()["result"]["outcome"] == "unconfirmed"
    final = _run(client, demo, sid)
    assert final["status"] == "unconfirmed", final
    assert final["result"]["code"] == "publish_outcome_unknown" and "Check the TikTok profile" in final["result"]["message"]
    assert len(_posts_of(sandbox, open_id)) == 1


def test_a_pull_init_tiktok_never_acted_on_is_made_again_once_its_urls_are_revoked(client, stack, demo,
                                                                                  stored_media, sandbox, db):
    """The init was sent but held before TikTok acted on it, and the publisher died waiting. TikTok
    never fetched that attempt's media URLs: the retry revokes them (a late pull of them now gets
    404, so the held init can never publish) and initialises again: one post, run succeeded."""
    from tests.posting import killed_while_held

    sid = _submit(client, demo, {**_tiktok("never reached TikTok", mediaIds=[stored_media(demo, "image", 80_000)]),
                                 "scheduledTime": "2099-01-01T00:00:00Z"})
    open_id = _open_id(db, demo)
    plan = lambda: (_stored_run(db, sid).get("checkpoint") or {}).get("plan")  # noqa: E731 - saved just before the init
    killed_while_held(sandbox, "tiktok", {"postSubmissionId": sid, "targetId": TARGET}, plan,
                      operation="create", before=True)
    held = plan()

    retry = call_task(client, "publishTiktok", {"postSubmissionId": sid, "targetId": TARGET}, retry_count=1)
    assert retry.json()["result"]["outcome"] == "succeeded", retry.text
    [first_grant] = held["grants"]
    [post] = _posts_of(sandbox, open_id)
    assert "grant=" in post["media"][0]["url"] and first_grant not in post["media"][0]["url"]
    grant = db.collection("mediaGrants").document(first_grant).get().to_dict()
    assert grant["revokedAt"] is not None and grant["fetchedAt"] is None
    # The held init's URL is dead for good: TikTok pulling it late gets what missing media gets.
    late = httpx.get(post["media"][0]["url"].replace(post["media"][0]["url"].split("grant=")[1], first_grant))
    assert late.status_code == 404


def test_a_video_sent_to_the_creators_inbox_is_reported_as_not_posted(client, demo, stored_media, sandbox, db):
    """SEND_TO_USER_INBOX: TikTok put the video in the creator's inbox to finish in the app. It is
    not a post: the run ends unconfirmed, saying so, with TikTok's publish_id; no post.published."""
    sandbox.fault("tiktok", "status", "inbox")
    sid = _submit(client, demo, _tiktok("to the inbox", mediaIds=[stored_media(demo, "video", MB)]))
    run = _final(client, demo, sid)
    assert run["status"] == "unconfirmed", run
    assert run["result"]["code"] == "sent_to_creator_inbox" and "inbox" in run["result"]["message"]
    assert run["result"]["publishId"] and not run["result"].get("url")
    # The creator never finished it; the user decides to post it after all: an unconfirmed run
    # can be retried, and the retry starts afresh (a new init, not the inbox draft's status).
    r = client.post(f"/v1/posts/{sid}/retry", headers=demo.key_headers)
    assert r.status_code == 200 and r.json()["retried"] == [TARGET], r.text
    retried = wait_for(lambda: (x := _run(client, demo, sid))["status"] == "succeeded" and x, timeout=45)
    assert retried["result"]["publishId"] != run["result"]["publishId"]


def test_a_run_given_up_mid_upload_is_not_recorded_as_published(client, stack, demo, stored_media, sandbox, db):
    """Every attempt died after TikTok's init answered but before the upload finished: the
    publish_id alone is no post (an unfinished upload never publishes), so the last attempt
    fails the run as interrupted instead of recording the publish_id as a published post."""
    from shared.platforms import Platform
    from shared.services.publishing import runs
    from shared.services.publishing.runner import MAX_ATTEMPTS, Delivery, RetryLater, process_run

    payload = {**_tiktok("upload never finished", mediaIds=[stored_media(demo, "video", 2 * MB)]),
               "scheduledTime": "2099-01-01T00:00:00Z"}  # the pipeline leaves it alone: the test delivers
    sid = _submit(client, demo, payload)
    make_due(sid)  # a post the pipeline leaves alone, due now
    sandbox.fault("tiktok", "upload", "server_error")  # the init answers, the upload does not
    with pytest.raises(RetryLater):
        process_run(Platform.TIKTOK, sid, TARGET, Delivery(retry_count=0))
    assert _stored_run(db, sid)["checkpoint"]["publishId"]
    for delivery in range(1, MAX_ATTEMPTS):  # later deliveries, each dying as soon as it claimed
        assert runs.claim_run(sid, TARGET, "tiktok", delivery) is not None
    assert process_run(Platform.TIKTOK, sid, TARGET, Delivery(retry_count=MAX_ATTEMPTS)) == "failed"
    run = _run(client, demo, sid)
    assert run["status"] == "failed" and run["result"]["code"] == "publish_interrupted", run
    assert _posts_of(sandbox, _open_id(db, demo)) == []


# -- retrying a failed post (POST /v1/posts/{id}/retry) -------------------------------------------

def _retry(client, demo, sid):
    r = client.post(f"/v1/posts/{sid}/retry", headers=demo.key_headers)
    assert r.status_code == 200 and r.json()["retried"] == [TARGET], r.text
    return _final(client, demo, sid)


def test_a_publish_tiktok_reported_failed_is_retried_with_a_new_init(client, stack, demo, stored_media, sandbox, db):
    """TikTok took the upload, then reported the publish FAILED (the creator's daily cap:
    spam_risk_too_many_posts). A FAILED publish stays FAILED, so POST /retry must not poll that
    publish_id again: the retry initializes a new publish, which is posted, once."""
    sandbox.fault("tiktok", "create", "processing_failed", reason="spam_risk_too_many_posts")
    sid = _submit(client, demo, _tiktok("failed, then retried", mediaIds=[stored_media(demo, "video", MB)]))
    run = _final(client, demo, sid)
    assert run["status"] == "failed" and run["result"]["code"] == "publishing_quota_exhausted", run
    open_id = _open_id(db, demo)
    [failed] = _publishes_of(stack, open_id)
    assert _posts_of(sandbox, open_id) == []

    run = _retry(client, demo, sid)
    assert run["status"] == "succeeded", (run["result"], _publishes_of(stack, open_id))
    [post] = _posts_of(sandbox, open_id)
    assert post["publishId"] != failed["publishId"] and run["result"]["publishId"] == post["publishId"]
    assert len(_publishes_of(stack, open_id)) == 2


def test_a_run_that_ran_out_of_upload_sessions_is_retried_from_a_clean_checkpoint(client, stack, demo, stored_media,
                                                                                   sandbox, db):
    """TikTok dropped the upload session three times (the run's limit) and the run failed; nothing
    was posted, so the failed run's checkpoint holds nothing a retry must honour. POST /retry starts
    from a clean one (a fresh session budget) instead of failing again at once: one post."""
    sandbox.fault("tiktok", "upload", "expired", times=3)
    sid = _submit(client, demo, _tiktok("out of sessions", mediaIds=[stored_media(demo, "video", MB)]))
    run = _final(client, demo, sid)
    assert run["status"] == "failed" and run["result"]["code"] == "upload_incomplete", run
    open_id = _open_id(db, demo)
    assert len(_publishes_of(stack, open_id)) == 3 and _posts_of(sandbox, open_id) == []

    run = _retry(client, demo, sid)
    assert run["status"] == "succeeded", (run["result"], len(_publishes_of(stack, open_id)))
    [post] = _posts_of(sandbox, open_id)
    assert run["result"]["publishId"] == post["publishId"] and len(_publishes_of(stack, open_id)) == 4


def test_a_run_whose_token_is_refused_while_its_publish_goes_on_ends_with_the_post(client, stack, demo,
                                                                                   stored_media, sandbox, db):
    """TikTok refused the authorization (twice: before and after a refresh) while the run polled the
    status of a publish it had fully uploaded; the publish went on without it and the post is made.
    The run does not end failed `token_expired` while its post is live: before failing, the runner
    looks the armed create up once more (by its publish_id), finds the post and records it. One
    post, one init."""
    sandbox.fault("tiktok", "status", "expired_token", times=2)
    inits = len(_calls(stack, "create"))
    sid = _submit(client, demo, _tiktok("published while failing", mediaIds=[stored_media(demo, "video", MB)]))
    run = _final(client, demo, sid)
    open_id = _open_id(db, demo)
    [post] = _posts_of(sandbox, open_id)
    assert run["status"] == "succeeded" and run["result"]["publishId"] == post["publishId"], run
    assert len(_calls(stack, "create")) == inits + 1
