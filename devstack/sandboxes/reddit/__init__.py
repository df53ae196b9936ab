"""Reddit API sandbox: OAuth, the user, subreddits' post requirements, flairs and about pages,
submitting (self, link, image, gallery, video, videogif), the media upload, the submitted listing,
info, delete.

Modelled on Reddit's API reference (www.reddit.com/dev/api), its OAuth2 wiki
(github.com/reddit-archive/reddit/wiki/OAuth2), its API rules (github.com/reddit-archive/reddit/
wiki/API: the X-Ratelimit-* headers) and PRAW (github.com/praw-dev/praw, commit
7b69758126d5a105ab7083ee49a3f6f400963ca9: praw/models/reddit/subreddit/subreddit.py, praw/models/
media.py, praw/endpoints.py for the undocumented media and gallery endpoints). Here
`<sandboxes>/reddit/www` stands for www.reddit.com and `<sandboxes>/reddit/oauth` for
oauth.reddit.com:
- `GET /www/api/v1/authorize` (consent, devstack/sandboxes/oauth.py; no PKCE; `duration`
  temporary|permanent), `POST /www/api/v1/access_token` (HTTP Basic; `authorization_code` →
  a 1-hour access token and a refresh token; `refresh_token` → a new access token and no new
  refresh token: Reddit's refresh tokens are permanent and work again and again; a refused
  grant is `{"error": "invalid_grant"}`), `POST /www/api/v1/revoke_token` (204);
- `GET /oauth/api/v1/me` (`name`, `id`, karma, the profile `subreddit`);
- `GET /oauth/api/v1/{subreddit}/post_requirements` and `GET /oauth/r/{subreddit}/api/link_flair_v2`;
- `GET /oauth/r/{subreddit}/about` (www.reddit.com/dev/api#GET_r_{subreddit}_about: a `t5` Thing
  whose `data` carries `allow_videos`, `allow_videogifs`, `allow_images`, ...);
- `POST /oauth/api/submit` (form, `api_type=json`; kinds self, link, image) and
  `POST /oauth/api/submit_gallery_post.json` (JSON, `items` of uploaded asset ids): refusals are
  HTTP 200 with `json.errors` `[[code, message, field]]`, as Reddit answers them; an image
  submit answers `websocket_url` and `user_submitted_page`, no id (PRAW's `_submit_media`);
- video posts (PRAW's `Subreddit.submit(video=...)`): `POST /oauth/api/submit` `kind` video or
  videogif, `url` an uploaded video asset's URL, `video_poster_url` an uploaded image's. Answered
  as an image submit is (`websocket_url`, `user_submitted_page`, no id: PRAW reads
  `response["json"]["data"]["websocket_url"]`); the post is listed in the submitted listing only
  VIDEO_PROCESSING_S after the submit, as Reddit lists a video once processed (the figure is the
  sandbox's [unverified: Reddit publishes none]); listed with `is_video` true, `post_hint`
  `hosted:video`, `media.reddit_video`. A subreddit whose about says `allow_videos` false refuses a
  video submit with NO_VIDEOS [unverified error code];
- `POST /oauth/api/media/asset.json` (`filepath`, `mimetype`: an image's, or video/mp4,
  video/quicktime as PRAW's `expected_mime_prefix="video"` leases them → `args.action` without scheme,
  `args.fields`, `asset.asset_id`), the S3 form POST to the action (201 and S3's XML
  PostResponse, as with `success_action_status=201`);
- `GET /oauth/user/{username}/submitted` (a Listing, newest first, `after`-paged), `GET
  /oauth/api/info?id=t3_…`, `POST /oauth/api/del` (200 `{}`, a post already gone too).
Every `/oauth` answer carries `X-Ratelimit-Used`, `X-Ratelimit-Remaining`, `X-Ratelimit-Reset`
(a period of 600 s and 1000 requests here [unverified figure: Reddit documents 100 queries a
minute averaged over 10 minutes]).

Subreddits (SUBREDDITS): `sokusandbox` (anything goes), `flairrequired` (post flair required,
two flairs), `titlerules` (titles of 15-60 characters), `linksonly` (no text in posts),
`novideos` (`allow_videos` and `allow_videogifs` false), and each
user's profile, `u_<name>` (only its owner posts there). Any other name does not exist.
The error codes for flair, title and body rules are [unverified] beyond
SUBMIT_VALIDATION_FLAIR_REQUIRED, NO_SELFS, SUBREDDIT_NOEXIST, RATELIMIT and TOO_LONG.

Fault operations: `token`, `me`, `requirements`, `flairs`, `create` (both submits; `hold`
applies here; kind `ratelimit_error`: Reddit's 200 with RATELIMIT "try again in 1 minute"; kind
`processing_stuck`: a video submit is accepted as usual and its post is never listed, as a video
whose processing never ends or fails), `about`,
`lease`, `upload`, `lookup` (the submitted listing; `lag` applies here), `info`, `delete`.
Kinds: `rate_limit` (429 with X-Ratelimit-Remaining 0 and X-Ratelimit-Reset `reset`, default
30), `spent` (the call succeeds, its answer says 0 remaining, reset `reset`), `server_error`
(500), `expired_token` (401), plus those named.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
import time
from typing import Any

import flask
from markupsafe import escape

from devstack.sandboxes import oauth
from devstack.sandboxes.core import Gate, SandboxState, answer, hold_if_asked, listing_cutoff, mint_tokens

PLATFORM = "reddit"
CLIENT_ID = "sbx-reddit-client"
CLIENT_SECRET = "sbx-reddit-app-secret"
ACCESS_LIFETIME_S = 3600
MAX_TITLE, MAX_TEXT, MAX_GALLERY = 300, 40_000, 20
PERIOD_S, PERIOD_REQUESTS = 600, 1000
IMAGE_TYPES = {"image/jpeg", "image/png", "image/gif"}
VIDEO_TYPES = {"video/mp4", "video/quicktime"}
VIDEO_PROCESSING_S = 2.0  # how long after a video submit its post is listed (module docstring)
_DEFAULT_RULES = {"is_flair_required": False, "title_text_min_length": None, "title_text_max_length": None,
                  "body_restriction_policy": "none", "link_restriction_policy": "none", "domain_blacklist": [],
                  "domain_whitelist": [], "title_blacklisted_strings": [], "body_blacklisted_strings": [],
                  "guidelines_text": None, "gallery_max_items": MAX_GALLERY, "gallery_min_items": 2}
QUESTION_FLAIR = "4c4d5b52-9a43-11ee-8a6d-0e7f2b1c1a01"
NEWS_FLAIR = "5e1f0a64-9a43-11ee-9c1e-0e7f2b1c1a02"
SUBREDDITS: dict[str, dict[str, Any]] = {
    "sokusandbox": {"rules": {}, "flairs": [{"id": "6a2b3c4d-9a43-11ee-b1a1-0e7f2b1c1a03", "text": "Discussion"}]},
    "flairrequired": {"rules": {"is_flair_required": True},
                      "flairs": [{"id": QUESTION_FLAIR, "text": "Question"}, {"id": NEWS_FLAIR, "text": "News"}]},
    "titlerules": {"rules": {"title_text_min_length": 15, "title_text_max_length": 60}, "flairs": []},
    "linksonly": {"rules": {"body_restriction_policy": "notAllowed"}, "flairs": []},
    "novideos": {"rules": {}, "flairs": [], "about": {"allow_videos": False, "allow_videogifs": False}},
}
_DEFAULT_ABOUT = {"allow_videos": True, "allow_videogifs": True, "allow_images": True, "allow_galleries": True}


def user_id(subject: str) -> str:
    """The user's base-36 id (`/api/v1/me` `id`; its fullname is `t2_<id>`), stable per subject."""
    return _base36(int(hashlib.sha256(f"reddit:{subject}".encode()).hexdigest()[:10], 16))


