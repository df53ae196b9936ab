"""Instagram Graph API (content publishing, Facebook Login) sandbox: containers that pull media by
URL, container status polling, media_publish, the publishing quota, comments, token renewal.

Implements what the Instagram publisher calls, as reference/platform-apis.md §2
describes, under `/instagram` (the Graph host) with a version in every path
(`/v23.0/...`), as the real API:

- `POST /{ig-user}/media`: image, carousel item (image or `VIDEO`), `CAROUSEL`,
  `REELS` (`share_to_feed`, `thumb_offset`) and `STORIES` containers. The media
  is really downloaded from its `image_url` / `video_url`: an image that cannot
  be fetched (or is too large) is refused right away, a video that cannot be
  fetched ends its container in ERROR, as Instagram does;
- `GET /{container}?fields=status_code,status`: IN_PROGRESS for a few polls,
  then FINISHED (or ERROR with the subcode in `status`, or EXPIRED after 24 h);
- `POST /{ig-user}/media_publish?creation_id=`: refuses a container that is not
  FINISHED (9007/2207027), an expired one (2207020) and an exceeded daily quota
  (9/2207042); `GET /{media}?fields=permalink`, `GET /{ig-user}/media` and
  `/stories` (newest first), `GET /{ig-user}/content_publishing_limit`;
- `POST|GET /{media}/comments`;
- `GET /oauth/access_token?grant_type=fb_exchange_token` and `GET /me/accounts`
  (the Page linked to the Instagram account, with its Page token);
- post pages under `/instagram/web` (the permalinks);
- the connect flow (Facebook Login): the dialog at `/instagram/web/{version}/dialog/oauth`
  (devstack/sandboxes/oauth.py), the code exchange on `/oauth/access_token` (a
  user token), `GET /me`, `/me/accounts` listing the user's Pages (`sandbox_pages`
  with an Instagram business account each, default 2, ids `<user>-ig<n>`, plus
  one Page without) and `DELETE /me/permissions`.

Tokens: the Page token is the sandbox access token `sbx-at.instagram.<ig-user>…`;
the long-lived *user* token it derives from is `sbx-rt.instagram.<ig-user>…`
(the sandbox's Facebook user manages one Page, linked to that Instagram account).
Errors use the Graph envelope `{"error": {message, type, code, error_subcode,
error_user_msg, fbtrace_id}}`.

Faults (`state.take_fault("instagram", op)`), op per call: `token` (exchange and
/me/accounts), `publishing_limit`, `container`, `status`, `create`
(media_publish; `hold` applies here), `permalink`, `lookup` (media/stories
listings), `comment`. Besides the common kinds (`rate_limit` with optional
`code` and `regain_in_minutes`, `server_error`, `expired_token`, `revoked`,
`duplicate`): `graph_error` (any `code`/`subcode`/`message`/`status`),
`processing_failed` on `container` (the container ends in ERROR with
`subcode`, default 2207026), `expired` on `status` (EXPIRED from then on),
`quota_exhausted` on `publishing_limit` (the quota reads as used up) and on
`create` (2207042), `not_ready` on `create` (2207027 once).

Read back, a caption's mentions lose their `@` (`listed_caption`), as the IG Media
reference documents for readers without admin-equivalent tasks on the linked Page.

Approximations [unverified]: the exact wording of most messages, the
duplicate-post error (Instagram documents none; Graph's 506 is used), the
image-format subcode, and how many polls processing takes.
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
from devstack.sandboxes.graph import graph_time as _ig_time

PLATFORM = "instagram"
APP_ID = "1000000000000002"
APP_SECRET = "sbx-instagram-app-secret"
QUOTA_TOTAL = 50  # the current content_publishing_limit example's quota_total
QUOTA_WINDOW_S = 86400
CONTAINER_TTL_S = 24 * 3600
STORY_TTL_S = 24 * 3600
MAX_CAPTION = 2200
MAX_IMAGE_BYTES = 8 * 1024 * 1024
MAX_VIDEO_BYTES = 1024 * 1024 * 1024
MAX_STORY_VIDEO_BYTES = 100 * 1024 * 1024
PAGE_TOKEN_LIFETIME = 60 * 86400  # Page tokens "don't expire"; sandbox tokens need an epoch
USER_TOKEN_LIFETIME = 60 * 86400
# Status polls a container answers IN_PROGRESS before it is FINISHED.
POLLS_IN_PROGRESS = {"IMAGE": 1, "VIDEO": 2, "REELS": 2, "CAROUSEL": 0, "STORIES_IMAGE": 0, "STORIES_VIDEO": 2}
LISTED_TYPE = {"IMAGE": "IMAGE", "CAROUSEL": "CAROUSEL_ALBUM", "REELS": "VIDEO", "STORIES": "STORY"}
_VERSION = re.compile(r"^v\d+\.\d+$")

_RATE_MESSAGES = {
    4: "(#4) Application request limit reached",
    17: "(#17) User request limit reached",
    32: "(#32) Page request limit reached",
    613: "(#613) Calls to this api have exceeded the rate limit.",
}
# Subcode → (code, message) for container failures reported in `status`.
_CONTAINER_ERRORS = {
    2207026: (-1, "The video format is not supported. Please check spec for supported video format."),
    2207003: (-2, "It takes too long to download the media."),
    2207052: (-1, "The media could not be fetched from this URI."),
    2207053: (-1, "unknown upload error"),
    2207009: (36003, "The submitted image with aspect ratio is not supported."),
}
DUPLICATE_MESSAGE = "This post is identical to one this account already shared. Try sharing something different."
QUOTA_MESSAGE = "You reached maximum number of posts that is allowed to be published by Content Publishing API."
NOT_READY_MESSAGE = "The media is not ready for publishing, please wait for a moment"


_MENTION = re.compile(r"@(?=[A-Za-z0-9_.])")


def listed_caption(caption: str) -> str:
    """The `caption` Instagram returns when a post is read back (`GET /{ig-media}`,
    `/{ig-user}/media`, `/stories`).

    IG Media reference, field `caption`: "Caption. Excludes album children. The @ symbol
    is excluded, unless the app user can perform admin-equivalent tasks on the Facebook
    Page connected to the Instagram account used to create the caption"
    (developers.facebook.com/docs/instagram-platform/reference/instagram-media). The
    sandbox answers as for a reader without those tasks: every mention loses its `@`.
    """
    return _MENTION.sub("", caption)


def blueprint(state: SandboxState, base_url: str) -> flask.Blueprint:
    bp = flask.Blueprint("instagram", __name__, url_prefix="/instagram")
    web = f"{base_url}/instagram/web"

    # -- errors and faults ----------------------------------------------------------
    def expired_error() -> flask.Response:
        now = time.strftime("%A, %d-%b-%y %H:%M:%S PDT", time.gmtime())
        return graph_error(400, 190, f"Error validating access token: Session has expired on {now}. "
                                     f"The current time is {now}.", subcode=463)

    def revoked_error() -> flask.Response:
        return graph_error(400, 190, "Error validating access token: The session has been invalidated because "
                                     "the user changed their password or Facebook has changed the session for "
                                     "security reasons.", subcode=460)

    def duplicate_error() -> flask.Response:
        return graph_error(400, 506, "(#506) Duplicate post", user_title="Duplicate post",
                           user_msg=DUPLICATE_MESSAGE)

    def quota_error() -> flask.Response:
        return graph_error(400, 9, QUOTA_MESSAGE, subcode=2207042, user_title="Publishing limit reached",
                           user_msg=QUOTA_MESSAGE)

    def not_ready_error() -> flask.Response:
        return graph_error(400, 9007, "Media ID is not available", subcode=2207027,
                           user_title="Media not ready", user_msg=NOT_READY_MESSAGE)

    def fault_response(operation: str) -> tuple[Fault | None, flask.Response | None]:
        fault = state.take_fault(PLATFORM, operation)
        if fault is None or fault.kind in ("hold", "processing_failed", "expired", "quota_exhausted", "not_ready"):
            if fault is not None and fault.kind == "quota_exhausted" and operation == "create":
                return fault, quota_error()
            if fault is not None and fault.kind == "not_ready" and operation == "create":
                return fault, not_ready_error()
            return fault, None
        if fault.kind == "rate_limit":
            code = int(fault.params.get("code", 4))
            minutes = int(fault.params.get("regain_in_minutes", 1))
            usage = {"0": [{"type": "instagram", "call_count": 100, "total_cputime": 12, "total_time": 20,
                            "estimated_time_to_regain_access": minutes}]}
            return fault, graph_error(400, code, _RATE_MESSAGES.get(code, _RATE_MESSAGES[4]), transient=True,
                                      headers={"X-Business-Use-Case-Usage": json.dumps(usage)})
        if fault.kind == "server_error":
            return fault, graph_error(500, 2, "An unexpected error has occurred. Please retry your request later.",
                                      transient=True)
        if fault.kind == "expired_token":
            return fault, expired_error()
        if fault.kind == "revoked":
            return fault, revoked_error()
        if fault.kind == "duplicate":
            return fault, duplicate_error()
        if fault.kind == "graph_error":
            p = fault.params
            message = str(p.get("message") or "An unknown error occurred")
            return fault, graph_error(int(p.get("status", 400)), int(p.get("code", 100)), message,
                                      subcode=int(p["subcode"]) if p.get("subcode") is not None else None,
                                      user_msg=p.get("user_msg") or message)
        return fault, None

    # -- tokens ---------------------------------------------------------------------
    def raw_token() -> str | None:
        header = flask.request.headers.get("Authorization")
        if header:
            return header.split(" ", 1)[-1].strip()
        return flask.request.args.get("access_token") or flask.request.form.get("access_token")

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
        """The Instagram account the (Page) access token acts for."""
        token = raw_token()
        return state.subject_of(PLATFORM, f"OAuth {token}") if token else None

    def user_subject(token: str | None = None) -> str | None:
        token = token or raw_token()
        parts = (token or "").split(".")
        if len(parts) != 4 or parts[0] != "sbx-rt" or parts[1] != PLATFORM:
            return None
        if (PLATFORM, parts[2]) in state.revoked:
            return None
        return parts[2]

    def authorized(ig_user: str | None = None) -> tuple[str | None, flask.Response | None]:
        who = page_subject()
        if who is None:
            return None, auth_error(raw_token())
        if ig_user is not None and ig_user not in (who, "me"):
            return None, unknown_object(ig_user)
        return who, None

    # -- helpers ----------------------------------------------------------------------
    def params() -> dict[str, Any]:
        values: dict[str, Any] = flask.request.args.to_dict()
        values.update(flask.request.form.to_dict())
        body = flask.request.get_json(silent=True)
        if isinstance(body, dict):
            values.update(body)
        values.pop("access_token", None)
        return values

    def fields(default: str = "id") -> set[str]:
        return {f.strip() for f in str(params().get("fields") or default).split(",") if f.strip()} | {"id"}

    def bad_version(version: str) -> flask.Response | None:
        if _VERSION.match(version):
            return None
        return graph_error(400, 2500, f"Unknown path components: /{version}")

    def unknown_object(node: str) -> flask.Response:
        return graph_error(400, 100, f"Unsupported get request. Object with ID '{node}' does not exist, cannot be "
                                     "loaded due to missing permissions, or does not support this operation.",
                           kind="GraphMethodException", subcode=33)

    def container_of(node: str) -> dict[str, Any] | None:
        return state.media.get(f"ig:container:{node}")

    def posts_of(who: str, since: float = 0.0) -> list[dict[str, Any]]:
        with state.lock:
            return [p for p in state.posts if p["platform"] == PLATFORM and p["subject"] == who
                    and p["createdAt"] >= since]

    def find_post(post_id: str) -> dict[str, Any] | None:
        return next((p for p in state.posts if p["platform"] == PLATFORM and p["id"] == post_id), None)

    def truthy(value: Any) -> bool | None:
        if value is None or value == "":
            return None
        return str(value).lower() in ("true", "1", "yes")

    def fetch(url: str, video: bool, cap: int) -> tuple[dict | None, str | None]:
        """GET the media like Instagram's crawler does: (what arrived, or why it could not)."""
        try:
            with httpx.stream("GET", url, timeout=30, follow_redirects=True) as response:
                if response.status_code != 200:
                    return None, f"HTTP {response.status_code}"
                content_type = response.headers.get("content-type", "").split(";")[0].strip().lower()
                received = 0
                for chunk in response.iter_bytes(1024 * 1024):
                    received += len(chunk)
                    if received > cap:
                        return None, f"larger than {cap} bytes"
                declared = response.headers.get("content-length")
        except httpx.HTTPError as exc:
            return None, f"{type(exc).__name__}: {exc}"
        expected = "video/" if video else "image/"
        if not content_type.startswith(expected):
            return None, f"content type {content_type or 'missing'} is not {expected}*"
        if declared is not None and declared.isdigit() and int(declared) != received:
            return None, f"received {received} of {declared} bytes"
        return {"url": url, "bytes": received, "contentType": content_type}, None

    def permalink(post: dict[str, Any]) -> str:
        if post["mediaType"] == "STORIES":
            return f"{web}/stories/{post['subject']}/{post['id']}/"
        if post["mediaType"] == "REELS":
            return f"{web}/reel/{post['id']}/"
        return f"{web}/p/{post['id']}/"

    def media_row(post: dict[str, Any], wanted: set[str]) -> dict[str, Any]:
        row = {"id": post["id"], "permalink": post["url"], "timestamp": _ig_time(post["createdAt"]),
               "media_type": LISTED_TYPE[post["mediaType"]], "username": post["subject"],
               "media_product_type": {"REELS": "REELS", "STORIES": "STORY"}.get(post["mediaType"], "FEED")}
        if post.get("caption"):
            row["caption"] = listed_caption(post["caption"])
        return {k: v for k, v in row.items() if k in wanted}

    # -- authorization -----------------------------------------------------------------
    def managed_pages(user: str | None) -> list[dict[str, Any]]:
        with state.lock:
            return list(state.oauth["pages"].get((PLATFORM, user), []))

    def top_fields(default: str) -> set[str]:
        """Field names, with Graph's nested selections (`a{b,c}`) reduced to `a`."""
        raw = str(params().get("fields") or default)
        return {f.strip() for f in re.sub(r"\{[^{}]*\}", "", raw).split(",") if f.strip()} | {"id"}

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
        pages = [{"id": f"{user}-page{n}", "name": f"Sandbox Page {n} of {user}",
                  "ig": {"id": f"{user}-ig{n}", "username": f"{user}_ig{n}", "name": f"IG {n} of {user}"}}
                 for n in range(1, count + 1)]
        pages.append({"id": f"{user}-page{count + 1}", "name": f"Sandbox Page without Instagram of {user}"})
        with state.lock:
            state.oauth["pages"][(PLATFORM, user)] = pages
            for page in pages:
                if page.get("ig"):
                    state.revoked.discard((PLATFORM, page["ig"]["id"]))
        return {"access_token": f"sbx-rt.{PLATFORM}.{user}.{secrets.token_hex(6)}", "token_type": "bearer",
                "expires_in": 3600}

    @bp.get("/<version>/me")
    def me(version: str):
        who = user_subject()
        if who is None:
            return auth_error(raw_token())
        return {"id": who, "name": f"Sandbox user {who}"}

    @bp.delete("/<version>/me/permissions")
    def revoke_permissions(version: str):
        who = user_subject()
        if who is None:
            return auth_error(raw_token())
        oauth.revoke(state, PLATFORM, who, also=tuple(p["ig"]["id"] for p in managed_pages(who) if p.get("ig")))
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
            return graph_error(400, 100, "Invalid grant_type")
        if args.get("client_id") != APP_ID:
            return graph_error(400, 101, "Error validating application. Invalid application ID.")
        if args.get("client_secret") != APP_SECRET:
            return graph_error(400, 1, "Error validating client secret.")
        token = args.get("fb_exchange_token")
        subject = user_subject(token) or state.subject_of(PLATFORM, f"OAuth {token}" if token else None)
        if subject is None:
            return auth_error(token)
        # A fresh long-lived user token; Facebook does not invalidate the old one.
        return {"access_token": f"sbx-rt.{PLATFORM}.{subject}.{secrets.token_hex(6)}", "token_type": "bearer",
                "expires_in": USER_TOKEN_LIFETIME}

    @bp.get("/<version>/me/accounts")
    def me_accounts(version: str):
        if (bad := bad_version(version)) is not None:
            return bad
        _, faulted = fault_response("token")
        if faulted is not None:
            return faulted
        who = user_subject()
        if who is None:
            return auth_error(raw_token())
        if managed_pages(who):  # a user who went through the connect flow
            rows = []
            for page in managed_pages(who):
                ig = page.get("ig")
                page_token, _, _ = mint_tokens(PLATFORM, ig["id"] if ig else page["id"], PAGE_TOKEN_LIFETIME)
                row = {"id": page["id"], "name": page["name"], "access_token": page_token}
                if ig:
                    row["instagram_business_account"] = dict(ig)
                rows.append(row)
            wanted = top_fields("id,name,access_token")
            return {"data": [{k: v for k, v in row.items() if k in wanted} for row in rows],
                    "paging": {"cursors": {"before": "MAZDZD", "after": "MAZDZD"}}}
        page_token, _, _ = mint_tokens(PLATFORM, who, PAGE_TOKEN_LIFETIME)
        page = {"id": f"page-{who}", "name": f"Page of {who}", "access_token": page_token,
                "instagram_business_account": {"id": who}}
        wanted = fields("id,name,access_token")
        return {"data": [{k: v for k, v in page.items() if k in wanted}],
                "paging": {"cursors": {"before": "MAZDZD", "after": "MAZDZD"}}}

    # -- nodes: containers and published media ------------------------------------------
    @bp.get("/<version>/<node>")
    def read_node(version: str, node: str):
        if (bad := bad_version(version)) is not None:
            return bad
        container = container_of(node)
        fault, faulted = fault_response("status" if container is not None else "permalink")
        if faulted is not None:
            return faulted
        who, refused = authorized()
        if refused is not None:
            return refused
        wanted = fields()
        if container is not None:
            if container["owner"] != who:
                return unknown_object(node)
            with state.lock:
                advance(container, fault)
                row = {"id": node, "status_code": container["status"], "status": status_text(container)}
            return {k: v for k, v in row.items() if k in wanted}
        post = find_post(node)
        if post is None or post["subject"] != who:
            return unknown_object(node)
        return media_row(post, wanted)

    def advance(container: dict[str, Any], fault: Fault | None) -> None:
        """One status poll: IN_PROGRESS a few times, then FINISHED or ERROR; EXPIRED after 24 h."""
        old = time.time() - container["createdAt"] > CONTAINER_TTL_S
        if container["status"] == "PUBLISHED":
            return
        if fault is not None and fault.kind == "expired":
            container["status"] = "EXPIRED"
        elif container["status"] in ("IN_PROGRESS", "FINISHED") and old:
            container["status"] = "EXPIRED"
        elif container["status"] == "IN_PROGRESS":
            container["polls"] += 1
            if container["polls"] > container["pollsNeeded"]:
                container["status"] = "ERROR" if container["error"] else "FINISHED"

    def status_text(container: dict[str, Any]) -> str:
        status = container["status"]
        if status == "ERROR":
            subcode, detail = container["error"]
            return f"Error: Media upload has failed with error code {subcode}: {detail}"
        return {"IN_PROGRESS": "In Progress: Media is still being processed.",
                "FINISHED": "Finished: Media has been uploaded and it is ready to be published.",
                "PUBLISHED": "Published: Media has been successfully published.",
                "EXPIRED": "Expired: Media was not published within 24 hours."}[status]

    # -- edges ---------------------------------------------------------------------------
    @bp.route("/<version>/<node>/<edge>", methods=["GET", "POST"])
    def node_edge(version: str, node: str, edge: str):
        if (bad := bad_version(version)) is not None:
            flask.request.get_data()
            return bad
        post = flask.request.method == "POST"
        routes = {
            ("media", True): create_container, ("media", False): list_media,
            ("stories", False): list_stories, ("media_publish", True): media_publish,
            ("content_publishing_limit", False): publishing_limit,
            ("comments", True): add_comment, ("comments", False): list_comments,
        }
        handler = routes.get((edge, post))
        if handler is None:
            return graph_error(400, 100, f"Unknown path components: /{edge}", kind="OAuthException")
        return handler(node)

    def publishing_limit(ig_user: str):
        fault, faulted = fault_response("publishing_limit")
        if faulted is not None:
            return faulted
        who, refused = authorized(ig_user)
        if refused is not None:
            return refused
        used = len(posts_of(who, time.time() - QUOTA_WINDOW_S))
        if fault is not None and fault.kind == "quota_exhausted":
            used = QUOTA_TOTAL
        row = {"quota_usage": used, "config": {"quota_total": QUOTA_TOTAL, "quota_duration": QUOTA_WINDOW_S}}
        wanted = fields("quota_usage")
        return {"data": [{k: v for k, v in row.items() if k in wanted}]}

    def create_container(ig_user: str):
        fault, faulted = fault_response("container")
        if faulted is not None:
            return faulted
        who, refused = authorized(ig_user)
        if refused is not None:
            return refused
        args = params()
        media_type = str(args.get("media_type") or "IMAGE").upper()
        caption = str(args.get("caption") or "")
        carousel_item = truthy(args.get("is_carousel_item")) is True
        if media_type not in ("IMAGE", "VIDEO", "REELS", "STORIES", "CAROUSEL"):
            return graph_error(400, 100, "(#100) The parameter media_type must be one of IMAGE, CAROUSEL, REELS, "
                                         "STORIES (VIDEO only for carousel items)")
        if media_type == "VIDEO" and not carousel_item:
            return graph_error(400, 100, "(#100) The VIDEO media type is no longer supported for feed posts; "
                                         "use REELS", subcode=2207067)
        if carousel_item and media_type not in ("IMAGE", "VIDEO"):
            return graph_error(400, 100, f"(#100) A carousel item must be an IMAGE or a VIDEO, not {media_type}")
        if carousel_item and caption:
            return graph_error(400, 100, "(#100) Carousel items cannot have a caption")
        if media_type == "STORIES" and caption:
            return graph_error(400, 100, "(#100) Stories do not support captions")
        if len(caption) > MAX_CAPTION:
            return graph_error(400, 100, f"The caption is too long: at most {MAX_CAPTION} characters",
                               subcode=2207010, user_msg=f"The caption can have at most {MAX_CAPTION} characters.")
        container: dict[str, Any] = {
            "platform": PLATFORM, "owner": who, "mediaType": media_type, "caption": caption,
            "carouselItem": carousel_item, "createdAt": time.time(), "polls": 0, "pollsNeeded": 0,
            "status": "IN_PROGRESS", "error": None, "media": [], "children": [],
            "shareToFeed": truthy(args.get("share_to_feed")), "thumbOffset": None}
        if media_type == "CAROUSEL":
            ids = [c for c in str(args.get("children") or "").split(",") if c]
            if not 2 <= len(ids) <= 10:
                return graph_error(400, 100, "(#100) A carousel takes 2 to 10 children")
            for child_id in ids:
                child = container_of(child_id)
                if child is None or child["owner"] != who or not child["carouselItem"]:
                    return graph_error(400, 100, f"(#100) {child_id} is not a carousel item of this account")
                if child["status"] != "FINISHED":
                    return graph_error(400, 9007, "Media ID is not available", subcode=2207027,
                                       user_msg=f"{NOT_READY_MESSAGE} (child {child_id} is {child['status']})")
            container["children"] = ids
            container["media"] = [m for c in ids for m in container_of(c)["media"]]
        else:
            image_url, video_url = args.get("image_url"), args.get("video_url")
            if media_type == "STORIES" and bool(image_url) == bool(video_url):
                return graph_error(400, 100, "(#100) A story takes either image_url or video_url")
            video = media_type in ("VIDEO", "REELS") or (media_type == "STORIES" and bool(video_url))
            url = video_url if video else image_url
            if not url:
                return graph_error(400, 100, f"(#100) The parameter {'video_url' if video else 'image_url'} "
                                             "is required")
            if media_type == "REELS" and args.get("thumb_offset") not in (None, ""):
                offset = str(args["thumb_offset"])
                if not offset.isdigit():
                    return graph_error(400, 1, "Thumbnail offset must be greater than or equal to 0 and less than "
                                               "video duration", subcode=2207057)
                container["thumbOffset"] = int(offset)
            if video:
                cap = MAX_STORY_VIDEO_BYTES if media_type == "STORIES" else MAX_VIDEO_BYTES
                fetched, problem = fetch(str(url), True, cap)
                if fetched is None:
                    # Video downloads fail asynchronously: the container ends in ERROR.
                    container["error"] = (2207052, f"{_CONTAINER_ERRORS[2207052][1]} {url} ({problem})")
                else:
                    container["media"] = [fetched]
                container["pollsNeeded"] = POLLS_IN_PROGRESS["STORIES_VIDEO" if media_type == "STORIES"
                                                              else media_type]
            else:
                fetched, problem = fetch(str(url), False, 1 << 40)
                if fetched is None:
                    return graph_error(400, 9004, "Media download has failed. The media URI doesn't meet our "
                                                  "requirements.", subcode=2207052,
                                       user_msg=f"The media could not be fetched from this URI: {url} ({problem})")
                if fetched["bytes"] > MAX_IMAGE_BYTES:
                    return graph_error(400, 36000, "The image size is too large.", subcode=2207004,
                                       user_title="Image size too large",
                                       user_msg="The image is too large to download. It should be less than 8 MiB.")
                if fetched["contentType"] not in ("image/jpeg", "image/jpg"):
                    return graph_error(400, 36001, "The image format is not supported.", subcode=2207005,
                                       user_msg="The image format is not supported. Supported formats are: JPEG")
                container["media"] = [fetched]
                container["pollsNeeded"] = POLLS_IN_PROGRESS["STORIES_IMAGE" if media_type == "STORIES"
                                                              else "IMAGE"]
        if fault is not None and fault.kind == "processing_failed":
            subcode = int(fault.params.get("subcode", 2207026))
            container["error"] = (subcode, _CONTAINER_ERRORS.get(subcode, (-1, "unknown error"))[1])
        container_id = state.next_id()
        with state.lock:
            state.media[f"ig:container:{container_id}"] = container
        return {"id": container_id}

    def media_publish(ig_user: str):
        fault, faulted = fault_response("create")
        if faulted is not None:
            return faulted
        who, refused = authorized(ig_user)
        if refused is not None:
            return refused
        creation_id = str(params().get("creation_id") or "")
        container = container_of(creation_id)
        if container is None or container["owner"] != who:
            return graph_error(400, 100, f"(#100) Param creation_id {creation_id!r} is not a media container of "
                                         "this account", subcode=2207008)
        with state.lock:
            if container["carouselItem"]:
                return graph_error(400, 100, "(#100) A carousel item cannot be published on its own")
            if time.time() - container["createdAt"] > CONTAINER_TTL_S or container["status"] == "EXPIRED":
                container["status"] = "EXPIRED"
                return graph_error(400, -2, "The media you are trying to access has expired. Please try to "
                                            "upload again.", subcode=2207020)
            if container["status"] == "PUBLISHED":
                return graph_error(400, 100, "(#100) This media container has already been published")
            if container["status"] != "FINISHED":
                return not_ready_error()
            if len(posts_of(who, time.time() - QUOTA_WINDOW_S)) >= QUOTA_TOTAL:
                return quota_error()
            post = state.record_post(
                PLATFORM, who, mediaType=container["mediaType"], caption=container["caption"],
                media=container["media"], children=container["children"], containerId=creation_id,
                shareToFeed=container["shareToFeed"], thumbOffset=container["thumbOffset"], comments=[], url="")
            post["url"] = permalink(post)
            container["status"] = "PUBLISHED"
        hold_if_asked(fault)
        return {"id": post["id"]}

    def listing(ig_user: str, stories: bool):
        _, faulted = fault_response("lookup")
        if faulted is not None:
            return faulted
        who, refused = authorized(ig_user)
        if refused is not None:
            return refused
        wanted = fields("id")
        since = time.time() - STORY_TTL_S if stories else 0.0
        listed = [p for p in reversed(posts_of(who, since)) if (p["mediaType"] == "STORIES") == stories]
        # Newest first, cursor-paged like every Graph edge (IG User Media / Stories references).
        return graph_page(listed, lambda p: media_row(p, wanted))

    def list_media(ig_user: str):
        return listing(ig_user, stories=False)

    def list_stories(ig_user: str):
        return listing(ig_user, stories=True)

    def add_comment(media_id: str):
        _, faulted = fault_response("comment")
        if faulted is not None:
            return faulted
        who, refused = authorized()
        if refused is not None:
            return refused
        post = find_post(media_id)
        if post is None or post["subject"] != who:
            return unknown_object(media_id)
        message = str(params().get("message") or "")
        if not message.strip():
            return graph_error(400, 100, "(#100) The parameter message is required")
        if post["mediaType"] == "STORIES":
            return graph_error(400, 100, "(#100) Stories cannot be commented on")
        comment = {"id": state.next_id(), "text": message, "timestamp": _ig_time(time.time()), "username": who}
        with state.lock:
            post["comments"].append(comment)
        return {"id": comment["id"]}

    def list_comments(media_id: str):
        _, faulted = fault_response("lookup")
        if faulted is not None:
            return faulted
        who, refused = authorized()
        if refused is not None:
            return refused
        post = find_post(media_id)
        if post is None or post["subject"] != who:
            return unknown_object(media_id)
        wanted = fields("id,text")
        return {"data": [{k: v for k, v in c.items() if k in wanted} for c in reversed(post["comments"])]}

    # -- post pages ----------------------------------------------------------------------
    @bp.get("/web/<path:rest>")
    def page(rest: str):
        url = f"{web}/{rest}"
        post = next((p for p in state.posts if p["platform"] == PLATFORM and p["url"] == url), None)
        if post is None:
            return "Not found", 404
        media = "".join(f"<li>{escape(m['contentType'])}, {m['bytes']} bytes</li>" for m in post["media"])
        comments = "".join(f"<li>{escape(c['text'])}</li>" for c in post["comments"])
        return (f"<html><body><h1>Instagram sandbox {escape(LISTED_TYPE[post['mediaType']].lower())} "
                f"{escape(post['id'])}</h1><p>@{escape(post['subject'])}</p>"
                f"<p>{escape(post.get('caption') or '')}</p><ul>{media}</ul>"
                f"<h2>Comments</h2><ul>{comments}</ul></body></html>")

    return bp
