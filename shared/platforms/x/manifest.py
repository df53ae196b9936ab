"""What X accepts (text limit and its unit, media), with sources: `POST /v1/posts` checks
it up front through `shared.platforms.RULES`."""

from __future__ import annotations

from shared.platforms import PlatformRules

# Weighted length of twitter-text v3 (shared/text_counting.py): emoji sequence 2, URL 23,
# CJK 2. docs.x.com/fundamentals/counting-characters; github.com/twitter/twitter-text
MANIFEST = PlatformRules("X", 280, False, False, True, True, 4, weighted_text=True)
