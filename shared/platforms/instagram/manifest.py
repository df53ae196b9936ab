"""What Instagram accepts (text limit and its unit, media), with sources: `POST /v1/posts` checks
it up front through `shared.platforms.RULES`."""

from __future__ import annotations

from shared.platforms import PlatformRules

# "2200 characters" (developers.facebook.com/docs/instagram-platform/instagram-graph-api/
# reference/ig-user/media, `caption`): unit not documented; we count code points.
MANIFEST = PlatformRules("Instagram", 2200, False, True, True, True, 10)
