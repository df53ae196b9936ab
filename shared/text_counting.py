"""How the platforms count a post's text.

X counts a weighted length, the one its own twitter-text library computes
(`parseTweet`, configuration v3: github.com/twitter/twitter-text, config/v3.json,
and developer.x.com/en/docs/counting-characters):

- the text is NFC-normalised first;
- each URL twitter-text recognises counts `transformedURLLength` (23) whatever its
  length: with a scheme (`http://`, `https://`) or without one when its domain ends in
  a top-level domain twitter-text knows (`example.com`, not `example.invalid`), not
  after `@`, `$`, `#` or a letter/digit, nor a scheme-less one after `-`, `_`, `.` or
  `/`; a t.co link stops at its slug;
- each emoji sequence twemoji-parser recognises (ZWJ sequences, flags, skin tones,
  keycaps, `U+FE0F` forms) counts 2 (`defaultWeight` 200 / `scale` 100) in total;
- every other code point counts 1 in the ranges 0-4351, 8192-8205, 8208-8223 and
  8242-8247 (Latin, most alphabets, general punctuation) and 2 otherwise (CJK, ...);
- `@mentions`, `#hashtags` and `$cashtags` are ordinary text.

This is our own implementation, checked against twitter-text itself on 10,000
generated strings and its conformance cases (tests/test_text_counting.py). PyPI's
twitter-text-parser 3.0.0 (last released 2023-05) agreed with twitter-text on only 8,250
of the same 10,000 strings, so it is not a dependency. It works on UTF-16 code units, as the
JavaScript library does, so that its indices, regexes and case-insensitive matching
behave the same. Data tables (top-level domains, emoji sequences) are generated from
the pinned npm packages into shared/x_text_tables.py by devstack/x_text_tables.py.
"""

from __future__ import annotations

import math
import re
import unicodedata
from array import array
from dataclasses import dataclass
from functools import lru_cache

from shared import x_text_tables

# twitter-text config/v3.json
MAX_WEIGHTED_TWEET_LENGTH = 280
SCALE = 100
DEFAULT_WEIGHT = 200
RANGES = ((0, 4351, 100), (8192, 8205, 100), (8208, 8223, 100), (8242, 8247, 100))
TRANSFORMED_URL_LENGTH = 23

_MAX_URL_LENGTH = 4096
_MAX_TCO_SLUG_LENGTH = 40
_MAX_DOMAIN_LABEL_LENGTH = 63
_INVALID_CHARS = "\ufffe\ufeff\uffff"


@dataclass(frozen=True)
class TweetLength:
    weighted_length: int
    valid: bool  # 1..280 weighted and no U+FFFE/U+FEFF/U+FFFF (as twitter-text decides it)
    permillage: int


def x_weighted_length(text: str) -> int:
    """X's weighted length of `text` (twitter-text's parseTweet().weightedLength)."""
    return parse_tweet(text).weighted_length


def parse_tweet(text: str) -> TweetLength:
    units = _utf16(unicodedata.normalize("NFC", text))
    urls = {start: length for start, length in _extract_urls(units)}
    emoji = dict(_emoji_entities(units))
    weighted = 0
    valid = True
    i = 0
    n = len(units)
    while i < n:
        if i in urls:
            weighted += TRANSFORMED_URL_LENGTH * SCALE
            i += urls[i] - 1
        elif i in emoji:
            weighted += DEFAULT_WEIGHT
            i += emoji[i] - 1
        else:
            code = ord(units[i])
            if 0xD800 <= code <= 0xDBFF and i + 1 < n and 0xDC00 <= ord(units[i + 1]) <= 0xDFFF:
                i += 1
                code = ord(units[i])  # twitter-text weighs the low surrogate: always the default
            weighted += _weight(code)
        if valid and i < n and units[i] in _INVALID_CHARS:
            valid = False
        i += 1
    length = weighted // SCALE
    valid = valid and 0 < length <= MAX_WEIGHTED_TWEET_LENGTH
    return TweetLength(length, valid, math.floor(length / MAX_WEIGHTED_TWEET_LENGTH * 1000))


