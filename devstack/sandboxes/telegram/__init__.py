"""Telegram Bot API sandbox: `/telegram/bot<token>/<method>`, as core.telegram.org/bots/api
describes it, for the methods Soku calls:

- `getMe`, `getChat`, `getChatMember` (connecting: shared/platforms/telegram/connector.py);
- `sendMessage`, `sendPhoto`, `sendVideo`, `sendMediaGroup` (publishing), each message kept as
  Telegram stores it (`state.posts`, platform `telegram`: chat, message id, date, text or caption,
  the media received with their size and SHA-256, the options), which is what tests assert on;
- `deleteMessage`, `deleteMessages` (taking a post down): a deleted message leaves `posts` for
  `deleted`.

Requests are taken as the Bot API takes them: "GET and POST ... query string,
application/x-www-form-urlencoded, application/json ... or multipart/form-data (use to upload
files)" (#making-requests). Every answer is the Bot API's envelope: `{"ok": true, "result": …}`,
or `{"ok": false, "error_code", "description"[, "parameters"]}` with error_code as the HTTP
status. The refusals modelled, with the rule each follows:
- a token Telegram does not know (or one revoked: `POST /__sandbox/revoke` with the bot's id as
  subject): 401 `Unauthorized`; an unknown method: 404 `Not Found`;
- a chat the bot cannot see (unknown, or private and the bot not in it): 400 `Bad Request: chat
  not found`; a bot removed from it: 403 `Forbidden: bot was kicked from the <type> chat` or `bot
  is not a member`; in a channel, a bot that is no administrator allowed to post: 400 `Bad
  Request: need administrator rights in the channel chat` (only such admins post: #chatmemberadministrator);
- text "1-4096 characters after entities parsing" (#sendmessage), captions "0-1024" (#sendphoto),
  both counted in UTF-16 code units (#messageentity): `message is too long`, `message caption is
  too long`, `message text is empty`; sendMediaGroup's "2-10 items" (#sendmediagroup); files
  uploaded "10 MB max size for photos, 50 MB for other files" (#sending-files), read as 10^6 bytes;
- "no more than 20 messages per minute to the same group" (core.telegram.org/bots/faq): 429
  `Too Many Requests: retry after N` with `parameters.retry_after`;
- "A message can only be deleted if it was sent less than 48 hours ago" (#deletemessage): 400
  `Bad Request: message can't be deleted for everyone`; an unknown id: `message to delete not
  found`; deleteMessages skips ids it cannot find ("If some of the specified messages can't be
  found, they are skipped", #deletemessages).
[unverified] The exact wording of Telegram's descriptions for a media group of the wrong size and
a file over its limit (Telegram documents the rules, not the messages).

Faults (`POST /__sandbox/faults`, platform `telegram`), operations `getMe`, `getChat`,
`getChatMember`, `create` (every send method; `hold` applies here, after the message is stored)
and `delete`: `rate_limit` (params `retry_after`, default 30), `server_error`, `expired_token` /
`revoked` (401), `forbidden` (403, the bot kicked), `hold`.

Sandbox controls: `POST /telegram/__sandbox/bots` `{username}` → a new bot `{token, id, username}`;
`POST /telegram/__sandbox/chats` `{id?, type, title, username?, members: {bot id: ChatMember
fields}}` → the chat; `PUT /telegram/__sandbox/chats/<id>/members/<user id>` sets one member's
standing (`{"status": "kicked"}`); `POST /telegram/__sandbox/backdate` `{chatId, messageIds,
hours}` makes messages older. The demo bot and channel (world.py: BOT_TOKEN, CHAT_ID) always exist.
"""

from __future__ import annotations

import collections
import hashlib
import json
import time
from typing import Any

import flask

from devstack.sandboxes.core import Gate, SandboxState, hold_if_asked
from devstack.sandboxes.telegram import world
from devstack.sandboxes.telegram.world import (  # noqa: F401 - the demo credentials, for seeding and tests
    BOT_ID,
    BOT_TOKEN,
    BOT_USERNAME,
    CHAT_ID,
    CHAT_TITLE,
    CHAT_USERNAME,
    PLATFORM,
)

MAX_TEXT = 4096
MAX_CAPTION = 1024
MAX_PHOTO_BYTES = 10_000_000
MAX_FILE_BYTES = 50_000_000
MIN_GROUP, MAX_GROUP = 2, 10
GROUP_MESSAGES_PER_MINUTE = 20
DELETE_WINDOW_S = 48 * 3600
MAX_DELETE_IDS = 100
SEND_METHODS = ("sendMessage", "sendPhoto", "sendVideo", "sendMediaGroup")


def _ok(result: Any):
    return flask.jsonify({"ok": True, "result": result})


