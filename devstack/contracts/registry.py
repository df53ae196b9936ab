"""Which contract holds each platform's sandbox, and which platforms publish none."""

from __future__ import annotations

import functools
import re

from devstack.contracts.base import Contract
from devstack.contracts.recorded import FACTS, RecordedContract

# Platforms with no machine-readable contract: their sandboxes follow these pages
# (docs/platforms.md, "Contracts"); their exchanges are counted as unchecked.
NO_CONTRACT = {
    "tiktok": "developers.tiktok.com/doc/content-posting-api-reference-direct-post (prose only)",
    "linkedin": "learn.microsoft.com/linkedin/marketing/community-management/shares/posts-api (prose only)",
    "snapchat": "developers.snap.com/api/marketing-api/Public-Profile-API (prose only)",
    "threads": "developers.facebook.com/docs/threads (prose only; not in Meta's SDK codegen specs)",
    # Google publishes discovery documents for its v1 Account Management and Business Information
    # APIs; the v4 local posts API has its REST reference only, so the sandbox follows that page.
    "google_business": "developers.google.com/my-business/reference/rest/v4/accounts.locations.localPosts (prose only)",
    # Reddit publishes no OpenAPI or discovery document: www.reddit.com/dev/api is generated
    # prose, and the media/gallery endpoints are undocumented (PRAW's praw/endpoints.py).
    "reddit": "www.reddit.com/dev/api (prose only) and PRAW (github.com/praw-dev/praw) for the media endpoints",
    "openai": "the audio sandbox only; OpenAI's OpenAPI (openai/openai-openapi) is not yet applied",
}


@functools.cache
def contract_for(platform: str) -> Contract | None:
    if platform == "youtube":
        from devstack.contracts.youtube import YouTubeContract
        return YouTubeContract()
    facts = FACTS / f"{platform}.json"
    if facts.exists():
        return RecordedContract(facts)
    return None


def platforms_with_contract() -> list[str]:
    return sorted({"youtube"} | {path.stem for path in FACTS.glob("*.json")})


# An id: three digits or more in a segment that is not a version (v23.0); `2` (X's API
# version), `oauth2` and `v1.0` are names.
_ID = re.compile(r"^(?!v\d+(\.\d+)?$)(.*\d){3,}.*$")


def generalise(call: str) -> str:
    """`GET /v1.0/1789/threads` -> `GET /v1.0/{id}/threads`: uncovered calls grouped by shape."""
    method, path = call.split(" ", 1)
    return method + " " + "/".join("{id}" if _ID.match(s) else s for s in path.split("/"))