def _weight(code: int) -> int:
    for start, end, weight in RANGES:
        if start <= code <= end:
            return weight
    return DEFAULT_WEIGHT


def _utf16(text: str) -> str:
    """`text` as UTF-16 code units, one str character each (surrogates stay apart)."""
    return "".join(map(chr, array("H", text.encode("utf-16-le", "surrogatepass"))))


def _code_points(units: str) -> str:
    return units.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "surrogatepass")


def threads_length(text: str) -> int:
    """Threads' count: "Text posts are limited to 500 characters. Emojis are counted as the
    number of UTF-8 bytes." (developers.facebook.com/documentation/threads/posts).

    Threads does not say which code points are emoji; we take the ones twemoji-parser
    recognises and, beyond its older set, every code point of the emoji blocks
    (U+1F000-U+1FAFF), tag characters (flags of subdivisions), ZWJ, VS16 and the keycap
    mark: each counts its UTF-8 bytes (4, or 3 in the BMP). Any other code point counts 1.
    """
    units = _utf16(text)
    in_emoji = bytearray(len(units))
    for start, length in _emoji_entities(units):
        in_emoji[start:start + length] = b"\x01" * length
    total = 0
    i = 0
    while i < len(units):
        step = 2 if 0xD800 <= ord(units[i]) <= 0xDBFF and i + 1 < len(units) \
            and 0xDC00 <= ord(units[i + 1]) <= 0xDFFF else 1
        char = _code_points(units[i:i + step])
        code = ord(char)
        emoji = in_emoji[i] or 0x1F000 <= code <= 0x1FAFF or 0xE0020 <= code <= 0xE007F \
            or code in (0x200D, 0xFE0F, 0x20E3)
        total += len(char.encode("utf-8", "surrogatepass")) if emoji else 1
        i += step
    return total


def utf16_length(text: str) -> int:
    """UTF-16 code units: what TikTok's "UTF-16 runes" count (an astral character is 2)."""
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def grapheme_length(text: str) -> int:
    """Extended grapheme clusters (Unicode UAX #29): what Bluesky's `maxGraphemes` counts
    (@atproto/common-web `graphemeLen`, Intl.Segmenter's graphemes). The `regex` module's `\\X`
    implements UAX #29; the standard library has no grapheme segmentation."""
    import regex  # imported here: only the platforms that count graphemes need it

    return len(regex.findall(r"\X", text))


# --- emoji: twemoji-parser's matches, leftmost and longest -----------------------------

@lru_cache(maxsize=1)
def _emoji_index() -> dict[str, list[tuple[str, bool]]]:
    index: dict[str, list[tuple[str, bool]]] = {}
    for sequences, unless_vs15 in ((x_text_tables.EMOJI, False), (x_text_tables.EMOJI_UNLESS_VS15, True)):
        for seq in sequences:
            units = _utf16(seq)
            index.setdefault(units[0], []).append((units, unless_vs15))
    for candidates in index.values():
        candidates.sort(key=lambda c: -len(c[0]))
    return index


def _emoji_entities(units: str):
    index = _emoji_index()
    i, n = 0, len(units)
    while i < n:
        for seq, unless_vs15 in index.get(units[i], ()):
            end = i + len(seq)
            if units.startswith(seq, i) and not (unless_vs15 and units[end:end + 1] == "\ufe0e"):
                yield i, len(seq)
                i = end
                break
        else:
            i += 1


# --- URLs: twitter-text's extractUrlsWithIndices ---------------------------------------
# twitter-text's URL regexes are case-insensitive JavaScript regexes without the `u`
# flag: a character matches when its Canonicalize() (toUpperCase of the code unit, kept
# only if that is one code unit and does not turn non-ASCII into ASCII) equals that of a
# pattern character. We canonicalise the text and the patterns the same way and match
# case-sensitively, which keeps indices and avoids Python's wider Unicode case folding.