def _error(code: int, description: str, **parameters: Any):
    body: dict[str, Any] = {"ok": False, "error_code": code, "description": description}
    if parameters:
        body["parameters"] = parameters
    return flask.make_response(flask.jsonify(body), code)


def _bad(description: str):
    return _error(400, f"Bad Request: {description}")


def _utf16(text: str) -> int:
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def _flag(value: Any) -> bool:
    return value is True or str(value).lower() in ("true", "1")


def _params() -> dict[str, Any]:
    """The call's parameters from wherever the Bot API takes them (#making-requests)."""
    request = flask.request
    params: dict[str, Any] = dict(request.args.items())
    if request.is_json:
        params |= request.get_json(silent=True) or {}
    else:
        params |= dict(request.form.items())
    return params


def _file(name: str) -> dict[str, Any] | None:
    upload = flask.request.files.get(name)
    if upload is None:
        return None
    data = upload.read()
    return {"name": name, "filename": upload.filename, "contentType": upload.mimetype, "size": len(data),
            "sha256": hashlib.sha256(data).hexdigest()}


def blueprint(state: SandboxState, web_base: str) -> flask.Blueprint:
    bp = flask.Blueprint("telegram", __name__, url_prefix="/telegram")
    sent_at: dict[int, collections.deque] = {}

    gate = Gate(state, PLATFORM, {
        "rate_limit": lambda fault, op: _rate_limited(int(fault.params.get("retry_after", 30))),
        "server_error": lambda fault, op: _error(500, "Internal Server Error"),
        "expired_token": lambda fault, op: _error(401, "Unauthorized"),
        "revoked": lambda fault, op: _error(401, "Unauthorized"),
        "forbidden": lambda fault, op: _error(403, "Forbidden: bot was kicked from the channel chat"),
    })

    def _rate_limited(seconds: int):
        return _error(429, f"Too Many Requests: retry after {seconds}", retry_after=seconds)

    # -- sandbox controls ------------------------------------------------------------------
    @bp.post("/__sandbox/bots")
    def add_bot():
        body = flask.request.get_json(force=True) or {}
        return world.add_bot(state, str(body.get("username") or f"sandbox_{int(time.time() * 1000)}_bot"))

    @bp.post("/__sandbox/chats")
    def add_chat():
        body = flask.request.get_json(force=True) or {}
        chat_type = body.get("type", "channel")
        # Ids of the Bot API's shapes (world.py): -100<channel id> for channels and supergroups, a
        # plain negative id for basic groups, positive for private chats.
        n = int(state.next_id()[-9:])
        chat_id = int(body.get("id") or {"channel": -(10 ** 12 + 10 ** 9 + n), "supergroup": -(10 ** 12 + 10 ** 9 + n),
                                         "group": -(10 ** 9 + n)}.get(chat_type, 10 ** 9 + n))
        members = {int(k): dict(v) for k, v in (body.get("members") or {}).items()}
        chat = world.new_chat(chat_id, chat_type, body.get("title") or f"Chat {chat_id}", body.get("username"), members)
        with state.lock:
            world.chats(state)[chat_id] = chat
        return world.public_chat(chat)

    @bp.put("/__sandbox/chats/<int(signed=True):chat_id>/members/<int:user_id>")
    def set_member(chat_id: int, user_id: int):
        chat = world.find_chat(state, chat_id)
        if chat is None:
            return {"error": "no such chat"}, 404
        with state.lock:
            chat["members"][user_id] = flask.request.get_json(force=True) or {"status": "left"}
        return {"ok": True}

    @bp.post("/__sandbox/backdate")
    def backdate():
        body = flask.request.get_json(force=True) or {}
        by = float(body.get("hours", 49)) * 3600
        changed = 0
        with state.lock:
            for message_id in body.get("messageIds") or []:
                record = world.message_record(state, int(body["chatId"]), int(message_id))
                if record is not None:
                    record["date"] -= int(by)
                    record["createdAt"] -= by
                    changed += 1
        return {"ok": True, "changed": changed}

    # -- the Bot API -----------------------------------------------------------------------
    @bp.route("/bot<token>/<method>", methods=["GET", "POST"])
    def bot_api(token: str, method: str):
        operation = "create" if method in SEND_METHODS else "delete" if method.startswith("delete") else method
        fault, faulted = gate.fault(operation)
        if faulted is not None:
            return faulted
        bot = world.bot_of(state, token)
        if bot is None:
            return _error(401, "Unauthorized")
        handler = HANDLERS.get(method)
        if handler is None:
            return _error(404, "Not Found")
        return handler(bot, _params(), fault)

    def get_me(bot, params, fault):
        return _ok(bot | {"can_join_groups": True, "can_read_all_group_messages": False,
                          "supports_inline_queries": False})

    def visible_chat(bot, params) -> tuple[dict | None, Any]:
        """The chat `chat_id` names, as this bot may reach it, or the Bot API's refusal."""
        chat = world.find_chat(state, params.get("chat_id"))
        if chat is None:
            return None, _bad("chat not found")
        status = world.member(chat, bot)["status"]
        if status == "kicked":
            kind = chat["type"]
            return None, _error(403, f"Forbidden: bot was kicked from the {kind} chat")
        if status == "left" and not chat["username"]:
            return None, _bad("chat not found")  # a private chat is invisible to a bot that is not in it
        return chat, None

    def get_chat(bot, params, fault):
        chat, refusal = visible_chat(bot, params)
        if refusal is not None:
            return refusal
        return _ok(world.public_chat(chat) | {"accent_color_id": 0, "max_reaction_count": 11})

    def get_chat_member(bot, params, fault):
        chat, refusal = visible_chat(bot, params)
        if refusal is not None:
            return refusal
        try:
            user_id = int(params.get("user_id"))
        except (TypeError, ValueError):
            return _bad("invalid user_id specified")
        user = next((b for b in world.bots(state).values() if b["id"] == user_id), None)
        if user is None:
            return _bad("user not found")
        return _ok(world.member(chat, user))

    def may_post(bot, chat) -> Any:
        """None when the bot may post in the chat; otherwise Telegram's refusal."""
        standing = world.member(chat, bot)
        status = standing["status"]
        kind = "channel" if chat["type"] == "channel" else chat["type"]
        if status == "kicked":
            return _error(403, f"Forbidden: bot was kicked from the {kind} chat")
        if status == "left":
            return _error(403, f"Forbidden: bot is not a member of the {kind} chat")
        if chat["type"] == "channel":
            if status != "administrator" or not standing.get("can_post_messages"):
                return _bad("need administrator rights in the channel chat")
        elif status == "restricted" and not standing.get("can_send_messages"):
            return _bad("not enough rights to send text messages to the chat")
        return None

    def too_fast(chat) -> Any:
        if chat["type"] not in ("group", "supergroup"):
            return None
        now = time.time()
        window = sent_at.setdefault(chat["id"], collections.deque())
        while window and window[0] <= now - 60:
            window.popleft()
        if len(window) >= GROUP_MESSAGES_PER_MINUTE:
            return _rate_limited(max(1, int(window[0] + 60 - now) + 1))
        window.append(now)
        return None

    def options(params) -> dict[str, Any]:
        return {"disable_notification": _flag(params.get("disable_notification")),
                "protect_content": _flag(params.get("protect_content")),
                "message_thread_id": int(params["message_thread_id"]) if params.get("message_thread_id") else None}

    def sending(bot, params) -> tuple[dict | None, Any]:
        chat, refusal = visible_chat(bot, params)
        if refusal is None:
            refusal = may_post(bot, chat) or too_fast(chat)
        return (chat, None) if refusal is None else (None, refusal)

    def caption_refusal(params) -> Any:
        caption = params.get("caption") or ""
        if _utf16(caption) > MAX_CAPTION:
            return _bad("message caption is too long")
        return None

    def file_refusal(kind: str, received: dict | None) -> Any:
        if received is None:
            return _bad(f"there is no {kind} in the request")
        limit = MAX_PHOTO_BYTES if kind == "photo" else MAX_FILE_BYTES
        if received["size"] > limit:
            return _bad("file is too big")  # [unverified] wording
        if received["size"] == 0:
            return _bad("file must be non-empty")
        return None

    def media_object(kind: str, received: dict) -> Any:
        """What the Message carries for the file ([sandbox] dimensions are not read from the bytes)."""
        file_id = f"sbx-{kind}-{received['sha256'][:24]}"
        if kind == "photo":
            return [{"file_id": file_id, "file_unique_id": received["sha256"][:16], "width": 0, "height": 0,
                     "file_size": received["size"]}]
        return {"file_id": file_id, "file_unique_id": received["sha256"][:16], "width": 0, "height": 0,
                "duration": 0, "mime_type": received["contentType"], "file_size": received["size"]}

    def send_message(bot, params, fault):
        chat, refusal = sending(bot, params)
        if refusal is not None:
            return refusal
        text = params.get("text") or ""
        if not text.strip():
            return _bad("message text is empty")
        if _utf16(text) > MAX_TEXT:
            return _bad("message is too long")
        preview = params.get("link_preview_options") or {}
        if isinstance(preview, str):
            preview = json.loads(preview or "{}")
        message = world.store(state, chat, bot, {"text": text}, method="sendMessage", media=[],
                              link_preview_disabled=bool(preview.get("is_disabled")), **options(params))
        hold_if_asked(fault)
        return _ok(message)

    def send_file(kind: str):
        def send(bot, params, fault):
            chat, refusal = sending(bot, params)
            if refusal is not None:
                return refusal
            received = _file(kind)
            refusal = caption_refusal(params) or file_refusal(kind, received)
            if refusal is not None:
                return refusal
            fields = {kind: media_object(kind, received), **({"caption": params["caption"]} if params.get("caption") else {})}
            message = world.store(state, chat, bot, fields, method=f"send{kind.title()}",
                                  media=[received | {"type": kind}], **options(params))
            hold_if_asked(fault)
            return _ok(message)
        return send

    def send_media_group(bot, params, fault):
        chat, refusal = sending(bot, params)
        if refusal is not None:
            return refusal
        try:
            media = json.loads(params.get("media") or "[]")
        except ValueError:
            return _bad("can't parse media JSON object")
        if not isinstance(media, list) or not MIN_GROUP <= len(media) <= MAX_GROUP:
            return _bad(f"media group must include {MIN_GROUP}-{MAX_GROUP} items")  # [unverified] wording
        items = []
        for item in media:
            kind = item.get("type") if isinstance(item, dict) else None
            if kind not in ("photo", "video"):
                return _bad("unsupported media type in the media group")
            reference = str(item.get("media") or "")
            if not reference.startswith("attach://"):
                return _bad("wrong file identifier/HTTP URL specified")
            received = _file(reference[len("attach://"):])
            refusal = caption_refusal(item) or file_refusal(kind, received)
            if refusal is not None:
                return refusal
            items.append((kind, item, received))
        group_id = state.next_id()
        messages = []
        for kind, item, received in items:
            fields = {kind: media_object(kind, received), "media_group_id": group_id,
                      **({"caption": item["caption"]} if item.get("caption") else {})}
            messages.append(world.store(state, chat, bot, fields, method="sendMediaGroup",
                                        media=[received | {"type": kind}], **options(params)))
        hold_if_asked(fault)
        return _ok(messages)

    def deletable(bot, chat, message_id: int) -> Any:
        """None when the bot may delete this message now; Telegram's refusal otherwise."""
        record = world.message_record(state, chat["id"], message_id)
        if record is None:
            return _bad("message to delete not found")
        if time.time() - record["date"] >= DELETE_WINDOW_S:
            return _bad("message can't be deleted for everyone")
        standing = world.member(chat, bot)
        # "Bots granted can_post_messages permissions can delete outgoing messages in channels";
        # "Bots can delete outgoing messages in private chats, groups, and supergroups" (#deletemessage).
        if record["bot_id"] != bot["id"] and not standing.get("can_delete_messages"):
            return _bad("message can't be deleted")
        if chat["type"] == "channel" and not (standing.get("can_post_messages") or standing.get("can_delete_messages")):
            return _bad("message can't be deleted")
        return None

    def delete_message(bot, params, fault):
        chat, refusal = visible_chat(bot, params)
        if refusal is not None:
            return refusal
        try:
            message_id = int(params.get("message_id"))
        except (TypeError, ValueError):
            return _bad("message identifier is not specified")
        refusal = deletable(bot, chat, message_id)
        if refusal is not None:
            return refusal
        state.delete_post(PLATFORM, lambda p: p["chat_id"] == chat["id"] and p["message_id"] == message_id)
        return _ok(True)

    def delete_messages(bot, params, fault):
        chat, refusal = visible_chat(bot, params)
        if refusal is not None:
            return refusal
        ids = params.get("message_ids")
        if isinstance(ids, str):
            ids = json.loads(ids or "[]")
        if not isinstance(ids, list) or not 1 <= len(ids) <= MAX_DELETE_IDS:
            return _bad(f"message_ids must include 1-{MAX_DELETE_IDS} items")
        present = [int(i) for i in ids if world.message_record(state, chat["id"], int(i)) is not None]
        for message_id in present:  # skipped when missing; refused whole when one may not go
            refusal = deletable(bot, chat, message_id)
            if refusal is not None:
                return refusal
        for message_id in present:
            state.delete_post(PLATFORM, lambda p, m=message_id: p["chat_id"] == chat["id"] and p["message_id"] == m)
        return _ok(True)

    HANDLERS = {"getMe": get_me, "getChat": get_chat, "getChatMember": get_chat_member,
                "sendMessage": send_message, "sendPhoto": send_file("photo"), "sendVideo": send_file("video"),
                "sendMediaGroup": send_media_group, "deleteMessage": delete_message,
                "deleteMessages": delete_messages}

    return bp
