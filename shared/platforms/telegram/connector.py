"""Telegram: a manual connection. The user creates a bot with @BotFather, adds it to their channel
(as an administrator allowed to post) or group, and gives Soku the bot's token and the chat's id.

`verify` asks Telegram, before anything is stored (shared/services/connections/manual.py):
1. `getMe` (core.telegram.org/bots/api#getme): the token is a bot's. Telegram answers 401
   `Unauthorized` for a token it does not know (revoked or mistyped): refused, naming `botToken`.
2. `getChat` (#getchat) with the `chatId` (a numeric id, or `@username` of a public channel or
   group): the chat exists and the bot can see it; its numeric id, type, title and username.
   `Bad Request: chat not found` (400) or a 403 (the bot was removed): refused, naming `chatId`.
3. `getChatMember` (#getchatmember) for the bot itself: it may post there. In a channel only an
   administrator with `can_post_messages` may ("True, if the administrator can post messages in
   the channel ...; for channels only", #chatmemberadministrator); in a group or supergroup the
   owner, an administrator or a member may, and a restricted member only with `can_send_messages`
   (#chatmemberrestricted); `left` and `kicked` may not. Private chats are refused: Soku publishes
   to channels and groups.

The account is the chat: its id is the numeric chat id, its name the chat's title; the bot token is
its secret, sealed as OAuth tokens are. Bot tokens do not expire; a token regenerated in @BotFather
stops working (401), and the account then needs reconnecting. There is nothing to revoke: the user
removes the bot from the chat, or revokes its token with @BotFather.
"""

from __future__ import annotations

import functools
from typing import Any

import httpx
from pydantic import BaseModel, ConfigDict, Field, field_validator

from shared.platforms import Platform
from shared.platforms.telegram import bot_api
from shared.services.connections.base import TIMEOUT, NewAccount
from shared.services.connections.errors import ConnectError
from shared.services.connections.manual import refused
from shared.services.publishing.base import Tokens

# getChat's `type`: "private", "group", "supergroup" or "channel" (#chat).
POSTABLE_TYPES = ("channel", "group", "supergroup")


