"""What a Soku post becomes on Reddit: its subreddit, title, body and kind. One place, read by
the submission check (preflight.py) and the publisher, so both decide alike.

- the title is `options.reddit.title`; without it, the text's first line, and the body is
  then the rest of the text (a title repeated as the body's first line reads badly);
- the kind: `options.reddit.url` → `link` (no body, no media); one image → `image` (no body:
  Reddit's image submit takes none); 2-20 images → `gallery` (the body as its `text`, as PRAW's
  `submit_gallery` sends `selftext`); a video → `video` (`videogif` with `options.reddit.videogif`;
  the body as its `text`, as PRAW's `submit(video=..., selftext=...)` sends it; an image next to
  the video is its poster); else `self`;
- the subreddit: `options.reddit.subreddit`, else the account's own profile, `u_<username>`
  (Reddit's profile subreddits: a user's posts to their profile are in `u_<name>`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from shared.platforms.reddit.manifest import MAX_TITLE

OPTIONS_FIELD = "body.post.content.options.reddit"


@dataclass(frozen=True)
class Composed:
    subreddit: str | None  # None: the profile, whose name needs the account's username
    title: str
    body: str
    kind: str  # self | link | image | gallery | video | videogif
    url: str | None = None


def profile_subreddit(username: str) -> str:
    return f"u_{username}"


VIDEO_KINDS = ("video", "videogif")


def compose(text: str | None, image_count: int, options: dict[str, Any], video: bool = False) -> Composed:
    """`image_count`: the post's images (in a video post, its poster); `video`: a video post."""
    text = (text or "").strip()
    title = (options.get("title") or "").strip()
    body = text
    if not title:
        first, _, rest = text.partition("\n")
        title, body = first.strip(), rest.strip()
    if options.get("url"):
        kind = "link"
    elif video:
        kind = "videogif" if options.get("videogif") else "video"
    elif image_count == 1:
        kind = "image"
    elif image_count > 1:
        kind = "gallery"
    else:
        kind = "self"
    return Composed(options.get("subreddit") or None, title, body, kind, options.get("url"))


def static_problems(composed: Composed, image_count: int, video: bool = False,
                    videogif: bool = False) -> list[dict[str, Any]]:
    """What is wrong whatever the subreddit says: (field, message, code) entries."""
    problems: list[dict[str, Any]] = []

    def problem(field: str, message: str, code: str) -> None:
        problems.append({"field": field, "message": message, "code": code, "platform": "reddit"})

    if not composed.title:
        problem(f"{OPTIONS_FIELD}.title", "A Reddit post needs a title: set options.reddit.title, or "
                "give the post a text whose first line is the title", "required")
    elif len(composed.title) > MAX_TITLE:
        problem(f"{OPTIONS_FIELD}.title", f"Reddit titles are at most {MAX_TITLE} characters; the text's "
                f"first line, used as the title, has {len(composed.title)}: set options.reddit.title",
                "too_big")
    if videogif and not video:
        problem(f"{OPTIONS_FIELD}.videogif", "options.reddit.videogif makes a post's video a videogif: this post "
                "has no video", "invalid_content")
    if composed.kind == "link" and (image_count or video):
        problem(f"{OPTIONS_FIELD}.url", "A Reddit link post carries no media: drop the url or the media",
                "invalid_media")
    elif composed.kind in ("link", "image") and composed.body:
        what = "link post" if composed.kind == "link" else "post of one image"
        problem("body.post.content.text", f"A Reddit {what} has a title and no body; this text has more "
                "than the title (make the title options.reddit.title and the text one line, or use a "
                "self post or a gallery)", "invalid_content")
    return problems
