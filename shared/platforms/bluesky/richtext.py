"""Rich text for a Bluesky post: links, mentions and hashtags as facets.

A post's `text` is plain; what is a link, a mention or a tag is said beside it, in `facets`
(lexicons/app/bsky/richtext/facet.json): each a `byteSlice` {byteStart, byteEnd} and a feature,
`#link` {uri}, `#mention` {did} or `#tag` {tag}. The slice counts UTF-8 bytes of the text, start
inclusive, end exclusive ("Specifies the sub-string range a facet feature applies to. Start index
is inclusive, end index is exclusive. Indices are zero-indexed, counting bytes of the UTF-8
encoded text"), not characters: one "é" before a link moves it by two.

What is detected follows the reference client library's `detectFacets`
(bluesky-social/atproto packages/api/src/rich-text/detection.ts and util.ts, commit
d6296a1cfdb40a773319cb59061300e4e8e52f26), except where said here:
- links: only those written with `http://` or `https://`. detection.ts also links a bare
  `example.com` when its ending is in the `tlds` package's list; Soku has no such list, and a
  bare domain left as text is the safe side;
- mentions: `@handle` where the handle is a domain name (atproto.com/specs/handle); the DID is
  resolved by the publisher (`com.atproto.identity.resolveHandle`), and a handle that does not
  resolve stays plain text, as Bluesky's app does;
- tags: `#tag` after a space or the start, not all digits, trailing punctuation dropped, at most
  64 graphemes (the lexicon's `tag` maxGraphemes); cashtags (`$TICKER`) are not made tags.
"""

from __future__ import annotations

from dataclasses import dataclass

import regex

# detection.ts's MENTION_REGEX, URL_REGEX (its scheme branch) and TAG_REGEX (util.ts).
MENTION = regex.compile(r"(^|\s|\()(@)([a-zA-Z0-9.-]+)(\b)")
LINK = regex.compile(r"(^|\s|\()(https?://\S+)", regex.IGNORECASE)
_ZW = "\u00AD\u2060\u200A\u200B\u200C\u200D\u20e2"
TAG = regex.compile(rf"(^|\s)[#＃]((?!\ufe0f)[^\s{_ZW}]*[^\d\s\p{{P}}{_ZW}]+[^\s{_ZW}]*)?")
TRAILING_PUNCTUATION = regex.compile(r"\p{P}+$")
# atproto.com/specs/handle: labels of letters, digits and hyphens, at least two, the last not
# starting with a digit.
HANDLE = regex.compile(r"^([a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?\.)+[a-zA-Z]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?$")
MAX_TAG_GRAPHEMES = 64


@dataclass(frozen=True)
class Span:
    start: int  # UTF-8 byte offsets into the text
    end: int
    kind: str  # "link" | "mention" | "tag"
    value: str  # the uri, the handle (until resolved), the tag without '#'


def _bytes_at(text: str, index: int) -> int:
    return len(text[:index].encode("utf-8"))


def detect(text: str) -> list[Span]:
    """The links, mentions and tags of `text`, by byte range, in order."""
    spans: list[Span] = []
    for match in LINK.finditer(text):
        uri, start = match.group(2), match.start(2)
        end = start + len(uri)
        # detection.ts: strip one trailing [.,;:!?], then one ")" when the link has no "(".
        if uri[-1] in ".,;:!?":
            uri, end = uri[:-1], end - 1
        if uri.endswith(")") and "(" not in uri:
            uri, end = uri[:-1], end - 1
        spans.append(Span(_bytes_at(text, start), _bytes_at(text, end), "link", uri))
    for match in MENTION.finditer(text):
        handle = match.group(3)
        if not HANDLE.match(handle):
            continue  # probably not a handle (detection.ts: no valid domain)
        start = match.start(2)  # the '@'
        spans.append(Span(_bytes_at(text, start), _bytes_at(text, match.end(3)), "mention", handle.lower()))
    for match in TAG.finditer(text):
        tag = match.group(2)
        if not tag:
            continue
        tag = TRAILING_PUNCTUATION.sub("", tag.strip())
        if not tag or len(regex.findall(r"\X", tag)) > MAX_TAG_GRAPHEMES:
            continue
        start = match.start(0) + len(match.group(1))  # the '#'
        spans.append(Span(_bytes_at(text, start), _bytes_at(text, start + 1 + len(tag)), "tag", tag))
    return sorted(spans, key=lambda span: span.start)


def facets(spans: list[Span], dids: dict[str, str]) -> list[dict]:
    """The post's `facets`: each span as its feature; a mention only when its handle resolved
    (`dids`: handle -> DID)."""
    out = []
    for span in spans:
        if span.kind == "link":
            feature = {"$type": "app.bsky.richtext.facet#link", "uri": span.value}
        elif span.kind == "tag":
            feature = {"$type": "app.bsky.richtext.facet#tag", "tag": span.value}
        elif span.value in dids:
            feature = {"$type": "app.bsky.richtext.facet#mention", "did": dids[span.value]}
        else:
            continue  # an unresolvable mention stays plain text
        out.append({"index": {"byteStart": span.start, "byteEnd": span.end}, "features": [feature]})
    return out
