"""How a Mastodon server counts a status against `max_characters`.

Mastodon's own rule (app/validators/status_length_validator.rb in mastodon/mastodon):
`countable_length(spoiler_text + countable_text(text))`, where
- every URL the extractor finds (with its scheme: `extract_url_without_protocol: false`) counts
  `URL_PLACEHOLDER_CHARS` (23) whatever its length: "All links count as 23 characters, no matter
  how long they actually are" (docs.joinmastodon.org/user/posting/);
- a mention of a remote account `@user@domain` counts as `@user`: the domain is free;
- the rest counts grapheme clusters (`each_grapheme_cluster.size`, Ruby's UAX #29 segmentation),
  counted here by the same rules (shared/text_counting.py `grapheme_length`).
"""

from __future__ import annotations

import re

from shared.text_counting import grapheme_length

# The extractor's URLs: a scheme, then no whitespace; trailing punctuation is not part of the
# link (twitter-text's rule, which Mastodon's Extractor inherits).
_URL = re.compile(r"https?://[^\s<>\"]+", re.IGNORECASE)
_TRAILING = ".,:;!?'\")]}"
# `@user@domain`: Account::MENTION_RE in spirit, the domain counted away.
_REMOTE_MENTION = re.compile(r"(?<![\w/])@([a-z0-9_]+(?:[a-z0-9_.-]+[a-z0-9_]+)?)@[\w.-]+\w", re.IGNORECASE)


def countable(text: str, characters_per_url: int = 23) -> str:
    """The text as the validator measures it: each URL a placeholder, remote mentions local."""
    def url(match: re.Match[str]) -> str:
        link = match.group(0)
        stripped = link.rstrip(_TRAILING)
        return "x" * characters_per_url + link[len(stripped):]

    return _REMOTE_MENTION.sub(lambda m: f"@{m.group(1)}", _URL.sub(url, text or ""))


def length(text: str, spoiler_text: str | None = None, characters_per_url: int = 23) -> int:
    """What the server compares with its `max_characters`: the content warning plus the text."""
    return grapheme_length((spoiler_text or "") + countable(text, characters_per_url))
