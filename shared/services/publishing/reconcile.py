"""Matching a post a platform lists against the post we asked it to make.

A reconciling lookup (`Publisher.find_existing`) reads the account's recent
posts and must recognise the one an interrupted create made. Platforms do not
give the text back as it was sent: X wraps every link in a t.co link, returns
`&`, `<`, `>` as HTML entities and appends a t.co link to attached media;
LinkedIn returns commentary as "little" text (escapes kept, hashtags as
`{hashtag|\\#|tag}` templates); Instagram leaves the `@` out of mentions in
`caption`. So a lookup never compares exact text: it compares `normalise`d
text, on the account's own posts (author), made inside the attempt's time
window (`in_window`), or it uses an id the flow saved before the post existed.

What each publisher's `find_existing` matches on:

| platform  | author                              | time window                    | text / id                                                         |
|-----------|-------------------------------------|--------------------------------|-------------------------------------------------------------------|
| X         | `author_id` = the account           | `created_at` in window          | `x_text_matches`: each t.co link = one word, media link dropped     |
| LinkedIn  | `author` = the member / organization | `createdAt`/`publishedAt` in window | `linkedin_text_matches`: little text decoded (escapes, hashtag templates, mentions) |
| Instagram | the account's own `/media` (`/stories`) edge | `timestamp` in window     | published id or container status first; else `caption_matches` (`@` of mentions optional); stories: time only |
| Threads   | the profile's own `/threads` edge    | `timestamp` in window           | published id or container status first; else normalised `text`      |
| Facebook  | `from.id` = the Page (feed / videos) | `created_time` in window        | created video id / reel publishing phase first; else normalised `message` / `description` |
| YouTube   | the channel's own uploads playlist   | `publishedAt` in window         | the upload session / video id first; else normalised title and description |
| TikTok    | (ids only)                           | -                               | the `publish_id` saved when the init answers; no lookup exists      |
| Snapchat  | (ids only)                           | pages read back to the window   | the media id of the saved upload, in the profile's stories/spotlights |
| Mastodon  | the account's own statuses           | `created_at` in window          | Mastodon's Idempotency-Key first; else text from the HTML, content warning, media count |
| Bluesky   | the account's own repository         | -                               | the record key chosen before the create: `getRecord` of it          |
| Telegram  | (ids only)                           | -                               | the message ids saved on answer; no lookup exists (unconfirmed)     |
| Discord   | (ids only)                           | -                               | the message id saved on answer, read back; no lookup without it     |
| Google Business Profile | the location's own `localPosts` | `createTime` in window   | normalised `summary` and the same `topicType` (no idempotency key)   |
| Reddit    | the user's `submitted` listing       | `created_utc` in window         | subreddit and normalised title; body (self) or link; `is_video` for a video, listed once processed (a bounded wait, then unconfirmed) |
"""

from __future__ import annotations

import html
import re
import unicodedata
from datetime import datetime, timedelta

from shared import clock

# Clock skew allowed between us and the platform at both ends of the window.
SKEW = timedelta(seconds=5)
_SPACE = re.compile(r"\s+")
_T_CO = re.compile(r"https?://t\.co/[A-Za-z0-9]+", re.IGNORECASE)
_LINK = re.compile(r"https?://\S+", re.IGNORECASE)


def normalise(text: str | None) -> str:
    """Entities unescaped, Unicode NFC, whitespace runs collapsed to one space, trimmed."""
    unescaped = html.unescape(text or "")
    return _SPACE.sub(" ", unicodedata.normalize("NFC", unescaped)).strip()


def in_window(created: datetime | None, armed_at: datetime, now: datetime | None = None) -> bool:
    """True when a post made at `created` can be the one created after `armed_at`.

    A post with no readable timestamp is not trusted."""
    if created is None:
        return False
    now = now or clock.now()
    return armed_at - SKEW <= created <= now + SKEW


def before_window(created: datetime | None, armed_at: datetime) -> bool:
    """True when a post made at `created` is older than any post the armed create can have
    made: a newest-first listing can stop there. A post with no readable time does not stop it."""
    return created is not None and created < armed_at - SKEW


