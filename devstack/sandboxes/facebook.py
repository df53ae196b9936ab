"""Facebook Pages (Graph API) sandbox: token exchange, feed, photos pulled from a URL,
the resumable upload API, graph-video /videos, reels on rupload, video status.

Served under `/facebook`: the Graph host is `/facebook`, graph-video is
`/facebook/video`, rupload is `/facebook/rupload` (reached only through the
`upload_url` the reels start call returns), and post pages are under
`/facebook/web`. Paths carry a Graph version (`/v23.0/...`), as the real API.

Tokens: the Page token is the sandbox access token `sbx-at.facebook.<page>…`;
the long-lived *user* token it derives from is `sbx-rt.facebook.<page>…`
(the sandbox's user manages exactly one Page, its subject). Errors use the
Graph envelope `{"error": {message, type, code, error_subcode, fbtrace_id}}`.

The connect flow (Facebook Login): the dialog at `/facebook/web/{version}/dialog/oauth`
(devstack/sandboxes/oauth.py), the code exchange on `/{version}/oauth/access_token`
(a user token), `GET /me`, `GET /me/accounts` (the Pages that user manages,
`sandbox_pages` of them, default 2, ids `<user>-page<n>`, each with its Page
token) and `DELETE /me/permissions` (revokes the user and their Pages). A user
token may read the token of any Page it manages; without a connect flow the
user manages exactly one Page, its subject.

Faults (`state.take_fault("facebook", op)`), op per call: `token` (exchange and
Page-token read), `upload_session`, `upload` (a `server_error` with
`params.after_bytes` keeps that many bytes, like a dropped connection),
`upload_status`, `photo` (unpublished photo), `create` (feed post, published
photo, /videos, reels finish; `hold` and `processing_failed` apply here),
`reel_start`, `reel_upload` (also honours `after_bytes`), `status`, `lookup`.
"""

from __future__ import annotations

import json
import re
import secrets
import time
from typing import Any

import flask
import httpx
from markupsafe import escape

from devstack.sandboxes import oauth
from devstack.sandboxes.core import Fault, SandboxState, hold_if_asked, mint_tokens
from devstack.sandboxes.graph import graph_error, graph_page
from devstack.sandboxes.graph import graph_time as _fb_time

PLATFORM = "facebook"
APP_ID = "1000000000000001"
APP_SECRET = "sbx-facebook-app-secret"
MAX_PHOTO_BYTES = 4 * 1024 * 1024  # reference §3: keep photos under 4 MB (subcode 1366046)
PAGE_TOKEN_LIFETIME = 60 * 86400  # Page tokens "don't expire"; sandbox tokens need an epoch
USER_TOKEN_LIFETIME = 60 * 86400
PHOTO_TYPES = ("image/jpeg", "image/png", "image/gif", "image/bmp", "image/tiff", "image/webp", "image/heif")
UPLOAD_TYPES = ("video/mp4", "image/jpeg", "image/jpg", "image/png", "application/pdf")
_VERSION = re.compile(r"^v\d+\.\d+$")

_RATE_MESSAGES = {
    4: "(#4) Application request limit reached",
    17: "(#17) User request limit reached",
    32: "(#32) Page request limit reached",
    613: "(#613) Calls to this api have exceeded the rate limit.",
    368: "(#368) The action attempted has been deemed abusive or is otherwise disallowed",
}
DUPLICATE_TITLE = "Duplicate Status Update"
DUPLICATE_MESSAGE = ("This status update is identical to the last one you posted. "
                     "Try posting something different, or delete your previous update.")


