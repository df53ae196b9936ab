"""LinkedIn's "little" text format, as the LinkedIn sandbox reads and stores commentary
(see linkedin.py): `\\x` is a literal `x`, `#word` is a hashtag, `@[Name](urn)` a mention, and any
other unescaped reserved character ends the text there (LinkedIn's reported silent truncation)."""

from __future__ import annotations

import re

RESERVED = set("\\|{}@[]()<>#*_~")
_MENTION = re.compile(r"@\[([^\]\\]*)\]\((urn:li:[a-zA-Z]+:[^)\s]+)\)")


def render_little(commentary: str) -> str:
    """What LinkedIn shows for a 'little' text commentary."""
    out: list[str] = []
    i = 0
    while i < len(commentary):
        ch = commentary[i]
        if ch == "\\" and i + 1 < len(commentary):
            out.append(commentary[i + 1])
            i += 2
            continue
        if ch == "#" and i + 1 < len(commentary) and (commentary[i + 1].isalnum()):
            j = i + 1
            while j < len(commentary) and commentary[j].isalnum():
                j += 1
            out.append(commentary[i:j])
            i = j
            continue
        if ch == "@":
            mention = _MENTION.match(commentary, i)
            if mention:
                out.append(mention.group(1))
                i = mention.end()
                continue
        if ch in RESERVED:
            break  # an unescaped reserved character: LinkedIn cuts the text here
        out.append(ch)
        i += 1
    return "".join(out)


def stored_commentary(commentary: str) -> str:
    r"""The `commentary` LinkedIn returns when a post is read back (`GET /rest/posts`).

    - It is little text, not the text shown: escaped reserved characters stay
      escaped and mentions stay `@[Name](urn)` ("In the Posts API, commentary text
      is stored as ... little": learn.microsoft.com/linkedin/marketing/
      community-management/shares/little-text-format).
    - A hashtag sent as `#word` comes back as the HashtagTemplate `{hashtag|\#|word}`:
      commentary read from the API shows hashtags in that form (guvener/linkedin-little
      README, a real post's commentary: `...\n\n{hashtag|\#|gartenbau} {hashtag|\#|menzimuck}`),
      and clients that read posts back decode `{hashtag|\?#|...}` to `#...`.
    """
    out: list[str] = []
    i = 0
    while i < len(commentary):
        ch = commentary[i]
        if ch == "\\" and i + 1 < len(commentary):
            out.append(commentary[i:i + 2])
            i += 2
            continue
        if ch == "#" and i + 1 < len(commentary) and commentary[i + 1].isalnum():
            j = i + 1
            while j < len(commentary) and commentary[j].isalnum():
                j += 1
            out.append("{hashtag|\\#|" + commentary[i + 1:j] + "}")
            i = j
            continue
        out.append(ch)
        i += 1
    return "".join(out)
