"""YouTube publisher against the YouTube sandbox, through the real API, the Cloud Tasks
emulator and the storage emulator: resumable videos.insert (multi-chunk, resumed after a
5xx from the probed offset, restarted after an expired session), options, thumbnails,
and every failure mode."""

from __future__ import annotations

import httpx

from tests.conftest import wait_for
from tests.posting import Target, body, call_task, killed_while_held, submit, wait_out_the_reset

ACCOUNT = "yt_channel"
TARGET = f"youtube:{ACCOUNT}"
MIB = 1024 * 1024


_on = Target("youtube", ACCOUNT, timeout=45)
_run, _final, _submit, _account, _stored_run = _on.run, _on.final, submit, _on.account, _on.stored_run
_channel, _posted, _calls = _on.platform_user_id, _on.posted, _on.calls


def _videos(sandbox, db, user):
    return [p for p in sandbox.posts("youtube") if p["subject"] == _channel(db, user)]


def _session(stack, session_id):
    with stack.sandboxes.state.lock:
        return dict(stack.sandboxes.state.media[f"yt:session:{session_id}"])


def _sessions(stack, channel):
    with stack.sandboxes.state.lock:
        found = [dict(s) for k, s in stack.sandboxes.state.media.items()
                 if k.startswith("yt:session:") and s["owner"] == channel]
    return sorted(found, key=lambda s: s["createdAt"])


def _video_post(stored_media, user, text, size=MIB, **content):
    return body(["youtube"], text, mediaIds=[stored_media(user, "video", size)], **content)


def test_text_and_image_posts_are_refused_at_submission(client, demo, stored_media):
    r = client.post("/v1/posts", json=body(["youtube"], "just words"), headers=demo.key_headers)
    assert r.status_code == 400
    assert r.json()["error"]["details"][0]["message"] == "YouTube needs a video; this is a text-only post"
    image = stored_media(demo, "image", 20_000)
    r = client.post("/v1/posts", json=body(["youtube"], "a picture", mediaIds=[image]), headers=demo.key_headers)
    assert r.status_code == 400
    assert r.json()["error"]["details"][0]["message"] == "YouTube needs a video; it does not accept image posts"


def test_video_is_uploaded_resumably_and_waits_for_processing(client, stack, demo, stored_media, sandbox, db):
    text = "Launch day at Soku\nEverything we shipped this week, in four minutes."
    before = len(_calls(stack))  # other tests (connecting YouTube accounts) call the sandbox too
    sid = _submit(client, demo, _video_post(stored_media, demo, text, size=3 * MIB + 5))
    run = _final(client, demo, sid)
    assert run["status"] == "succeeded", run
    video = _posted(sandbox, run)
    assert video["subject"] == _channel(db, demo)
    assert video["title"] == "Launch day at Soku"  # the text's first line
    assert video["description"] == text
    assert (video["privacyStatus"], video["madeForKids"], video["categoryId"], video["tags"]) == ("public", False, "22", [])
    assert video["size"] == 3 * MIB + 5 and video["uploadStatus"] == "processed"
    assert run["result"]["url"].endswith(f"/youtube/web/watch?v={video['id']}")
    page = httpx.get(run["result"]["url"])
    assert page.status_code == 200 and "Launch day at Soku" in page.text and "processed" in page.text
    session = _session(stack, video["session"])
    assert session["requests"] == [{"start": 0, "bytes": 3 * MIB + 5}]  # one chunk: the file is under 8 MiB
    calls = _calls(stack)[before:]
    assert calls.count("initiate") == 1 and calls.count("create") == 1 and calls.count("status") >= 2
    assert _stored_run(db, sid)["checkpoint"]["video"] == {"id": video["id"], "processed": True}


def test_long_first_line_is_cut_to_a_100_character_title(client, demo, stored_media, sandbox):
    text = "A" * 150 + "\nsecond line"
    run = _final(client, demo, _submit(client, demo, _video_post(stored_media, demo, text)))
    assert run["status"] == "succeeded", run
    video = _posted(sandbox, run)
    assert video["title"] == "A" * 100 and video["description"] == text


