"""One request to a platform sandbox and the sandbox's answer, as a contract sees them."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

# Bodies above this are uploads (video chunks, images): their bytes are not a contract's
# business, and reading them twice would double the memory of every upload test.
MAX_BODY_CHECKED = 1024 * 1024

# Each sandbox serves its platform under a prefix; the Graph video host is a second prefix.
PREFIXES = {
    "/facebook/video/": "facebook",
    "/x/": "x", "/linkedin/": "linkedin", "/threads/": "threads", "/facebook/": "facebook",
    "/youtube/": "youtube", "/instagram/": "instagram", "/snapchat/": "snapchat",
    "/tiktok/": "tiktok", "/openai/": "openai",
    # Instagram Login's graph.instagram.com: the same IG User / IG Media / container operations
    # as the Graph host, so held to the same Instagram contract; its consent page and code
    # exchange (`/instagram_login/www/`, `/instagram_login/api/`) are outside it.
    "/instagram_login/graph/": "instagram",
    # Discord's document names its server `https://discord.com/api/v10` and its paths from there;
    # the sandbox's other pages (`/discord/channels/...`, a message's link) are a browser's.
    "/discord/api/v10/": "discord",
    # Pinterest's document names its server `https://api.pinterest.com/v5`; the sandbox's upload
    # target (`/pinterest/upload/`, storage's in production) and web pages are outside it.
    "/pinterest/v5/": "pinterest",
    # Reddit's API host (oauth.reddit.com); www.reddit.com's OAuth endpoints and pages, and the
    # S3 upload, are outside it. No contract: counted, not checked (registry.NO_CONTRACT).
    "/reddit/oauth/": "reddit",
}

# Paths under a prefix that its platform's contract does not describe: graph.instagram.com's
# `/me` is the Instagram user of Instagram Login, which Meta's Graph specs (graph.facebook.com,
# where `/me` is a Facebook user) have no node for.
UNDESCRIBED = {"/instagram_login/graph/": re.compile(r"^/v\d+\.\d+/me$")}

# Platforms whose multipart requests carry their JSON body in one form field, checked as that
# body: Discord's `payload_json` ("The JSON message body can optionally be provided using the
# payload_json parameter", discord.com/developers/docs/reference#uploading-files); the files
# beside it are bytes, no contract's business.
MULTIPART_JSON = {"discord": "payload_json"}


@dataclass
class Exchange:
    platform: str
    method: str
    path: str  # as the platform's own base URL sees it: the sandbox prefix removed
    query: dict[str, list[str]]
    content_type: str  # the request's media type, parameters dropped
    body: Any = None  # parsed JSON, or None
    form: dict[str, list[str]] | None = None  # a form-encoded body, or None
    status: int = 0
    response_type: str = ""
    response_body: Any = None  # parsed JSON answer, or None
    response_raw: bytes | None = None  # None: a streamed or oversized answer, not read
    response_headers: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def describe(self) -> str:
        return f"{self.platform} {self.method} {self.path} -> {self.status}"


def platform_and_path(url_path: str) -> tuple[str, str] | None:
    """(platform, path at the platform) for an API call; None for anything else: the
    sandboxes' control routes (`/__sandbox/...`) and the web pages a person's browser opens
    (consent screens, post permalinks under `/web/`), which no API contract describes."""
    if "/__sandbox/" in url_path:
        return None
    for prefix, platform in PREFIXES.items():
        if url_path.startswith(prefix):
            rest = "/" + url_path[len(prefix):]
            if rest.startswith("/web/") or rest.startswith("/accounts/"):
                return None
            if prefix in UNDESCRIBED and UNDESCRIBED[prefix].match(rest):
                return None
            return platform, rest
    return None


def parse_json(raw: bytes | None) -> Any:
    if not raw:
        return None
    try:
        return json.loads(raw)
    except ValueError:
        return None
