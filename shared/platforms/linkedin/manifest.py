"""What LinkedIn accepts (text limit and its unit, media), with sources: `POST /v1/posts` checks
it up front through `shared.platforms.RULES`."""

from __future__ import annotations

from shared.platforms import PlatformRules

# `commentary` of the Posts API (learn.microsoft.com/linkedin/marketing/community-management/
# shares/posts-api): 3000 characters; unit not documented; we count code points.
MANIFEST = PlatformRules("LinkedIn", 3000, False, False, True, True, 20)
