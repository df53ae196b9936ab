"""Discord webhook sandbox: what the Discord publisher and connector call, under `/discord`.

Modelled on discord.com/developers/docs/resources/webhook (API v10, `/api/v10/...`), each
behaviour with its source below; Discord's OpenAPI document (discord/discord-api-spec) holds
the same shapes:

- `GET /api/v10/webhooks/{id}/{token}` ("Get Webhook with Token"): the webhook object without
  its `user` (`id`, `type` 1, `guild_id`, `channel_id`, `name`, `avatar`, `application_id`,
  `token`).
- `POST /api/v10/webhooks/{id}/{token}` ("Execute Webhook", `?wait=true|false`, `?thread_id`):
  JSON, or multipart with `payload_json` and `files[n]` ("Uploading Files",
  discord.com/developers/docs/reference#uploading-files). Refused as Discord refuses them:
  `content` over 2000 characters, more than 10 files or embeds, a username containing
  "discord" or "clyde", embeds over their limits (400 50035 Invalid Form Body, with the
  `errors` tree); nothing to send (400 50006 "Cannot send an empty message"); a file over
  10 MiB or a request over 25 MiB (413 40005 "Request entity too large"); `thread_name` to a
  text channel (400 220003) and none to a forum channel (400 220001). `wait=true` answers the
  message object (200), `wait=false` 204.
- `GET` / `DELETE /api/v10/webhooks/{id}/{token}/messages/{message_id}` (`?thread_id`): the
  message (200) or 204; `404 {"code": 10008, "message": "Unknown Message"}` for a message this
  webhook did not send, or already deleted, or asked for outside its thread.
- `GET /channels/{guild}/{channel}/{message}`: a page showing the message (the link Discord's
  "Copy Message Link" gives).

Every error is Discord's envelope `{"code", "message"}` (discord.com/developers/docs/topics/
opcodes-and-status-codes#json). An unknown webhook is `404 10015 Unknown Webhook`, a wrong
token `401 50027 Invalid Webhook Token`. Every API answer carries the rate-limit headers of
discord.com/developers/docs/topics/rate-limits (`X-RateLimit-Limit`, `-Remaining`, `-Reset`,
`-Reset-After`, `-Bucket`); a 429 adds `Retry-After`, `X-RateLimit-Scope` and the body
`{"message", "retry_after", "global"}`. The limits themselves are not enforced (Discord says
not to hard-code them; tests inject them as faults).

Webhooks: the demo one (`WEBHOOK_ID`, `WEBHOOK_TOKEN`, in a text channel), and those a test
makes with `POST /discord/__sandbox/webhooks {"name", "channel": "text"|"forum"}` (answers
`{id, token, url, channel_id, guild_id}`); `DELETE /discord/__sandbox/webhooks/{id}` deletes
one, as a server admin would. What was posted is `state.posts` (platform "discord", `subject`
the webhook id, the message's fields, and each file's name, type, size and SHA-256).

Fault operations: `webhook` (the GET), `execute` (`hold` applies after the message was made),
`message` (the GET of a message), `delete`. Kinds: `rate_limit` (params `retry_after`, seconds,
default 1.5; `global`), `server_error`, `expired_token` (401 50027), `unknown_webhook`
(404 10015), `hold`.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import time
from typing import Any

import flask
from markupsafe import escape

from devstack.sandboxes.core import Fault, Gate, SandboxState, answer, hold_if_asked

PLATFORM = "discord"
# The demo webhook: what the seeded demo account's webhook URL names.
WEBHOOK_ID = "1300000000000000001"
WEBHOOK_TOKEN = "sbx-discord-demo-webhook-token"
GUILD_ID = "1100000000000000001"
CHANNEL_ID = "1200000000000000001"

MiB = 1024 * 1024
MAX_CONTENT = 2000  # Execute Webhook: "the message contents (up to 2000 characters)"
MAX_FILES = 10  # OpenAPI IncomingWebhookRequestPartial: attachments maxItems 10
MAX_EMBEDS = 10  # Execute Webhook: "array of up to 10 embed objects"
MAX_FILE_BYTES = 10 * MiB  # Uploading Files: "The default limit is 10 MiB"
MAX_REQUEST_BYTES = 25 * MiB  # Create Message: "The maximum request size when sending a message is 25 MiB"
# Embed limits (discord.com/developers/docs/resources/message#embed-object-embed-limits).
EMBED_LIMITS = {"title": 256, "description": 4096}
MAX_EMBED_TOTAL = 6000
# Message flags a webhook may set: SUPPRESS_EMBEDS, SUPPRESS_NOTIFICATIONS, IS_COMPONENTS_V2.
ALLOWED_FLAGS = (1 << 2) | (1 << 12) | (1 << 15)
# What rate-limit headers say; the sandbox does not count (tests inject 429s as faults).
RATE_LIMIT = 5
RATE_WINDOW_S = 2.0


def discord_error(status: int, code: int, message: str, errors: dict | None = None,
                  headers: dict | None = None) -> flask.Response:
    body: dict[str, Any] = {"message": message, "code": code}
    if errors:
        body["errors"] = errors
    return flask.make_response(body, status, headers or {})


def _form_error(field: str, code: str, message: str) -> flask.Response:
    """50035 Invalid Form Body, with Discord's `errors` tree for one field (`a.b.0.c`)."""
    tree: dict[str, Any] = {"_errors": [{"code": code, "message": message}]}
    for part in reversed(field.split(".")):
        tree = {part: tree}
    return discord_error(400, 50035, "Invalid Form Body", tree)


