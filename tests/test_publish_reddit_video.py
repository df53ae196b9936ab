"""Reddit video posts against the Reddit sandbox, through the real API and the Cloud Tasks
emulator, on accounts connected through the real connect flow: the video and its poster leased
and uploaded (checkpointed), one `kind=video` submit answered with no id, the post found in the
submitted listing once the sandbox has "processed" it; a videogif with the plain poster Soku
makes; a lost submit answer not submitted again; a video Reddit never lists ending unconfirmed;
a subreddit that allows no videos refused at submission. What the sandbox STORED is asserted."""

from __future__ import annotations

import hashlib

import pytest

from tests.envelope import assert_error
from tests.posting import SandboxCalls, Target, body, call_task, killed_while_held, stored_run, submit
from tests.test_connect_reddit import connected_account


@pytest.fixture
def connected(client, user) -> tuple[Target, str]:
    account_id, subject = connected_account(client, user)
    return Target("reddit", account_id, timeout=60), subject


def _posts(sandbox, subject: str) -> list[dict]:
    return [p for p in sandbox.posts("reddit") if p["subject"] == subject]


def _sha(db, media_id: str) -> str:
    from shared.adapters.gcp import storage_client
    from shared.config import get_settings

    path = db.collection("media").document(media_id).get().get("objectPath")
    blob = storage_client().bucket(get_settings().media_bucket).blob(path)
    return hashlib.sha256(blob.download_as_bytes()).hexdigest()


def _post(text: str, media: list[str], **options) -> dict:
    content: dict = {"mediaIds": media}
    if options:
        content["options"] = {"reddit": options}
    return body(["reddit"], text, **content)


def test_a_video_post_uploads_the_video_and_its_poster_and_is_found_once_processed(
        client, user, sandbox, db, stored_media, stack, connected):
    account, subject = connected
    video, poster = stored_media(user, "video", 300_000), stored_media(user, "image", 30_000)
    calls = SandboxCalls(stack, "reddit")
    sid = submit(client, user, _post("Our launch video\nTwo minutes on what we built.", [video, poster],
                                     subreddit="sokusandbox"))
    run = account.final(client, user, sid)
    assert run["status"] == "succeeded", run
    [post] = _posts(sandbox, subject)
    assert (post["subreddit"], post["kind"], post["title"], post["selftext"]) == (
        "sokusandbox", "video", "Our launch video", "Two minutes on what we built.")
    roles = {m["role"]: m for m in post["media"]}
    assert roles["video"]["sha256"] == _sha(db, video) and roles["video"]["contentType"] == "video/mp4"
    assert roles["poster"]["sha256"] == _sha(db, poster) and roles["poster"]["contentType"] == "image/jpeg"
    # Reddit's answer had no id: the post was found in the listing, after its processing delay.
    assert run["result"]["postId"] == post["id"]
    made = calls()
    assert made.count("lease") == 2 and made.count("upload") == 2 and made.count("create") == 1
    assert "lookup" in made
    uploads = stored_run(db, sid, account.target)["checkpoint"]["uploads"]
    assert (uploads["video"]["assetId"], uploads["poster"]["assetId"]) == (
        roles["video"]["assetId"], roles["poster"]["assetId"])


def test_a_videogif_without_an_image_gets_the_plain_poster(client, user, sandbox, stored_media, connected):
    account, subject = connected
    run = account.final(client, user, submit(client, user, _post("Loop", [stored_media(user, "video", 50_000)],
                                                                 videogif=True)))
    assert run["status"] == "succeeded", run
    [post] = _posts(sandbox, subject)
    assert post["kind"] == "videogif" and post["subreddit"] == f"u_{subject}"
    poster = next(m for m in post["media"] if m["role"] == "poster")
    assert poster["contentType"] == "image/png" and poster["bytes"] > 0


