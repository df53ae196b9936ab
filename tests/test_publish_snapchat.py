"""Snapchat publisher against the Snapchat sandbox, through the real API and the Cloud Tasks
emulator: stories (image, video), spotlights with their options, encrypted multi-part uploads
the sandbox really decrypts, and every failure mode."""

from __future__ import annotations

import hashlib
import os

import httpx
import pytest

from tests.conftest import wait_for
from tests.posting import Target, body, call_task, killed_while_held, submit

PROFILE = "snap_profile"
TARGET = f"snapchat:{PROFILE}"
MiB = 1024 * 1024


_on = Target("snapchat", PROFILE)
_run, _final, _submit, _account, _stored_run = _on.run, _on.final, submit, _on.account, _on.stored_run
_profile_id, _posted, _snap_calls = _on.platform_user_id, _on.posted, _on.calls


def _snap(text, media_ids, **options):
    content = {"mediaIds": media_ids}
    if options:
        content["options"] = {"snapchat": options}
    return body(["snapchat"], text, **content)


def _uploads(stack, profile_id):
    """The media objects the sandbox holds for a profile (key, iv, parts received, hash)."""
    with stack.sandboxes.state.lock:
        return [dict(m) for k, m in stack.sandboxes.state.media.items()
                if k.startswith("snap:") and m["owner"] == profile_id]


def _stored_sha256(db, media_id):
    from shared.adapters.gcp import storage_client
    from shared.config import get_settings

    path = db.collection("media").document(media_id).get().get("objectPath")
    blob = storage_client().bucket(get_settings().media_bucket).blob(path)
    return hashlib.sha256(blob.download_as_bytes()).hexdigest()


def _randomize(db, media_id):
    """Replace the stored zeros with random bytes (same size and type): a real test of the cipher."""
    from shared.adapters.gcp import storage_client
    from shared.config import get_settings

    doc = db.collection("media").document(media_id).get().to_dict()
    blob = storage_client().bucket(get_settings().media_bucket).blob(doc["objectPath"])
    head = b"\x00\x00\x00\x18ftypmp42" if doc["ext"] == "mp4" else b"\xff\xd8\xff\xe0"
    data = head + os.urandom(doc["size"] - len(head))
    blob.upload_from_string(data, content_type=doc["contentType"])
    return hashlib.sha256(data).hexdigest()


def test_text_only_post_is_refused_at_submission(client, demo):
    r = client.post("/v1/posts", json=body(["snapchat"], "just words"), headers=demo.key_headers)
    assert r.status_code == 400, r.text
    messages = [d["message"] for d in r.json()["error"]["details"] if d.get("platform") == "snapchat"]
    assert messages == ["Snapchat needs an image or a video; this is a text-only post"]