def _unknown_webhook() -> flask.Response:
    return discord_error(404, 10015, "Unknown Webhook")


def _invalid_token() -> flask.Response:
    return discord_error(401, 50027, "Invalid Webhook Token")


def _iso(epoch: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(epoch)) + f".{int(epoch * 1000) % 1000:03d}000+00:00"


def webhooks(state: SandboxState) -> dict[str, dict[str, Any]]:
    """The webhooks Discord has: the demo one, and those made since (`new_webhook`). A reset
    forgets the latter; the demo one is always there."""
    with state.lock:
        return state.media.setdefault("discord:webhooks", {WEBHOOK_ID: {
            "id": WEBHOOK_ID, "token": WEBHOOK_TOKEN, "name": "Soku Demo", "guild_id": GUILD_ID,
            "channel_id": CHANNEL_ID, "channel": "text"}})


def new_webhook(state: SandboxState, name: str = "Sandbox webhook", channel: str = "text") -> tuple[str, str]:
    """A webhook of its own in a new channel (`text`, or `forum`: its posts must start a thread),
    as a server admin makes one: (id, token)."""
    webhook_id, channel_id = state.next_id(), state.next_id()
    hook = {"id": webhook_id, "token": secrets.token_urlsafe(48), "name": name, "guild_id": GUILD_ID,
            "channel_id": channel_id, "channel": channel}
    webhooks(state)[webhook_id] = hook
    return webhook_id, hook["token"]


