"""Telegram publisher against the Telegram sandbox, through the real API and the Cloud Tasks
emulator: text, photo, video and album messages as Telegram stored them, the limits checked at
submission, exactly once where a bot cannot look its messages up (an interrupted send ends
`unconfirmed`, never sent twice), rate limits, a removed bot, and deleting within 48 hours."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import httpx
import pytest

from tests.connecting import account_doc
from tests.posting import body, call_task, killed_while_held, stored_run, submit, wait_out_the_reset
from tests.posting import final_run as _final_run
from tests.test_connect_telegram import new_bot, new_chat

MB = 1_000_000


@dataclass
class Chat:
    """A channel or group of the test's own, connected for the user with its own bot."""

    id: int
    username: str | None
    bot: dict
    account_id: str

    @property
    def target(self) -> str:
        return f"telegram:{self.account_id}"

    def to(self) -> list[dict]:
        return [{"platform": "telegram", "accountId": self.account_id}]


def _connected(stack, user, *, kind: str = "channel", public: bool = False) -> Chat:
    from shared.platforms import Platform
    from shared.services.connections import manual

    bot = new_bot(stack, f"pub_{kind}_bot")
    username = f"pub_{bot['id']}" if public else None
    chat = new_chat(stack, bot, kind=kind, username=username)
    # Connected as POST /v1/connections/telegram does it (tests/test_connect_telegram.py tests the route).
    answer, _ = manual.connect(user.uid, Platform.TELEGRAM, {"botToken": bot["token"], "chatId": str(chat["id"])})
    return Chat(chat["id"], username, bot, answer["accounts"][0]["accountId"])


@pytest.fixture
def channel(stack, user) -> Chat:
    """A private channel: its messages' links are t.me/c/…."""
    return _connected(stack, user)


def _messages(sandbox, chat: Chat) -> list[dict]:
    """What Telegram stored in the chat, oldest first."""
    return sorted((p for p in sandbox.posts("telegram") if p["chat_id"] == chat.id), key=lambda p: p["message_id"])


def _deleted(sandbox, chat: Chat) -> list[dict]:
    rows = httpx.get(f"{sandbox.base_url}/__sandbox/posts", params={"platform": "telegram", "deleted": "1"}).json()
    return [p for p in rows["posts"] if p["chat_id"] == chat.id]


def _final(client, user, sid: str, chat: Chat) -> dict:
    return _final_run(client, user, sid, chat.target)


def _sha256(db, media_id: str) -> str:
    from shared.adapters.gcp import storage_client
    from shared.config import get_settings

    path = db.collection("media").document(media_id).get().get("objectPath")
    return hashlib.sha256(storage_client().bucket(get_settings().media_bucket).blob(path)
                          .download_as_bytes()).hexdigest()


def _sends(stack, start: int = 0) -> int:
    return [op for platform, op in stack.sandboxes.state.calls[start:] if platform == "telegram"].count("create")


def _link(chat: Chat, message_id: int) -> str:
    return f"https://t.me/c/{str(chat.id)[4:]}/{message_id}"


def test_a_text_post_is_one_message_with_its_options(client, user, sandbox, channel):
    text = "Launch day 🚀 <b>stays</b> as written: https://example.com"
    sid = submit(client, user, body(channel.to(), text, options={"telegram": {
        "disableNotification": True, "disableLinkPreview": True, "protectContent": True}}))
    run = _final(client, user, sid, channel)
    assert run["status"] == "succeeded" and run["attemptCount"] == 1, run
    [message] = _messages(sandbox, channel)
    assert message["method"] == "sendMessage" and message["text"] == text and message["caption"] is None
    assert message["disable_notification"] is True and message["protect_content"] is True
    assert message["link_preview_disabled"] is True and message["bot_id"] == channel.bot["id"]
    assert run["result"] == {"postId": str(message["message_id"]), "url": _link(channel, message["message_id"]),
                             "platform": "telegram"}


def test_a_photo_is_sent_with_the_text_as_its_caption(client, stack, user, sandbox, stored_media, db):
    chat = _connected(stack, user, public=True)
    media_id = stored_media(user, "image", 300_000)
    sid = submit(client, user, body(chat.to(), "A photo caption", mediaIds=[media_id]))
    run = _final(client, user, sid, chat)
    assert run["status"] == "succeeded", run
    [message] = _messages(sandbox, chat)
    assert message["method"] == "sendPhoto" and message["caption"] == "A photo caption" and message["text"] is None
    [media] = message["media"]
    assert (media["type"], media["contentType"], media["size"]) == ("photo", "image/jpeg", 300_000)
    assert media["sha256"] == _sha256(db, media_id)  # the bytes Telegram received are the stored ones
    assert run["result"]["url"] == f"https://t.me/{chat.username}/{message['message_id']}"  # a public chat


