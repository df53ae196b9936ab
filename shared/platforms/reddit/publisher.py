"""Reddit: a post in a subreddit (or the account's profile), made once.

Flow (www.reddit.com/dev/api; PRAW, github.com/praw-dev/praw commit
7b69758126d5a105ab7083ee49a3f6f400963ca9, praw/models/reddit/subreddit/subreddit.py `submit`,
`_submit_media`, and praw/models/media.py `PostMedia._upload`):
- self and link posts: `POST /api/submit` (form, `api_type=json`, `kind` self|link, `sr`,
  `title`, `text` | `url`, `flair_id`, `flair_text`, `nsfw`, `spoiler`, `sendreplies`,
  `resubmit`) → `{"json": {"errors": [], "data": {"id", "name": "t3_…", "url"}}}`;
- images: each is leased (`POST /api/media/asset.json` `filepath`, `mimetype` → `args.action`, an
  S3 form URL without scheme, and `args.fields`; `asset.asset_id`), then sent as the S3 form
  (the fields, the file last). One image: `POST /api/submit` `kind=image`, `url` = the action
  and the `key` field joined (PRAW's `f"{upload_url}/{upload_data['key']}"`); Reddit answers
  that with a `websocket_url` and no post id (PRAW waits on the websocket for the post's URL):
  the post is then found in the user's submitted listing. Several: `POST
  /api/submit_gallery_post.json` (JSON: `items` of `media_id` = asset id, `caption`,
  `outbound_url`) → `{"json": {"errors": [], "data": {"id", "url"}}}`. Each upload is
  checkpointed: a retry neither leases nor uploads it again;
- a video: the video and its poster uploaded as images are, then `kind=video` (or `videogif`),
  the post found in the submitted listing once Reddit has processed it: video.py;
- Reddit has no idempotency key, so the submit goes through `ctx.create_once`, and an
  interrupted submit is reconciled by listing the user's posts (`GET
  /user/{username}/submitted?sort=new&limit=100`, `after`-paged) and matching subreddit, title
  and body (or link) of one made inside the attempt's window.
Errors: HTTP status for transport-level refusals (401 token, 403 forbidden, 404, 429, 5xx) and,
with status 200, `json.errors` `[[code, message, field]]` for a refused submission (RATELIMIT,
SUBMIT_VALIDATION_FLAIR_REQUIRED, SUBREDDIT_NOEXIST, NO_SELFS, TOO_LONG …).
Rate limits: every answer carries `X-Ratelimit-Used`, `X-Ratelimit-Remaining` and
`X-Ratelimit-Reset` (seconds to the period's end; github.com/reddit-archive/reddit/wiki/API):
a 429, or a call made when the last answer left none remaining, waits until the reset.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any, Iterator

import httpx

from shared import clock
from shared.config import get_settings
from shared.platforms import Platform
from shared.platforms.reddit.compose import VIDEO_KINDS, Composed, compose, profile_subreddit
from shared.platforms.reddit.connector import user_agent
from shared.platforms.reddit.manifest import (
    IMAGE_FORMATS,
    MAX_GALLERY,
    MAX_IMAGE_BYTES,
    MAX_VIDEO_BYTES,
    MB,
    VIDEO_FORMATS,
)
from shared.services.publishing.base import Account, PublishContext, PublishedPost, Tokens
from shared.services.publishing.deletion import for_deletion
from shared.services.publishing.errors import NeedsReconnectError, PermanentError, PublishError, RetryableError
from shared.services.publishing.http import PlatformHttp
from shared.services.publishing.media import StoredMediaFile, open_media
from shared.services.publishing.reconcile import LOOKUP_PAGES, in_window, normalise


@dataclass(frozen=True)
class RedditLimits:
    max_image_bytes: int = MAX_IMAGE_BYTES
    max_gallery: int = MAX_GALLERY
    page_size: int = 100  # a listing's `limit` is at most 100 (www.reddit.com/dev/api#listings)
    # A 429 or RATELIMIT without a usable reset: Reddit's period is 10 minutes; wait one minute.
    rate_limit_backoff_s: float = 60.0
    # An image submit answers no id: the submitted listing is read this many times for it.
    image_lookups: int = 4
    image_lookup_interval_s: float = 1.0
    max_video_bytes: int = MAX_VIDEO_BYTES


_EXTENSIONS = {"image/jpeg": "jpg", "image/png": "png", "image/gif": "gif", "video/mp4": "mp4", "video/quicktime": "mov"}


LIMITS = RedditLimits()
_RATELIMIT_WAIT = re.compile(r"(\d+)\s*(second|minute|hour)", re.I)


def _body(response: httpx.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return {}


def _message(response: httpx.Response) -> str:
    body = _body(response)
    if isinstance(body, dict):
        for key in ("message", "explanation", "reason", "error"):
            if isinstance(body.get(key), (str, int)) and body[key]:
                return str(body[key])
    return response.text[:300] or f"HTTP {response.status_code}"


def reset_seconds(response: httpx.Response) -> float | None:
    """`X-Ratelimit-Reset`: seconds until the rate-limit period ends (Reddit's API rules)."""
    try:
        return max(1.0, float(response.headers["X-Ratelimit-Reset"]))
    except (KeyError, ValueError):
        return None


def json_errors(response: httpx.Response) -> list[list[Any]]:
    """`json.errors` of an `api_type=json` answer: `[[code, message, field], …]`."""
    body = _body(response)
    errors = ((body.get("json") or {}).get("errors") if isinstance(body, dict) else None) or []
    return [e for e in errors if isinstance(e, list) and e]


def _ratelimit_wait(message: str) -> float:
    """RATELIMIT's "you are doing that too much. try again in 9 minutes." → seconds."""
    found = _RATELIMIT_WAIT.search(message or "")
    if not found:
        return LIMITS.rate_limit_backoff_s
    unit = {"second": 1, "minute": 60, "hour": 3600}[found.group(2).lower()]
    return float(int(found.group(1)) * unit)


def _submit_error(errors: list[list[Any]]) -> PublishError:
    code, message = str(errors[0][0]), str(errors[0][1] if len(errors[0]) > 1 else "")
    words = "; ".join(f"{e[0]}: {e[1] if len(e) > 1 else ''}" for e in errors)
    if code == "RATELIMIT":
        return RetryableError(f"Reddit rate limit: {message}", code="rate_limited", retry_after=_ratelimit_wait(message))
    if code in ("SUBMIT_VALIDATION_FLAIR_REQUIRED", "BAD_FLAIR_TEMPLATE_ID"):
        return PermanentError(f"Reddit refused the post's flair: {words} (options.reddit.flairId)", code="flair_required")
    if code in ("SUBREDDIT_NOEXIST", "SUBREDDIT_NOTALLOWED", "SUBREDDIT_REQUIRED"):
        return PermanentError(f"Reddit refused the subreddit: {words}", code="subreddit_not_found")
    if code in ("USER_REQUIRED", "INVALID_OAUTH"):
        return NeedsReconnectError(f"Reddit rejected the account's authorization: {words}")
    return PermanentError(f"Reddit refused the post: {words}", code="publish_rejected")


def classify(response: httpx.Response) -> PublishError | None:
    status = response.status_code
    if status < 300:
        errors = json_errors(response)
        return _submit_error(errors) if errors else None
    message = _message(response)
    if status == 401:
        return NeedsReconnectError(f"Reddit rejected the account's authorization: {message}")
    if status == 429:
        return RetryableError(f"Reddit rate limit: {message}", code="rate_limited",
                              retry_after=reset_seconds(response) or LIMITS.rate_limit_backoff_s)
    if status >= 500 or status in (408, 425):
        return RetryableError(f"Reddit is unavailable ({status}): {message}", code="platform_unavailable")
    if status == 403:
        return PermanentError(f"Reddit refused the request: {message} (a private, banned or quarantined "
                              "subreddit, or one the account may not post in)", code="publish_rejected")
    if status == 404:
        return PermanentError(f"Reddit has no such thing: {message}", code="subreddit_not_found")
    return PermanentError(f"Reddit refused the request ({status}): {message}", code="publish_rejected")


def _refresh_classify(response: httpx.Response) -> PublishError | None:
    if response.status_code in (400, 401, 403) or (response.status_code < 300 and "error" in (_body(response) or {})):
        return NeedsReconnectError(f"Reddit refused to refresh the account's authorization: {_message(response)}")
    return classify(response)


class RedditHttp(PlatformHttp):
    """PlatformHttp honouring Reddit's rate-limit headers: once an answer says no request remains
    in the period, the next call waits for its reset instead of spending a refused request."""

    def __init__(self, account: Account) -> None:
        super().__init__(classify, lambda: {"Authorization": f"bearer {account.tokens.access_token}",
                                            "User-Agent": user_agent()})
        self.exhausted_until: datetime | None = None

    def request(self, method: str, url: str, **kwargs) -> httpx.Response:
        if self.exhausted_until is not None and self.exhausted_until > clock.now():
            wait = (self.exhausted_until - clock.now()).total_seconds()
            raise RetryableError("Reddit's rate limit for this period is spent (X-Ratelimit-Remaining 0)",
                                 code="rate_limited", retry_after=max(1.0, wait))
        response = super().request(method, url, **kwargs)
        remaining = response.headers.get("X-Ratelimit-Remaining")
        try:
            spent = remaining is not None and float(remaining) < 1
        except ValueError:
            spent = False
        if spent and (reset := reset_seconds(response)):
            self.exhausted_until = clock.now() + timedelta(seconds=reset)
        return response


def _created(value: Any) -> datetime | None:
    try:
        return datetime.fromtimestamp(float(value), tz=timezone.utc)
    except (TypeError, ValueError):
        return None


def fullname(post_id: str) -> str:
    return post_id if post_id.startswith("t3_") else f"t3_{post_id}"


class RedditPublisher:
    platform = Platform.REDDIT
    # How long the submitted listing may trail a submit: Reddit publishes no figure; listings are
    # cached for anonymous readers, less so for the author. This is our margin.
    listing_lag_s = 30.0

    # -- plumbing -------------------------------------------------------------------
    def _api(self) -> str:
        return get_settings().platform_hosts["reddit_api"]

    def _www(self) -> str:
        return get_settings().platform_hosts["reddit_www"]

    def http(self, account: Account) -> PlatformHttp:
        return RedditHttp(account)

    def post_url(self, permalink: str) -> str:
        return permalink if permalink.startswith("http") else f"{self._www()}{permalink}"

    @staticmethod
    def username(account: Account) -> str:
        name = account.data.get("username") or (account.display_name or "").removeprefix("u/")
        if not name:
            raise PermanentError("The Reddit account has no username stored: reconnect it", code="account_incomplete")
        return str(name)

    def subreddit_of(self, account: Account, composed: Composed) -> str:
        return composed.subreddit or self.profile_of(account)

    def profile_of(self, account: Account) -> str:
        """The account's own profile subreddit, where a post without `options.reddit.subreddit` goes."""
        return profile_subreddit(self.username(account))

    # -- authorization ------------------------------------------------------------
    def refresh(self, account: Account) -> Tokens:
        """`POST /api/v1/access_token` `grant_type=refresh_token`, Basic-authenticated (the OAuth2
        wiki). Reddit's refresh token is permanent: the answer carries none, ours stays."""
        from shared.platforms.reddit.connector import basic_auth

        response = PlatformHttp(_refresh_classify).request(
            "POST", f"{self._www()}/api/v1/access_token",
            headers={"Authorization": basic_auth(), "User-Agent": user_agent()},
            data={"grant_type": "refresh_token", "refresh_token": account.tokens.refresh_token or ""})
        body = response.json()
        return Tokens(body["access_token"], body.get("refresh_token") or account.tokens.refresh_token,
                      clock.now() + timedelta(seconds=int(body.get("expires_in") or 3600)))

    # -- a subreddit's rules (preflight.py, and the flairs endpoint) ----------------------
    def post_requirements(self, account: Account, subreddit: str) -> dict[str, Any]:
        """`GET /api/v1/{subreddit}/post_requirements` (PRAW's `Subreddit.post_requirements`):
        is_flair_required, title_text_min_length/max_length, body_restriction_policy, …"""
        return self.http(account).request("GET", f"{self._api()}/api/v1/{subreddit}/post_requirements",
                                          params={"raw_json": 1}).json()

    def about(self, account: Account, subreddit: str) -> dict[str, Any]:
        """`GET /r/{subreddit}/about` (scope `read`; www.reddit.com/dev/api#GET_r_{subreddit}_about): a
        `t5` whose `data` has `allow_videos`, `allow_videogifs`, `allow_images`, ..."""
        body = self.http(account).request("GET", f"{self._api()}/r/{subreddit}/about", params={"raw_json": 1}).json()
        return (body.get("data") or {}) if isinstance(body, dict) else {}

    def flairs(self, account: Account, subreddit: str) -> list[dict[str, Any]]:
        """`GET /r/{subreddit}/api/link_flair_v2` (PRAW's `link_flair` endpoint): the post flairs,
        each `id`, `text`, `text_editable`. A 403 (flair not visible to the user) is none."""
        body = self.http(account).request("GET", f"{self._api()}/r/{subreddit}/api/link_flair_v2",
                                          params={"raw_json": 1}).json()
        return [{"id": str(f.get("id")), "text": f.get("text") or "", "textEditable": bool(f.get("text_editable"))}
                for f in (body if isinstance(body, list) else []) if f.get("id")]

    # -- publishing -----------------------------------------------------------------
    def _composed(self, ctx: PublishContext) -> Composed:
        return compose(ctx.content.text, len(ctx.content.images), ctx.content.options or {},
                       video=ctx.content.media_type == "video")

    def publish(self, ctx: PublishContext) -> PublishedPost:
        http = self.http(ctx.account)
        composed = self._composed(ctx)
        if not composed.title:
            raise PermanentError("A Reddit post needs a title (options.reddit.title or the text's first line)",
                                 code="title_required")
        subreddit = self.subreddit_of(ctx.account, composed)
        form = self._form(ctx, composed, subreddit)
        if composed.kind == "gallery":
            assets = [self._upload(ctx, http, item, index)["assetId"]
                      for index, item in enumerate(ctx.content.images[: LIMITS.max_gallery])]
            # A JSON body: its flags are booleans, as PRAW's `submit_gallery` sends them.
            payload = {k: (v == "true" if v in ("true", "false") else v)
                       for k, v in form.items() if k not in ("kind", "text", "url", "resubmit")} | {
                "show_error_list": True,
                "items": [{"media_id": asset, "caption": "", "outbound_url": ""} for asset in assets]}
            if composed.body:
                payload["text"] = composed.body

            def create() -> PublishedPost:
                data = (http.request("POST", f"{self._api()}/api/submit_gallery_post.json", json=payload)
                        .json().get("json") or {}).get("data") or {}
                return self._accepted(ctx, data)

            return ctx.create_once(create)
        if composed.kind in VIDEO_KINDS:
            from shared.platforms.reddit import video

            return video.publish(self, ctx, http, form)
        if composed.kind == "image":
            form["url"] = self._upload(ctx, http, ctx.content.images[0], 0)["url"]

        def submit() -> PublishedPost:
            data = (http.request("POST", f"{self._api()}/api/submit", data=form).json().get("json") or {}).get("data") or {}
            if data.get("id") or data.get("name"):
                return self._accepted(ctx, data)
            # An image post: Reddit answers before the post exists under an id (PRAW's
            # `_submit_media` waits on `websocket_url` for it); it is in the submitted listing.
            ctx.accepted(submitted=True)
            armed = datetime.fromisoformat(ctx.checkpoint["createArmedAt"])
            for attempt in range(LIMITS.image_lookups):
                found = self.find_existing(ctx, armed)
                if found is not None:
                    return found
                ctx.sleep(LIMITS.image_lookup_interval_s * (attempt + 1))
            raise RetryableError("Reddit accepted the image post but does not list it yet; will look again",
                                 code="post_not_listed")

        return ctx.create_once(submit)

    def _accepted(self, ctx: PublishContext, data: dict[str, Any]) -> PublishedPost:
        post_id = str(data.get("id") or data.get("name") or "").removeprefix("t3_")
        if not post_id:
            match = re.search(r"/comments/([a-z0-9]+)", str(data.get("url") or ""))
            post_id = match.group(1) if match else ""
        if not post_id:
            raise RetryableError("Reddit accepted the post without saying its id", code="post_not_listed")
        url = self.post_url(str(data.get("url") or f"/comments/{post_id}/"))
        ctx.accepted(postId=post_id, postUrl=url)
        return PublishedPost(post_id, url)

    @staticmethod
    def _form(ctx: PublishContext, composed: Composed, subreddit: str) -> dict[str, Any]:
        options = ctx.content.options or {}
        form: dict[str, Any] = {"api_type": "json", "sr": subreddit, "kind": composed.kind, "title": composed.title,
                                # An exact repost of a link is refused (ALREADY_SUB) without it;
                                # PRAW sends it too (`resubmit`, default True).
                                "resubmit": "true",
                                "sendreplies": "false" if options.get("sendReplies") is False else "true",
                                "nsfw": "true" if options.get("nsfw") else "false",
                                "spoiler": "true" if options.get("spoiler") else "false"}
        if composed.kind == "self" or (composed.kind in VIDEO_KINDS and composed.body):
            form["text"] = composed.body
        if composed.kind == "link":
            form["url"] = composed.url
        for option, field in (("flairId", "flair_id"), ("flairText", "flair_text")):
            if options.get(option):
                form[field] = options[option]
        return form

    def _upload(self, ctx: PublishContext, http: PlatformHttp, item: dict | None, index: int | str,
                formats: tuple[str, ...] = IMAGE_FORMATS) -> dict[str, Any]:
        """Lease and upload one file (PRAW's `PostMedia._upload`): {assetId, url}, checkpointed under
        `uploads[index]` (an image's position, or `video` / `poster`). `item` None: the plain poster."""
        uploads: dict[str, Any] = dict(ctx.checkpoint.get("uploads") or {})
        if str(index) in uploads:
            return uploads[str(index)]
        if item is None:
            from shared.platforms.reddit.video import plain_poster

            content_type, size, body = "image/png", None, plain_poster()
        else:
            media = open_media(item)
            content_type, size, body = media.content_type, media.size, StoredMediaFile(media)
            video = formats == VIDEO_FORMATS
            if content_type not in formats:
                what = "MP4 and MOV videos" if video else "JPEG, PNG and GIF images"
                raise PermanentError(f"Reddit takes {what}; this one is {content_type}", code="media_unsupported")
            limit = LIMITS.max_video_bytes if video else LIMITS.max_image_bytes
            if size > limit:
                raise PermanentError(f"Reddit takes {'videos' if video else 'images'} up to {limit // MB} MB; this "
                                     f"one is {size / MB:.1f} MB", code="media_too_large")
        name = f"image{index}" if isinstance(index, int) else str(index)
        filepath = f"{name}.{_EXTENSIONS[content_type]}"
        lease = http.request("POST", f"{self._api()}/api/media/asset.json",
                             data={"filepath": filepath, "mimetype": content_type}).json()
        args, asset = lease.get("args") or {}, lease.get("asset") or {}
        action = str(args.get("action") or "")
        fields = {f["name"]: f["value"] for f in args.get("fields") or [] if "name" in f}
        if not action or "key" not in fields or not asset.get("asset_id"):
            raise RetryableError("Reddit leased the upload without its form", code="platform_unavailable")
        # The action comes without a scheme (`//reddit-uploaded-media.s3-accelerate.amazonaws.com`);
        # PRAW prefixes https:. The API host's scheme serves the same (and the local stack's http).
        upload_url = f"{self._api().split('//', 1)[0]}{action}" if action.startswith("//") else action
        # S3's form: the signed fields, the file last; no bearer token (the policy authorizes it).
        PlatformHttp(_storage_classify).request(
            "POST", upload_url, data=fields, files={"file": (filepath, body, content_type)})
        uploads[str(index)] = {"assetId": str(asset["asset_id"]), "url": f"{upload_url}/{fields['key']}"}
        ctx.save(uploads=uploads)
        return uploads[str(index)]

    # -- reconciling ----------------------------------------------------------------------
    def find_existing(self, ctx: PublishContext, armed_at: datetime) -> PublishedPost | None:
        """The user's post made in the window whose subreddit, title and body (or link) are the run's."""
        if ctx.checkpoint.get("postId"):
            return PublishedPost(str(ctx.checkpoint["postId"]), ctx.checkpoint.get("postUrl"))
        composed = self._composed(ctx)
        subreddit = self.subreddit_of(ctx.account, composed).lower()
        matches = []
        for post in self._submitted(self.http(ctx.account), self.username(ctx.account)):
            created = _created(post.get("created_utc"))
            if not in_window(created, armed_at) or str(post.get("subreddit") or "").lower() != subreddit:
                continue
            if normalise(post.get("title")) != normalise(composed.title):
                continue
            if composed.kind == "self" and normalise(post.get("selftext")) != normalise(composed.body):
                continue
            if composed.kind == "link" and (post.get("url") or "").strip() != (composed.url or "").strip():
                continue
            if composed.kind in VIDEO_KINDS and not post.get("is_video"):
                continue  # a video post is listed with `is_video` true (its media on v.redd.it)
            matches.append((created, str(post.get("id")), str(post.get("permalink") or "")))
        if not matches:
            return None
        _, post_id, permalink = min(matches)  # the first one made after the submit was armed
        return PublishedPost(post_id, self.post_url(permalink or f"/comments/{post_id}/"))

    def _submitted(self, http: PlatformHttp, username: str) -> Iterator[dict]:
        """`GET /user/{username}/submitted?sort=new&limit=100`, `after`-paged; newest first, so the
        pages stop once a page ends before the window (the caller filters by time)."""
        params: dict[str, Any] = {"sort": "new", "limit": LIMITS.page_size, "raw_json": 1}
        for _ in range(LOOKUP_PAGES):
            body = http.request("GET", f"{self._api()}/user/{username}/submitted", params=params).json()
            data = body.get("data") or {}
            children = [c.get("data") or {} for c in data.get("children") or []]
            yield from children
            if not data.get("after") or not children:
                return
            params = params | {"after": data["after"]}

    # -- taking a post down ---------------------------------------------------------------
    def delete_post(self, account: Account, post_id: str) -> None:
        """`POST /api/del` `id=t3_…` (scope `edit`) → 200 `{}`; Reddit answers the same for a post
        already deleted, so deleting twice is fine."""
        http = for_deletion(self.http(account), "Reddit", lambda response: response.status_code == 404)
        http.request("POST", f"{self._api()}/api/del", data={"id": fullname(post_id)})


def _storage_classify(response: httpx.Response) -> PublishError | None:
    """S3's answers to the upload form: 201/204 success; 403 a policy refused; 5xx retry."""
    if response.status_code < 300:
        return None
    if response.status_code >= 500:
        return RetryableError(f"Reddit's media storage is unavailable ({response.status_code})",
                              code="platform_unavailable")
    return RetryableError(f"Reddit's media storage refused the upload ({response.status_code}): "
                          f"{response.text[:200]}", code="platform_unavailable")


PUBLISHER = RedditPublisher  # what the registry (shared/platforms/loader.py) instantiates
