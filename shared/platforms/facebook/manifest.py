"""What Facebook Pages accepts (text limit and its unit, media), with sources: `POST /v1/posts` checks
it up front through `shared.platforms.RULES`."""

from __future__ import annotations

from shared.platforms import PlatformRules

# 63,206 is the figure Facebook's composer enforces; the Graph API page reference
# (developers.facebook.com/docs/graph-api/reference/page/feed, `message`) gives no limit
# or unit: unit not documented; we count code points.
MANIFEST = PlatformRules("Facebook", 63206, False, False, True, True, 10)