def blueprint(state: SandboxState, base_url: str) -> flask.Blueprint:
    bp = flask.Blueprint("discord", __name__, url_prefix="/discord")
    root = f"{base_url}/discord"

    def rate_headers(remaining: int = RATE_LIMIT - 1) -> dict[str, str]:
        reset = time.time() + RATE_WINDOW_S
        return {"X-RateLimit-Limit": str(RATE_LIMIT), "X-RateLimit-Remaining": str(remaining),
                "X-RateLimit-Reset": f"{reset:.3f}", "X-RateLimit-Reset-After": f"{RATE_WINDOW_S:.3f}",
                "X-RateLimit-Bucket": "sbx-webhook-execute"}

    def rate_limited(fault: Fault, operation: str) -> flask.Response:
        wait = float(fault.params.get("retry_after", 1.5))
        is_global = bool(fault.params.get("global"))
        headers = rate_headers(0) | {"Retry-After": str(int(wait) + 1), "X-RateLimit-Reset-After": f"{wait:.3f}",
                                     "X-RateLimit-Reset": f"{time.time() + wait:.3f}",
                                     "X-RateLimit-Scope": "global" if is_global else "shared"}
        if is_global:
            headers["X-RateLimit-Global"] = "true"
        response = flask.make_response({"message": "You are being rate limited.", "retry_after": wait,
                                        "global": is_global}, 429, headers)
        return response

    def authorized(webhook_id: str, token: str) -> tuple[dict | None, flask.Response | None]:
        hook = webhooks(state).get(webhook_id)
        if hook is None:
            return None, _unknown_webhook()
        if not secrets.compare_digest(hook["token"], token):
            return None, _invalid_token()
        return hook, None

    # hold is left to the execute route, which makes the message first.
    gate = Gate(state, PLATFORM, {
        "rate_limit": rate_limited,
        "server_error": answer(lambda: discord_error(500, 0, "500: Internal Server Error")),
        "expired_token": answer(_invalid_token),
        "unknown_webhook": answer(_unknown_webhook),
    }, authorized)

    @bp.after_request
    def _headers(response: flask.Response) -> flask.Response:
        if flask.request.path.startswith("/discord/api/") and "X-RateLimit-Limit" not in response.headers:
            response.headers.update(rate_headers())
        return response

    # -- sandbox-only controls ---------------------------------------------------------
    @bp.post("/__sandbox/webhooks")
    def make_webhook():
        body = flask.request.get_json(force=True, silent=True) or {}
        webhook_id, token = new_webhook(state, body.get("name") or "Sandbox webhook", body.get("channel", "text"))
        return {**webhooks(state)[webhook_id], "url": f"{root}/api/webhooks/{webhook_id}/{token}"}

    @bp.delete("/__sandbox/webhooks/<webhook_id>")
    def delete_webhook(webhook_id: str):
        return {"deleted": webhooks(state).pop(webhook_id, None) is not None}

    # -- the webhook -------------------------------------------------------------------
    @bp.get("/api/v10/webhooks/<webhook_id>/<token>")
    def get_webhook(webhook_id: str, token: str):
        _, hook, refused = gate("webhook", webhook_id, token)
        if refused is not None:
            return refused
        # "Same as above, except this call does not require authentication and returns no user".
        return {"id": hook["id"], "type": 1, "guild_id": hook["guild_id"], "channel_id": hook["channel_id"],
                "name": hook["name"], "avatar": None, "application_id": None, "token": hook["token"]}

    @bp.post("/api/v10/webhooks/<webhook_id>/<token>")
    def execute(webhook_id: str, token: str):
        fault, hook, refused = gate("execute", webhook_id, token)
        if refused is not None:
            return refused
        payload, files, problem = _read_request()
        if problem is not None:
            return problem
        problem = _check(hook, payload, files)
        if problem is not None:
            return problem
        thread_id = flask.request.args.get("thread_id")
        channel_id = hook["channel_id"]
        if payload.get("thread_name"):
            channel_id = state.next_id()  # the thread the message starts
        elif thread_id:
            channel_id = thread_id
        post = state.record_post(
            PLATFORM, hook["id"], channel_id=channel_id, webhook_channel_id=hook["channel_id"],
            content=payload.get("content") or "", username=payload.get("username"),
            avatar_url=payload.get("avatar_url"), thread_name=payload.get("thread_name"),
            flags=int(payload.get("flags") or 0), embeds=[_stored_embed(e) for e in payload.get("embeds") or []],
            tts=bool(payload.get("tts")), files=files,
            timestamp=_iso(time.time()))
        hold_if_asked(fault)  # the message exists; the answer is late
        if flask.request.args.get("wait", "false").lower() != "true":
            return "", 204  # "defaults to false; when false a message that is not saved does not return an error"
        return message_of(hook, post)

    @bp.get("/api/v10/webhooks/<webhook_id>/<token>/messages/<message_id>")
    def get_message(webhook_id: str, token: str, message_id: str):
        _, hook, refused = gate("message", webhook_id, token)
        if refused is not None:
            return refused
        post = _own_message(hook, message_id)
        return message_of(hook, post) if post is not None else discord_error(404, 10008, "Unknown Message")

    @bp.delete("/api/v10/webhooks/<webhook_id>/<token>/messages/<message_id>")
    def delete_message(webhook_id: str, token: str, message_id: str):
        _, hook, refused = gate("delete", webhook_id, token)
        if refused is not None:
            return refused
        if _own_message(hook, message_id) is None:
            return discord_error(404, 10008, "Unknown Message")
        state.delete_post(PLATFORM, lambda p: p["id"] == message_id)
        return "", 204

    @bp.get("/channels/<guild_id>/<channel_id>/<message_id>")
    def page(guild_id: str, channel_id: str, message_id: str):
        with state.lock:
            post = next((p for p in state.posts if p["platform"] == PLATFORM and p["id"] == message_id
                         and p["channel_id"] == channel_id), None)
        if post is None:
            return "<h1>No such message</h1>", 404
        files = "".join(f"<li>{escape(f['filename'])} ({f['size']} bytes)</li>" for f in post["files"])
        return (f"<h1>{escape(post.get('username') or 'Webhook')}</h1><p>{escape(post['content'])}</p>"
                f"<ul>{files}</ul>")

    # -- helpers ------------------------------------------------------------------------
    def _own_message(hook: dict, message_id: str) -> dict | None:
        """The message if this webhook sent it, in the thread `thread_id` names (Discord looks for it in
        the webhook's channel unless told the thread: "id of the thread the message is in")."""
        thread_id = flask.request.args.get("thread_id") or hook["channel_id"]
        with state.lock:
            return next((p for p in state.posts if p["platform"] == PLATFORM and p["id"] == message_id
                         and p["subject"] == hook["id"] and p["channel_id"] == thread_id), None)

    def message_of(hook: dict, post: dict) -> dict[str, Any]:
        """The message object (discord.com/developers/docs/resources/message#message-object) as a
        webhook's messages come back: the author is the webhook, under the name it posted with."""
        attachments = [{"id": f"{post['id']}{n}", "filename": f["filename"], "size": f["size"],
                        "url": f"{root}/attachments/{post['channel_id']}/{post['id']}/{f['filename']}",
                        "proxy_url": f"{root}/attachments/{post['channel_id']}/{post['id']}/{f['filename']}",
                        "content_type": f["content_type"]} for n, f in enumerate(post["files"])]
        return {"id": post["id"], "type": 0, "content": post["content"], "channel_id": post["channel_id"],
                "author": {"id": hook["id"], "username": post.get("username") or hook["name"], "avatar": None,
                           "discriminator": "0000", "public_flags": 0, "flags": 0, "bot": True,
                           "global_name": None, "primary_guild": None},
                "attachments": attachments, "embeds": post["embeds"], "mentions": [], "mention_roles": [],
                "pinned": False, "mention_everyone": False, "tts": post["tts"], "timestamp": post["timestamp"],
                "edited_timestamp": None, "flags": post["flags"], "components": [], "webhook_id": hook["id"]}

    def _read_request() -> tuple[dict, list[dict], flask.Response | None]:
        """The JSON params and the files of an Execute Webhook request, JSON or multipart."""
        request = flask.request
        if (request.content_length or 0) > MAX_REQUEST_BYTES:
            return {}, [], discord_error(413, 40005, "Request entity too large")
        if request.mimetype == "multipart/form-data":
            try:
                payload = json.loads(request.form.get("payload_json") or "{}")
            except ValueError:
                return {}, [], _form_error("payload_json", "PAYLOAD_JSON_INVALID", "Invalid JSON")
            files = []
            for name, upload in request.files.items(multi=True):
                if not (name.startswith("files[") and name.endswith("]")):
                    continue
                data = upload.read()
                if len(data) > MAX_FILE_BYTES:  # "The file upload size limit applies to each file"
                    return {}, [], discord_error(413, 40005, "Request entity too large")
                files.append({"field": name, "filename": upload.filename or "file", "size": len(data),
                              "content_type": upload.mimetype or "application/octet-stream",
                              "sha256": hashlib.sha256(data).hexdigest()})
            return payload if isinstance(payload, dict) else {}, files, None
        payload = request.get_json(silent=True)
        if not isinstance(payload, dict):
            return {}, [], discord_error(400, 50109, "The request body contains invalid JSON.")
        return payload, [], None

    def _check(hook: dict, payload: dict, files: list[dict]) -> flask.Response | None:
        content = payload.get("content")
        if content is not None and len(content) > MAX_CONTENT:
            return _form_error("content", "BASE_TYPE_MAX_LENGTH", f"Must be {MAX_CONTENT} or fewer in length.")
        if len(files) > MAX_FILES or len(payload.get("attachments") or []) > MAX_FILES:
            return _form_error("attachments", "BASE_TYPE_MAX_LENGTH", f"Must be {MAX_FILES} or fewer in length.")
        embeds = payload.get("embeds") or []
        if len(embeds) > MAX_EMBEDS:
            return _form_error("embeds", "BASE_TYPE_MAX_LENGTH", f"Must be {MAX_EMBEDS} or fewer in length.")
        total = 0
        for n, embed in enumerate(embeds):
            for key, limit in EMBED_LIMITS.items():
                value = embed.get(key) or ""
                total += len(value.strip())
                if len(value.strip()) > limit:
                    return _form_error(f"embeds.{n}.{key}", "BASE_TYPE_MAX_LENGTH",
                                       f"Must be {limit} or fewer in length.")
        if total > MAX_EMBED_TOTAL:
            return _form_error("embeds", "MAX_EMBED_SIZE_EXCEEDED", "Embed size exceeds maximum size of 6000")
        username = payload.get("username")
        # Webhook names may not contain "clyde" or "discord" (Create Webhook; the same holds for overrides).
        if username is not None and (not 1 <= len(username) <= 80
                                     or any(w in username.lower() for w in ("clyde", "discord"))):
            return _form_error("username", "USERNAME_INVALID_CONTAINS", "Username cannot contain \"discord\"")
        if int(payload.get("flags") or 0) & ~ALLOWED_FLAGS:
            return _form_error("flags", "MESSAGE_FLAGS_INVALID", "Invalid message flags")
        if payload.get("thread_name") and hook["channel"] != "forum":
            return discord_error(400, 220003, "Webhooks can only create threads in forum channels")
        if hook["channel"] == "forum" and not (payload.get("thread_name") or flask.request.args.get("thread_id")):
            return discord_error(400, 220001, "Webhooks posted to forum channels must have a thread_name or thread_id")
        if not (content or embeds or files or payload.get("components") or payload.get("poll")):
            return discord_error(400, 50006, "Cannot send an empty message")
        # Each attachment's `id` must name a `files[n]` that was sent ("the suffixed index n is the
        # snowflake placeholder that can be used in the attachments field").
        sent = {f["field"][len("files["):-1] for f in files}
        for n, attachment in enumerate(payload.get("attachments") or []):
            if str(attachment.get("id")) not in sent:
                return _form_error(f"attachments.{n}.id", "ATTACHMENT_NOT_FOUND", "Unknown attachment")
        return None

    return bp


def _stored_embed(embed: dict) -> dict:
    """An embed as Discord keeps it: `type` is always `rich` for a webhook's ("it will be rich
    regardless of if you try to set it")."""
    return {k: v for k, v in embed.items() if k != "type"} | {"type": "rich"}
