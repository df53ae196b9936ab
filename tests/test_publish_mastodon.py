"""Mastodon publisher against sandbox Mastodon servers, through the real API and the Cloud Tasks
emulator, on accounts connected through the real connect flow: statuses with text, a content
warning and the other options, images and a video uploaded through the async media API; the
server's own limits; Mastodon's Idempotency-Key making a re-sent create one status; delete;
metrics. What the server STORED is what is asserted."""

from __future__ import annotations

import hashlib

import httpx
import pytest

from tests.posting import (
    SandboxCalls,
    Target,
    body,
    call_task,
    killed_while_held,
    stored_run,
    submit,
    wait_out_the_reset,
)
from tests.test_connect_mastodon import connected_account, mastodon_server  # noqa: F401 - the fixture

MIB = 1024 * 1024


@pytest.fixture(scope="module")
def server(mastodon_server) -> str:  # noqa: F811 - the fixture imported above
    return mastodon_server()


@pytest.fixture
def account(client, user, server) -> Target:
    """An account of the test's own on the sandbox server, connected through the start route,
    the begin page, the server's consent and the callback."""
    return Target("mastodon", connected_account(client, user, server))


def _statuses(sandbox, server: str, subject_of_account: str | None = None) -> list[dict]:
    return [p for p in sandbox.posts("mastodon") if p["instance"] == server
            and (subject_of_account is None or p["subject"] == subject_of_account)]


def _subject(account: Target) -> str:
    return account.account_id.removeprefix("mastodon_").split("-")[0]


def _mastodon(text: str, **content) -> dict:
    return body(["mastodon"], text, **content)


def _sha(db, media_id: str) -> str:
    from shared.adapters.gcp import storage_client
    from shared.config import get_settings

    path = db.collection("media").document(media_id).get().get("objectPath")
    blob = storage_client().bucket(get_settings().media_bucket).blob(path)
    return hashlib.sha256(blob.download_as_bytes()).hexdigest()


def test_a_text_status_is_what_the_server_stores(client, user, server, sandbox, account):
    text = "Hello fediverse from Soku & friends: https://example.com/a/rather/long/path/that/goes/on @bob@x.social"
    run = account.final(client, user, submit(client, user, _mastodon(text)))
    assert run["status"] == "succeeded" and run["attemptCount"] == 1, run
    [status] = _statuses(sandbox, server, _subject(account))
    assert status["status"] == text and status["visibility"] == "public" and status["spoiler_text"] == ""
    assert status["sensitive"] is False and status["media"] == []
    assert status["idempotency_key"].startswith("soku-")
    assert run["result"]["postId"] == status["id"] and run["result"]["url"] == status["url"]
    page = httpx.get(run["result"]["url"])
    assert page.status_code == 200 and "Hello fediverse from Soku &amp; friends" in page.text


def test_a_content_warning_and_the_other_options_reach_the_server(client, user, server, sandbox, account):
    options = {"mastodon": {"spoilerText": "Spoilers: the finale", "visibility": "unlisted", "language": "de"}}
    run = account.final(client, user, submit(client, user, _mastodon("Everyone survives.", options=options)))
    assert run["status"] == "succeeded", run
    [status] = _statuses(sandbox, server, _subject(account))
    assert (status["spoiler_text"], status["visibility"], status["language"]) == ("Spoilers: the finale",
                                                                                  "unlisted", "de")
    assert status["sensitive"] is True  # a content warning marks the status sensitive, as Mastodon does

    private = {"mastodon": {"visibility": "private", "sensitive": True}}
    run = account.final(client, user, submit(client, user, _mastodon("Followers only", options=private)))
    assert run["status"] == "succeeded", run
    status = next(s for s in _statuses(sandbox, server, _subject(account)) if s["status"] == "Followers only")
    assert (status["visibility"], status["sensitive"]) == ("private", True)


def test_unknown_or_invalid_options_are_refused_at_submission(client, user, account):
    for options in ({"visibility": "everyone"}, {"language": "English"}, {"sensitive": "yes"},
                    {"spoilerText": ""}, {"cw": "x"}):
        r = client.post("/v1/posts", json=_mastodon("bad options", options={"mastodon": options}),
                        headers=user.key_headers)
        assert r.status_code == 400, (options, r.text)


