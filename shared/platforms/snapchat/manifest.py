"""What Snapchat accepts (text limit and its unit, media), with sources: `POST /v1/posts` checks
it up front through `shared.platforms.RULES`."""

from __future__ import annotations

from shared.platforms import PlatformRules

# Snapchat Story/Spotlight: one video or one image per post. 160 for a Spotlight
# description (developers.snap.com/api/marketing-api/Public-Profile-API): unit not
# documented; we count code points.
MANIFEST = PlatformRules("Snapchat", 160, False, True, True, True, 1)
