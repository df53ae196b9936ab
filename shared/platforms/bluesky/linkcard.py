"""A link card (`options.bluesky.linkCard`): the `app.bsky.embed.external` embed of the first link.

Bluesky's apps make the card on the client: they read the page's Open Graph tags and upload its
image as the card's thumbnail (lexicons/app/bsky/embed/external.json: `uri`, `title` and
`description` required, `thumb` an `image/*` blob of at most 1,000,000 bytes). A record made
through the API has a card only if its maker adds one, so Soku does the same: the page and its
image are fetched through the SSRF-safe fetcher (shared/adapters/safe_http.py: public addresses
only, pinned, redirects re-checked, byte caps), since the link is the user's. A page that cannot
be read gives no card (the post goes without one, and the run's result says so); an image that
cannot be read gives a card without a thumbnail.
"""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Callable

import httpx

from shared.adapters import safe_http
from shared.platforms.bluesky.manifest import IMAGE_FORMATS, MAX_THUMB_BYTES

# How much of a page is read for its <head>: the tags are near the top.
PAGE_BYTES = 512 * 1024
PAGE_CAP = 10 * 1024 * 1024  # a page declaring more than this is not read at all
TIMEOUT_S = 10.0
MAX_TITLE = 300
MAX_DESCRIPTION = 1000


class _Meta(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.meta: dict[str, str] = {}
        self.title = ""
        self._in_title = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k.lower(): (v or "") for k, v in attrs}
        if tag == "meta":
            key = (values.get("property") or values.get("name") or "").lower()
            if key and "content" in values:
                self.meta.setdefault(key, values["content"].strip())
        elif tag == "title":
            self._in_title = True

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self._in_title = False

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title += data


def _read_page(url: str) -> _Meta:
    with safe_http.open_remote(url, max_bytes=PAGE_CAP, timeout=TIMEOUT_S) as page:
        head = bytearray()
        for chunk in page.iter_bytes(64 * 1024):
            head += chunk
            if len(head) >= PAGE_BYTES:
                break
        charset = httpx.Headers({"content-type": page.content_type or ""}).encoding or "utf-8"
    parser = _Meta()
    try:
        parser.feed(bytes(head[:PAGE_BYTES]).decode(charset, "replace"))
    except LookupError:
        parser.feed(bytes(head[:PAGE_BYTES]).decode("utf-8", "replace"))
    return parser


def _read_image(url: str) -> tuple[bytes, str] | None:
    try:
        with safe_http.open_remote(url, max_bytes=MAX_THUMB_BYTES, timeout=TIMEOUT_S) as image:
            kind = (image.content_type or "").split(";")[0].strip().lower()
            if kind not in IMAGE_FORMATS:
                return None
            return b"".join(image.iter_bytes()), kind
    except safe_http.FetchRefused:
        return None


def card(url: str, upload: Callable[[bytes, str], dict]) -> dict | None:
    """The embed for `url`, its thumbnail uploaded with `upload(bytes, content type) -> blob`;
    None when the page cannot be read."""
    try:
        meta = _read_page(url)
    except safe_http.FetchRefused:
        return None
    external = {
        "uri": url,
        "title": (meta.meta.get("og:title") or meta.title.strip())[:MAX_TITLE],
        "description": (meta.meta.get("og:description") or meta.meta.get("description") or "")[:MAX_DESCRIPTION],
    }
    image_url = meta.meta.get("og:image")
    if image_url:
        try:
            found = _read_image(str(httpx.URL(url).join(image_url)))
        except (httpx.InvalidURL, ValueError):
            found = None
        if found is not None:
            external["thumb"] = upload(*found)
    return {"$type": "app.bsky.embed.external", "external": external}