def test_two_images_are_uploaded_polled_and_attached(client, stack, user, server, sandbox, db, stored_media,
                                                     account):
    media = [stored_media(user, "image", 120_000), stored_media(user, "image", 90_000, content_type="image/png")]
    sandbox.fault("mastodon", "media", "processing", times=2, polls=2)  # 202, then 206, then 200
    calls = SandboxCalls(stack, "mastodon")
    sid = submit(client, user, _mastodon("Two pictures", mediaIds=media))
    run = account.final(client, user, sid)
    assert run["status"] == "succeeded", run
    [status] = _statuses(sandbox, server, _subject(account))
    with stack.sandboxes.state.lock:
        stored = [dict(stack.sandboxes.state.media[f"mastodon:{m}"]) for m in status["media"]]
    assert [m["sha256"] for m in stored] == [_sha(db, m) for m in media]
    assert [m["contentType"] for m in stored] == ["image/jpeg", "image/png"]
    assert [m["polls"] for m in stored] == [2, 2]  # polled until processed, then attached
    assert calls().count("media") == 2 and calls().count("create") == 1
    checkpoint = stored_run(db, sid, account.target)["checkpoint"]["media"]
    assert [checkpoint[i]["id"] for i in ("0", "1")] == status["media"] and checkpoint["1"]["ready"] is True


def test_a_video_is_processed_asynchronously(client, stack, user, server, sandbox, db, stored_media, account):
    video = stored_media(user, "video", 2 * MIB)
    run = account.final(client, user, submit(client, user, _mastodon("A short film", mediaIds=[video])))
    assert run["status"] == "succeeded", run
    [status] = _statuses(sandbox, server, _subject(account))
    [media_id] = status["media"]
    with stack.sandboxes.state.lock:
        stored = dict(stack.sandboxes.state.media[f"mastodon:{media_id}"])
    # 202 at the upload, then polled (206, 200) before the status was created.
    assert stored["type"] == "video" and stored["polls"] == 2 and stored["sha256"] == _sha(db, video)
    assert status["status"] == "A short film" and run["result"]["postId"] == status["id"]


def test_a_media_the_server_cannot_process_fails_the_run(client, user, server, sandbox, stored_media, account):
    sandbox.fault("mastodon", "media", "processing_failed")
    run = account.final(client, user, submit(client, user, _mastodon("Broken", mediaIds=[
        stored_media(user, "image", 10_000)])))
    assert run["status"] == "failed" and run["result"]["code"] == "media_processing_failed", run
    assert "File could not be processed" in run["result"]["message"]
    assert _statuses(sandbox, server, _subject(account)) == []


def test_a_status_over_the_servers_own_limit_is_refused_before_creating(client, stack, user,
                                                                        mastodon_server,  # noqa: F811
                                                                        sandbox, db):
    small = mastodon_server()
    httpx.post(f"{small}/__sandbox/limits", json={"max_characters": 100}).raise_for_status()
    on = Target("mastodon", connected_account(client, user, small))
    calls = SandboxCalls(stack, "mastodon")
    # 90 characters fit the stock 500 that submission checks, and this server's 100, but its
    # content warning counts too (Mastodon's own rule): 90 + 20 is over.
    payload = _mastodon("x" * 90, options={"mastodon": {"spoilerText": "w" * 20}})
    run = on.final(client, user, submit(client, user, payload))
    assert run["status"] == "failed" and run["result"]["code"] == "text_too_long", run
    assert "at most 100 characters" in run["result"]["message"] and "this one has 110" in run["result"]["message"]
    assert "create" not in calls() and _statuses(sandbox, small) == []
    # A link counts 23 however long it is: 70 + a 200-character link fits in 100.
    text = "y" * 70 + " https://example.com/" + "p" * 180
    run = on.final(client, user, submit(client, user, _mastodon(text)))
    assert run["status"] == "succeeded", run
    # Past the server's 100, read when the account connected, submission already refuses.
    r = client.post("/v1/posts", json=_mastodon("z" * 101), headers=user.key_headers)
    assert r.status_code == 400, r.text
    [detail] = r.json()["error"]["details"]
    assert detail["accountId"] == on.account_id and "at most 100 characters" in detail["message"], detail


def test_a_server_that_allows_longer_statuses_takes_them_from_submission_on(client, user, mastodon_server,  # noqa: F811
                                                                            sandbox):
    """Many servers raise the stock 500 (`max_characters`): an account there is held to its server's
    limit, read when it connected, not to the stock one the platform catalog gives."""
    roomy = mastodon_server()
    httpx.post(f"{roomy}/__sandbox/limits", json={"max_characters": 1000}).raise_for_status()
    on = Target("mastodon", connected_account(client, user, roomy))
    r = client.get(f"/v1/accounts/{on.account_id}/capabilities", headers=user.key_headers)
    assert r.status_code == 200 and r.json()["maxText"] == 1000, r.text
    text = "Long form, as this server allows. " + "w" * 766  # 800 characters
    run = on.final(client, user, submit(client, user, _mastodon(text)))
    assert run["status"] == "succeeded", run
    assert [s["status"] for s in _statuses(sandbox, roomy)] == [text]
    r = client.post("/v1/posts", json=_mastodon("z" * 1001), headers=user.key_headers)
    assert r.status_code == 400 and "at most 1000 characters" in r.text and "this text has 1001" in r.text, r.text