def test_large_video_goes_in_8_mib_chunks(client, stack, demo, stored_media, sandbox, db):
    size = 17 * MIB + 3
    sid = _submit(client, demo, _video_post(stored_media, demo, "a big one", size=size))
    run = _final(client, demo, sid)
    assert run["status"] == "succeeded", run
    video = _posted(sandbox, run)
    assert video["size"] == size
    assert _session(stack, video["session"])["requests"] == [
        {"start": 0, "bytes": 8 * MIB}, {"start": 8 * MIB, "bytes": 8 * MIB}, {"start": 16 * MIB, "bytes": MIB + 3}]
    assert _calls(stack).count("upload") == 2  # the third chunk completes the file: the create


def test_upload_broken_by_a_5xx_resumes_from_the_probed_offset(client, stack, demo, stored_media, sandbox, db):
    size = 12 * MIB
    kept = 3 * MIB + 100  # YouTube kept part of the chunk before the connection broke
    sandbox.fault("youtube", "upload", "server_error", after_bytes=kept)
    sid = _submit(client, demo, _video_post(stored_media, demo, "resumed upload", size=size))
    run = _final(client, demo, sid)
    assert run["status"] == "succeeded" and run["attemptCount"] == 2, run
    videos = _videos(sandbox, db, demo)
    assert len(videos) == 1 and videos[0]["id"] == run["result"]["postId"] and videos[0]["size"] == size
    session = _session(stack, videos[0]["session"])
    # The second attempt asked where YouTube stopped, and sent only the rest, from there.
    assert session["probes"] == [kept]
    assert session["requests"] == [{"start": 0, "bytes": kept}, {"start": kept, "bytes": 8 * MIB},
                                   {"start": kept + 8 * MIB, "bytes": size - kept - 8 * MIB}]
    assert len(_sessions(stack, _channel(db, demo))) == 1  # the same session, never a second upload
    stored = _stored_run(db, sid)
    assert stored["checkpoint"]["upload"]["resumedFrom"] == [kept]
    assert stored["lastError"]["code"] == "platform_unavailable" and "Backend Error" in stored["lastError"]["message"]


def test_expired_session_starts_a_new_one_cleanly(client, stack, demo, stored_media, sandbox, db):
    size = 2 * MIB
    sandbox.fault("youtube", "create", "server_error")  # the only chunk fails: nothing kept
    sandbox.fault("youtube", "probe", "session_expired")  # and by the retry the session has expired
    sid = _submit(client, demo, _video_post(stored_media, demo, "new session", size=size))
    run = _final(client, demo, sid)
    assert run["status"] == "succeeded" and run["attemptCount"] == 2, run
    first, second = _sessions(stack, _channel(db, demo))
    assert first["expired"] and first["video"] is None
    assert second["requests"] == [{"start": 0, "bytes": size}] and second["video"] == run["result"]["postId"]
    assert len(_videos(sandbox, db, demo)) == 1
    assert "lookup" in _calls(stack)  # with the session gone, the channel's uploads were checked first
    assert _stored_run(db, sid)["checkpoint"]["upload"]["sessions"] == 2


def test_options_reach_youtube_and_a_target_overrides_them(client, demo, stored_media, sandbox):
    options = {"youtube": {"title": "Custom <title>", "privacy": "unlisted", "tags": ["soku", "launch week"],
                           "madeForKids": True, "categoryId": "28"}}
    target = [{"platform": "youtube", "accountId": ACCOUNT, "options": {"privacy": "private"}}]
    payload = body(target, "The description", mediaIds=[stored_media(demo, "video", MIB + 1)], options=options)
    run = _final(client, demo, _submit(client, demo, payload))
    assert run["status"] == "succeeded", run
    video = _posted(sandbox, run)
    assert video["title"] == "Custom \u2039title\u203a"  # YouTube refuses < and > in titles
    assert video["description"] == "The description"
    assert video["privacyStatus"] == "private"  # the target's own option wins
    assert video["tags"] == ["soku", "launch week"] and video["categoryId"] == "28" and video["madeForKids"] is True
    page = httpx.get(run["result"]["url"]).text
    assert "private" in page and "made for kids" in page and "soku, launch week" in page


