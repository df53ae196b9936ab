"""Discord publisher against the Discord webhook sandbox, through the real API and the Cloud Tasks
emulator: a channel connected by its webhook URL, then messages with text, options, an embed,
images and a video as files; what the sandbox stored is what is asserted. Exactly once without
an idempotency key: a message whose id came back is read back by it, one whose answer was lost
is never sent again."""

from __future__ import annotations

import hashlib

import httpx
import pytest

from devstack.sandboxes import discord as discord_sandbox
from tests.envelope import assert_error
from tests.posting import (
    SandboxCalls,
    Target,
    body,
    call_task,
    killed_while_held,
    stored_run,
    submissions_of,
    submit,
    wait_out_the_reset,
)


@pytest.fixture
def channel(client, stack, user):
    """A channel webhook of the test's own, connected through `POST /v1/connections/discord`:
    (the Target to post to, the sandbox's webhook)."""
    return _connected(client, stack, user)


def _connected(client, stack, user, kind: str = "text"):
    webhook_id, token = discord_sandbox.new_webhook(stack.sandboxes.state, name="Soku news", channel=kind)
    url = f"{stack.sandboxes.base_url}/discord/api/webhooks/{webhook_id}/{token}"
    r = client.post("/v1/connections/discord", headers=user.key_headers, json={"webhookUrl": url})
    assert r.status_code == 201, r.text
    answer = r.json()
    return Target("discord", answer["accounts"][0]["accountId"]), discord_sandbox.webhooks(stack.sandboxes.state)[webhook_id]


def _messages(sandbox, hook: dict) -> list[dict]:
    return [p for p in sandbox.posts("discord") if p["subject"] == hook["id"]]


def _sha(db, media_id: str) -> str:
    from shared.adapters.gcp import storage_client
    from shared.config import get_settings

    path = db.collection("media").document(media_id).get().get("objectPath")
    return hashlib.sha256(storage_client().bucket(get_settings().media_bucket).blob(path).download_as_bytes()).hexdigest()


def test_a_text_message_with_its_options_is_what_discord_stores(client, stack, user, sandbox, channel):
    on, hook = channel
    options = {"username": "Soku Release Bot", "avatarUrl": "https://cdn.example/avatar.png", "suppressEmbeds": True,
               "embed": {"title": "v2.4 is out", "description": "Faster uploads", "url": "https://example.com/v2.4",
                         "color": 5793266}}
    text = "Release day! Read more at https://example.com/v2.4 — ✨"
    sid = submit(client, user, body(["discord"], text, options={"discord": options}))
    run = on.final(client, user, sid)
    assert run["status"] == "succeeded" and run["attemptCount"] == 1, run
    [message] = _messages(sandbox, hook)
    assert message["content"] == text and message["channel_id"] == hook["channel_id"]
    assert (message["username"], message["avatar_url"]) == ("Soku Release Bot", "https://cdn.example/avatar.png")
    assert message["flags"] == 1 << 2  # SUPPRESS_EMBEDS
    assert message["embeds"] == [{"title": "v2.4 is out", "description": "Faster uploads",
                                  "url": "https://example.com/v2.4", "color": 5793266, "type": "rich"}]
    assert message["files"] == []
    url = f"{stack.sandboxes.base_url}/discord/channels/{hook['guild_id']}/{hook['channel_id']}/{message['id']}"
    assert run["result"] == {"postId": message["id"], "url": url, "platform": "discord"}
    page = httpx.get(url)
    assert page.status_code == 200 and "Release day!" in page.text


def test_an_image_is_sent_as_a_file(client, user, sandbox, stored_media, db, channel):
    on, hook = channel
    media_id = stored_media(user, "image", 200_000)
    run = on.final(client, user, submit(client, user, body(["discord"], "A picture", mediaIds=[media_id])))
    assert run["status"] == "succeeded", run
    [message] = _messages(sandbox, hook)
    assert message["content"] == "A picture"
    assert [(f["filename"], f["content_type"], f["size"], f["sha256"]) for f in message["files"]] == [
        ("1.jpg", "image/jpeg", 200_000, _sha(db, media_id))]


