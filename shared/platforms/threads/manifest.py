"""What Threads accepts (text limit and its unit, media), with sources: `POST /v1/posts` checks
it up front through `shared.platforms.RULES`."""

from __future__ import annotations

from shared.platforms import PlatformRules, THREADS_UNIT

# "Text posts are limited to 500 characters. Emojis are counted as the number of UTF-8
# bytes." (developers.facebook.com/documentation/threads/posts): text_counting.threads_length.
MANIFEST = PlatformRules("Threads", 500, False, False, True, True, 20, text_unit=THREADS_UNIT)