def test_invalid_category_is_a_permanent_failure_with_youtubes_message(client, demo, stored_media, sandbox, db):
    payload = _video_post(stored_media, demo, "bad category", options={"youtube": {"categoryId": "99"}})
    run = _final(client, demo, _submit(client, demo, payload))
    assert run["status"] == "failed" and run["attemptCount"] == 1
    assert run["result"]["code"] == "publish_rejected"
    assert "specifies an invalid category ID" in run["result"]["message"]
    assert _videos(sandbox, db, demo) == []


def test_thumbnail_is_set_from_the_posts_image(client, demo, stored_media, sandbox, db):
    image = stored_media(demo, "image", 150_000)
    payload = body(["youtube"], "with a thumbnail", mediaIds=[stored_media(demo, "video", MIB + 2), image])
    sid = _submit(client, demo, payload)
    run = _final(client, demo, sid)
    assert run["status"] == "succeeded", run
    video = _posted(sandbox, run)
    assert video["thumbnail"]["bytes"] == 150_000 and video["thumbnail"]["type"] == "image/jpeg"
    assert run["result"]["thumbnail"] == {"status": "set", "mediaId": image}
    assert "custom thumbnail (150000 bytes)" in httpx.get(run["result"]["url"]).text


def test_a_failed_thumbnail_does_not_fail_the_run(client, demo, stored_media, sandbox, db):
    from devstack.sandboxes.youtube import THUMBNAIL_FORBIDDEN

    sandbox.fault("youtube", "thumbnail", "forbidden")
    payload = body(["youtube"], "thumbnail refused",
                   mediaIds=[stored_media(demo, "video", MIB + 3), stored_media(demo, "image", 40_000)])
    sid = _submit(client, demo, payload)
    run = _final(client, demo, sid)
    assert run["status"] == "succeeded" and run["attemptCount"] == 1, run
    assert _posted(sandbox, run)["thumbnail"] is None
    recorded = run["result"]["thumbnail"]  # the warning is visible through the API
    assert recorded["status"] == "failed" and THUMBNAIL_FORBIDDEN in recorded["message"]


def test_quota_exceeded_is_retried_after_the_pacific_midnight_reset(client, demo, stored_media, sandbox, db, time_travel):
    from shared.platforms.youtube.publisher import seconds_until_quota_reset

    sandbox.fault("youtube", "initiate", "quota_exceeded")
    expected, reset = seconds_until_quota_reset()
    sid = _submit(client, demo, _video_post(stored_media, demo, "over quota"))
    parked = wait_out_the_reset(client, db, time_travel, sid)  # the platform said when; the run waits
    assert abs((parked["notBefore"] - reset).total_seconds()) < 120
    run = _final(client, demo, sid)
    assert run["status"] == "succeeded" and run["attemptCount"] == 2, run
    error = _stored_run(db, sid)["lastError"]
    assert error["code"] == "quota_exceeded" and error["retryable"] is True
    assert abs(error["retryAfter"] - expected) < 120
    assert "you have exceeded your quota." in error["message"]  # YouTube's words, without its HTML link
    assert "midnight Pacific time" in error["message"] and reset.strftime("%Y-%m-%dT%H:%M:%SZ") in error["message"]
    assert len(_videos(sandbox, db, demo)) == 1


