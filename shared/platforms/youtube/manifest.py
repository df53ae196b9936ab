"""What YouTube accepts (text limit and its unit, media), with sources: `POST /v1/posts` checks
it up front through `shared.platforms.RULES`."""

from __future__ import annotations

from shared.platforms import PlatformRules

# YouTube's text becomes the video description (title comes from options or the text):
# "maximum length of 5000 bytes and may contain all valid UTF-8 characters except < and >"
# (developers.google.com/youtube/v3/docs/videos, snippet.description); the title is "100
# characters" (snippet.title), cut by the publisher. We count the description's UTF-8 bytes.
MANIFEST = PlatformRules("YouTube", 5000, False, True, False, True, 0, text_unit="bytes")