def test_three_images_are_three_attachments_in_order(client, user, sandbox, stored_media, db, channel):
    on, hook = channel
    media = [stored_media(user, "image", size) for size in (10_000, 20_000, 30_000)]
    run = on.final(client, user, submit(client, user, body(["discord"], "", mediaIds=media)))
    assert run["status"] == "succeeded", run
    [message] = _messages(sandbox, hook)
    assert message["content"] == ""  # files alone make a message
    assert [(f["field"], f["filename"], f["size"], f["sha256"]) for f in message["files"]] == [
        (f"files[{n}]", f"{n + 1}.jpg", size, _sha(db, m)) for n, (m, size) in enumerate(zip(media, (10_000, 20_000, 30_000)))]


def test_a_video_is_sent_as_a_file(client, user, sandbox, stored_media, channel):
    on, hook = channel
    run = on.final(client, user, submit(client, user, body(["discord"], "Watch", mediaIds=[stored_media(user, "video", 1024 * 1024)])))
    assert run["status"] == "succeeded", run
    [message] = _messages(sandbox, hook)
    assert [(f["filename"], f["content_type"], f["size"]) for f in message["files"]] == [("1.mp4", "video/mp4", 1024 * 1024)]


def test_a_file_over_discords_limit_fails_before_anything_is_sent(client, stack, user, sandbox, stored_media, channel):
    on, hook = channel
    calls = SandboxCalls(stack, "discord")
    run = on.final(client, user, submit(client, user, body(["discord"], "Too big",
                                                           mediaIds=[stored_media(user, "video", 11 * 1024 * 1024)])))
    assert run["status"] == "failed" and run["result"]["code"] == "media_too_large", run
    assert "10 MiB" in run["result"]["message"]
    assert calls() == [] and _messages(sandbox, hook) == []


def test_text_over_2000_characters_is_refused_at_submission(client, user, db, channel):
    r = client.post("/v1/posts", json=body(["discord"], "x" * 2001), headers=user.key_headers)
    error = assert_error(r, 400, "validation_error")
    assert [(d["field"], d["message"]) for d in error["details"] if d.get("platform") == "discord"] == [
        ("body.post.content.text", "Discord allows at most 2000 characters; this text has 2001")]
    assert submissions_of(db, user.uid) == 0
    ok = client.post("/v1/posts/validate", json=body(["discord"], "é" * 2000), headers=user.key_headers)
    assert ok.status_code == 200, ok.text  # characters, not bytes


def test_options_are_checked_at_submission(client, user, channel):
    for options in ({"embed": {"color": 1}}, {"avatarUrl": "http://example.com/a.png"}, {"username": ""},
                    {"embed": {"title": "t" * 257}}, {"mentions": "everyone"}, {"username": "Discord News"}):
        r = client.post("/v1/posts", json=body(["discord"], "hi", options={"discord": options}),
                        headers=user.key_headers)
        assert r.status_code == 400, (options, r.text)


def test_a_forum_channel_post_starts_a_thread_and_is_deleted_there(client, stack, user, sandbox):
    on, hook = _connected(client, stack, user, kind="forum")
    sid = submit(client, user, body(["discord"], "Weekly thread", options={"discord": {"threadName": "Week 49"}}))
    run = on.final(client, user, sid)
    assert run["status"] == "succeeded", run
    [message] = _messages(sandbox, hook)
    assert message["thread_name"] == "Week 49" and message["channel_id"] != hook["channel_id"]
    assert run["result"]["postId"] == f"{message['channel_id']}:{message['id']}"
    assert run["result"]["url"].endswith(f"/{hook['guild_id']}/{message['channel_id']}/{message['id']}")
    r = client.delete(f"/v1/posts/{sid}/runs/{on.target}/published", headers=user.key_headers)
    assert r.status_code == 200 and r.json()["deletion"]["status"] == "deleted", r.text
    assert _messages(sandbox, hook) == []

    # A forum channel needs a thread name: Discord's refusal, in its words.
    run = on.final(client, user, submit(client, user, body(["discord"], "No thread")))
    assert run["status"] == "failed" and run["result"]["code"] == "publish_rejected", run
    assert "forum channels must have a thread_name" in run["result"]["message"]


