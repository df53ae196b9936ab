"""What the Telegram sandbox knows: its bots, its chats (with each bot's standing in them) and the
messages sent there, kept in the shared SandboxState (`state.media["tg:*"]`, `state.posts`).

Telegram's ids as the Bot API shows them (core.telegram.org/bots/api#chat): a channel's or a
supergroup's id is -100 followed by its channel id, a basic group's is negative, a user's (a bot's)
positive. Message ids are per chat, counting up from 1 (#message: "Unique message identifier
inside this chat").
"""

from __future__ import annotations

import hashlib
import time
from typing import Any

from devstack.sandboxes.core import SandboxState

PLATFORM = "telegram"

# The demo bot and channel `make run` seeds an account for (devstack/seed.py): the well-known
# credentials of the local stack, never valid at Telegram.
BOT_ID = 7000000001
BOT_USERNAME = "soku_demo_bot"
BOT_TOKEN = f"{BOT_ID}:AAsbxSokuDemoBotTokenNotForTelegram00"
CHAT_ID = -1001987654321
CHAT_TITLE = "Soku Demo Channel"
CHAT_USERNAME = "soku_demo_channel"

# A channel admin allowed to post (#chatmemberadministrator); the rights a bot admin gets by default.
ADMIN = {"status": "administrator", "can_be_edited": False, "is_anonymous": False, "can_manage_chat": True,
         "can_delete_messages": False, "can_manage_video_chats": False, "can_restrict_members": False,
         "can_promote_members": False, "can_change_info": False, "can_invite_users": True,
         "can_post_stories": False, "can_edit_stories": False, "can_delete_stories": False,
         "can_post_messages": True, "can_edit_messages": False}


def token_for(bot_id: int) -> str:
    """A token of the shape @BotFather issues (#authorizing-your-bot): `<bot id>:<35 characters>`."""
    return f"{bot_id}:AA{hashlib.sha256(f'sandbox-telegram-{bot_id}'.encode()).hexdigest()[:33]}"


def _table(state: SandboxState, name: str) -> dict:
    with state.lock:
        fresh = name not in state.media
        table = state.media.setdefault(name, {})
        if fresh and name == "tg:bots":
            table[BOT_TOKEN] = {"id": BOT_ID, "is_bot": True, "first_name": "Soku Demo", "username": BOT_USERNAME}
        if fresh and name == "tg:chats":
            table[CHAT_ID] = new_chat(CHAT_ID, "channel", CHAT_TITLE, CHAT_USERNAME, {BOT_ID: dict(ADMIN)})
        return table


def bots(state: SandboxState) -> dict[str, dict[str, Any]]:
    """token → the bot's User (#user), the demo bot always among them (a reset brings it back)."""
    return _table(state, "tg:bots")


def chats(state: SandboxState) -> dict[int, dict[str, Any]]:
    """chat id → the chat, its members' standing and its message counter."""
    return _table(state, "tg:chats")


def new_chat(chat_id: int, chat_type: str, title: str, username: str | None,
             members: dict[int, dict[str, Any]]) -> dict[str, Any]:
    return {"id": chat_id, "type": chat_type, "title": title, "username": username, "members": members,
            "next_message_id": 1}


def add_bot(state: SandboxState, username: str) -> dict[str, Any]:
    with state.lock:
        bot_id = BOT_ID + 1 + len(bots(state))
        while any(b["id"] == bot_id for b in bots(state).values()):
            bot_id += 1
        token = token_for(bot_id)
        bots(state)[token] = {"id": bot_id, "is_bot": True, "first_name": username, "username": username}
        return {"token": token, "id": bot_id, "username": username}


def bot_of(state: SandboxState, token: str) -> dict[str, Any] | None:
    """The bot a token belongs to; None for a token Telegram does not know (or one revoked)."""
    bot = bots(state).get(token)
    if bot is None or (PLATFORM, str(bot["id"])) in state.revoked:
        return None
    return bot


def find_chat(state: SandboxState, chat_id: Any) -> dict[str, Any] | None:
    """By numeric id (an int or its text), or `@username` of a public chat (#sendmessage's chat_id)."""
    text = str(chat_id or "").strip()
    with state.lock:
        if text.startswith("@"):
            return next((c for c in chats(state).values() if (c["username"] or "").lower() == text[1:].lower()), None)
        try:
            return chats(state).get(int(text))
        except ValueError:
            return None


def member(chat: dict[str, Any], user: dict[str, Any]) -> dict[str, Any]:
    """A ChatMember (#chatmember) of `user` in `chat`; `left` when it never joined."""
    standing = chat["members"].get(int(user["id"])) or {"status": "left"}
    return {"user": user, **standing}


def public_chat(chat: dict[str, Any]) -> dict[str, Any]:
    """The Chat object as messages carry it (#chat)."""
    return {k: v for k, v in (("id", chat["id"]), ("type", chat["type"]), ("title", chat["title"]),
                              ("username", chat["username"])) if v is not None}


def next_message_id(chat: dict[str, Any]) -> int:
    message_id = chat["next_message_id"]
    chat["next_message_id"] += 1
    return message_id


def store(state: SandboxState, chat: dict[str, Any], bot: dict[str, Any], message: dict[str, Any],
          **recorded: Any) -> dict[str, Any]:
    """Keep a sent message as Telegram stores it (what tests assert on), and its Message."""
    with state.lock:
        message = {"message_id": next_message_id(chat), "date": int(time.time()), "chat": public_chat(chat),
                   **({"sender_chat": public_chat(chat)} if chat["type"] == "channel" else {"from": bot}), **message}
        state.record_post(PLATFORM, str(chat["id"]), chat_id=chat["id"], message_id=message["message_id"],
                          date=message["date"], bot_id=bot["id"], text=message.get("text"),
                          caption=message.get("caption"), media_group_id=message.get("media_group_id"),
                          **recorded)
        return message


def message_record(state: SandboxState, chat_id: int, message_id: int) -> dict[str, Any] | None:
    with state.lock:
        return next((p for p in state.posts if p["platform"] == PLATFORM and p["chat_id"] == chat_id
                     and p["message_id"] == message_id), None)
