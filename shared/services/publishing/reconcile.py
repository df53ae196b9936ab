"""Matching a post a platform lists against the post we asked it to make.

A reconciling lookup (`Publisher.find_existing`) reads the account's recent
posts and must recognise the one an interrupted create made. Platforms do not
give the text back as it was sent: X wraps every link in a t.co link, returns
`&`, `<`, `>` as HTML entities and appends a t.co link to attached media; Meta
and LinkedIn trim and re-encode captions. So a lookup never compares exact
text: it compares `normalise`d text, on the account's own posts (author), made
inside the attempt's time window (`in_window`).
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