@lru_cache(maxsize=1)
def _canon_table() -> dict[int, int]:
    table = {}
    for code in range(0x10000):
        if 0xD800 <= code <= 0xDFFF:
            continue
        upper = chr(code).upper()
        if len(upper) == 1 and upper != chr(code) and not (code >= 128 and ord(upper) < 128):
            table[code] = ord(upper)
    return table


def _canon(units: str) -> str:
    return units.translate(_canon_table())


def _ranges(spec: str) -> set[int]:
    """Code units of a class body written as "a-z0-9_" (a '-' between two chars is a range)."""
    out: set[int] = set()
    i = 0
    while i < len(spec):
        if i + 2 < len(spec) and spec[i + 1] == "-":
            out |= set(range(ord(spec[i]), ord(spec[i + 2]) + 1))
            i += 3
        else:
            out.add(ord(spec[i]))
            i += 1
    return out


def _cls(spec: str, negate: bool = False) -> str:
    table = _canon_table()
    members = sorted({table.get(c, c) for c in _ranges(spec)})
    parts, start = [], None
    for k, c in enumerate(members):
        if start is None:
            start = c
        if k + 1 == len(members) or members[k + 1] != c + 1:
            parts.append(f"\\u{start:04x}" if start == c else f"\\u{start:04x}-\\u{c:04x}")
            start = None
    return "[" + ("^" if negate else "") + "".join(parts) + "]"


def _lit(text: str) -> str:
    return re.escape(_canon(_utf16(text)))


_PUNCT = "!'#%&()*+,\\./:;<=>?@[]^_{|}~$"  # and "-", added last where used
_SPACES = "\x09-\x0d\x20\x85\xa0\u1680\u180e\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
_DIRECTIONAL = "\u202a-\u202e\u061c\u200e\u200f\u2066\u2067\u2068\u2069"
_LATIN_ACCENTS = ("\xc0-\xd6\xd8-\xf6\xf8-\xff\u0100-\u024f\u0253\u0254\u0256\u0257\u0259\u025b\u0263"
                  "\u0268\u026f\u0272\u0289\u028b\u02bb\u0300-\u036f\u1e00-\u1eff")
_CYRILLIC = "\u0400-\u04ff"


@lru_cache(maxsize=1)
def _patterns() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    # A '-' that is a member, not a range, goes last in each spec below.
    domain_char = _cls(_PUNCT + _SPACES + _INVALID_CHARS + _DIRECTIONAL + "-", negate=True)
    tld_end = "(?=" + _cls("0-9a-zA-Z@+-", negate=True) + r"|\Z)"
    gtld = "(?:(?:" + "|".join(_lit(t) for t in x_text_tables.GTLDS) + ")" + tld_end + ")"
    cctld = "(?:(?:" + "|".join(_lit(t) for t in x_text_tables.CCTLDS) + ")" + tld_end + ")"
    punycode = "(?:" + _lit("xn--") + _cls("0-9a-z-") + "+)"
    subdomain = f"(?:(?:{domain_char}(?:{_cls('_-')}|{domain_char})*)?{domain_char}\\.)"
    domain_name = f"(?:(?:{domain_char}(?:-|{domain_char})*)?{domain_char}\\.)"
    domain = f"(?:{subdomain}*{domain_name}(?:{gtld}|{cctld}|{punycode}))"
    preceding = ("(?:" + _cls("A-Za-z0-9@\uff20$#\uff03" + _INVALID_CHARS, negate=True)
                 + "|" + _cls(_DIRECTIONAL) + "|^)")
    path_char = _cls("a-z" + _CYRILLIC + "0-9!*';:=+,.$/%#[]\u2013_~@|&" + _LATIN_ACCENTS + "-")
    parens = f"\\((?:{path_char}+|(?:{path_char}*\\({path_char}+\\){path_char}*))\\)"
    path_end = _cls("+a-z" + _CYRILLIC + "0-9=_#/" + _LATIN_ACCENTS + "-")
    # As twitter-text assembles it: its ending-chars source "[...]|(?:parens)" is pasted
    # unbracketed, so the alternation splits the first branch.
    path = f"(?:(?:{path_char}*(?:{parens}{path_char}*)*{path_end}|(?:{parens}))|(?:@{path_char}+/))"
    query_char = _cls("a-z0-9!?*'@();:&=+$/%#[]_.,~|-")
    query_end = _cls("a-z0-9_&=#/-")
    extract = re.compile(
        f"(({preceding})(({_lit('http')}{_lit('s')}?://)?({domain})(?::([0-9]+))?(/{path}*)?"
        f"(\\?{query_char}*{query_end})?))"
    )
    ascii_domain = re.compile(
        f"(?:(?:{_cls('a-z0-9' + _LATIN_ACCENTS + '-')}+)\\.)+(?:{gtld}|{cctld}|{punycode})"
    )
    tco = re.compile(f"^{_lit('http')}{_lit('s')}?://{_lit('t.co')}/({_cls('a-z0-9')}+)"
                     f"(?:\\?{query_char}*{query_end})?")
    no_scheme_bad_before = re.compile(r"[-_./]\Z")
    return extract, ascii_domain, tco, no_scheme_bad_before


