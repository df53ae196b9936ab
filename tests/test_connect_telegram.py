"""Connecting a Telegram channel or group (`POST /v1/connections/telegram`: a bot token and a chat id)
against the Telegram sandbox: Telegram is asked (getMe, getChat, getChatMember) before anything is
stored; a refused credential is a 400 naming its field, and stores nothing; what is stored is the
chat, with the token sealed."""

from __future__ import annotations

import httpx
import pytest

from devstack.sandboxes import telegram as telegram_sandbox
from shared.adapters.crypto import decrypt_json
from tests.connecting import account_doc
from tests.envelope import assert_error

ADMIN = {"status": "administrator", "can_post_messages": True}


def new_bot(stack, username: str = "launch_news_bot") -> dict:
    r = httpx.post(f"{stack.sandboxes.base_url}/telegram/__sandbox/bots", json={"username": username})
    r.raise_for_status()
    return r.json()


def new_chat(stack, bot: dict, *, kind: str = "channel", username: str | None = None,
             standing: dict | None = None, title: str = "Launch news") -> dict:
    r = httpx.post(f"{stack.sandboxes.base_url}/telegram/__sandbox/chats", json={
        "type": kind, "title": title, "username": username,
        "members": {str(bot["id"]): standing or (ADMIN if kind == "channel" else {"status": "member"})}})
    r.raise_for_status()
    return r.json()


def connect(client, user, token: str, chat_id) -> httpx.Response:
    return client.post("/v1/connections/telegram", headers=user.key_headers,
                       json={"botToken": token, "chatId": chat_id})


def _stored(db, user) -> list[dict]:
    return [s.to_dict() for s in db.collection("users").document(user.uid).collection("integrations")
            .document("telegram").collection("accounts").stream()]


def _asked(stack, start: int) -> list[str]:
    return [op for platform, op in stack.sandboxes.state.calls[start:] if platform == "telegram"]


def test_a_channel_is_connected_once_telegram_says_the_bot_may_post_there(client, stack, user, db):
    bot = new_bot(stack)
    chat = new_chat(stack, bot, username=f"launch_{bot['id']}")
    start = len(stack.sandboxes.state.calls)
    r = connect(client, user, bot["token"], f"@{chat['username']}")  # a public channel by its @username
    assert r.status_code == 201, r.text
    [account] = r.json()["accounts"]
    assert r.json()["platform"] == "telegram" and account["displayName"] == "Launch news"
    assert account["reconnected"] is False and bot["token"] not in r.text
    assert _asked(stack, start) == ["getMe", "getChat", "getChatMember"]

    # The account is the chat, by its numeric id; the token sealed, bound to the document.
    ref = account_doc(db, user, "telegram", account["accountId"])
    stored = ref.get().to_dict()
    assert stored["platformUserId"] == str(chat["id"]) and stored["status"] == "connected"
    assert (stored["chatId"], stored["chatType"], stored["chatUsername"]) == (str(chat["id"]), "channel",
                                                                             chat["username"])
    assert (stored["botId"], stored["botUsername"]) == (str(bot["id"]), bot["username"])
    assert stored["grantId"] == f"telegram:{bot['id']}:{chat['id']}"
    assert bot["token"] not in str(stored)
    assert decrypt_json(stored["tokens"], associated=ref.path)["accessToken"] == bot["token"]

    again = connect(client, user, bot["token"], chat["id"])  # the numeric id, as a JSON number
    assert again.status_code == 200, again.text
    assert again.json()["accounts"] == [{**account, "reconnected": True}]


def test_a_group_the_bot_is_a_member_of_is_connected(client, stack, user, db):
    bot = new_bot(stack, "group_bot")
    chat = new_chat(stack, bot, kind="supergroup", title="Team room")
    r = connect(client, user, bot["token"], str(chat["id"]))
    assert r.status_code == 201, r.text
    [stored] = _stored(db, user)
    assert (stored["platformUserId"], stored["chatType"], stored["displayName"]) == (str(chat["id"]), "supergroup",
                                                                                     "Team room")