def test_the_servers_refusal_in_its_own_words(client, user, server, sandbox, account):
    """A server that lowered its limit since Soku read it (cached 10 minutes): the server's 422."""
    import time

    from shared.platforms.mastodon import instance

    httpx.post(f"{server}/__sandbox/limits", json={"max_characters": 10}).raise_for_status()
    instance._limits[server] = (time.monotonic() + 600, instance.Limits())  # read before: the stock 500
    try:
        run = account.final(client, user, submit(client, user, _mastodon("eleven chars")))
    finally:
        httpx.post(f"{server}/__sandbox/limits", json={"max_characters": 500})
        instance._limits.pop(server, None)
    assert run["status"] == "failed" and run["result"]["code"] == "text_too_long", run
    assert "Text character limit of 10 exceeded" in run["result"]["message"], run
    assert _statuses(sandbox, server, _subject(account)) == []


def test_a_crash_after_the_create_was_armed_resends_with_the_same_key_and_makes_one_status(
        client, stack, user, server, sandbox, db, account):
    subject = _subject(account)
    sid = submit(client, user, {**_mastodon("Exactly once, by Mastodon's own key"),
                                "scheduledTime": "2099-01-01T00:00:00Z"})
    task = {"postSubmissionId": sid, "targetId": account.target}
    # The server makes the status; the answer never reaches the publisher, which dies.
    killed_while_held(sandbox, "mastodon", task, lambda: _statuses(sandbox, server, subject), operation="create")
    run = stored_run(db, sid, account.target)
    assert run["status"] == "processing" and run["checkpoint"]["createArmedAt"]
    [made] = _statuses(sandbox, server, subject)

    # The listing does not show it yet, so the retry's lookup misses and the create is sent
    # again: with the same Idempotency-Key, so the server answers the status it made.
    sandbox.fault("mastodon", "lookup", "lag", times=5, seconds=60)
    calls = SandboxCalls(stack, "mastodon")
    retry = call_task(client, "publishMastodon", task, retry_count=1)  # Cloud Tasks' retry
    assert retry.json()["result"]["outcome"] == "succeeded", retry.text
    assert calls().count("create") == 1 and "lookup" in calls()
    [status] = _statuses(sandbox, server, subject)  # ONE status on the server
    assert status["id"] == made["id"] and status["idempotentReplays"] == 1
    final = account.run(client, user, sid)
    assert final["status"] == "succeeded" and final["result"]["postId"] == made["id"], final
    assert final["attemptCount"] == 2


def test_a_crash_after_the_create_is_reconciled_from_the_listing(client, stack, user, server, sandbox, db,
                                                                 account):
    subject = _subject(account)
    sid = submit(client, user, {**_mastodon("Found in the listing"), "scheduledTime": "2099-01-01T00:00:00Z"})
    task = {"postSubmissionId": sid, "targetId": account.target}
    killed_while_held(sandbox, "mastodon", task, lambda: _statuses(sandbox, server, subject), operation="create")
    calls = SandboxCalls(stack, "mastodon")
    retry = call_task(client, "publishMastodon", task, retry_count=1)
    assert retry.json()["result"]["outcome"] == "succeeded", retry.text
    assert calls() == ["lookup"]  # found by its text in the account's statuses: not sent again
    [status] = _statuses(sandbox, server, subject)
    assert account.run(client, user, sid)["result"]["postId"] == status["id"]


def test_a_rate_limit_waits_for_the_servers_reset_time(client, user, server, sandbox, db, time_travel, account):
    sandbox.fault("mastodon", "create", "rate_limit", reset_in=120)
    sid = submit(client, user, _mastodon("Patience"))
    parked = wait_out_the_reset(client, db, time_travel, sid)
    assert parked["lastError"]["code"] == "rate_limited", parked
    run = account.final(client, user, sid)
    assert run["status"] == "succeeded", run
    assert len(_statuses(sandbox, server, _subject(account))) == 1