def test_expired_access_token_is_refreshed_and_stored_sealed(client, demo, stored_media, db):
    from datetime import datetime, timedelta, timezone

    from devstack.seed import sandbox_tokens
    from shared.platforms import Platform
    from shared.services.publishing.accounts import load_account, seal_tokens

    ref = _account(db, demo)
    stale = sandbox_tokens("youtube", _channel(db, demo))
    stale.expires_at = datetime.now(timezone.utc) - timedelta(minutes=5)
    stale.access_token = stale.access_token.replace(stale.access_token.split(".")[3], "1")  # really expired
    ref.update({"tokens": seal_tokens(ref, stale)})
    sid = _submit(client, demo, _video_post(stored_media, demo, "after refresh"))
    assert _final(client, demo, sid)["status"] == "succeeded"
    _, account = load_account(demo.uid, Platform.YOUTUBE, ACCOUNT)
    assert account.tokens.access_token != stale.access_token
    assert account.tokens.refresh_token == stale.refresh_token  # Google does not rotate refresh tokens
    assert account.tokens.expires_at > datetime.now(timezone.utc) + timedelta(minutes=50)
    sealed = ref.get().get("tokens")
    assert account.tokens.access_token not in repr(sealed) and stale.refresh_token not in repr(sealed)


def test_platform_401_triggers_one_refresh_then_succeeds(client, demo, stored_media, sandbox, db):
    sandbox.fault("youtube", "initiate", "expired_token")
    sid = _submit(client, demo, _video_post(stored_media, demo, "refresh on 401"))
    run = _final(client, demo, sid)
    assert run["status"] == "succeeded" and run["attemptCount"] == 1, run
    assert len(_videos(sandbox, db, demo)) == 1


def test_rate_limit_then_success(client, demo, stored_media, sandbox, db):
    sandbox.fault("youtube", "initiate", "rate_limit")
    sid = _submit(client, demo, _video_post(stored_media, demo, "rate limited once"))
    run = _final(client, demo, sid)
    assert run["status"] == "succeeded" and run["attemptCount"] == 2, run
    error = _stored_run(db, sid)["lastError"]
    assert error["code"] == "rate_limited" and "Rate Limit Exceeded" in error["message"]
    assert len(_videos(sandbox, db, demo)) == 1


def test_duplicate_video_is_a_permanent_failure(client, demo, stored_media, sandbox, db):
    first = _submit(client, demo, _video_post(stored_media, demo, "the original", size=MIB + 7))
    assert _final(client, demo, first)["status"] == "succeeded"
    second = _submit(client, demo, _video_post(stored_media, demo, "the same bytes again", size=MIB + 7))
    run = _final(client, demo, second)
    assert run["status"] == "failed" and run["attemptCount"] == 1
    assert run["result"]["code"] == "duplicate_content" and run["result"]["retryable"] is False
    assert "rejectionReason: duplicate" in run["result"]["message"]
    assert [v["uploadStatus"] for v in _videos(sandbox, db, demo)] == ["processed", "rejected"]


def test_processing_failure_is_reported(client, demo, stored_media, sandbox, db):
    sandbox.fault("youtube", "create", "processing_failed")
    sid = _submit(client, demo, _video_post(stored_media, demo, "bad codec"))
    run = _final(client, demo, sid)
    assert run["status"] == "failed" and run["attemptCount"] == 1
    assert run["result"]["code"] == "media_processing_failed"
    assert "failureReason: codec" in run["result"]["message"]
    assert [v["uploadStatus"] for v in _videos(sandbox, db, demo)] == ["failed"]


def test_revoked_authorization_fails_the_run_and_flags_the_account(client, demo, stored_media, sandbox, db):
    sandbox.revoke("youtube", _channel(db, demo))
    sid = _submit(client, demo, _video_post(stored_media, demo, "revoked"))
    run = _final(client, demo, sid)
    assert run["status"] == "failed" and run["result"]["code"] == "token_expired"
    assert "Token has been expired or revoked." in run["result"]["message"]
    assert _account(db, demo).get().get("status") == "needs_reconnect"
    r = client.post("/v1/posts", json=_video_post(stored_media, demo, "after revoke", size=MIB + 9),
                    headers=demo.key_headers)
    assert r.status_code == 400 and r.json()["error"]["code"] == "account_needs_reconnect"
    assert _videos(sandbox, db, demo) == []


