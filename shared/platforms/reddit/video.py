"""Reddit video posts, for publisher.py (its `publish` hands a `video` or `videogif` post here).

A video (PRAW's `Subreddit.submit(video=...)`, github.com/praw-dev/praw commit
7b69758126d5a105ab7083ee49a3f6f400963ca9, praw/models/reddit/subreddit/subreddit.py, and
praw/models/media.py `PostMedia._upload`; www.reddit.com/dev/api#POST_api_submit lists the kinds
video and videogif and the `video_poster_url` field: `video_media._upload(reddit,
expected_mime_prefix="video")`, `video_poster_url=thumbnail_media._upload(reddit)`): the video is
leased and uploaded as an image is, with its own mimetype (video/mp4, video/quicktime), then a
poster image likewise, then `POST /api/submit` `kind=video` (`videogif` with
`options.reddit.videogif`, PRAW's `video={"gif": True}`), `url` the video's asset URL,
`video_poster_url` the poster's, `text` the body (PRAW sends `selftext` as `text`). The poster is
the image posted next to the video; without one, PRAW sends its own logo (`praw/images/PRAW
logo.png`: "if we're uploading without a thumbnail, use the PRAW logo"), so Reddit's submit is
never sent without `video_poster_url` by PRAW and we do not either: Soku sends a plain dark
1280x720 PNG it makes (POSTER_SIZE), not someone else's logo. [unverified: whether Reddit takes
a video submit without `video_poster_url`.] Reddit answers a video submit as an image one, with
`json.data.websocket_url` and `user_submitted_page` and no id (PRAW's `_submit_media` reads
`response["json"]["data"]["websocket_url"]` and waits there for `payload.redirect`, the post's
URL; a `failed` message is `MediaPostFailed`): Soku does not hold a websocket from a task, so the
post is looked for in the user's submitted listing, which lists it once Reddit has processed the
video, for a bounded window (LOOKUP_WAITS_S). Never listed within it: the run ends
`unconfirmed` (`publish_outcome_unknown`, with the websocket URL and the submitted page in the
result), never submitted again by Soku, since Reddit accepted it and may still be processing it
(as TikTok's and Telegram's runs end where a post cannot be confirmed).
"""

from __future__ import annotations

import io
from datetime import datetime
from typing import Any

from shared.platforms.reddit.manifest import IMAGE_FORMATS, VIDEO_FORMATS
from shared.services.publishing.base import PublishContext, PublishedPost
from shared.services.publishing.errors import PermanentError, UnconfirmedError
from shared.services.publishing.http import PlatformHttp

POSTER_SIZE = (1280, 720)  # 16:9, the poster of a video posted without an image (module docstring)
# A video submit answers no id, and Reddit lists the post once it has processed the video (minutes
# for a long one; Reddit publishes no figure). The listing is read after each of these waits (30 s
# in all, inside one task attempt); not listed by then: unconfirmed.
LOOKUP_WAITS_S: tuple[float, ...] = (1.0, 2.0, 4.0, 8.0, 15.0)


def publish(publisher: Any, ctx: PublishContext, http: PlatformHttp, form: dict[str, Any]) -> PublishedPost:
    """The video and its poster leased and uploaded (checkpointed), then one submit, then the
    submitted listing until the post shows (module docstring). `publisher`: publisher.py's
    RedditPublisher (not imported here: publisher.py imports this module)."""
    if not ctx.content.videos:
        raise PermanentError("A Reddit video post needs its video", code="media_unavailable")
    form["url"] = publisher._upload(ctx, http, ctx.content.videos[0], "video", VIDEO_FORMATS)["url"]
    poster = ctx.content.images[0] if ctx.content.images else None
    form["video_poster_url"] = publisher._upload(ctx, http, poster, "poster", IMAGE_FORMATS)["url"]
    if ctx.checkpoint.get("videoSubmitted"):
        # Reddit accepted this run's submit in an earlier attempt: look, never submit again.
        return _await(publisher, ctx, datetime.fromisoformat(ctx.checkpoint["createArmedAt"]))

    def submit() -> PublishedPost:
        data = (http.request("POST", f"{publisher._api()}/api/submit", data=form).json().get("json") or {}).get("data") or {}
        if data.get("id") or data.get("name"):
            return publisher._accepted(ctx, data)
        # Accepted, no id yet: saved at once, so that no later attempt submits it again.
        ctx.accepted(videoSubmitted=True, websocketUrl=data.get("websocket_url"),
                     userSubmittedPage=data.get("user_submitted_page"))
        return _await(publisher, ctx, datetime.fromisoformat(ctx.checkpoint["createArmedAt"]))

    armed = ctx.checkpoint.get("createArmedAt")
    if armed is not None and not ctx.checkpoint.get("createExistsAt"):
        # An earlier attempt sent the submit and its answer was lost. Reddit lists a video only
        # once processed, later than create_once's listing window allows for: look for the
        # bounded video window, and if it is not there, do not submit again (Reddit may be
        # processing it): unconfirmed, for the user to check.
        found = _look(publisher, ctx, datetime.fromisoformat(armed))
        if found is not None:
            return found
        raise UnconfirmedError(
            "Reddit was sent this video post but its answer was lost, and the post is not in the account's "
            "submitted listing yet (Reddit lists a video once it has processed it). It is not sent again, so "
            "it cannot be posted twice: check the profile, and retry the post if it is missing.",
            code="publish_outcome_unknown")
    return ctx.create_once(submit)


def _look(publisher: Any, ctx: PublishContext, armed_at: datetime) -> PublishedPost | None:
    for wait in (0.0, *LOOKUP_WAITS_S):
        if wait:
            ctx.sleep(wait)
        found = publisher.find_existing(ctx, armed_at)
        if found is not None:
            ctx.save(postId=found.post_id, postUrl=found.url)
            return found
    return None


def _await(publisher: Any, ctx: PublishContext, armed_at: datetime) -> PublishedPost:
    found = _look(publisher, ctx, armed_at)
    if found is not None:
        return found
    waited = int(sum(LOOKUP_WAITS_S))
    report = {k: ctx.checkpoint[k] for k in ("websocketUrl", "userSubmittedPage") if ctx.checkpoint.get(k)}
    raise UnconfirmedError(
        f"Reddit accepted the video post, but it was not in the account's submitted listing within {waited} s: "
        "Reddit lists a video post once it has processed the video, and tells the outcome only on a websocket "
        "Soku does not hold. It is not sent again, so it cannot be posted twice: check the profile "
        "(userSubmittedPage), and retry the post if it never appears (processing can also fail).",
        code="publish_outcome_unknown", report=report)


def plain_poster() -> bytes:
    """The poster of a video posted without an image: a plain dark PNG (module docstring)."""
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", POSTER_SIZE, (26, 26, 27)).save(out, format="PNG")
    return out.getvalue()