def test_a_revoked_token_needs_a_reconnect(client, user, server, sandbox, db, account):
    sandbox.fault("mastodon", "create", "expired_token")
    run = account.final(client, user, submit(client, user, _mastodon("After the revoke")))
    assert run["status"] == "failed" and run["result"]["code"] == "token_expired", run
    assert account.account(db, user).get().get("status") == "needs_reconnect"
    assert _statuses(sandbox, server, _subject(account)) == []


def test_a_published_status_is_deleted_once(client, stack, user, server, sandbox, account):
    sid = submit(client, user, _mastodon("Here for a moment"))
    run = account.final(client, user, sid)
    assert run["status"] == "succeeded", run
    path = f"/v1/posts/{sid}/runs/{account.target}/published"
    r = client.delete(path, headers=user.key_headers)
    assert r.status_code == 200 and r.json()["deletion"]["status"] == "deleted", r.text
    assert _statuses(sandbox, server, _subject(account)) == []
    gone = httpx.get(f"{stack.sandboxes.base_url}/__sandbox/posts", params={"platform": "mastodon",
                                                                            "deleted": "1"}).json()["posts"]
    assert any(p["id"] == run["result"]["postId"] for p in gone)
    calls = SandboxCalls(stack, "mastodon")
    again = client.delete(path, headers=user.key_headers)
    assert again.status_code == 200 and calls() == []  # answered from the run, not asked again


def test_a_status_deleted_on_the_server_counts_as_deleted(client, stack, user, server, sandbox, account):
    sid = submit(client, user, _mastodon("Deleted in the app"))
    run = account.final(client, user, sid)
    stack.sandboxes.state.delete_post("mastodon", lambda p: p["id"] == run["result"]["postId"])
    r = client.delete(f"/v1/posts/{sid}/runs/{account.target}/published", headers=user.key_headers)
    assert r.status_code == 200 and r.json()["deletion"]["alreadyGone"] is True, r.text


def test_metrics_are_the_status_and_account_counts(client, user, server, sandbox, account):
    from devstack.sandboxes.mastodon.insights import status_counts

    sid = submit(client, user, _mastodon("Count me"))
    assert account.final(client, user, sid)["status"] == "succeeded"
    r = client.get(f"/v1/posts/{sid}/metrics", headers=user.key_headers)
    assert r.status_code == 200, r.text
    [metrics] = [m for m in r.json()["runs"] if m["targetId"] == account.target]
    [status] = _statuses(sandbox, server, _subject(account))
    counts = status_counts(status)
    assert metrics["metrics"] == {"views": None, "likes": counts["favourites_count"],
                                  "comments": counts["replies_count"], "shares": counts["reblogs_count"]}, metrics
    assert metrics["platformMetrics"] == counts

    r = client.get(f"/v1/accounts/{account.account_id}/metrics", headers=user.key_headers)
    assert r.status_code == 200, r.text
    answer = r.json()
    assert answer["metrics"]["followers"] >= 10 and answer["metrics"]["posts"] == 1, answer


def test_a_thread_is_a_chain_of_statuses_each_in_reply_to_the_last(client, user, server, sandbox, account, db):
    """`post.content.thread`: each reply's `in_reply_to_id` is the status before it; the thread's
    options (a content warning) go with every status, and each has an Idempotency-Key of its own."""
    texts = ["A thread, 1/3", "2/3 the middle", "3/3 the end"]
    options = {"mastodon": {"spoilerText": "long read"}}
    sid = submit(client, user, _mastodon(texts[0], thread=[{"text": t} for t in texts[1:]], options=options))
    run = account.final(client, user, sid)
    assert run["status"] == "succeeded", run
    statuses = sorted(_statuses(sandbox, server, _subject(account)), key=lambda s: texts.index(s["status"]))
    assert [s["status"] for s in statuses] == texts
    assert "inReplyTo" not in statuses[0]
    assert [s["inReplyTo"] for s in statuses[1:]] == [s["id"] for s in statuses[:-1]]
    assert {s["spoiler_text"] for s in statuses} == {"long read"}
    assert len({s["idempotency_key"] for s in statuses}) == 3
    assert [part["postId"] for part in run["result"]["thread"]] == [s["id"] for s in statuses[1:]]
    # The server shows each reply as one (the status entity's in_reply_to_id).
    from shared.platforms import Platform
    from shared.services.publishing.accounts import load_account

    _, connected = load_account(user.uid, Platform.MASTODON, account.account_id)
    reply = httpx.get(f"{server}/api/v1/statuses/{statuses[2]['id']}",
                      headers={"Authorization": f"Bearer {connected.tokens.access_token}"}).json()
    assert reply["in_reply_to_id"] == statuses[1]["id"]
