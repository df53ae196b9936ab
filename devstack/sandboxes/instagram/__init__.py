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

The tokens, Graph's errors and the Facebook Login routes are the Meta app's, shared with the
Facebook sandbox (devstack/sandboxes/meta_graph/__init__.py); creating containers is in
devstack/sandboxes/instagram/containers.py, the container mechanics shared with Threads in
devstack/sandboxes/meta_graph/containers.py.

Approximations [unverified]: the exact wording of most messages, the
duplicate-post error (Instagram documents none; Graph's 506 is used), the
image-format subcode, and how many polls processing takes.
"""

from __future__ import annotations

import re
import time
from typing import Any

import flask
from markupsafe import escape

# As meta_containers: the name `containers` is this package's own submodule (containers.py).
from devstack.sandboxes.meta_graph import containers as meta_containers
from devstack.sandboxes.core import Gate, SandboxState, answer, hold_if_asked, listing_cutoff
from devstack.sandboxes.meta_graph import MetaApp, accounts_page, bad_version, fault_answers, graph_error, graph_page
from devstack.sandboxes.meta_graph import graph_time as _ig_time
from devstack.sandboxes.meta_graph import params, unknown_object
from devstack.sandboxes.instagram.containers import (CONTAINER_TTL_S, NOT_READY_MESSAGE, container_of,
                                                     create_container, status_text)

PLATFORM = "instagram"
APP_ID = "1000000000000002"
APP_SECRET = "sbx-instagram-app-secret"
# Read when called (the soak in bench/ raises it), so kept here.
QUOTA_TOTAL = 50  # the current content_publishing_limit example's quota_total
QUOTA_WINDOW_S = 86400
STORY_TTL_S = 24 * 3600
PAGE_TOKEN_LIFETIME = MetaApp.PAGE_TOKEN_LIFETIME  # Page tokens "don't expire"; sandbox tokens need an epoch
USER_TOKEN_LIFETIME = MetaApp.USER_TOKEN_LIFETIME
LISTED_TYPE = {"IMAGE": "IMAGE", "CAROUSEL": "CAROUSEL_ALBUM", "REELS": "VIDEO", "STORIES": "STORY"}
DUPLICATE_MESSAGE = "This post is identical to one this account already shared. Try sharing something different."
QUOTA_MESSAGE = "You reached maximum number of posts that is allowed to be published by Content Publishing API."


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


def duplicate_error() -> flask.Response:
    return graph_error(400, 506, "(#506) Duplicate post", user_title="Duplicate post",
                       user_msg=DUPLICATE_MESSAGE)


def quota_error() -> flask.Response:
    return graph_error(400, 9, QUOTA_MESSAGE, subcode=2207042, user_title="Publishing limit reached",
                       user_msg=QUOTA_MESSAGE)


def not_ready_error() -> flask.Response:
    return graph_error(400, 9007, "Media ID is not available", subcode=2207027,
                       user_title="Media not ready", user_msg=NOT_READY_MESSAGE)


def any_graph_error(fault, operation) -> flask.Response:
    """The `graph_error` fault: any `code`/`subcode`/`message`/`status`."""
    p = fault.params
    message = str(p.get("message") or "An unknown error occurred")
    return graph_error(int(p.get("status", 400)), int(p.get("code", 100)), message,
                       subcode=int(p["subcode"]) if p.get("subcode") is not None else None,
                       user_msg=p.get("user_msg") or message)


def on_create(build):
    """An answer only where the fault was injected for `create` (media_publish)."""
    return lambda fault, operation: build() if operation == "create" else None


def fields(default: str = "id") -> set[str]:
    return {f.strip() for f in str(params().get("fields") or default).split(",") if f.strip()} | {"id"}


def top_fields(default: str) -> set[str]:
    """Field names, with Graph's nested selections (`a{b,c}`) reduced to `a`."""
    raw = str(params().get("fields") or default)
    return {f.strip() for f in re.sub(r"\{[^{}]*\}", "", raw).split(",") if f.strip()} | {"id"}


class InstagramApp(MetaApp):
    """The sandbox's Meta app for Instagram: the Page token acts for the Instagram account; the
    connect flow gives the user `sandbox_pages` Pages with an Instagram business account each
    (`<user>-ig<n>`, the token subjects), plus one Page without."""

    def __init__(self, state: SandboxState) -> None:
        super().__init__(state, PLATFORM, APP_ID, APP_SECRET, token_in_form=True, exchange_page_tokens=True)

    def new_pages(self, user: str, count: int) -> list[dict[str, Any]]:
        pages = [{"id": f"{user}-page{n}", "name": f"Sandbox Page {n} of {user}",
                  "ig": {"id": f"{user}-ig{n}", "username": f"{user}_ig{n}", "name": f"IG {n} of {user}"}}
                 for n in range(1, count + 1)]
        pages.append({"id": f"{user}-page{count + 1}", "name": f"Sandbox Page without Instagram of {user}"})
        return pages

    def subjects(self, pages: list[dict[str, Any]]) -> list[str]:
        return [p["ig"]["id"] for p in pages if p.get("ig")]

    def authorized(self, ig_user: str | None = None) -> tuple[str | None, flask.Response | None]:
        who = self.page_subject()
        if who is None:
            return None, self.auth_error(self.raw_token())
        if ig_user is not None and ig_user not in (who, "me"):
            return None, unknown_object(ig_user)
        return who, None


def instagram_gate(state: SandboxState, authorize) -> Gate:
    """The faults of `instagram` operations (the same on both hosts: a fault injected for
    ("instagram", "create") meets whichever login the account came through), then `authorize`."""
    return Gate(state, PLATFORM, fault_answers(default_rate_code=4, usage_type="instagram") | {
        "duplicate": answer(duplicate_error), "graph_error": any_graph_error,
        "quota_exhausted": on_create(quota_error), "not_ready": on_create(not_ready_error),
    }, authorize)


def graph_routes(bp: flask.Blueprint, state: SandboxState, gate: Gate, find_post, web: str,
                 prefix: str = "") -> None:
    """Content publishing's nodes and edges (containers, media_publish, the quota, listings,
    comments) under `prefix` of `bp`: the same API on graph.facebook.com (Facebook Login, the
    Page token) and graph.instagram.com (Instagram Login, the Instagram User token), as
    developers.facebook.com/documentation/instagram-platform/content-publishing describes it for
    both hosts. `gate` says which token is taken where; `find_post` finds a published media."""
    def posts_of(who: str, since: float = 0.0) -> list[dict[str, Any]]:
        return meta_containers.posts_of(state, PLATFORM, who, since)

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

    # -- nodes: containers and published media ------------------------------------------
    @bp.get(f"{prefix}/<version>/<node>")
    def read_node(version: str, node: str):
        if (bad := bad_version(version)) is not None:
            return bad
        container = container_of(state, node)
        fault, who, refused = gate("status" if container is not None else "permalink")
        if refused is not None:
            return refused
        wanted = fields()
        if container is not None:
            if container["owner"] != who:
                return unknown_object(node)
            with state.lock:
                meta_containers.advance(container, fault, container["pollsNeeded"], CONTAINER_TTL_S)
                row = {"id": node, "status_code": container["status"], "status": status_text(container)}
            return {k: v for k, v in row.items() if k in wanted}
        post = find_post(node)
        if post is None or post["subject"] != who:
            return unknown_object(node)
        return media_row(post, wanted)

    # -- edges ---------------------------------------------------------------------------
    @bp.route(f"{prefix}/<version>/<node>/<edge>", methods=["GET", "POST"])
    def node_edge(version: str, node: str, edge: str):
        if (bad := bad_version(version)) is not None:
            flask.request.get_data()
            return bad
        post = flask.request.method == "POST"
        routes = {
            ("media", True): lambda ig_user: create_container(state, gate, ig_user), ("media", False): list_media,
            ("stories", False): list_stories, ("media_publish", True): media_publish,
            ("content_publishing_limit", False): publishing_limit,
            ("comments", True): add_comment, ("comments", False): list_comments,
        }
        handler = routes.get((edge, post))
        if handler is None:
            return graph_error(400, 100, f"Unknown path components: /{edge}", kind="OAuthException")
        return handler(node)

    def publishing_limit(ig_user: str):
        fault, who, refused = gate("publishing_limit", ig_user)
        if refused is not None:
            return refused
        return meta_containers.publishing_limit(len(posts_of(who, time.time() - QUOTA_WINDOW_S)), fault,
                                           quota_total=QUOTA_TOTAL, window_s=QUOTA_WINDOW_S,
                                           wanted=fields("quota_usage"))

    def media_publish(ig_user: str):
        fault, who, refused = gate("create", ig_user)
        if refused is not None:
            return refused
        creation_id = str(params().get("creation_id") or "")
        container = container_of(state, creation_id)
        if container is None or container["owner"] != who:
            return graph_error(400, 100, f"(#100) Param creation_id {creation_id!r} is not a media container of "
                                         "this account", subcode=2207008)
        with state.lock:
            why = meta_containers.unpublishable(container, ttl_s=CONTAINER_TTL_S, quota_total=QUOTA_TOTAL,
                                           used=len(posts_of(who, time.time() - QUOTA_WINDOW_S)))
            if why == "carousel_item":
                return graph_error(400, 100, "(#100) A carousel item cannot be published on its own")
            if why == "expired":
                return graph_error(400, -2, "The media you are trying to access has expired. Please try to "
                                            "upload again.", subcode=2207020)
            if why == "published":
                return graph_error(400, 100, "(#100) This media container has already been published")
            if why == "not_ready":
                return not_ready_error()
            if why == "quota":
                return quota_error()
            post = state.record_post(
                PLATFORM, who, mediaType=container["mediaType"], caption=container["caption"],
                media=container["media"], children=container["children"], containerId=creation_id,
                # Each image's alt text, in order: the container's own, or its carousel items'.
                altTexts=([(container_of(state, c) or {}).get("altText") for c in container["children"]]
                          if container["children"] else [container.get("altText")]),
                shareToFeed=container["shareToFeed"], thumbOffset=container["thumbOffset"], comments=[], url="")
            post["url"] = permalink(post)
            container["status"] = "PUBLISHED"
        hold_if_asked(fault)
        return {"id": post["id"]}

    def listing(ig_user: str, stories: bool):
        fault, who, refused = gate("lookup", ig_user)
        if refused is not None:
            return refused
        # The `lag` fault: the IG User's media and stories edges catch up after a publish, so
        # media just published can be missing here for a while (Meta documents no bound
        # [unverified]) though `GET /{ig-media-id}` already answers it.
        cutoff = listing_cutoff(fault)
        wanted = fields("id")
        since = time.time() - STORY_TTL_S if stories else 0.0
        listed = [p for p in reversed(posts_of(who, since)) if (p["mediaType"] == "STORIES") == stories
                  and (cutoff is None or p["createdAt"] <= cutoff)]
        # Newest first, cursor-paged like every Graph edge (IG User Media / Stories references).
        return graph_page(listed, lambda p: media_row(p, wanted))

    def list_media(ig_user: str):
        return listing(ig_user, stories=False)

    def list_stories(ig_user: str):
        return listing(ig_user, stories=True)

    def own_media(operation: str, media_id: str) -> tuple[dict[str, Any] | None, flask.Response | None]:
        """A fault, the token, then the account's own published media: (post, refusal)."""
        _, who, refused = gate(operation)
        if refused is not None:
            return None, refused
        post = find_post(media_id)
        if post is None or post["subject"] != who:
            return None, unknown_object(media_id)
        return post, None

    def add_comment(media_id: str):
        post, refused = own_media("comment", media_id)
        if refused is not None:
            return refused
        who = post["subject"]
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
        post, refused = own_media("lookup", media_id)
        if refused is not None:
            return refused
        wanted = fields("id,text")
        return {"data": [{k: v for k, v in c.items() if k in wanted} for c in reversed(post["comments"])]}



def blueprint(state: SandboxState, base_url: str) -> flask.Blueprint:
    bp = flask.Blueprint("instagram", __name__, url_prefix="/instagram")
    web = f"{base_url}/instagram/web"
    app = InstagramApp(state)
    gate = instagram_gate(state, app.authorized)

    # -- authorization -----------------------------------------------------------------
    app.register_login(bp, gate)

    @bp.get("/<version>/me/accounts")
    def me_accounts(version: str):
        if (bad := bad_version(version)) is not None:
            return bad
        _, who, refused = app.user_checks(gate, "token")
        if refused is not None:
            return refused
        if app.managed_pages(who):  # a user who went through the connect flow
            rows = []
            for page in app.managed_pages(who):
                ig = page.get("ig")
                row = {"id": page["id"], "name": page["name"], "access_token": app.page_token(ig["id"] if ig
                                                                                               else page["id"])}
                if ig:
                    row["instagram_business_account"] = dict(ig)
                rows.append(row)
            return accounts_page(rows, top_fields("id,name,access_token"))
        page = {"id": f"page-{who}", "name": f"Page of {who}", "access_token": app.page_token(who),
                "instagram_business_account": {"id": who}}
        return accounts_page([page], fields("id,name,access_token"))

    graph_routes(bp, state, gate, app.find_post, web)

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