# Pages a reconciling lookup reads at most before giving up: a busy account (many runs
# publishing at once) can have more posts in the window than one page holds.
LOOKUP_PAGES = 10


def x_text_matches(submitted: str, listed: str, has_media: bool) -> bool:
    """Does the `text` X lists for a tweet render the text we submitted?

    Both sides are normalised; then the tweet's trailing t.co link is dropped when
    media was attached (X appends it), and every remaining t.co link stands for
    exactly one word of the submission (the link X wrapped: a URL, or a bare domain
    X linked). A submitted URL may itself be a t.co link, so it matches too.
    """
    wanted = normalise(submitted)
    shown = normalise(listed)
    if has_media:
        shown = re.sub(r"\s*" + _T_CO.pattern + r"$", "", shown, flags=re.IGNORECASE)
    pieces = _T_CO.split(shown)
    pattern = r"\S+".join(re.escape(piece) for piece in pieces)
    return re.fullmatch(pattern, wanted, flags=re.DOTALL) is not None


# -- LinkedIn: "little" text --------------------------------------------------------------
# Reading a post back (`GET /rest/posts`) gives `commentary` in little text, not as
# plain text: escaped reserved characters stay escaped, a hashtag comes back as the
# HashtagTemplate `{hashtag|\#|tag}` (the sign `#` U+0023 or `＃` U+FF03, optionally
# escaped) and a mention as `@[Name](urn:li:…)`. Sources: LinkedIn's little text format
# (learn.microsoft.com/linkedin/marketing/community-management/shares/little-text-format);
# commentary read back from the API with hashtags as templates (guvener/linkedin-little
# README), and the clients that decode read-back commentary the same way.
_LI_TEMPLATE = re.compile(r"\{hashtag\|\\?([#\uff03])\|((?:\\.|[^}\\])*)\}")
_LI_MENTION = re.compile(r"@\[((?:\\.|[^\]\\])*)\]\((urn:li:[A-Za-z]+:[^)\s]+)\)")
_LI_ESCAPE = re.compile(r"\\(.)", re.DOTALL)


def linkedin_plain(commentary: str | None) -> str:
    """The text a reader sees for a little-text `commentary`: hashtag templates become
    `#tag`, mentions their name, and backslash escapes the character they escape."""
    text = commentary or ""
    out: list[str] = []
    i = 0
    while i < len(text):
        template = _LI_TEMPLATE.match(text, i) if text[i] == "{" else None
        if template:
            out.append(template.group(1) + _LI_ESCAPE.sub(r"\1", template.group(2)))
            i = template.end()
            continue
        mention = _LI_MENTION.match(text, i) if text[i] == "@" else None
        if mention:
            out.append(_LI_ESCAPE.sub(r"\1", mention.group(1)))
            i = mention.end()
            continue
        if text[i] == "\\" and i + 1 < len(text):
            out.append(text[i + 1])
            i += 2
            continue
        out.append(text[i])
        i += 1
    return "".join(out)


def linkedin_text_matches(submitted: str | None, listed: str | None) -> bool:
    """Is `listed` (a post's commentary as LinkedIn returns it) the text we submitted?"""
    wanted = normalise(submitted)
    return normalise(linkedin_plain(listed)) == wanted or normalise(listed) == wanted


# -- Instagram: captions ------------------------------------------------------------------
# IG Media `caption`: "The @ symbol is excluded, unless the app user can perform
# admin-equivalent tasks on the Facebook Page connected to the Instagram account used to
# create the caption" (developers.facebook.com/docs/instagram-platform/reference/
# instagram-media, field `caption`). Whether the reading token qualifies depends on the
# connecting user's Page tasks, so a mention's `@` is optional on both sides.
_MENTION_AT = re.compile(r"@(?=[A-Za-z0-9_.])")


def caption_key(text: str | None) -> str:
    """`normalise`d caption with the `@` of every mention left out."""
    return _MENTION_AT.sub("", normalise(text))


def caption_matches(submitted: str | None, listed: str | None) -> bool:
    """Is `listed` (an Instagram media's `caption`) the caption we submitted?"""
    return caption_key(submitted) == caption_key(listed)