def test_duplicate_delivery_publishes_once(client, demo, stored_media, sandbox, db):
    sid = _submit(client, demo, {**_video_post(stored_media, demo, "delivered twice"),
                                 "scheduledTime": "2099-01-01T00:00:00Z"})
    task = {"postSubmissionId": sid, "targetId": TARGET}
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(2) as pool:
        outcomes = sorted(r.json()["result"]["outcome"]
                          for r in pool.map(lambda _: call_task(client, "publishYoutube", task), range(2)))
    assert outcomes == ["skipped", "succeeded"]
    assert len(_videos(sandbox, db, demo)) == 1


def test_killed_between_create_and_result_reconciles_instead_of_uploading_twice(client, stack, demo, stored_media,
                                                                             sandbox, db):
    sid = _submit(client, demo, {**_video_post(stored_media, demo, "exactly once on YouTube"),
                                 "scheduledTime": "2099-01-01T00:00:00Z"})
    task = {"postSubmissionId": sid, "targetId": TARGET}
    # the video exists, the answer never comes
    killed_while_held(sandbox, "youtube", task, lambda: _videos(sandbox, db, demo))
    run = _stored_run(db, sid)
    assert run["status"] == "processing" and run["checkpoint"]["createArmedAt"]
    assert "video" not in run["checkpoint"] and run["checkpoint"]["upload"]["session"]

    retry = call_task(client, "publishYoutube", task, retry_count=1)  # Cloud Tasks' retry
    assert retry.json()["result"]["outcome"] == "succeeded"
    videos = _videos(sandbox, db, demo)
    assert len(videos) == 1
    final = _run(client, demo, sid)
    assert final["status"] == "succeeded" and final["result"]["postId"] == videos[0]["id"]
    assert final["result"]["url"] == videos[0]["url"]
    assert final["attemptCount"] == 2
    session = _session(stack, videos[0]["session"])
    assert session["probes"] == [session["total"]]  # the retry's probe found the upload complete
    assert len(session["requests"]) == 1  # and sent no byte again


def test_reconcile_finds_the_video_behind_a_busy_uploads_playlist(client, stack, demo, stored_media, sandbox, db):
    """Many runs upload to one channel at once, and the killed attempt's session has expired
    by the retry: the video is looked for in the uploads playlist, where it is no longer on
    the first page. The lookup follows nextPageToken."""
    import time

    text = "one of many at once (on YouTube)"
    sid = _submit(client, demo, {**_video_post(stored_media, demo, text), "scheduledTime": "2099-01-01T00:00:00Z"})
    task = {"postSubmissionId": sid, "targetId": TARGET}
    # the video exists, the answer never comes
    killed_while_held(sandbox, "youtube", task, lambda: _videos(sandbox, db, demo))
    sandbox.fault("youtube", "probe", "session_expired")  # the retry cannot ask the session
    channel = _channel(db, demo)
    state = stack.sandboxes.state
    with state.lock:
        for n in range(120):  # newer uploads of the same channel, from its other runs
            video_id = f"other{n:06d}"
            state.media[f"yt:video:{video_id}"] = {
                "id": video_id, "etag": f"etag{n}", "owner": channel, "createdAt": time.time(),
                "title": f"another run's video {n}", "description": f"another run's video {n}"}

    retry = call_task(client, "publishYoutube", task, retry_count=1)  # Cloud Tasks' retry
    assert retry.json()["result"]["outcome"] == "succeeded", retry.text
    videos = _videos(sandbox, db, demo)
    assert len(videos) == 1
    final = _run(client, demo, sid)
    assert final["status"] == "succeeded" and final["result"]["postId"] == videos[0]["id"]
    assert final["attemptCount"] == 2
    assert _calls(stack).count("lookup") >= 3  # channels.list, then more than one page of uploads