def test_a_video_is_sent_whole_from_storage(client, user, sandbox, stored_media, db, channel):
    media_id = stored_media(user, "video", 9 * 1024 * 1024 + 7)  # more than one read from storage
    sid = submit(client, user, body(channel.to(), "A video caption", mediaIds=[media_id]))
    run = _final(client, user, sid, channel)
    assert run["status"] == "succeeded", run
    [message] = _messages(sandbox, channel)
    assert message["method"] == "sendVideo" and message["caption"] == "A video caption"
    [media] = message["media"]
    assert (media["type"], media["contentType"], media["size"]) == ("video", "video/mp4", 9 * 1024 * 1024 + 7)
    assert media["sha256"] == _sha256(db, media_id)


def test_three_images_are_one_album_with_the_caption_on_the_first(client, user, sandbox, stored_media, db, channel):
    media_ids = [stored_media(user, "image", 20_000 + n) for n in range(3)]
    sid = submit(client, user, body(channel.to(), "An album", mediaIds=media_ids))
    run = _final(client, user, sid, channel)
    assert run["status"] == "succeeded", run
    messages = _messages(sandbox, channel)
    assert [m["method"] for m in messages] == ["sendMediaGroup"] * 3
    assert len({m["media_group_id"] for m in messages}) == 1 and messages[0]["media_group_id"]
    assert [m["caption"] for m in messages] == ["An album", None, None]
    assert [m["media"][0]["sha256"] for m in messages] == [_sha256(db, m) for m in media_ids]
    ids = [m["message_id"] for m in messages]
    assert run["result"]["postId"] == ",".join(map(str, ids)) and run["result"]["url"] == _link(channel, ids[0])


def test_text_over_4096_utf16_units_is_refused_at_submission(client, user, sandbox, channel):
    text = "😀" * 2049  # 2049 characters, 4098 UTF-16 code units: Telegram counts the latter
    r = client.post("/v1/posts", json=body(channel.to(), text), headers=user.key_headers)
    assert r.status_code == 400, r.text
    [problem] = [d for d in r.json()["error"]["details"] if d.get("platform") == "telegram"]
    assert problem["message"] == "Telegram allows at most 4096 UTF-16 code units; this text has 4098"
    assert _messages(sandbox, channel) == []


def test_a_caption_over_1024_is_refused_at_submission(client, user, sandbox, stored_media, channel):
    text = "😀" * 513  # 1026 UTF-16 code units: a fine text message, too long a caption
    r = client.post("/v1/posts", json=body(channel.to(), text, mediaIds=[stored_media(user, "image", 10_000)]),
                    headers=user.key_headers)
    assert r.status_code == 400, r.text
    [problem] = [d for d in r.json()["error"]["details"] if d.get("platform") == "telegram"]
    assert "1024" in problem["message"] and "caption" in problem["message"]
    assert _messages(sandbox, channel) == []


def test_a_send_whose_answer_was_lost_ends_unconfirmed_and_is_never_sent_again(client, stack, user, sandbox, db,
                                                                                channel):
    sid = submit(client, user, {**body(channel.to(), "sent once, answer lost"), "scheduledTime": "2099-01-01T00:00:00Z"})
    task = {"postSubmissionId": sid, "targetId": channel.target}
    # Telegram stores the message; the publisher dies before its answer arrives.
    killed_while_held(sandbox, "telegram", task, lambda: _messages(sandbox, channel), answer_timeout=2)
    run = stored_run(db, sid, channel.target)
    assert run["status"] == "processing" and run["checkpoint"]["createArmedAt"]
    assert not run["checkpoint"].get("messageIds")

    sends = _sends(stack)
    retry = call_task(client, "publishTelegram", task, retry_count=1)  # Cloud Tasks' retry
    assert retry.json()["result"]["outcome"] == "unconfirmed"
    final = _final(client, user, sid, channel)
    assert final["status"] == "unconfirmed" and final["result"]["code"] == "publish_outcome_unknown"
    assert "cannot look up the messages it sent" in final["result"]["message"]
    assert "Check the chat" in final["result"]["message"]
    assert _sends(stack) == sends  # not sent again
    assert [m["text"] for m in _messages(sandbox, channel)] == ["sent once, answer lost"]



def test_a_server_error_to_a_send_is_not_proof_it_was_not_sent(client, stack, user, sandbox, channel):
    """A 5xx answers after the request reached Telegram: the message may exist, and cannot be looked up."""
    sandbox.fault("telegram", "create", "server_error")
    sid = submit(client, user, body(channel.to(), "after a 500"))
    run = _final(client, user, sid, channel)
    assert run["status"] == "unconfirmed" and run["result"]["code"] == "publish_outcome_unknown", run
    assert _sends(stack) >= 1 and _messages(sandbox, channel) == []  # this time it was not sent: the user decides