def test_a_crash_after_the_create_was_armed_never_sends_twice(client, stack, user, sandbox, db, channel):
    on, hook = channel
    sid = submit(client, user, {**body(["discord"], "Exactly once, or not at all"),
                                "scheduledTime": "2099-01-01T00:00:00Z"})
    task = {"postSubmissionId": sid, "targetId": on.target}
    # Discord makes the message; the answer never reaches the publisher, which dies.
    killed_while_held(sandbox, "discord", task, lambda: _messages(sandbox, hook), operation="execute")
    run = stored_run(db, sid, on.target)
    assert run["status"] == "processing" and run["checkpoint"]["createArmedAt"]
    assert "discordMessage" not in run["checkpoint"]  # its id never came back

    calls = SandboxCalls(stack, "discord")
    retry = call_task(client, "publishDiscord", task, retry_count=1)  # Cloud Tasks' retry
    assert retry.json()["result"]["outcome"] == "unconfirmed", retry.text
    assert calls() == [] and len(_messages(sandbox, hook)) == 1  # not sent again
    final = on.run(client, user, sid)
    assert final["status"] == "unconfirmed" and final["result"]["code"] == "publish_outcome_unknown", final
    assert "not sent again" in final["result"]["message"] and final["result"]["retryable"] is True


def test_a_server_error_to_the_create_is_not_sent_again(client, stack, user, sandbox, db, channel):
    """A 5xx leaves the outcome unknown (Discord may have saved the message before failing to
    answer), and nothing can look it up: the run ends unconfirmed instead of risking a second one."""
    on, hook = channel
    sandbox.fault("discord", "execute", "server_error")
    calls = SandboxCalls(stack, "discord")
    sid = submit(client, user, body(["discord"], "Did it go out?"))
    run = on.final(client, user, sid)
    assert run["status"] == "unconfirmed" and run["result"]["code"] == "publish_outcome_unknown", run
    assert run["attemptCount"] == 2 and calls() == ["execute"]  # the second attempt did not send
    assert stored_run(db, sid, on.target)["lastError"]["code"] == "platform_unavailable"


def test_a_message_whose_id_was_saved_is_read_back_not_sent_again(client, stack, user, sandbox, db, channel,
                                                                  monkeypatch):
    from shared.platforms.discord.publisher import DiscordPublisher

    on, hook = channel
    real = DiscordPublisher._published
    died = []

    def dies_after_the_answer(self, account, message):
        if not died:  # the first answer: its id is saved, then the attempt dies before recording
            died.append(message["id"])
            raise RuntimeError("injected: the instance went away after Discord answered")
        return real(self, account, message)

    monkeypatch.setattr(DiscordPublisher, "_published", dies_after_the_answer)
    calls = SandboxCalls(stack, "discord")
    sid = submit(client, user, body(["discord"], "Answered, then lost"))
    run = on.final(client, user, sid)
    assert run["status"] == "succeeded" and run["attemptCount"] == 2, run
    [message] = _messages(sandbox, hook)
    assert died == [message["id"]] and run["result"]["postId"] == message["id"]
    assert calls() == ["execute", "message"]  # the retry read the message back by its id


