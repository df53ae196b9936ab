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
`reel_start`, `reel_upload` (also honours `after_bytes`), `status`, `lookup`, `comment`
(`POST /{post-id}/comments`, devstack/sandboxes/facebook/comments.py; `hold` applies).

The tokens, Graph's errors and the Facebook Login routes are the Meta app's, shared with the
Instagram sandbox (devstack/sandboxes/meta_graph/__init__.py); videos (the resumable upload API, /videos,
reels) are in devstack/sandboxes/facebook/videos.py.
"""

from __future__ import annotations

import json
from typing import Any

import flask
import httpx
from markupsafe import escape

from devstack.sandboxes.facebook import comments as facebook_comments
from devstack.sandboxes.facebook import videos as facebook_videos
from devstack.sandboxes.core import Gate, SandboxState, answer, hold_if_asked, listing_cutoff
from devstack.sandboxes.meta_graph import (RATE_MESSAGES, MetaApp, bad_version, fault_answers, graph_error, graph_page,
                                      params, permission_error, unknown_object)
from devstack.sandboxes.meta_graph import graph_time as _fb_time

PLATFORM = "facebook"
APP_ID = "1000000000000001"
APP_SECRET = "sbx-facebook-app-secret"
MAX_PHOTO_BYTES = 4 * 1024 * 1024  # reference §3: keep photos under 4 MB (subcode 1366046)
PAGE_TOKEN_LIFETIME = MetaApp.PAGE_TOKEN_LIFETIME  # Page tokens "don't expire"; sandbox tokens need an epoch
USER_TOKEN_LIFETIME = MetaApp.USER_TOKEN_LIFETIME
PHOTO_TYPES = ("image/jpeg", "image/png", "image/gif", "image/bmp", "image/tiff", "image/webp", "image/heif")

_RATE_MESSAGES = RATE_MESSAGES | {
    368: "(#368) The action attempted has been deemed abusive or is otherwise disallowed",
}
DUPLICATE_TITLE = "Duplicate Status Update"
DUPLICATE_MESSAGE = ("This status update is identical to the last one you posted. "
                     "Try posting something different, or delete your previous update.")


def duplicate_error() -> flask.Response:
    return graph_error(400, 506, "(#506) Duplicate status message", subcode=1455006,
                       user_title=DUPLICATE_TITLE, user_msg=DUPLICATE_MESSAGE)


def photo_duplicate() -> flask.Response:
    return graph_error(400, 100, "(#100) Photos already posted", subcode=1366051,
                       user_msg="This photo has already been posted.")


def fields() -> set[str]:
    return {f.strip() for f in (params().get("fields") or "").split(",") if f.strip()}


def truthy(value: Any, default: bool = True) -> bool:
    if value is None:
        return default
    if isinstance(value, bool):
        return value
    return str(value).lower() not in ("false", "0", "no")


class FacebookApp(MetaApp):
    """The sandbox's Meta app for Pages: without a connect flow a user manages exactly one Page,
    its subject; after it, `sandbox_pages` Pages `<user>-page<n>`, each a token subject."""

    def __init__(self, state: SandboxState, web: str) -> None:
        super().__init__(state, PLATFORM, APP_ID, APP_SECRET)
        self.web = web

    def new_pages(self, user: str, count: int) -> list[dict[str, Any]]:
        return [{"id": f"{user}-page{n}", "name": f"Sandbox Page {n} of {user}"} for n in range(1, count + 1)]

    def subjects(self, pages: list[dict[str, Any]]) -> list[str]:
        return [p["id"] for p in pages]

    def page_authorized(self, page: str) -> tuple[str | None, flask.Response | None]:
        who = self.page_subject()
        if who is None:
            return None, self.auth_error(self.raw_token())
        if who != page:
            return None, graph_error(403, 200, "(#200) The user hasn't authorized the application to perform "
                                               "this action", kind="OAuthException")
        return who, None

    def page_auth(self, page: str) -> flask.Response | None:
        return self.page_authorized(page)[1]

    def post_fields(self, post: dict[str, Any], wanted: set[str], text_field: str = "message") -> dict[str, Any]:
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

    def record(self, page: str, kind: str, post_id: str, path: str, *, relative: bool,
               **extra: Any) -> dict[str, Any]:
        return self.state.record_post(PLATFORM, page, id=post_id, kind=kind, path=path, url=f"{self.web}{path}",
                                      permalink=path if relative else f"{self.web}{path}", **extra)


def blueprint(state: SandboxState, base_url: str) -> flask.Blueprint:
    bp = flask.Blueprint("facebook", __name__, url_prefix="/facebook")
    app = FacebookApp(state, f"{base_url}/facebook/web")
    answers = fault_answers(default_rate_code=32, usage_type="pages", rate_messages=_RATE_MESSAGES)
    gate = Gate(state, PLATFORM, answers | {"duplicate": answer(duplicate_error)}, app.page_authorized)
    photo = {"duplicate": answer(photo_duplicate)}  # a photo's duplicate answers differently

    # -- authorization -----------------------------------------------------------------
    app.register_login(bp, gate)

    @bp.get("/<version>/me/accounts")
    def me_accounts(version: str):
        _, who, refused = app.user_checks(gate, "token")
        if refused is not None:
            return refused
        rows = []
        with state.lock:  # a user who went through the connect flow manages the Pages it chose (maybe none)
            connected = (PLATFORM, who) in state.oauth["pages"]
        for page in app.managed_pages(who) if connected else [{"id": who, "name": f"Page {who}"}]:
            rows.append({"id": page["id"], "name": page["name"], "access_token": app.page_token(page["id"]),
                         "tasks": ["MANAGE", "CREATE_CONTENT"]})
        wanted = fields() or {"id", "name", "access_token"}
        return {"data": [{k: v for k, v in row.items() if k in wanted | {"id"}} for row in rows],
                "paging": {"cursors": {"before": "MAZDZD", "after": "MAZDZD"}}}

    videos = facebook_videos.register(bp, app, gate, base_url)
    facebook_comments.register(bp, app, gate)  # POST|GET /{post-id}/comments: comments.py

    # -- nodes: upload sessions, videos, posts, the Page's token ------------------------
    @bp.route("/<version>/<node>", methods=["GET", "POST"])
    def node(version: str, node: str):
        if (bad := bad_version(version)) is not None:
            flask.request.get_data()
            return bad
        if node.startswith("upload:"):
            return videos.upload_chunk(node) if flask.request.method == "POST" else videos.upload_status(node)
        if flask.request.method != "GET":
            return unknown_object(node)
        wanted = fields()
        video = state.media.get(f"fb:video:{node}")
        if video is not None:
            return videos.video_node(video, wanted)
        if "access_token" in wanted:  # GET /{page-id}?fields=access_token with the user token
            _, who, refused = app.user_checks(gate, "token")
            if refused is not None:
                return refused
            if who != node and node not in {p["id"] for p in app.managed_pages(who)}:
                return unknown_object(node)
            return {"id": node, "access_token": app.page_token(node)}
        _, faulted = gate.fault("lookup")
        if faulted is not None:
            return faulted
        post = app.find_post(node)
        if post is None:
            return unknown_object(node)
        if (denied := app.page_auth(post["subject"])) is not None:
            return denied
        return app.post_fields(post, wanted or {"id"})

    @bp.delete("/<version>/<node>")
    def delete_node(version: str, node: str):
        """`DELETE /{page-post-id}` or `DELETE /{video-id}` with the Page token → `{"success": true}`
        (developers.facebook.com/docs/graph-api/reference/post and …/reference/video, "Deleting";
        pages_manage_posts). The token is checked first, as everywhere on Graph; an id Graph does
        not have (never posted, or deleted already) → code 100 / subcode 33, "Unsupported delete
        request"; another Page's post, or the `forbidden` fault → 403 code 200. The `cannot_load`
        fault answers the same code 100 / subcode 33 while the post exists: Graph's words for it
        include "cannot be loaded due to missing permissions" (a Page role taken away)."""
        if (bad := bad_version(version)) is not None:
            return bad
        _, faulted = gate.fault("delete", forbidden=answer(permission_error),
                                cannot_load=answer(lambda: unknown_object(node, "delete")))
        if faulted is not None:
            return faulted
        if app.page_subject() is None:
            return app.auth_error(app.raw_token())
        with state.lock:
            post = app.find_post(node)
            if post is None:
                return unknown_object(node, "delete")
            if (denied := app.page_auth(post["subject"])) is not None:
                return denied
            state.delete_post(PLATFORM, lambda p: p is post)
            state.media.pop(f"fb:video:{node}", None)  # a video's node goes with its post
        return {"success": True}

    # -- feed, photos ------------------------------------------------------------------
    @bp.route("/<version>/<page>/feed", methods=["GET", "POST"])
    def feed(version: str, page: str):
        if (bad := bad_version(version)) is not None:
            return bad
        if flask.request.method == "GET":
            return listing(page, {"text", "photo", "photos"}, "message")
        fault, _, refused = gate("create", page)
        if refused is not None:
            return refused
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
            post = app.record(page, "photos" if photo_ids else "text", f"{page}_{number}", f"/{page}/posts/{number}",
                              relative=False, message=message, link=link, media=photo_ids,
                              altTexts=[state.media[f"fb:photo:{fbid}"]["altText"] for fbid in photo_ids],
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
        fault, _, refused = gate("create" if published else "photo", page, **photo)
        if refused is not None:
            return refused
        url = args.get("url")
        if not url:
            return graph_error(400, 324, "(#324) Requires upload file")
        if fault is not None and fault.kind == "processing_failed":
            return graph_error(400, 324, "(#324) Missing or invalid image file")
        # The photo's own alt text: `alt_text_custom` (the pinned Graph spec's Page /photos edge,
        # devstack/contracts/facts/facebook.json). Meta documents no length for it, so the sandbox
        # refuses none; it is kept on the photo and listed (altTexts) on the post that shows it.
        alt_text = args.get("alt_text_custom")
        alt_text = str(alt_text) if alt_text not in (None, "") else None
        fetched = fetch_image(str(url))
        if isinstance(fetched, flask.Response):
            return fetched
        photo_id = state.next_id()
        with state.lock:
            state.media[f"fb:photo:{photo_id}"] = {"id": photo_id, "page": page, "published": published,
                                                   "attached": False, "bytes": fetched[0], "type": fetched[1],
                                                   "url": url, "altText": alt_text}
            if not published:
                return {"id": photo_id}
            number = state.next_id()
            post = app.record(page, "photo", f"{page}_{number}", f"/{page}/posts/{number}", relative=False,
                              message=str(args.get("caption") or ""), media=[photo_id], altTexts=[alt_text],
                              published=True)
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
    def page_videos(version: str, page: str):
        if (bad := bad_version(version)) is not None:
            return bad
        return listing(page, {"video"}, "description")

    def listing(page: str, kinds: set[str], text_field: str):
        fault, _, refused = gate("lookup", page)
        if refused is not None:
            return refused
        # The `lag` fault: a Page's feed and videos edges are served from indexes that catch up
        # after the write, so a post just made can be missing here for a while (Meta documents
        # no bound [unverified]) though `GET /{post-id}` already finds it.
        cutoff = listing_cutoff(fault)
        args = params()
        since = float(args.get("since") or 0)
        wanted = fields() or {"id", text_field, "created_time"}
        with state.lock:
            found = [p for p in reversed(state.posts)
                     if p["platform"] == PLATFORM and p["subject"] == page and p["kind"] in kinds
                     and p["createdAt"] >= since and (cutoff is None or p["createdAt"] <= cutoff)]
        # Cursor-paged, newest first, at most 100 a page (Page Feed and Page Videos references).
        return graph_page(found, lambda p: app.post_fields(p, wanted, text_field))

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
        comments = "".join(f"<li>{escape(c['message'])}</li>" for c in post.get("comments") or [])
        return (f"<html><body><h1>Facebook sandbox post {escape(post['id'])}</h1>"
                f"<p>{escape(post.get('message') or '')}</p>{link}{media}"
                f"<h2>Comments</h2><ul>{comments}</ul></body></html>")

    return bp