def test_a_429_waits_the_retry_after_telegram_gave(client, user, sandbox, db, time_travel, channel):
    sandbox.fault("telegram", "create", "rate_limit", retry_after=40)
    sid = submit(client, user, body(channel.to(), "rate limited once"))
    parked = wait_out_the_reset(client, db, time_travel, sid)  # Telegram said when; the run waits
    assert parked["lastError"]["code"] == "rate_limited" and parked["lastError"]["retryAfter"] == 40
    assert "Too Many Requests: retry after 40" in parked["lastError"]["message"]
    run = _final(client, user, sid, channel)
    assert run["status"] == "succeeded" and run["attemptCount"] == 2, run
    assert [m["text"] for m in _messages(sandbox, channel)] == ["rate limited once"]  # once


def test_a_bot_removed_from_the_chat_fails_the_run_and_flags_the_account(client, stack, user, sandbox, db, channel):
    httpx.put(f"{stack.sandboxes.base_url}/telegram/__sandbox/chats/{channel.id}/members/{channel.bot['id']}",
              json={"status": "kicked"}).raise_for_status()
    sid = submit(client, user, body(channel.to(), "to a chat without the bot"))
    run = _final(client, user, sid, channel)
    assert run["status"] == "failed" and run["result"]["code"] == "token_expired", run
    assert "bot was kicked" in run["result"]["message"] and "connect the chat again" in run["result"]["message"]
    assert account_doc(db, user, "telegram", channel.account_id).get().get("status") == "needs_reconnect"
    assert _messages(sandbox, channel) == []


def test_a_message_is_deleted_and_an_album_with_all_its_messages(client, user, sandbox, stored_media, channel):
    sid = submit(client, user, body(channel.to(), "to be deleted"))
    assert _final(client, user, sid, channel)["status"] == "succeeded"
    r = client.delete(f"/v1/posts/{sid}/runs/{channel.target}/published", headers=user.key_headers)
    assert r.status_code == 200, r.text
    assert r.json()["deletion"]["status"] == "deleted"
    assert _messages(sandbox, channel) == [] and [m["text"] for m in _deleted(sandbox, channel)] == ["to be deleted"]

    album = submit(client, user, body(channel.to(), "album to delete",
                                      mediaIds=[stored_media(user, "image", 5_000 + n) for n in range(3)]))
    assert _final(client, user, album, channel)["status"] == "succeeded"
    r = client.delete(f"/v1/posts/{album}/runs/{channel.target}/published", headers=user.key_headers)
    assert r.status_code == 200, r.text
    assert _messages(sandbox, channel) == [] and len(_deleted(sandbox, channel)) == 4


def test_deleting_after_48_hours_is_refused_with_the_reason(client, stack, user, sandbox, channel):
    sid = submit(client, user, body(channel.to(), "too old to delete"))
    run = _final(client, user, sid, channel)
    assert run["status"] == "succeeded"
    httpx.post(f"{stack.sandboxes.base_url}/telegram/__sandbox/backdate", json={
        "chatId": channel.id, "messageIds": [int(run["result"]["postId"])], "hours": 49}).raise_for_status()
    r = client.delete(f"/v1/posts/{sid}/runs/{channel.target}/published", headers=user.key_headers)
    assert r.status_code == 422, r.text  # no request can change it: as a platform without deletion
    error = r.json()["error"]
    assert error["code"] == "deletion_not_supported"
    assert error["details"]["platformCode"] == "delete_window_passed" and error["details"]["retryable"] is False
    assert "within 48 hours" in error["message"] and "can't be deleted" in error["message"]
    assert [m["text"] for m in _messages(sandbox, channel)] == ["too old to delete"]  # still there


def test_metrics_are_not_supported(client, user, channel):
    sid = submit(client, user, body(channel.to(), "no metrics"))
    assert _final(client, user, sid, channel)["status"] == "succeeded"
    r = client.get(f"/v1/posts/{sid}/metrics", headers=user.key_headers)
    assert r.status_code == 200, r.text
    [entry] = r.json()["runs"] if "runs" in r.json() else r.json()["data"]
    assert entry["error"]["code"] == "not_supported" and "Bot API" in entry["error"]["message"]


def test_the_bot_token_never_reaches_a_log_line(client, user, caplog, channel):
    """The Bot API takes the token in the URL's path, and httpx logs each request's URL."""
    import logging

    caplog.set_level(logging.INFO, logger="httpx")
    sid = submit(client, user, body(channel.to(), "logged without its token"))
    assert _final(client, user, sid, channel)["status"] == "succeeded"
    assert "/bot[redacted]/sendMessage" in caplog.text
    assert channel.bot["token"] not in caplog.text and channel.bot["token"].split(":")[1] not in caplog.text