def blueprint(state: SandboxState, base_url: str) -> flask.Blueprint:
    bp = flask.Blueprint("facebook", __name__, url_prefix="/facebook")
    web = f"{base_url}/facebook/web"

    # -- helpers ----------------------------------------------------------------------
    def fault_response(operation: str, *, photo: bool = False) -> tuple[Fault | None, flask.Response | None]:
        fault = state.take_fault(PLATFORM, operation)
        if fault is None or fault.kind in ("hold", "processing_failed"):
            return fault, None
        if fault.kind == "rate_limit":
            code = int(fault.params.get("code", 32))
            minutes = int(fault.params.get("regain_in_minutes", 1))
            usage = {flask.request.view_args.get("page") or "0": [{
                "type": "pages", "call_count": 100, "total_cputime": 12, "total_time": 20,
                "estimated_time_to_regain_access": minutes}]}
            return fault, graph_error(400, code, _RATE_MESSAGES.get(code, "(#4) Application request limit reached"),
                                      subcode=1390008 if code == 368 else None, transient=code != 368,
                                      headers={"X-Business-Use-Case-Usage": json.dumps(usage)})
        if fault.kind == "server_error":
            return fault, graph_error(500, 2, "An unexpected error has occurred. Please retry your request later.",
                                      transient=True)
        if fault.kind == "expired_token":
            return fault, expired_error()
        if fault.kind == "revoked":
            return fault, revoked_error()
        if fault.kind == "duplicate":
            if photo:
                return fault, graph_error(400, 100, "(#100) Photos already posted", subcode=1366051,
                                          user_msg="This photo has already been posted.")
            return fault, duplicate_error()
        return fault, None

    def duplicate_error() -> flask.Response:
        return graph_error(400, 506, "(#506) Duplicate status message", subcode=1455006,
                           user_title=DUPLICATE_TITLE, user_msg=DUPLICATE_MESSAGE)

    def expired_error() -> flask.Response:
        now = time.strftime("%A, %d-%b-%y %H:%M:%S PDT", time.gmtime())
        return graph_error(400, 190, f"Error validating access token: Session has expired on {now}. "
                                     f"The current time is {now}.", subcode=463)

    def revoked_error() -> flask.Response:
        return graph_error(400, 190, "Error validating access token: The session has been invalidated because "
                                     "the user changed their password or Facebook has changed the session for "
                                     "security reasons.", subcode=460)

    def raw_token() -> str | None:
        header = flask.request.headers.get("Authorization")
        if header:
            return header.split(" ", 1)[-1].strip()
        return flask.request.args.get("access_token")

    def auth_error(token: str | None) -> flask.Response:
        if not token:
            return graph_error(400, 104, "An access token is required to request this resource.")
        parts = token.split(".")
        if len(parts) not in (4, 5) or parts[0] not in ("sbx-at", "sbx-rt") or parts[1] != PLATFORM:
            return graph_error(400, 190, "Invalid OAuth access token - Cannot parse access token")
        if (PLATFORM, parts[2]) in state.revoked:
            return revoked_error()
        return expired_error()

    def page_subject() -> str | None:
        token = raw_token()
        return state.subject_of(PLATFORM, f"OAuth {token}") if token else None

    def user_subject(token: str | None = None) -> str | None:
        token = token or raw_token()
        parts = (token or "").split(".")
        if len(parts) != 4 or parts[0] != "sbx-rt" or parts[1] != PLATFORM:
            return None
        if (PLATFORM, parts[2]) in state.revoked or token in state.used_refresh:
            return None
        return parts[2]

    def page_auth(page: str) -> flask.Response | None:
        who = page_subject()
        if who is None:
            return auth_error(raw_token())
        if who != page:
            return graph_error(403, 200, "(#200) The user hasn't authorized the application to perform this action",
                               kind="OAuthException")
        return None

    def params() -> dict[str, Any]:
        values: dict[str, Any] = flask.request.args.to_dict()
        values.update(flask.request.form.to_dict())
        body = flask.request.get_json(silent=True)
        if isinstance(body, dict):
            values.update(body)
        values.pop("access_token", None)
        return values

    def fields() -> set[str]:
        return {f.strip() for f in (params().get("fields") or "").split(",") if f.strip()}

    def truthy(value: Any, default: bool = True) -> bool:
        if value is None:
            return default
        if isinstance(value, bool):
            return value
        return str(value).lower() not in ("false", "0", "no")

    def bad_version(version: str) -> flask.Response | None:
        if _VERSION.match(version):
            return None
        return graph_error(400, 2500, f"Unknown path components: /{version}", kind="OAuthException")

    def unknown_object(node: str) -> flask.Response:
        return graph_error(400, 100, f"Unsupported get request. Object with ID '{node}' does not exist, cannot be "
                                     "loaded due to missing permissions, or does not support this operation.",
                           kind="GraphMethodException", subcode=33)

    def find_post(post_id: str) -> dict[str, Any] | None:
        return next((p for p in state.posts if p["platform"] == PLATFORM and p["id"] == post_id), None)

    def post_fields(post: dict[str, Any], wanted: set[str], text_field: str = "message") -> dict[str, Any]:
        out: dict[str, Any] = {"id": post["id"]}
        if text_field in wanted and post.get("message"):
            out[text_field] = post["message"]
        if "created_time" in wanted:
            out["created_time"] = _fb_time(post["createdAt"])
        if "permalink_url" in wanted:
            out["permalink_url"] = post["permalink"]
        if "from" in wanted:
            out["from"] = {"id": post["subject"]}  # the Page that posted (every sandbox post is the Page's)
        return out

    def record(page: str, kind: str, post_id: str, path: str, *, relative: bool, **extra: Any) -> dict[str, Any]:
        return state.record_post(PLATFORM, page, id=post_id, kind=kind, path=path, url=f"{web}{path}",
                                 permalink=path if relative else f"{web}{path}", **extra)

    # -- authorization -----------------------------------------------------------------
    def managed_pages(user: str | None) -> list[dict[str, Any]]:
        with state.lock:
            return list(state.oauth["pages"].get((PLATFORM, user), []))

    @bp.get("/web/<version>/dialog/oauth")
    def dialog(version: str):
        return oauth.consent(state, PLATFORM, APP_ID, pkce="optional")

    def exchange_code(args) -> flask.Response | dict:
        if args.get("client_id") != APP_ID:
            return graph_error(400, 101, "Error validating application. Invalid application ID.")
        if args.get("client_secret") != APP_SECRET:
            return graph_error(400, 1, "Error validating client secret.")
        grant, why = oauth.redeem(state, PLATFORM, args.get("code"), client_id=args.get("client_id"),
                                  redirect_uri=args.get("redirect_uri"), code_verifier=args.get("code_verifier"))
        if grant is None:
            return graph_error(400, 100, f"Error validating verification code. {why}", subcode=36007)
        user = grant["subject"]
        count = int(grant["options"].get("sandbox_pages") or 2)
        pages = [{"id": f"{user}-page{n}", "name": f"Sandbox Page {n} of {user}"} for n in range(1, count + 1)]
        with state.lock:
            state.oauth["pages"][(PLATFORM, user)] = pages
            for page in pages:
                state.revoked.discard((PLATFORM, page["id"]))
        return {"access_token": f"sbx-rt.{PLATFORM}.{user}.{secrets.token_hex(6)}", "token_type": "bearer",
                "expires_in": 3600}

    @bp.get("/<version>/me")
    def me(version: str):
        who = user_subject()
        if who is None:
            return auth_error(raw_token())
        return {"id": who, "name": f"Sandbox user {who}"}

    @bp.get("/<version>/me/accounts")
    def me_accounts(version: str):
        _, faulted = fault_response("token")
        if faulted is not None:
            return faulted
        who = user_subject()
        if who is None:
            return auth_error(raw_token())
        rows = []
        with state.lock:  # a user who went through the connect flow manages the Pages it chose (maybe none)
            connected = (PLATFORM, who) in state.oauth["pages"]
        for page in managed_pages(who) if connected else [{"id": who, "name": f"Page {who}"}]:
            page_token, _, _ = mint_tokens(PLATFORM, page["id"], PAGE_TOKEN_LIFETIME)
            rows.append({"id": page["id"], "name": page["name"], "access_token": page_token,
                         "tasks": ["MANAGE", "CREATE_CONTENT"]})
        wanted = fields() or {"id", "name", "access_token"}
        return {"data": [{k: v for k, v in row.items() if k in wanted | {"id"}} for row in rows],
                "paging": {"cursors": {"before": "MAZDZD", "after": "MAZDZD"}}}

    @bp.delete("/<version>/me/permissions")
    def revoke_permissions(version: str):
        who = user_subject()
        if who is None:
            return auth_error(raw_token())
        oauth.revoke(state, PLATFORM, who, also=tuple(p["id"] for p in managed_pages(who)))
        return {"success": True}

    @bp.get("/<version>/oauth/access_token")
    def exchange(version: str):
        if (bad := bad_version(version)) is not None:
            return bad
        _, faulted = fault_response("token")
        if faulted is not None:
            return faulted
        args = flask.request.args
        if args.get("code") and not args.get("grant_type"):
            return exchange_code(args)
        if args.get("grant_type") != "fb_exchange_token":
            return graph_error(400, 100, "Invalid grant_type", kind="OAuthException")
        if args.get("client_id") != APP_ID:
            return graph_error(400, 101, "Error validating application. Invalid application ID.")
        if args.get("client_secret") != APP_SECRET:
            return graph_error(400, 1, "Error validating client secret.")
        subject = user_subject(args.get("fb_exchange_token"))
        if subject is None:
            return auth_error(args.get("fb_exchange_token"))
        # A fresh long-lived user token; Facebook does not invalidate the old one.
        new_user_token = f"sbx-rt.{PLATFORM}.{subject}.{secrets.token_hex(6)}"
        return {"access_token": new_user_token, "token_type": "bearer", "expires_in": USER_TOKEN_LIFETIME}

    # -- nodes: upload sessions, videos, posts, the Page's token ------------------------
    @bp.route("/<version>/<node>", methods=["GET", "POST"])
    def node(version: str, node: str):
        if (bad := bad_version(version)) is not None:
            flask.request.get_data()
            return bad
        if node.startswith("upload:"):
            return upload_chunk(version, node) if flask.request.method == "POST" else upload_status(version, node)
        if flask.request.method != "GET":
            return unknown_object(node)
        wanted = fields()
        video = state.media.get(f"fb:video:{node}")
        if video is not None:
            return video_node(video, wanted)
        if "access_token" in wanted:  # GET /{page-id}?fields=access_token with the user token
            _, faulted = fault_response("token")
            if faulted is not None:
                return faulted
            who = user_subject()
            if who is None:
                return auth_error(raw_token())
            if who != node and node not in {p["id"] for p in managed_pages(who)}:
                return unknown_object(node)
            page_token, _, _ = mint_tokens(PLATFORM, node, PAGE_TOKEN_LIFETIME)
            return {"id": node, "access_token": page_token}
        _, faulted = fault_response("lookup")
        if faulted is not None:
            return faulted
        post = find_post(node)
        if post is None:
            return unknown_object(node)
        if (denied := page_auth(post["subject"])) is not None:
            return denied
        return post_fields(post, wanted or {"id"})

    def video_node(video: dict[str, Any], wanted: set[str]):
        _, faulted = fault_response("status")
        if faulted is not None:
            return faulted
        if (denied := page_auth(video["page"])) is not None:
            return denied
        out: dict[str, Any] = {"id": video["id"]}
        if "status" in wanted:
            out["status"] = video_status(video)
        if "permalink_url" in wanted:
            out["permalink_url"] = video["path"]
        if "description" in wanted and video.get("description"):
            out["description"] = video["description"]
        return out

    def video_status(video: dict[str, Any]) -> dict[str, Any]:
        uploading = {"status": "complete" if video["received"] >= (video["size"] or -1) else "in_progress",
                     "bytes_transferred": video["received"]}
        if not video["published"]:
            return {"video_status": "upload_complete" if uploading["status"] == "complete" else "processing",
                    "uploading_phase": uploading, "processing_phase": {"status": "not_started"},
                    "publishing_phase": {"status": "not_started"}}
        video["polls"] += 1
        post = find_post(video["id"])
        if video["failed"]:
            if post is not None:
                post["state"] = "error"
            return {"video_status": "error", "uploading_phase": uploading,
                    "processing_phase": {"status": "error", "errors": [
                        {"code": 1363008, "message": "Video Format Is Not Supported: the file could not be decoded"}]},
                    "publishing_phase": {"status": "not_started"}}
        if video["polls"] < 3:
            return {"video_status": "processing", "uploading_phase": uploading,
                    "processing_phase": {"status": "in_progress"}, "publishing_phase": {"status": "in_progress"}}
        if post is not None:
            post["state"] = "published"
        return {"video_status": "ready", "uploading_phase": uploading, "processing_phase": {"status": "complete"},
                "publishing_phase": {"status": "complete", "publish_status": "published",
                                     "publish_time": _fb_time(video["createdAt"])}}

    # -- resumable upload API ------------------------------------------------------------
    @bp.post("/<version>/<app_id>/uploads")
    def upload_session(version: str, app_id: str):
        if (bad := bad_version(version)) is not None:
            return bad
        _, faulted = fault_response("upload_session")
        if faulted is not None:
            return faulted
        who = user_subject()
        if who is None:
            return auth_error(raw_token())
        if app_id != APP_ID:
            return unknown_object(app_id)
        args = params()
        length = str(args.get("file_length", ""))
        if not length.isdigit() or int(length) <= 0:
            return graph_error(400, 100, "(#100) The parameter file_length is required")
        if args.get("file_type") not in UPLOAD_TYPES:
            return graph_error(400, 100, "(#100) file_type must be one of " + ", ".join(UPLOAD_TYPES))
        sid = secrets.token_hex(10)
        with state.lock:
            state.media[f"fb:session:{sid}"] = {
                "id": f"upload:{sid}", "owner": who, "length": int(length), "type": args["file_type"],
                "name": args.get("file_name"), "offset": 0, "head": b"", "handle": None, "requests": []}
        return {"id": f"upload:{sid}"}

    def session_of(node: str) -> dict[str, Any] | None:
        return state.media.get(f"fb:session:{node.removeprefix('upload:')}")

    def upload_status(version: str, node: str):
        _, faulted = fault_response("upload_status")
        if faulted is not None:
            return faulted
        who = user_subject()
        if who is None:
            return auth_error(raw_token())
        session = session_of(node)
        if session is None or session["owner"] != who:
            return unknown_object(node)
        return {"id": session["id"], "file_offset": session["offset"]}

    def accept(target: dict[str, Any], data: bytes, offset: int) -> None:
        with state.lock:
            if not target["head"]:
                target["head"] = data[:16]
            target["requests"].append({"offset": offset, "bytes": len(data)})

    def upload_chunk(version: str, node: str):
        data = flask.request.get_data()  # always drain the body, even to refuse it
        fault, faulted = fault_response("upload")
        if fault is not None and fault.kind == "server_error" and "after_bytes" in fault.params:
            faulted = None
        if faulted is not None:
            return faulted
        who = user_subject()
        if who is None:
            return auth_error(raw_token())
        session = session_of(node)
        if session is None or session["owner"] != who:
            return unknown_object(node)
        offset = flask.request.headers.get("file_offset", "")
        if not offset.isdigit():
            return graph_error(400, 100, "(#100) The file_offset header is required")
        if int(offset) != session["offset"]:
            return graph_error(400, 100, f"(#100) file_offset {offset} does not match the uploaded size "
                                         f"{session['offset']}; resume from file_offset")
        if session["offset"] + len(data) > session["length"]:
            return graph_error(400, 100, "(#100) The upload is longer than file_length")
        if fault is not None and fault.kind == "server_error":  # the connection broke mid-way
            kept = data[: int(fault.params["after_bytes"])]
            accept(session, kept, session["offset"])
            session["offset"] += len(kept)
            return graph_error(500, 2, "An unexpected error has occurred. Please retry your request later.",
                               transient=True)
        accept(session, data, session["offset"])
        session["offset"] += len(data)
        if session["offset"] < session["length"]:
            return {"id": session["id"], "file_offset": session["offset"]}
        session["handle"] = session["handle"] or f"4:{secrets.token_urlsafe(12)}"
        return {"h": session["handle"]}

    # -- feed, photos, videos, reels ---------------------------------------------------
    @bp.route("/<version>/<page>/feed", methods=["GET", "POST"])
    def feed(version: str, page: str):
        if (bad := bad_version(version)) is not None:
            return bad
        if flask.request.method == "GET":
            return listing(page, {"text", "photo", "photos"}, "message")
        fault, faulted = fault_response("create")
        if faulted is not None:
            return faulted
        if (denied := page_auth(page)) is not None:
            return denied
        args = params()
        message = str(args.get("message") or "")
        link = args.get("link")
        attached = args.get("attached_media") or []
        if isinstance(attached, str):
            try:
                attached = json.loads(attached)
            except ValueError:
                return graph_error(400, 100, "(#100) param attached_media must be an array")
        indexed = sorted((k for k in args if k.startswith("attached_media[")), key=lambda k: int(k[15:-1]))
        attached = list(attached) + [json.loads(args[k]) if isinstance(args[k], str) else args[k] for k in indexed]
        photo_ids = []
        for index, entry in enumerate(attached):
            fbid = str((entry or {}).get("media_fbid", "")) if isinstance(entry, dict) else ""
            photo = state.media.get(f"fb:photo:{fbid}")
            if photo is None or photo["page"] != page or photo["published"] or photo["attached"]:
                return graph_error(400, 100, f"(#100) param attached_media[{index}] must be a valid unpublished "
                                             "photo id of this Page")
            photo_ids.append(fbid)
        if not message and not link and not photo_ids:
            return graph_error(400, 100, "(#100) Missing message or attachment")
        with state.lock:
            if not photo_ids:
                latest = next((p for p in reversed(state.posts) if p["platform"] == PLATFORM
                               and p["subject"] == page and p["kind"] == "text"), None)
                if latest is not None and latest["message"] == message and latest.get("link") == link:
                    return duplicate_error()
            for fbid in photo_ids:
                state.media[f"fb:photo:{fbid}"]["attached"] = True
            number = state.next_id()
            post = record(page, "photos" if photo_ids else "text", f"{page}_{number}", f"/{page}/posts/{number}",
                          relative=False, message=message, link=link, media=photo_ids,
                          published=truthy(args.get("published")))
        hold_if_asked(fault)
        body = {"id": post["id"]}
        if "permalink_url" in fields():
            body["permalink_url"] = post["permalink"]
        return body

    @bp.post("/<version>/<page>/photos")
    def photos(version: str, page: str):
        if (bad := bad_version(version)) is not None:
            return bad
        args = params()
        published = truthy(args.get("published"))
        fault, faulted = fault_response("create" if published else "photo", photo=True)
        if faulted is not None:
            return faulted
        if (denied := page_auth(page)) is not None:
            return denied
        url = args.get("url")
        if not url:
            return graph_error(400, 324, "(#324) Requires upload file")
        if fault is not None and fault.kind == "processing_failed":
            return graph_error(400, 324, "(#324) Missing or invalid image file")
        fetched = fetch_image(str(url))
        if isinstance(fetched, flask.Response):
            return fetched
        photo_id = state.next_id()
        with state.lock:
            state.media[f"fb:photo:{photo_id}"] = {"id": photo_id, "page": page, "published": published,
                                                   "attached": False, "bytes": fetched[0], "type": fetched[1],
                                                   "url": url}
            if not published:
                return {"id": photo_id}
            number = state.next_id()
            post = record(page, "photo", f"{page}_{number}", f"/{page}/posts/{number}", relative=False,
                          message=str(args.get("caption") or ""), media=[photo_id], published=True)
        hold_if_asked(fault)
        # A photo node has no permalink_url: callers read it from the post.
        return {"id": photo_id, "post_id": post["id"]}

    def fetch_image(url: str) -> tuple[int, str] | flask.Response:
        """Facebook downloads the image itself; so does the sandbox."""
        try:
            with httpx.Client(timeout=15, follow_redirects=True) as client:
                response = client.get(url)
        except httpx.HTTPError:
            return graph_error(400, 324, "(#324) Missing or invalid image file")
        if response.status_code != 200:
            return graph_error(400, 324, "(#324) Missing or invalid image file")
        content_type = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
        size = len(response.content)
        if content_type not in PHOTO_TYPES or size == 0:
            return graph_error(400, 324, "(#324) Missing or invalid image file")
        if size > MAX_PHOTO_BYTES:
            return graph_error(400, 100, "(#100) Photos should be smaller than 4 MB and saved as JPG, PNG, GIF, "
                                         "TIFF, HEIF or WebP files.", subcode=1366046)
        return size, content_type

    @bp.get("/<version>/<page>/videos")
    def videos(version: str, page: str):
        if (bad := bad_version(version)) is not None:
            return bad
        return listing(page, {"video"}, "description")

    def listing(page: str, kinds: set[str], text_field: str):
        _, faulted = fault_response("lookup")
        if faulted is not None:
            return faulted
        if (denied := page_auth(page)) is not None:
            return denied
        args = params()
        since = float(args.get("since") or 0)
        wanted = fields() or {"id", text_field, "created_time"}
        with state.lock:
            found = [p for p in reversed(state.posts)
                     if p["platform"] == PLATFORM and p["subject"] == page and p["kind"] in kinds
                     and p["createdAt"] >= since]
        # Cursor-paged, newest first, at most 100 a page (Page Feed and Page Videos references).
        return graph_page(found, lambda p: post_fields(p, wanted, text_field))

    def new_video(page: str, kind: str, size: int | None, **extra: Any) -> dict[str, Any]:
        video_id = state.next_id()
        path = f"/reel/{video_id}/" if kind == "reel" else f"/{page}/videos/{video_id}/"
        video = {"id": video_id, "page": page, "kind": kind, "size": size, "received": 0, "head": b"",
                 "requests": [], "published": False, "failed": False, "polls": 0, "path": path,
                 "createdAt": time.time(), **extra}
        with state.lock:
            state.media[f"fb:video:{video_id}"] = video
        return video

    def publish_video(video: dict[str, Any], description: str, fault: Fault | None) -> None:
        video["published"] = True
        video["description"] = description
        video["failed"] = (fault is not None and fault.kind == "processing_failed") or video["head"][4:8] != b"ftyp"
        record(video["page"], "video", video["id"], video["path"], relative=True, message=description,
               video_kind=video["kind"], size=video["received"], state="processing")

    @bp.post("/video/<version>/<page>/videos")
    def create_video(version: str, page: str):
        if (bad := bad_version(version)) is not None:
            return bad
        fault, faulted = fault_response("create")
        if faulted is not None:
            return faulted
        if (denied := page_auth(page)) is not None:
            return denied
        args = params()
        handle = args.get("fbuploader_video_file_chunk")
        if not handle:
            return graph_error(400, 100, "(#100) No file was uploaded: set fbuploader_video_file_chunk or file_url")
        session = next((s for k, s in state.media.items()
                        if k.startswith("fb:session:") and s["handle"] == handle), None)
        if session is None or session["owner"] != page:
            return graph_error(400, 100, "(#100) Invalid upload handle")
        video = new_video(page, "video", session["length"], handle=handle)
        video.update(received=session["offset"], head=session["head"])
        publish_video(video, str(args.get("description") or ""), fault)
        hold_if_asked(fault)
        return {"id": video["id"]}

    @bp.post("/<version>/<page>/video_reels")
    def reels(version: str, page: str):
        if (bad := bad_version(version)) is not None:
            return bad
        args = params()
        phase = args.get("upload_phase")
        fault, faulted = fault_response("reel_start" if phase == "start" else "create")
        if faulted is not None:
            return faulted
        if (denied := page_auth(page)) is not None:
            return denied
        if phase == "start":
            video = new_video(page, "reel", None)
            return {"video_id": video["id"],
                    "upload_url": f"{base_url}/facebook/rupload/video-upload/{version}/{video['id']}"}
        if phase != "finish":
            return graph_error(400, 100, "(#100) upload_phase must be start or finish")
        video = state.media.get(f"fb:video:{args.get('video_id')}")
        if video is None or video["page"] != page or video["kind"] != "reel":
            return graph_error(400, 100, "(#100) Invalid video_id")
        if video["size"] is None or video["received"] < video["size"]:
            return graph_error(400, 6000, "There was a problem uploading your video file: the upload is incomplete")
        if args.get("video_state") != "PUBLISHED":
            return graph_error(400, 100, "(#100) video_state must be PUBLISHED (drafts are not supported here)")
        if not video["published"]:
            publish_video(video, str(args.get("description") or ""), fault)
        hold_if_asked(fault)
        return {"success": True}

    @bp.post("/rupload/video-upload/<version>/<video_id>")
    def rupload(version: str, video_id: str):
        data = flask.request.get_data()
        fault, faulted = fault_response("reel_upload")
        if fault is not None and fault.kind == "server_error" and "after_bytes" in fault.params:
            faulted = None
        if faulted is not None:
            return faulted
        video = state.media.get(f"fb:video:{video_id}")
        if video is None or video["kind"] != "reel":
            return {"debug_info": {"retriable": False, "type": "NotFoundError", "message": "Unknown video id"}}, 404
        if (denied := page_auth(video["page"])) is not None:
            return denied
        offset, size = flask.request.headers.get("offset", ""), flask.request.headers.get("file_size", "")
        if not offset.isdigit() or not size.isdigit():
            return {"debug_info": {"retriable": False, "type": "BadRequestError",
                                   "message": "offset and file_size headers are required"}}, 400
        if video["size"] not in (None, int(size)) or int(offset) != video["received"]:
            return {"debug_info": {"retriable": False, "type": "ProcessingFailedError",
                                   "message": f"offset {offset} does not match {video['received']} bytes received"}}, 400
        video["size"] = int(size)
        if fault is not None and fault.kind == "server_error":
            kept = data[: int(fault.params["after_bytes"])]
            accept(video, kept, video["received"])
            video["received"] += len(kept)
            return {"debug_info": {"retriable": True, "type": "ServerError", "message": "Upload interrupted"}}, 500
        if video["received"] + len(data) > video["size"]:
            return {"debug_info": {"retriable": False, "type": "BadRequestError",
                                   "message": "More bytes than file_size"}}, 400
        accept(video, data, video["received"])
        video["received"] += len(data)
        return {"success": True}

    # -- the post as a web page ----------------------------------------------------------
    @bp.get("/web/<path:rest>")
    def page_view(rest: str):
        wanted = "/" + rest.strip("/")
        with state.lock:
            post = next((p for p in state.posts if p["platform"] == PLATFORM
                         and (p["path"].rstrip("/") == wanted or "/" + p["id"] == wanted)), None)
        if post is None:
            return "Not found", 404
        media = f"<p>{len(post.get('media') or [])} photo(s)</p>" if post.get("media") else ""
        if post["kind"] == "video":
            media = f"<p>{escape(post.get('video_kind', 'video'))} ({post.get('size')} bytes, {escape(post.get('state'))})</p>"
        link = f'<p><a href="{escape(post["link"])}">{escape(post["link"])}</a></p>' if post.get("link") else ""
        return (f"<html><body><h1>Facebook sandbox post {escape(post['id'])}</h1>"
                f"<p>{escape(post.get('message') or '')}</p>{link}{media}</body></html>")

    return bp