class TelegramCredentials(BaseModel):
    """The body of `POST /v1/connections/telegram`."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    botToken: str = Field(
        pattern=rf"^{bot_api.TOKEN_SHAPE}$",
        description="The bot's token from @BotFather, e.g. `123456789:AAH...`. The bot must be in the chat.",
        json_schema_extra={"writeOnly": True})
    chatId: str = Field(
        pattern=r"^(-?\d{1,20}|@[A-Za-z][A-Za-z0-9_]{3,31})$",
        description="The channel or group: its numeric id (e.g. `-1001234567890`; a JSON number is taken too) "
                    "or, for a public one, `@username`.")

    @field_validator("chatId", mode="before")
    @classmethod
    def _number_as_text(cls, value: Any) -> Any:
        # A JSON number is how many callers will send a numeric id; it names the same chat.
        return str(value) if isinstance(value, int) and not isinstance(value, bool) else value


@functools.cache
def _client() -> httpx.Client:
    return httpx.Client(timeout=TIMEOUT, follow_redirects=False)


def _ask(token: str, method: str, params: dict[str, Any]) -> bot_api.Answer:
    """One Bot API call; its envelope. Telegram unreachable, rate limited (429) or failing (5xx):
    ConnectError `platform_unavailable`; the caller judges every other answer."""
    try:
        response = _client().post(bot_api.api_url(token, method), json=params)
    except httpx.HTTPError as exc:
        raise ConnectError("platform_unavailable", f"Telegram could not be reached ({type(exc).__name__}). "
                           "Try again in a moment.", platform=Platform.TELEGRAM.value) from None
    answer = bot_api.read(response)
    if response.status_code == 429 or response.status_code >= 500 or answer is None:
        wait = bot_api.retry_after(answer) if answer is not None else None
        raise ConnectError("platform_unavailable", "Telegram is not answering right now "
                           f"(HTTP {response.status_code}{f', retry after {wait:g} s' if wait else ''}). "
                           "Try again in a moment.", platform=Platform.TELEGRAM.value)
    return answer


def _words(answer: bot_api.Answer) -> str:
    return bot_api.redact(answer.description or f"error {answer.error_code}")


def _can_post(chat_type: str, member: dict[str, Any]) -> str | None:
    """Why the bot may not post in the chat, or None when it may (#chatmember)."""
    status = member.get("status")
    if chat_type == "channel":
        if status == "administrator" and member.get("can_post_messages"):
            return None
        if status == "administrator":
            return "the bot is an administrator of the channel without the right to post messages: allow it to"
        return "the bot is not an administrator of the channel: make it one, allowed to post messages"
    if status in ("creator", "administrator", "member"):
        return None
    if status == "restricted":
        if member.get("is_member") and member.get("can_send_messages"):
            return None
        return "the bot is restricted in the group and may not send messages: lift the restriction"
    return "the bot is not a member of the group: add it"


class TelegramProvider:
    """A `ManualProvider` (shared/services/connections/manual.py)."""

    platform = Platform.TELEGRAM
    credentials = TelegramCredentials

    def verify(self, credentials: TelegramCredentials) -> list[NewAccount]:
        token = credentials.botToken
        me = _ask(token, "getMe", {})
        if not me.ok or not isinstance(me.result, dict):
            raise refused("botToken", f"Telegram does not accept this bot token ({_words(me)}): copy it again "
                                      "from @BotFather (/mybots, API Token)")
        bot = me.result
        chat_answer = _ask(token, "getChat", {"chat_id": credentials.chatId})
        if not chat_answer.ok or not isinstance(chat_answer.result, dict):
            raise refused("chatId", f"The bot cannot reach chat {credentials.chatId} ({_words(chat_answer)}): "
                                    "add the bot to the channel or group, and give its id or @username")
        chat = chat_answer.result
        chat_type = str(chat.get("type") or "")
        if chat_type not in POSTABLE_TYPES:
            raise refused("chatId", f"Chat {credentials.chatId} is a {chat_type or 'chat'} chat; Soku posts to "
                                    "channels and groups")
        member_answer = _ask(token, "getChatMember", {"chat_id": chat["id"], "user_id": bot["id"]})
        if not member_answer.ok or not isinstance(member_answer.result, dict):
            raise refused("chatId", f"Telegram did not say whether the bot may post in chat {credentials.chatId} "
                                    f"({_words(member_answer)})")
        why_not = _can_post(chat_type, member_answer.result)
        if why_not is not None:
            raise refused("chatId", f"The bot @{bot.get('username')} cannot post in "
                                    f"{chat.get('title') or credentials.chatId}: {why_not}, then connect again")
        chat_id = str(chat["id"])
        return [NewAccount(
            platform_user_id=chat_id,
            # The id keeps its sign: channels and groups are negative, users positive, and the
            # generic id rule (account_id_for) would strip it and let -123 and 123 collide.
            account_id=f"telegram_{chat_id}",
            display_name=chat.get("title") or (f"@{chat['username']}" if chat.get("username") else chat_id),
            tokens=Tokens(token),
            grant_id=f"telegram:{bot['id']}:{chat_id}",
            extra={"chatId": chat_id, "chatType": chat_type, "chatUsername": chat.get("username"),
                   "botId": str(bot["id"]), "botUsername": bot.get("username")})]

    def revoke(self, tokens: Tokens, data: dict[str, Any]) -> bool:
        # Nothing to revoke: a bot token is not a grant (the user revokes it with @BotFather, or
        # removes the bot from the chat).
        return False


def provider() -> TelegramProvider:
    """The connector the registry serves for Telegram (shared/platforms/loader.py)."""
    return TelegramProvider()