def _base36(number: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    out = ""
    while True:
        number, rest = divmod(number, 36)
        out = digits[rest] + out
        if not number:
            return out


def subreddit_of(name: str, who: str) -> dict[str, Any] | None:
    """The subreddit's rules and flairs as `who` sees them; None where it does not exist."""
    key = name.lower()
    if key.startswith("u_"):
        return {"rules": {}, "flairs": [], "profile": key[2:], "name": f"u_{key[2:]}"}
    found = SUBREDDITS.get(key)
    return None if found is None else {**found, "name": key}


def _error(status: int, message: str, headers: dict | None = None) -> flask.Response:
    return flask.make_response({"message": message, "error": status}, status, headers or {})


def _json_errors(*errors: tuple[str, str, str | None]) -> dict[str, Any]:
    return {"json": {"errors": [list(e) for e in errors]}}


def _listing(children: list[dict[str, Any]], after: str | None = None) -> dict[str, Any]:
    return {"kind": "Listing", "data": {"after": after, "before": None, "dist": len(children), "modhash": "",
                                        "children": [{"kind": "t3", "data": c} for c in children]}}


def blueprint(state: SandboxState, base_url: str) -> flask.Blueprint:
    bp = flask.Blueprint("reddit", __name__, url_prefix="/reddit")
    www = f"{base_url}/reddit/www"
    upload_action = f"//{base_url.split('//', 1)[1]}/reddit/upload"  # Reddit's action comes without scheme

    def authorized():
        who = state.subject_of(PLATFORM, flask.request.headers.get("Authorization"))
        return (who, None) if who is not None else (None, _error(401, "Unauthorized"))

    def rate_limited(fault, operation):
        reset = str(int(fault.params.get("reset", 30)))
        return _error(429, "Too Many Requests", {"X-Ratelimit-Used": str(PERIOD_REQUESTS),
                                                 "X-Ratelimit-Remaining": "0", "X-Ratelimit-Reset": reset})

    gate = Gate(state, PLATFORM, {
        "rate_limit": rate_limited,
        "server_error": answer(lambda: _error(500, "Internal Server Error")),
        "expired_token": answer(lambda: _error(401, "Unauthorized")),
    }, authorized)

    @bp.after_request
    def ratelimit_headers(response: flask.Response) -> flask.Response:
        """Reddit's headers on every API answer: a count per subject over the 600 s period."""
        if not flask.request.path.startswith("/reddit/oauth/") or "X-Ratelimit-Remaining" in response.headers:
            return response
        who = oauth.subject_of_token(PLATFORM, (flask.request.headers.get("Authorization") or " ").split(" ", 1)[-1])
        now = time.time()
        period = int(now // PERIOD_S)
        with state.lock:
            counts = state.oauth.setdefault("redditRate", {})
            used = counts.get((who, period), 0) + 1
            counts[(who, period)] = used
            spent = state.oauth.pop("redditSpent", None)
        reset = int(PERIOD_S - now % PERIOD_S)
        remaining = max(0, PERIOD_REQUESTS - used)
        if spent is not None:
            remaining, reset = 0, spent
        response.headers.update({"X-Ratelimit-Used": str(used), "X-Ratelimit-Remaining": str(remaining),
                                 "X-Ratelimit-Reset": str(reset)})
        return response

    def note_spent(fault) -> None:
        if fault is not None and fault.kind == "spent":
            with state.lock:
                state.oauth["redditSpent"] = int(fault.params.get("reset", 30))

    def find(post_id: str) -> dict[str, Any] | None:
        with state.lock:
            return next((p for p in state.posts if p["platform"] == PLATFORM and p["id"] == post_id), None)

    def post_json(post: dict[str, Any]) -> dict[str, Any]:
        from devstack.sandboxes.insights.common import post_counts_of

        counts = post_counts_of(post)
        sr = post["subreddit"]
        permalink = f"/r/{sr}/comments/{post['id']}/{post.get('slug') or 'post'}/"
        return {"id": post["id"], "name": f"t3_{post['id']}", "title": post["title"],
                "selftext": post.get("selftext") or "", "url": post.get("url") or f"{www}{permalink}",
                "is_self": post["kind"] == "self", "subreddit": sr, "subreddit_name_prefixed": (
                    f"u/{sr[2:]}" if sr.startswith("u_") else f"r/{sr}"),
                "author": post["subject"], "created_utc": float(int(post["createdAt"])), "permalink": permalink,
                "link_flair_template_id": post.get("flair_id"), "link_flair_text": post.get("flair_text"),
                "over_18": post.get("nsfw", False), "spoiler": post.get("spoiler", False),
                "is_gallery": post["kind"] == "gallery",
                "post_hint": {"image": "image", "video": "hosted:video", "videogif": "hosted:video"}.get(post["kind"]),
                "is_video": post["kind"] in ("video", "videogif"), "media": video_media(post),
                "score": counts["likes"], "ups": counts["likes"], "upvote_ratio": 0.97,
                "num_comments": counts["comments"], "num_crossposts": counts["shares"],
                "removed_by_category": None}

    def video_media(post: dict[str, Any]) -> dict[str, Any] | None:
        """A video post's `media.reddit_video`, as Reddit lists a processed video (v.redd.it)."""
        video = next((m for m in post.get("media") or [] if m.get("role") == "video"), None)
        if video is None:
            return None
        return {"reddit_video": {"fallback_url": f"https://v.redd.it/{video['assetId']}/DASH_720.mp4",
                                 "is_gif": post["kind"] == "videogif", "transcoding_status": "completed"}}

    def listed(post: dict[str, Any], now: float) -> bool:
        """Whether the submitted listing shows the post yet: a video once processed."""
        return post.get("listedAt") is None or (post["listedAt"] is not False and post["listedAt"] <= now)

    # -- OAuth (www.reddit.com) ---------------------------------------------------------------
    @bp.get("/www/api/v1/authorize")
    def authorize():
        if flask.request.args.get("duration", "temporary") not in ("temporary", "permanent"):
            return flask.make_response("<html><body>invalid duration</body></html>", 400)
        return oauth.consent(state, PLATFORM, CLIENT_ID)

    def client_ok() -> bool:
        expected = "Basic " + base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode()
        return flask.request.headers.get("Authorization") == expected

    @bp.post("/www/api/v1/access_token")
    def access_token():
        _, faulted = gate.fault("token")
        if faulted is not None:
            return faulted
        if not client_ok():
            return _error(401, "Unauthorized")
        form = flask.request.form
        if form.get("grant_type") == "authorization_code":
            grant, _why = oauth.redeem(state, PLATFORM, form.get("code"), client_id=CLIENT_ID,
                                       redirect_uri=form.get("redirect_uri"))
            if grant is None:
                return {"error": "invalid_grant"}  # Reddit's answer: 200 with the error (the OAuth2 wiki)
            access, refresh, _ = mint_tokens(PLATFORM, grant["subject"], ACCESS_LIFETIME_S)
            return {"access_token": access, "token_type": "bearer", "expires_in": ACCESS_LIFETIME_S,
                    "refresh_token": refresh, "scope": grant["scope"] or "identity submit"}
        if form.get("grant_type") != "refresh_token":
            return {"error": "unsupported_grant_type"}, 400
        parts = (form.get("refresh_token") or "").split(".")
        if len(parts) != 4 or parts[:2] != ["sbx-rt", PLATFORM] or (PLATFORM, parts[2]) in state.revoked:
            return {"error": "invalid_grant"}, 400
        lifetime = min(ACCESS_LIFETIME_S, state.token_lifetime_s or ACCESS_LIFETIME_S)
        access, _, _ = mint_tokens(PLATFORM, parts[2], lifetime)
        # No refresh_token: a permanent one stays valid (not rotated).
        return {"access_token": access, "token_type": "bearer", "expires_in": lifetime,
                "scope": "identity submit read edit history flair mysubreddits"}

    @bp.post("/www/api/v1/revoke_token")
    def revoke_token():
        if not client_ok():
            return _error(401, "Unauthorized")
        subject = oauth.subject_of_token(PLATFORM, flask.request.form.get("token"))
        if subject is not None:
            oauth.revoke(state, PLATFORM, subject)
        return "", 204

    @bp.get("/www/r/<sr>/comments/<post_id>/<slug>/")
    def page(sr: str, post_id: str, slug: str):
        post = find(post_id)
        if post is None:
            return "Not found", 404
        return f"<html><body><h1>{escape(post['title'])}</h1><p>{escape(post.get('selftext') or '')}</p></body></html>"

    # -- the user, subreddits -------------------------------------------------------------------
    @bp.get("/oauth/api/v1/me")
    def me():
        fault, who, refused = gate("me")
        if refused is not None:
            return refused
        from devstack.sandboxes.insights.common import account_counts

        counts = account_counts(state, PLATFORM, who)
        return {"name": who, "id": user_id(who), "created_utc": 1600000000.0, "link_karma": counts["following"],
                "comment_karma": counts["posts"], "total_karma": counts["following"] + counts["posts"],
                "has_verified_email": True, "subreddit": {"display_name": f"u_{who}", "subscribers": counts["followers"],
                                                          "url": f"/user/{who}/"}}

    @bp.get("/oauth/api/v1/<sr>/post_requirements")
    def post_requirements(sr: str):
        fault, who, refused = gate("requirements")
        if refused is not None:
            return refused
        found = subreddit_of(sr, who)
        if found is None:
            return _error(404, "Not Found")
        note_spent(fault)
        return _DEFAULT_RULES | found["rules"]

    @bp.get("/oauth/r/<sr>/about")
    def about(sr: str):
        fault, who, refused = gate("about")
        if refused is not None:
            return refused
        found = subreddit_of(sr, who)
        if found is None:
            return _error(404, "Not Found")
        note_spent(fault)
        profile = found.get("profile") is not None
        return {"kind": "t5", "data": {"display_name": found["name"], "name": f"t5_{found['name']}",
                                       "subreddit_type": "user" if profile else "public",
                                       **_DEFAULT_ABOUT, **(found.get("about") or {})}}

    @bp.get("/oauth/r/<sr>/api/link_flair_v2")
    def link_flair(sr: str):
        fault, who, refused = gate("flairs")
        if refused is not None:
            return refused
        found = subreddit_of(sr, who)
        if found is None:
            return _error(404, "Not Found")
        if not found["flairs"]:
            return _error(403, "Forbidden")  # Reddit answers 403 where post flair is off
        return [{"id": f["id"], "text": f["text"], "text_editable": False, "type": "text", "mod_only": False,
                 "allowable_content": "all", "background_color": "#0079d3", "text_color": "light",
                 "richtext": [], "css_class": ""} for f in found["flairs"]]

    # -- submitting -----------------------------------------------------------------------------
    def refusal(sr: str, who: str, fields: dict[str, Any]) -> dict[str, Any] | None:
        """Reddit's `json.errors` for a submission it refuses, else None."""
        title = str(fields.get("title") or "")
        if not title.strip():
            return _json_errors(("NO_TEXT", "we need something here", "title"))
        if len(title) > MAX_TITLE:
            return _json_errors(("TOO_LONG", f"this is too long (max: {MAX_TITLE})", "title"))
        found = subreddit_of(sr, who)
        if found is None:
            return _json_errors(("SUBREDDIT_NOEXIST", "that community doesn't exist", "sr"))
        if found.get("profile") is not None and found["profile"] != who.lower():
            return _json_errors(("SUBREDDIT_NOTALLOWED", "you aren't allowed to post there.", "sr"))
        rules = _DEFAULT_RULES | found["rules"]
        flair_id = fields.get("flair_id")
        if rules["is_flair_required"] and not flair_id:
            return _json_errors(("SUBMIT_VALIDATION_FLAIR_REQUIRED", "Your post must contain post flair.", "flair"))
        if flair_id and flair_id not in {f["id"] for f in found["flairs"]}:
            return _json_errors(("BAD_FLAIR_TEMPLATE_ID", "That flair template doesn't exist", "flair"))
        low, high = rules["title_text_min_length"], rules["title_text_max_length"]
        if (low and len(title) < low) or (high and len(title) > high):
            return _json_errors(("SUBMIT_VALIDATION_TITLE_LENGTH", f"Titles here are {low}-{high} characters", "title"))
        if fields.get("kind") == "self" and rules["body_restriction_policy"] == "notAllowed" and fields.get("text"):
            return _json_errors(("NO_SELFS", "This community doesn't allow text posts.", "sr"))
        about = _DEFAULT_ABOUT | (found.get("about") or {})
        if fields.get("kind") == "video" and not about["allow_videos"]:
            return _json_errors(("NO_VIDEOS", "This community doesn't allow videos.", "sr"))
        if fields.get("kind") == "videogif" and not about["allow_videogifs"]:
            return _json_errors(("NO_VIDEOS", "This community doesn't allow gifs.", "sr"))
        if len(str(fields.get("text") or "")) > MAX_TEXT:
            return _json_errors(("TOO_LONG", f"this is too long (max: {MAX_TEXT})", "text"))
        return None

    def record(who: str, fields: dict[str, Any], kind: str, media: list[dict[str, Any]],
               listed_at: float | bool | None = None) -> dict[str, Any]:
        found = subreddit_of(str(fields.get("sr")), who)
        flag = lambda name: str(fields.get(name)).lower() in ("true", "1")  # noqa: E731 - a form's booleans
        slug = "_".join(str(fields.get("title") or "").lower().split()[:6])[:40] or "post"
        with state.lock:
            post_id = _base36(int(state.next_id()))
        return state.record_post(PLATFORM, who, id=post_id, subreddit=found["name"], kind=kind,
                                 title=fields.get("title"),
                                 selftext=fields.get("text") if kind in ("self", "gallery", "video", "videogif") else None,
                                 url=fields.get("url") if kind in ("link", "image") else None,
                                 flair_id=fields.get("flair_id"), flair_text=fields.get("flair_text"),
                                 nsfw=flag("nsfw"), spoiler=flag("spoiler"),
                                 sendreplies=str(fields.get("sendreplies", "true")).lower() != "false",
                                 resubmit=fields.get("resubmit"), media=media, slug=slug,
                                 userAgent=flask.request.headers.get("User-Agent"), listedAt=listed_at)

    def uploaded(url: str | None = None, asset_id: str | None = None) -> dict[str, Any] | None:
        with state.lock:
            return next((m for k, m in state.media.items() if k.startswith("reddit:") and m.get("uploaded")
                         and (m["location"] == url or m["assetId"] == asset_id)), None)

    def media_of(upload: dict[str, Any], role: str | None = None) -> dict[str, Any]:
        return {"assetId": upload["assetId"], "sha256": upload["sha256"], "bytes": upload["bytes"],
                "contentType": upload["contentType"], **({"role": role} if role else {})}

    @bp.post("/oauth/api/submit")
    def submit():
        fault, who, refused = gate("create", ratelimit_error=answer(lambda: _json_errors(
            ("RATELIMIT", "Looks like you've been doing that a lot. Take a break for 1 minute before trying again.",
             "ratelimit"))))
        if refused is not None:
            return refused
        fields = flask.request.form.to_dict()
        if fields.get("api_type") != "json":
            return _error(400, "api_type=json expected by this sandbox")
        kind = fields.get("kind")
        if kind not in ("self", "link", "image", "video", "videogif"):
            return _json_errors(("INVALID_OPTION", "that option is not valid", "kind"))
        wrong = refusal(str(fields.get("sr") or ""), who, fields)
        if wrong is not None:
            return wrong
        media: list[dict[str, Any]] = []
        if kind in ("link", "image", "video", "videogif") and not str(fields.get("url") or "").startswith(
                ("http://", "https://")):
            return _json_errors(("NO_URL", "a url is required", "url"))
        listed_at: float | bool | None = None
        if kind in ("video", "videogif"):
            video, poster = uploaded(url=fields["url"]), uploaded(url=fields.get("video_poster_url"))
            if video is None or video["contentType"] not in VIDEO_TYPES:
                return _json_errors(("BAD_URL", "that isn't an uploaded video", "url"))
            if poster is None or poster["contentType"] not in IMAGE_TYPES:
                return _json_errors(("BAD_URL", "that isn't an uploaded image", "video_poster_url"))
            media += [media_of(video, "video"), media_of(poster, "poster")]
            stuck = fault is not None and fault.kind == "processing_stuck"
            listed_at = False if stuck else time.time() + VIDEO_PROCESSING_S
        if kind == "image":
            upload = uploaded(url=fields["url"])
            if upload is None:
                return _json_errors(("BAD_URL", "that isn't an uploaded image", "url"))
            media.append(media_of(upload))
        post = record(who, fields, kind, media, listed_at)
        note_spent(fault)
        hold_if_asked(fault)
        if kind in ("image", "video", "videogif"):
            # Reddit makes image posts asynchronously: no id, a websocket that later says the URL.
            return {"json": {"errors": [], "data": {"user_submitted_page": f"{www}/user/{who}/submitted/",
                                                    "websocket_url": f"wss://ws-sandbox.redditmedia.com/{post['id']}"}}}
        body = post_json(post)
        return {"json": {"errors": [], "data": {"url": f"{www}{body['permalink']}", "drafts_count": 0,
                                                "id": post["id"], "name": f"t3_{post['id']}"}}}

    @bp.post("/oauth/api/submit_gallery_post.json")
    def submit_gallery():
        fault, who, refused = gate("create")
        if refused is not None:
            return refused
        fields = flask.request.get_json(force=True, silent=True) or {}
        items = fields.get("items") or []
        if not 2 <= len(items) <= MAX_GALLERY:
            return _json_errors(("GALLERY_SIZE", f"a gallery has 2 to {MAX_GALLERY} items", "items"))
        wrong = refusal(str(fields.get("sr") or ""), who, fields | {"kind": "gallery"})
        if wrong is not None:
            return wrong
        media = []
        for item in items:
            upload = uploaded(asset_id=str((item or {}).get("media_id")))
            if upload is None:
                return _json_errors(("MEDIA_NOT_FOUND", "that media isn't uploaded", "items"))
            media.append(media_of(upload))
        post = record(who, fields, "gallery", media)
        hold_if_asked(fault)
        return {"json": {"errors": [], "data": {"url": f"{www}{post_json(post)['permalink']}",
                                                "id": f"t3_{post['id']}"}}}

    # -- media ----------------------------------------------------------------------------------
    @bp.post("/oauth/api/media/asset.json")
    def lease():
        fault, who, refused = gate("lease")
        if refused is not None:
            return refused
        form = flask.request.form
        if form.get("mimetype") not in IMAGE_TYPES | VIDEO_TYPES or not form.get("filepath"):
            return _error(400, "filepath and an image or video mimetype are required")
        asset_id = secrets.token_hex(6)
        key = f"{secrets.token_hex(2)}/{asset_id}/{form['filepath']}"
        policy = base64.b64encode(f'{{"key":"{key}"}}'.encode()).decode()
        with state.lock:
            state.media[f"reddit:{asset_id}"] = {"assetId": asset_id, "subject": who, "key": key, "policy": policy,
                                                 "location": f"http:{upload_action}/{key}", "uploaded": False}
        note_spent(fault)
        fields = {"acl": "public-read", "key": key, "X-Amz-Credential": "ASIASANDBOX/us-east-1/s3/aws4_request",
                  "X-Amz-Algorithm": "AWS4-HMAC-SHA256", "X-Amz-Date": time.strftime("%Y%m%dT%H%M%SZ", time.gmtime()),
                  "success_action_status": "201", "content-type": form["mimetype"], "policy": policy,
                  "X-Amz-Signature": secrets.token_hex(32)}
        return {"args": {"action": upload_action, "fields": [{"name": k, "value": v} for k, v in fields.items()]},
                "asset": {"asset_id": asset_id, "processing_state": "incomplete", "payload": {"filepath": form["filepath"]},
                          "websocket_url": f"wss://ws-sandbox.redditmedia.com/rte_images/{asset_id}"}}

    @bp.post("/upload")
    def upload():
        _, faulted = gate.fault("upload")
        if faulted is not None:
            return faulted
        form, file = flask.request.form, flask.request.files.get("file")
        with state.lock:
            target = next((m for k, m in state.media.items() if k.startswith("reddit:") and m["key"] == form.get("key")
                           and m["policy"] == form.get("policy")), None)
        if target is None:
            return flask.make_response("<Error><Code>AccessDenied</Code><Message>Invalid according to Policy"
                                       "</Message></Error>", 403, {"Content-Type": "application/xml"})
        if file is None:
            return flask.make_response("<Error><Code>InvalidArgument</Code><Message>POST requires exactly one "
                                       "file upload per request.</Message></Error>", 400,
                                       {"Content-Type": "application/xml"})
        data = file.read()
        with state.lock:
            target.update(uploaded=True, bytes=len(data), sha256=hashlib.sha256(data).hexdigest(),
                          contentType=file.mimetype)
        location = target["location"]
        return flask.make_response(f"<PostResponse><Location>{escape(location)}</Location><Key>{escape(target['key'])}"
                                   "</Key></PostResponse>", 201, {"Content-Type": "application/xml"})

    # -- listings, info, delete --------------------------------------------------------------------
    @bp.get("/oauth/user/<username>/submitted")
    def submitted(username: str):
        fault, who, refused = gate("lookup")
        if refused is not None:
            return refused
        cutoff, now = listing_cutoff(fault), time.time()
        with state.lock:
            posts = [p for p in reversed(state.posts) if p["platform"] == PLATFORM and listed(p, now)
                     and p["subject"].lower() == username.lower() and (cutoff is None or p["createdAt"] <= cutoff)]
        args = flask.request.args
        limit = max(1, min(100, int(args.get("limit", 25))))
        start = 0
        if args.get("after"):
            ids = [f"t3_{p['id']}" for p in posts]
            start = ids.index(args["after"]) + 1 if args["after"] in ids else len(posts)
        chunk = posts[start:start + limit]
        after = f"t3_{chunk[-1]['id']}" if chunk and start + limit < len(posts) else None
        return _listing([post_json(p) for p in chunk], after)

    @bp.get("/oauth/api/info")
    def info():
        _, who, refused = gate("info")
        if refused is not None:
            return refused
        wanted = [i.removeprefix("t3_") for i in (flask.request.args.get("id") or "").split(",") if i]
        return _listing([post_json(p) for p in (find(i) for i in wanted) if p is not None])

    @bp.post("/oauth/api/del")
    def delete():
        _, who, refused = gate("delete")
        if refused is not None:
            return refused
        post_id = (flask.request.form.get("id") or "").removeprefix("t3_")
        post = find(post_id)
        if post is not None and post["subject"] != who:
            return _error(403, "Forbidden")
        if post is not None:
            state.delete_post(PLATFORM, lambda p: p is post)
        return {}  # Reddit answers {} whether or not there was such a post

    return bp