def test_image_story_is_encrypted_uploaded_and_decrypted_by_snap(client, stack, demo, stored_media, sandbox, db):
    media_id = stored_media(demo, "image", 300_000)
    sha = _randomize(db, media_id)
    sid = _submit(client, demo, _snap("an image story", [media_id]))
    run = _final(client, demo, sid)
    assert run["status"] == "succeeded" and run["attemptCount"] == 1, run
    post = _posted(sandbox, run)
    assert post["kind"] == "story" and post["media_type"] == "IMAGE" and post["subject"] == _profile_id(db, demo)
    # The sandbox decrypted the upload with the key and IV it was given: the bytes are ours.
    assert post["sha256"] == sha and post["size"] == 300_000
    assert run["result"]["url"] is None  # a Story has no page of its own
    (upload,) = _uploads(stack, post["subject"])
    assert upload["adds"] == [{"part": 1, "bytes": (300_000 // 16 + 1) * 16}]
    # The key is in the checkpoint only sealed, and only opens with this run's path.
    from shared.adapters.crypto import decrypt_json

    checkpoint = _stored_run(db, sid)["checkpoint"]["snap"]
    assert checkpoint["mediaId"] == upload["id"] and checkpoint["finalized"] is True
    assert upload["key"] not in repr(checkpoint) and upload["iv"] not in repr(checkpoint)
    secret = decrypt_json(checkpoint["sealed"], associated=f"postSubmissions/{sid}/runs/{TARGET}")
    assert secret == {"key": upload["key"], "iv": upload["iv"]}
    with pytest.raises(Exception):
        decrypt_json(checkpoint["sealed"], associated=f"postSubmissions/other/runs/{TARGET}")


def test_video_story_waits_through_media_processing(client, stack, demo, stored_media, sandbox, db):
    media_id = stored_media(demo, "video", 2 * MiB)
    sid = _submit(client, demo, _snap("a video story", [media_id]))
    run = _final(client, demo, sid)
    assert run["status"] == "succeeded" and run["attemptCount"] == 1, run
    post = _posted(sandbox, run)
    assert post["kind"] == "story" and post["media_type"] == "VIDEO"
    assert post["sha256"] == _stored_sha256(db, media_id)
    (upload,) = _uploads(stack, post["subject"])
    assert upload["processingAnswers"] == 2  # MEDIA_PROCESSING twice, retried inside the attempt, then created
    assert run["result"] == {"postId": post["id"], "url": None, "platform": "snapchat"}


def test_spotlight_carries_locale_description_and_skip_save(client, demo, stored_media, sandbox):
    text = "Spotlight from Soku #launch"
    sid = _submit(client, demo, _snap(text, [stored_media(demo, "video", 1 * MiB)],
                                      kind="spotlight", locale="fr_FR", skipSaveToProfile=True))
    run = _final(client, demo, sid)
    assert run["status"] == "succeeded", run
    post = _posted(sandbox, run)
    assert post["kind"] == "spotlight" and post["media_type"] == "VIDEO"
    assert (post["locale"], post["description"], post["skip_save_to_profile"]) == ("fr_FR", text, True)
    assert run["result"]["url"].endswith(f"/spotlight/{post['id']}")
    page = httpx.get(run["result"]["url"])
    assert page.status_code == 200 and text in page.text

    # The target's own options overlay the platform-wide ones.
    payload = body([{"platform": "snapchat", "accountId": PROFILE,
                     "options": {"locale": "de_DE", "description": "Beschreibung #soku"}}],
                   "post text", mediaIds=[stored_media(demo, "video", 1 * MiB + 16)],
                   options={"snapchat": {"kind": "spotlight", "locale": "fr_FR"}})
    run = _final(client, demo, _submit(client, demo, payload))
    assert run["status"] == "succeeded", run
    post = _posted(sandbox, run)
    assert (post["locale"], post["description"], post["skip_save_to_profile"]) == ("de_DE", "Beschreibung #soku",
                                                                                   False)


def test_unknown_or_invalid_options_are_refused_at_submission(client, demo, stored_media):
    media = [stored_media(demo, "video", 100_000)]
    for options in ({"kind": "saved_story"}, {"locale": "french"}, {"description": "x" * 161}, {"title": "t"}):
        r = client.post("/v1/posts", json=_snap("bad options", media, **options), headers=demo.key_headers)
        assert r.status_code == 400, (options, r.text)


def test_image_spotlight_is_refused_clearly_before_any_upload(client, stack, demo, stored_media, sandbox, db):
    sid = _submit(client, demo, _snap("image spotlight", [stored_media(demo, "image", 50_000)], kind="spotlight"))
    run = _final(client, demo, sid)
    assert run["status"] == "failed" and run["attemptCount"] == 1
    assert run["result"]["code"] == "media_unsupported" and run["result"]["retryable"] is False
    assert "Spotlight accepts only a video" in run["result"]["message"]
    assert _uploads(stack, _profile_id(db, demo)) == []  # nothing was sent to Snap


def test_media_processing_beyond_one_attempt_is_retried_and_reconciled(client, stack, demo, stored_media,
                                                                        sandbox, db, monkeypatch):
    from shared.platforms.snapchat import publisher as snapchat

    monkeypatch.setattr(snapchat, "LIMITS", snapchat.SnapchatLimits(processing_retries=1, first_retry_s=0.1))
    sandbox.fault("snapchat", "finalize", "slow_processing", polls=3)
    sid = _submit(client, demo, _snap("slow video", [stored_media(demo, "video", 500_000)]))
    run = _final(client, demo, sid)
    assert run["status"] == "succeeded" and run["attemptCount"] == 2, run
    assert _stored_run(db, sid)["lastError"]["code"] == "media_processing"
    uploads = _uploads(stack, _profile_id(db, demo))
    assert len(uploads) == 1 and uploads[0]["processingAnswers"] == 3  # uploaded once, not again
    assert "lookup" in _snap_calls(stack)  # the second attempt first checked no story was made
    assert len([p for p in sandbox.posts("snapchat") if p["media_id"] == uploads[0]["id"]]) == 1


def test_large_video_goes_in_32_mb_parts_and_resumes_after_a_failed_part(client, stack, demo, stored_media,
                                                                       sandbox, db):
    size = 40 * MiB + 5
    media_id = stored_media(demo, "video", size)
    sha = _randomize(db, media_id)
    sandbox.fault("snapchat", "add", "server_error", part=2)  # part 2 fails once
    sid = _submit(client, demo, _snap("a big video", [media_id]))
    run = _final(client, demo, sid, timeout=90)
    assert run["status"] == "succeeded" and run["attemptCount"] == 2, run
    assert _stored_run(db, sid)["lastError"]["code"] == "platform_unavailable"
    (upload,) = _uploads(stack, _profile_id(db, demo))  # one media, one key: the retry resumed
    encrypted = (size // 16 + 1) * 16
    assert upload["adds"] == [{"part": 1, "bytes": 32 * MiB}, {"part": 2, "bytes": encrypted - 32 * MiB}]
    post = _posted(sandbox, run)
    assert post["sha256"] == sha and post["size"] == size


def test_expired_access_token_is_refreshed_and_stored_sealed(client, demo, stored_media, db):
    from datetime import datetime, timedelta, timezone

    from devstack.seed import sandbox_tokens
    from shared.platforms import Platform
    from shared.services.publishing.accounts import load_account, seal_tokens

    ref = _account(db, demo)
    stale = sandbox_tokens("snapchat", _profile_id(db, demo))
    stale.expires_at = datetime.now(timezone.utc) - timedelta(minutes=5)
    stale.access_token = stale.access_token.replace(stale.access_token.split(".")[3], "1")  # really expired
    ref.update({"tokens": seal_tokens(ref, stale)})
    sid = _submit(client, demo, _snap("after refresh", [stored_media(demo, "image", 10_000)]))
    assert _final(client, demo, sid)["status"] == "succeeded"
    _, account = load_account(demo.uid, Platform.SNAPCHAT, PROFILE)
    assert account.tokens.access_token != stale.access_token
    assert account.tokens.refresh_token != stale.refresh_token  # rotated, and stored
    assert datetime.now(timezone.utc) < account.tokens.expires_at <= datetime.now(timezone.utc) + timedelta(minutes=31)
    assert account.tokens.access_token not in repr(ref.get().get("tokens"))


def test_platform_401_triggers_one_refresh_then_succeeds(client, demo, stored_media, sandbox):
    sandbox.fault("snapchat", "create", "expired_token")
    sid = _submit(client, demo, _snap("refresh on 401", [stored_media(demo, "image", 11_000)]))
    run = _final(client, demo, sid)
    assert run["status"] == "succeeded" and run["attemptCount"] == 1, run
    assert len([p for p in sandbox.posts("snapchat") if p["id"] == run["result"]["postId"]]) == 1


def test_rate_limit_then_success(client, demo, stored_media, sandbox, db):
    sandbox.fault("snapchat", "media", "rate_limit", retry_after=3)
    sid = _submit(client, demo, _snap("rate limited once", [stored_media(demo, "image", 12_000)]))
    run = _final(client, demo, sid)
    assert run["status"] == "succeeded" and run["attemptCount"] == 2, run
    error = _stored_run(db, sid)["lastError"]
    assert error["code"] == "rate_limited" and error["retryAfter"] == 3
    assert "Rate limit exceeded" in error["message"]


def test_duplicate_content_is_a_permanent_failure(client, demo, stored_media, sandbox):
    from devstack.sandboxes.snapchat import DUPLICATE_MESSAGE

    first = _submit(client, demo, _snap("same snap", [stored_media(demo, "image", 20_000)]), key="snap-dup-1")
    assert _final(client, demo, first)["status"] == "succeeded"
    second = _submit(client, demo, _snap("same snap", [stored_media(demo, "image", 20_000)]), key="snap-dup-2")
    run = _final(client, demo, second)
    assert run["status"] == "failed" and run["attemptCount"] == 1
    assert run["result"] == {"code": "duplicate_content", "retryable": False, "message": DUPLICATE_MESSAGE}


def test_processing_failure_is_reported(client, demo, stored_media, sandbox):
    from devstack.sandboxes.snapchat import PROCESSING_FAILED_MESSAGE

    sandbox.fault("snapchat", "finalize", "processing_failed")
    sid = _submit(client, demo, _snap("bad codec", [stored_media(demo, "video", 100_000)]))
    run = _final(client, demo, sid)
    assert run["status"] == "failed" and run["attemptCount"] == 1
    assert run["result"]["code"] == "media_processing_failed"
    assert PROCESSING_FAILED_MESSAGE in run["result"]["message"]

def test_processing_failure_leaves_no_post(client, demo, stored_media, sandbox, db):
    sandbox.fault("snapchat", "create", "processing_failed")
    sid = _submit(client, demo, _snap("bad image", [stored_media(demo, "image", 16_000)]))
    run = _final(client, demo, sid)
    assert run["status"] == "failed" and run["result"]["code"] == "media_processing_failed"
    assert not [p for p in sandbox.posts("snapchat") if p["subject"] == _profile_id(db, demo)]


def test_revoked_authorization_fails_the_run_and_flags_the_account(client, demo, stored_media, sandbox, db):
    sandbox.revoke("snapchat", _profile_id(db, demo))
    sid = _submit(client, demo, _snap("revoked", [stored_media(demo, "image", 13_000)]))
    run = _final(client, demo, sid)
    assert run["status"] == "failed" and run["result"]["code"] == "token_expired"
    assert "Invalid refresh token" in run["result"]["message"]
    assert _account(db, demo).get().get("status") == "needs_reconnect"
    r = client.post("/v1/posts", json=_snap("after revoke", [stored_media(demo, "image", 14_000)]),
                    headers=demo.key_headers)
    assert r.status_code == 400 and r.json()["error"]["code"] == "account_needs_reconnect"


def test_duplicate_delivery_publishes_once(client, stack, demo, stored_media, sandbox, db):
    sid = _submit(client, demo, {**_snap("delivered twice", [stored_media(demo, "image", 15_000)]),
                                 "scheduledTime": "2099-01-01T00:00:00Z"})
    task = {"postSubmissionId": sid, "targetId": TARGET}
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(2) as pool:
        outcomes = sorted(r.json()["result"]["outcome"]
                          for r in pool.map(lambda _: call_task(client, "publishSnapchat", task), range(2)))
    assert outcomes == ["skipped", "succeeded"]
    profile = _profile_id(db, demo)
    assert len([p for p in sandbox.posts("snapchat") if p["subject"] == profile]) == 1
    assert len(_uploads(stack, profile)) == 1


def test_killed_between_create_and_result_reconciles_instead_of_posting_twice(client, stack, demo, stored_media,
                                                                              sandbox, db):
    sid = _submit(client, demo, {**_snap("exactly once", [stored_media(demo, "video", 300_000)],
                                         kind="spotlight"),
                                 "scheduledTime": "2099-01-01T00:00:00Z"})
    profile = _profile_id(db, demo)
    task = {"postSubmissionId": sid, "targetId": TARGET}
    # the spotlight is made, the answer never comes
    killed_while_held(sandbox, "snapchat", task,
                      lambda: [p for p in sandbox.posts("snapchat") if p["subject"] == profile], answer_timeout=2)
    run = _stored_run(db, sid)
    assert run["status"] == "processing" and run["checkpoint"]["createArmedAt"]
    assert run["checkpoint"]["snap"]["finalized"] is True

    calls_before = len(_snap_calls(stack))
    retry = call_task(client, "publishSnapchat", task, retry_count=1)  # Cloud Tasks' retry
    assert retry.json()["result"]["outcome"] == "succeeded"
    posts = [p for p in sandbox.posts("snapchat") if p["subject"] == profile]
    assert len(posts) == 1
    final = _run(client, demo, sid)
    assert final["status"] == "succeeded" and final["result"]["postId"] == posts[0]["id"]
    assert final["result"]["url"].endswith(f"/spotlight/{posts[0]['id']}")
    assert final["attemptCount"] == 2
    assert _snap_calls(stack)[calls_before:] == ["lookup"]  # no upload, no second create
    assert len(_uploads(stack, profile)) == 1


def test_reconcile_finds_the_spotlight_behind_a_busy_profile(client, stack, demo, stored_media, sandbox, db):
    """Many runs publish to one profile at once: by the time the retry looks, the interrupted
    create's spotlight is behind more newer ones than a listing page holds. The lookup follows
    the listing's `paging.next_link` instead of creating it again."""
    sid = _submit(client, demo, {**_snap("one of many at once", [stored_media(demo, "video", 300_000)],
                                         kind="spotlight"),
                                 "scheduledTime": "2099-01-01T00:00:00Z"})
    profile = _profile_id(db, demo)
    task = {"postSubmissionId": sid, "targetId": TARGET}
    before = {p["id"] for p in sandbox.posts("snapchat")}
    killed_while_held(sandbox, "snapchat", task,
                      lambda: [p for p in sandbox.posts("snapchat") if p["id"] not in before], answer_timeout=2)
    [made] = [p for p in sandbox.posts("snapchat") if p["id"] not in before]
    for n in range(250):  # newer spotlights of the same profile, from its other runs
        stack.sandboxes.state.record_post("snapchat", profile, kind="spotlight", media_id=f"other-media-{n}",
                                          media_type="VIDEO", size=1, sha256="0" * 64)
    calls_before = len(_snap_calls(stack))
    retry = call_task(client, "publishSnapchat", task, retry_count=1)
    assert retry.json()["result"]["outcome"] == "succeeded", retry.text
    final = _run(client, demo, sid)
    assert final["status"] == "succeeded" and final["result"]["postId"] == made["id"], final
    assert [p for p in sandbox.posts("snapchat") if p["media_id"] == made["media_id"]] == [made]  # made once
    assert _snap_calls(stack)[calls_before:] == ["lookup"] * 3  # three pages of 100, no second create


def test_a_finalize_whose_result_was_never_saved_is_not_refused_on_the_retry(client, demo, stored_media, sandbox,
                                                                             db, monkeypatch):
    """The attempt dies right after Snap accepted FINALIZE, before saving it: the retry's FINALIZE
    is answered "already finalized", which means the step is done, not that the post is refused."""
    from shared.services.publishing.base import PublishContext

    media_id = stored_media(demo, "image", 300_000)
    _randomize(db, media_id)
    real_save = PublishContext.save
    died = []

    def dies_saving_finalize(self, **changes):
        if (changes.get("snap") or {}).get("finalized") and not died:
            died.append(True)
            raise RuntimeError("injected: the instance went away before saving")
        return real_save(self, **changes)

    monkeypatch.setattr(PublishContext, "save", dies_saving_finalize)
    sid = _submit(client, demo, _snap("finalized before the crash", [media_id]))
    run = _final(client, demo, sid)
    assert died and run["status"] == "succeeded", run
    assert run["attemptCount"] == 2