def test_a_rate_limit_is_honoured_with_discords_retry_after(client, user, sandbox, db, channel):
    on, hook = channel
    sandbox.fault("discord", "execute", "rate_limit", retry_after=2.5)
    sid = submit(client, user, body(["discord"], "After the rate limit"))
    run = on.final(client, user, sid)
    assert run["status"] == "succeeded" and run["attemptCount"] == 2, run
    error = stored_run(db, sid, on.target)["lastError"]
    assert error["code"] == "rate_limited" and error["retryAfter"] == 2.5  # the body's float, not the header's 3
    assert "You are being rate limited" in error["message"]
    assert len(_messages(sandbox, hook)) == 1


def test_a_long_rate_limit_parks_the_run_until_discords_reset(client, user, sandbox, db, channel, time_travel):
    on, hook = channel
    sandbox.fault("discord", "execute", "rate_limit", retry_after=90, **{"global": True})
    sid = submit(client, user, body(["discord"], "After a long wait"))
    parked = wait_out_the_reset(client, db, time_travel, sid)
    assert parked["lastError"]["code"] == "rate_limited" and "(global)" in parked["lastError"]["message"]
    run = on.final(client, user, sid)
    assert run["status"] == "succeeded", run
    assert len(_messages(sandbox, hook)) == 1


def test_a_deleted_webhook_fails_the_run_and_flags_the_account(client, stack, user, sandbox, db, channel):
    on, hook = channel
    discord_sandbox.webhooks(stack.sandboxes.state).pop(hook["id"])  # a server admin deleted it
    run = on.final(client, user, submit(client, user, body(["discord"], "Nobody there")))
    assert run["status"] == "failed" and run["result"]["code"] == "token_expired", run
    assert "Unknown Webhook" in run["result"]["message"] and "webhook URL" in run["result"]["message"]
    assert on.account(db, user).get().get("status") == "needs_reconnect"
    r = client.post("/v1/posts", json=body(["discord"], "Again"), headers=user.key_headers)
    assert_error(r, 400, "account_needs_reconnect")


def test_a_published_message_is_deleted_once(client, stack, user, sandbox, channel):
    on, hook = channel
    sid = submit(client, user, body(["discord"], "Here for a moment"))
    run = on.final(client, user, sid)
    assert run["status"] == "succeeded", run
    calls = SandboxCalls(stack, "discord")
    path = f"/v1/posts/{sid}/runs/{on.target}/published"
    r = client.delete(path, headers=user.key_headers)
    assert r.status_code == 200, r.text
    assert r.json()["deletion"]["status"] == "deleted" and not r.json()["deletion"].get("alreadyGone")
    assert _messages(sandbox, hook) == [] and calls() == ["delete"]
    deleted = httpx.get(f"{sandbox.base_url}/__sandbox/posts", params={"platform": "discord", "deleted": "1"}).json()
    assert [p["id"] for p in deleted["posts"] if p["subject"] == hook["id"]] == [run["result"]["postId"]]
    again = client.delete(path, headers=user.key_headers)
    assert again.status_code == 200 and calls() == ["delete"]  # answered from the run, Discord not asked


def test_a_message_deleted_in_the_channel_counts_as_taken_down(client, stack, user, sandbox, channel):
    on, hook = channel
    sid = submit(client, user, body(["discord"], "Deleted by a moderator"))
    run = on.final(client, user, sid)
    assert run["status"] == "succeeded", run
    stack.sandboxes.state.delete_post("discord", lambda p: p["id"] == run["result"]["postId"])
    r = client.delete(f"/v1/posts/{sid}/runs/{on.target}/published", headers=user.key_headers)
    assert r.status_code == 200, r.text
    assert r.json()["deletion"]["status"] == "deleted" and r.json()["deletion"]["alreadyGone"] is True


def test_metrics_are_not_supported_and_say_why(client, user, channel):
    on, _ = channel
    sid = submit(client, user, body(["discord"], "How many saw it?"))
    assert on.final(client, user, sid)["status"] == "succeeded"
    r = client.get(f"/v1/posts/{sid}/metrics", headers=user.key_headers)
    assert r.status_code == 200, r.text
    assert "no views, reactions or member counts" in r.text and "not_supported" in r.text