def test_a_bot_token_telegram_does_not_know_is_refused_naming_it_and_nothing_is_stored(client, stack, user, db):
    bot = new_bot(stack)
    chat = new_chat(stack, bot)
    forged = f"{bot['id']}:AA{'x' * 33}"  # well formed, never issued
    start = len(stack.sandboxes.state.calls)
    error = assert_error(connect(client, user, forged, chat["id"]), 400, "invalid_credentials")
    assert [d["field"] for d in error["details"]] == ["body.botToken"]
    assert "Unauthorized" in error["message"] and "@BotFather" in error["message"] and forged not in str(error)
    assert _asked(stack, start) == ["getMe"]  # nothing asked about the chat with a bad token
    assert _stored(db, user) == []

    # A token that is not even of a bot token's shape is refused before Telegram is asked.
    start = len(stack.sandboxes.state.calls)
    error = assert_error(connect(client, user, "not-a-token", chat["id"]), 400, "validation_error")
    assert [d["field"] for d in error["details"]] == ["body.botToken"]
    assert _asked(stack, start) == [] and _stored(db, user) == []


@pytest.mark.parametrize("case", ["unknown", "not_a_member", "not_admin", "admin_without_post_right", "kicked"])
def test_a_chat_the_bot_cannot_post_in_is_refused_naming_it_and_nothing_is_stored(client, stack, user, db, case):
    bot = new_bot(stack)
    if case == "unknown":
        chat_id, words = -1009999999999, "chat not found"
    else:
        standing, kind, words = {
            "not_a_member": ({"status": "left"}, "channel", "chat not found"),  # a private chat it is not in
            "not_admin": ({"status": "member"}, "channel", "not an administrator of the channel"),
            "admin_without_post_right": ({"status": "administrator", "can_post_messages": False}, "channel",
                                         "without the right to post"),
            "kicked": ({"status": "kicked"}, "supergroup", "bot was kicked from the supergroup chat"),
        }[case]
        chat_id = new_chat(stack, bot, kind=kind, standing=standing)["id"]
    error = assert_error(connect(client, user, bot["token"], chat_id), 400, "invalid_credentials")
    assert [d["field"] for d in error["details"]] == ["body.chatId"]
    assert words in error["message"], error
    assert _stored(db, user) == []


def test_a_private_chat_is_refused(client, stack, user, db):
    bot = new_bot(stack)
    chat = new_chat(stack, bot, kind="private", standing={"status": "member"}, title="Someone")
    error = assert_error(connect(client, user, bot["token"], chat["id"]), 400, "invalid_credentials")
    assert [d["field"] for d in error["details"]] == ["body.chatId"] and "channels and groups" in error["message"]
    assert _stored(db, user) == []


def test_telegram_unavailable_is_a_502_and_stores_nothing(client, stack, user, db, sandbox):
    bot = new_bot(stack)
    chat = new_chat(stack, bot)
    sandbox.fault("telegram", "getChat", "server_error")
    assert_error(connect(client, user, bot["token"], chat["id"]), 502, "platform_unavailable")
    assert _stored(db, user) == []


def test_the_demo_bot_reaches_the_demo_channel(client, user, db):
    """The well-known sandbox credentials the local stack's demo account uses."""
    r = connect(client, user, telegram_sandbox.BOT_TOKEN, telegram_sandbox.CHAT_ID)
    assert r.status_code in (200, 201), r.text
    [stored] = _stored(db, user)
    assert (stored["platformUserId"], stored["displayName"]) == (str(telegram_sandbox.CHAT_ID),
                                                                 telegram_sandbox.CHAT_TITLE)


def test_disconnecting_revokes_nothing_and_forgets_the_chat(client, stack, user, db):
    bot = new_bot(stack)
    chat = new_chat(stack, bot)
    [account] = connect(client, user, bot["token"], chat["id"]).json()["accounts"]
    gone = client.delete(f"/v1/accounts/{account['accountId']}", headers=user.key_headers)
    assert gone.status_code == 200, gone.text
    assert gone.json()["revocation"] == "not_supported" and _stored(db, user) == []
