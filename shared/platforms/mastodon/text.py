"""How a Mastodon server counts a status against `max_characters`.

Mastodon's own rule (app/validators/status_length_validator.rb in mastodon/mastodon):
`countable_length(spoiler_text + countable_text(text))`, where
- every URL the extractor finds (with its scheme: `extract_url_without_protocol: false`) counts
  `URL_PLACEHOLDER_CHARS` (23) whatever its length: "All links count as 23 characters, no matter
  how long they actually are" (docs.joinmastodon.org/user/posting/);
- a mention of a remote account `@user@domain` counts as `@user`: the domain is free;
- the rest counts grapheme clusters (`each_grapheme_cluster.size`).

Python's standard library has no grapheme segmentation, so clusters are approximated the way
they form in practice: a code point joins the previous cluster when it is a combining mark, a
variation selector, an emoji modifier (skin tone), a zero-width joiner or the code point after
one, an emoji tag, or the second regional indicator of a flag. Text in scripts whose clusters
follow other rules (Hangul jamo sequences, Indic conjuncts) may count a little more here than on
the server, never less: the check errs on the side of refusing before the server does.
"""

from __future__ import annotations

import re
import unicodedata

# The extractor's URLs: a scheme, then no whitespace; trailing punctuation is not part of the
# link (twitter-text's rule, which Mastodon's Extractor inherits).
_URL = re.compile(r"https?://[^\s<>\"]+", re.IGNORECASE)
_TRAILING = ".,:;!?'\")]}"
# `@user@domain`: Account::MENTION_RE in spirit, the domain counted away.
_REMOTE_MENTION = re.compile(r"(?<![\w/])@([a-z0-9_]+(?:[a-z0-9_.-]+[a-z0-9_]+)?)@[\w.-]+\w", re.IGNORECASE)


def _joins(previous: str, char: str) -> bool:
    code = ord(char)
    return (unicodedata.category(char) in ("Mn", "Me", "Mc")
            or 0xFE00 <= code <= 0xFE0F or 0xE0100 <= code <= 0xE01EF  # variation selectors
            or 0x1F3FB <= code <= 0x1F3FF  # emoji modifiers (skin tones)
            or 0xE0020 <= code <= 0xE007F  # emoji tags (subdivision flags)
            or code == 0x200D or previous == "\u200d")  # zero-width joiner sequences


def graphemes(text: str) -> int:
    count = 0
    previous = ""
    regional_open = False  # a first regional indicator waiting for its pair
    for char in text:
        code = ord(char)
        if 0x1F1E6 <= code <= 0x1F1FF:
            if regional_open:
                regional_open = False
                previous = char
                continue
            regional_open = True
            count += 1
            previous = char
            continue
        regional_open = False
        if not (previous and _joins(previous, char)):
            count += 1
        previous = char
    return count


def countable(text: str, characters_per_url: int = 23) -> str:
    """The text as the validator measures it: each URL a placeholder, remote mentions local."""
    def url(match: re.Match[str]) -> str:
        link = match.group(0)
        stripped = link.rstrip(_TRAILING)
        return "x" * characters_per_url + link[len(stripped):]

    return _REMOTE_MENTION.sub(lambda m: f"@{m.group(1)}", _URL.sub(url, text or ""))


def length(text: str, spoiler_text: str | None = None, characters_per_url: int = 23) -> int:
    """What the server compares with its `max_characters`: the content warning plus the text."""
    return graphemes((spoiler_text or "") + countable(text, characters_per_url))