def _extract_urls(units: str):
    """(start, length of the entity's url text) for each URL, on UTF-16 code units."""
    if "." not in units:
        return []
    extract, ascii_domain, tco, bad_before = _patterns()
    canon = _canon(units)
    urls = []
    for m in extract.finditer(canon):
        before = units[m.start(2):m.end(2)]
        url = units[m.start(3):m.end(3)]
        protocol = units[m.start(4):m.end(4)] if m.group(4) is not None else ""
        domain = units[m.start(5):m.end(5)]
        path = m.group(7)
        end = m.end()
        start = end - len(url)
        if not _valid_url(url, protocol or "https://", domain):
            continue
        if not protocol:
            if bad_before.search(before):
                continue
            last = None
            ascii_end = 0
            for am in ascii_domain.finditer(_canon(domain)):
                ascii_text = domain[am.start():am.end()]
                ascii_start = domain.find(ascii_text, ascii_end)
                ascii_end = ascii_start + len(ascii_text)
                last = [start + ascii_start, ascii_text]
                urls.append(last)
            if last is None:
                continue
            if path:
                last[1] = url.replace(domain, last[1], 1)
        else:
            t = tco.match(_canon(url))
            if t:
                if len(t.group(1)) > _MAX_TCO_SLUG_LENGTH:
                    continue
                url = url[:t.end()]
            urls.append([start, url])
    return [(s, len(u)) for s, u in urls]


def _valid_url(url: str, protocol: str, domain: str) -> bool:
    if domain[:4] == "xn--" and not _patterns()[1].search(_canon(domain)):
        return False
    for label in domain.split("."):
        length = _punycode_length(label)
        if length is None or not 1 <= length <= _MAX_DOMAIN_LABEL_LENGTH:
            return False
    return len(protocol) + len(url) <= _MAX_URL_LENGTH


_SEPARATORS = re.compile("[\x2e\u3002\uff0e\uff61]")
_NON_ASCII = re.compile("[^\x20-\x7e]")


def _punycode_length(label: str) -> int | None:
    """len(punycode.toASCII(label)), the Node punycode module twitter-text calls."""
    head = ""
    parts = label.split("@")
    if len(parts) > 1:
        head, label = parts[0] + "@", parts[1]
    pieces = []
    for piece in _SEPARATORS.sub(".", label).split("."):
        if _NON_ASCII.search(piece):
            try:
                pieces.append("xn--" + _code_points(piece).encode("punycode").decode("ascii"))
            except (UnicodeError, OverflowError):
                return None
        else:
            pieces.append(piece)
    return len(head) + len(".".join(pieces))