def test_a_lost_submit_answer_is_looked_for_and_not_submitted_again(client, stack, user, sandbox, db, stored_media,
                                                                    connected):
    account, subject = connected
    sid = submit(client, user, {**_post("Exactly one video", [stored_media(user, "video", 40_000)]),
                                "scheduledTime": "2099-01-01T00:00:00Z"})
    task = {"postSubmissionId": sid, "targetId": account.target}
    # Reddit takes the submit; the answer never reaches the publisher, which dies.
    killed_while_held(sandbox, "reddit", task, lambda: _posts(sandbox, subject), operation="create")
    run = stored_run(db, sid, account.target)
    assert run["status"] == "processing" and run["checkpoint"]["createArmedAt"]
    assert set(run["checkpoint"]["uploads"]) == {"video", "poster"}
    [made] = _posts(sandbox, subject)

    calls = SandboxCalls(stack, "reddit")
    retry = call_task(client, "publishReddit", task, retry_count=1)  # Cloud Tasks' retry
    assert retry.json()["result"]["outcome"] == "succeeded", retry.text
    assert "lookup" in calls() and "create" not in calls() and "lease" not in calls()
    [post] = _posts(sandbox, subject)  # ONE post
    final = account.run(client, user, sid)
    assert final["status"] == "succeeded" and final["result"]["postId"] == made["id"] == post["id"], final


def test_a_video_reddit_never_lists_ends_unconfirmed_and_is_not_sent_again(client, stack, user, sandbox,
                                                                          stored_media, connected):
    account, subject = connected
    sandbox.fault("reddit", "create", "processing_stuck")
    calls = SandboxCalls(stack, "reddit")
    from tests.conftest import wait_for

    sid = submit(client, user, _post("Stuck in processing", [stored_media(user, "video", 20_000)]))
    # The publisher reads the listing for 30 s before it gives up: polled once a second (the
    # API's per-key rate limit would refuse the default 10 a second for that long).
    run = wait_for(lambda: (r := account.run(client, user, sid))["status"] in ("succeeded", "failed", "unconfirmed")
                   and r, timeout=90, interval=1)
    assert run["status"] == "unconfirmed", run
    assert run["result"]["code"] == "publish_outcome_unknown" and "submitted listing" in run["result"]["message"]
    assert run["result"]["websocketUrl"].startswith("wss://")
    assert run["result"]["userSubmittedPage"].endswith(f"/user/{subject}/submitted/")
    assert calls().count("create") == 1 and len(_posts(sandbox, subject)) == 1


def test_a_subreddit_that_allows_no_videos_refuses_a_video_at_submission(client, stack, user, sandbox, db,
                                                                         stored_media, connected):
    from tests.posting import submissions_of

    account, subject = connected
    calls = SandboxCalls(stack, "reddit")
    r = client.post("/v1/posts", json=_post("A clip", [stored_media(user, "video", 10_000)], subreddit="novideos"),
                    headers=user.key_headers)
    [detail] = assert_error(r, 400, "validation_error")["details"]
    assert detail["field"] == "body.post.content" and detail["code"] == "invalid_media"
    assert detail["subreddit"] == "novideos" and "allow_videos" in detail["message"]
    assert detail["accountId"] == account.account_id
    assert calls() == ["requirements", "flairs", "about"]
    assert submissions_of(db, user.uid) == 0 and _posts(sandbox, subject) == []
    # The same subreddit still takes a text post (its about page is asked only for videos).
    assert client.post("/v1/posts/validate", json=body(["reddit"], "Words only", options={
        "reddit": {"subreddit": "novideos"}}), headers=user.key_headers).status_code == 200


def test_videogif_without_a_video_is_refused_naming_the_option(client, user, connected):
    r = client.post("/v1/posts", json=body(["reddit"], "No video here", options={"reddit": {"videogif": True}}),
                    headers=user.key_headers)
    [detail] = assert_error(r, 400, "validation_error")["details"]
    assert detail["field"] == "body.post.content.options.reddit.videogif", detail

