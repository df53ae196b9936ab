"""Text: split into font runs, wrap, and shrink to fit a box.

- **Runs.** Each character is set in the first face of its style's chain that
  holds it (fonts.py); emoji sequences (ZWJ sequences, flags, keycaps, skin
  tones) go to the colour emoji font as one cluster so raqm can form the
  ligature. Spaces, punctuation and marks stay in the run they are in, so an
  Arabic phrase is one run and raqm orders it right to left.
- **Fit.** `fit()` wraps at spaces (a word wider than the box is broken by
  characters) and finds the largest size in [min, max] at which the text fits
  the box and the line limit. Widths scale almost linearly with size, so it
  estimates every word once, binary-searches on scaled estimates, then
  verifies the pick with shaped widths, correcting the estimate and searching
  again when it was off. If nothing fits at the minimum size the last line
  ends with an ellipsis (`truncated`).

Drawing a fitted block is typeset.py.
"""

from __future__ import annotations

import functools
import unicodedata
from dataclasses import dataclass

from shared.services.templates import fonts

ZWJ = 0x200D
VS15, VS16 = 0xFE0E, 0xFE0F
KEYCAP = 0x20E3
ELLIPSIS = "…"
# Noto's emoji are drawn a little smaller than 1 em next to text, as browsers do.
EMOJI_SCALE = 0.92


def _is_modifier(cp: int) -> bool:
    return 0x1F3FB <= cp <= 0x1F3FF


def _is_tag(cp: int) -> bool:
    return 0xE0020 <= cp <= 0xE007F


def _is_regional(cp: int) -> bool:
    return 0x1F1E6 <= cp <= 0x1F1FF


def _is_rtl(ch: str) -> bool:
    return unicodedata.bidirectional(ch) in ("R", "AL")


@dataclass(frozen=True)
class Run:
    face: str  # a fonts.FACES key; "emoji" for an emoji cluster run
    text: str


def _emoji_starts(text: str, i: int, chain: tuple[str, ...]) -> bool:
    cp = ord(text[i])
    if not fonts.covers("emoji", cp):
        return False
    following = ord(text[i + 1]) if i + 1 < len(text) else 0
    if following == VS15:
        return False  # text presentation asked for
    if following in (VS16, KEYCAP) or cp >= 0x1F000:
        return True
    return not any(fonts.covers(face, cp) for face in chain)  # e.g. ✅ ❤ ☀ without VS16


def _emoji_end(text: str, i: int) -> int:
    """Index after the emoji cluster starting at i."""
    n = len(text)
    j = i + 1
    if _is_regional(ord(text[i])) and j < n and _is_regional(ord(text[j])):
        return j + 1  # a flag: exactly two regional indicators
    while j < n:
        cp = ord(text[j])
        if cp in (VS16, KEYCAP) or _is_modifier(cp) or _is_tag(cp):
            j += 1
        elif cp == ZWJ and j + 1 < n:
            j += 2
        else:
            break
    return j


@functools.cache
def _ascii_of(face: str) -> frozenset[str]:
    """The printable ASCII characters `face` holds."""
    return frozenset(chr(cp) for cp in range(0x20, 0x7F) if fonts.covers(face, cp))


def segment(text: str, chain: tuple[str, ...]) -> list[Run]:
    # The common case, ASCII the first face holds, is one run in that face: no
    # emoji (every emoji sequence has a non-ASCII code point), nothing right to left.
    if text.isascii() and _ascii_of(chain[0]).issuperset(text):
        return [Run(chain[0], text)] if text else []
    runs: list[Run] = []
    face: str | None = None
    buf: list[str] = []

    def flush() -> None:
        if buf and face is not None:
            runs.append(Run(face, "".join(buf)))
        buf.clear()

    i, n = 0, len(text)
    while i < n:
        if _emoji_starts(text, i, chain):
            j = _emoji_end(text, i)
            if face != "emoji":
                flush()
                face = "emoji"
            buf.append(text[i:j])
            i = j
            continue
        ch = text[i]
        cp = ord(ch)
        if cp in (VS15, VS16, ZWJ):
            i += 1
            continue
        neutral = unicodedata.category(ch)[0] in "ZPMN" or ch.isspace()
        if face not in (None, "emoji") and fonts.covers(face, cp) and (neutral or face == chain[0]):
            buf.append(ch)
        else:
            chosen = next((f for f in chain if fonts.covers(f, cp)), chain[0])
            if chosen != face:
                flush()
                face = chosen
            buf.append(ch)
        i += 1
    flush()
    return _detach_rtl_spaces(runs, chain[0])


def _detach_rtl_spaces(runs: list[Run], neutral_face: str) -> list[Run]:
    """Spaces at the ends of a right-to-left run belong between runs: left inside,
    raqm would draw a trailing space on the run's left side."""
    out: list[Run] = []
    for run in runs:
        if run.face == "emoji" or not any(_is_rtl(ch) for ch in run.text):
            out.append(run)
            continue
        core = run.text.strip(" ")
        lead = run.text[: len(run.text) - len(run.text.lstrip(" "))]
        trail = run.text[len(run.text.rstrip(" ")):]
        if lead:
            out.append(Run(neutral_face, lead))
        if core:
            out.append(Run(run.face, core))
        if trail:
            out.append(Run(neutral_face, trail))
    merged: list[Run] = []
    for run in out:  # a detached space joins the neighbouring run of its face
        if merged and merged[-1].face == run.face and run.face != "emoji":
            merged[-1] = Run(run.face, merged[-1].text + run.text)
        else:
            merged.append(run)
    return merged


def initials(text: str) -> str:
    """What an avatar without a picture shows: the first letter or digit, upper-cased."""
    for ch in text:
        if ch.isalnum():
            return ch.upper()
    return text[:1] or "•"


@dataclass(frozen=True)
class Style:
    chain: str = "sans"  # a fonts.CHAINS key
    weight: int = 400
    line_height: float = 1.2

    @property
    def faces(self) -> tuple[str, ...]:
        return fonts.CHAINS[self.chain]


# -- measuring ------------------------------------------------------------------------------
# Exact widths come from shaping the run (raqm: kerning, ligatures, Arabic forms);
# estimates from cached per-character advances at REF px, scaled. fit() searches
# with estimates and verifies its answer with exact widths.

REF = 100


@functools.lru_cache(maxsize=16384)
def _advance(face: str, weight: int, ch: str) -> float:
    return fonts.font(face, REF, weight).getlength(ch)


@functools.lru_cache(maxsize=1)
def _emoji_advance() -> float:
    return fonts.font("emoji", fonts.EMOJI_STRIKE).getlength("\U0001F600")


def _emoji_count(text: str) -> int:
    count, i = 0, 0
    while i < len(text):
        i = _emoji_end(text, i)
        count += 1
    return count


@functools.lru_cache(maxsize=8192)
def _run_width(face: str, text: str, size: int, weight: int) -> float:
    if face == "emoji":
        return _emoji_count(text) * _emoji_advance() * size * EMOJI_SCALE / fonts.EMOJI_STRIKE
    return fonts.font(face, size, weight).getlength(text)


def run_width(run: Run, size: int, weight: int) -> float:
    return _run_width(run.face, run.text, size, weight)


def text_width(text: str, style: Style, size: int) -> float:
    """Exact width of `text` set at `size`."""
    return sum(run_width(r, size, style.weight) for r in segment(text, style.faces))


def estimate_ref(text: str, style: Style) -> float:
    """Width of `text` at REF px: summed character advances for the variable face
    (shaping it is slow, and Latin advances add up closely), the shaped width for
    static faces (fast, and Arabic and Devanagari change width when shaped)."""
    total = 0.0
    for run in segment(text, style.faces):
        if run.face == "emoji" or not fonts.FACES[run.face].variable:
            total += _run_width(run.face, run.text, REF, style.weight)
        else:
            total += sum(_advance(run.face, style.weight, ch) for ch in run.text)
    return total


@dataclass
class Block:
    lines: list[str]
    size: int
    style: Style
    line_px: float  # distance between baselines
    widths: list[float]
    truncated: bool = False
    rtl: bool = False

    @property
    def height(self) -> float:
        return self.line_px * len(self.lines)

    @property
    def width(self) -> float:
        return max(self.widths, default=0.0)


def _paragraph_words(text: str) -> list[list[str]]:
    clean = "".join(" " if ch == "\t" else ch for ch in text if ch in "\n\t" or unicodedata.category(ch) != "Cc")
    paragraphs = [p.split() for p in clean.replace("\r\n", "\n").split("\n")]
    while paragraphs and not paragraphs[-1]:
        paragraphs.pop()
    return paragraphs


def _wrap(paragraphs: list[list[str]], width_of, space: float, max_width: float,
          break_words: bool = False) -> list[str] | None:
    """Greedy wrap. A word wider than the box makes it None, or with `break_words`
    is cut into pieces that fit (long URLs, hashtags, scripts without spaces)."""
    lines: list[str] = []
    for words in paragraphs:
        if not words:
            lines.append("")
            continue
        line, line_w = "", 0.0
        for word in words:
            w = width_of(word)
            if w > max_width:
                if not break_words:
                    return None
                pieces = _cut(word, width_of, max_width)
                if line:
                    lines.append(line)
                lines.extend(pieces[:-1])
                line, line_w = pieces[-1], width_of(pieces[-1])
                continue
            if not line:
                line, line_w = word, w
            elif line_w + space + w <= max_width:
                line, line_w = f"{line} {word}", line_w + space + w
            else:
                lines.append(line)
                line, line_w = word, w
        lines.append(line)
    return lines


def _cut(word: str, width_of, max_width: float) -> list[str]:
    pieces, part = [], ""
    for ch in word:
        if part and width_of(part + ch) > max_width:
            pieces.append(part)
            part = ""
        part += ch
    return pieces + [part] if part else pieces


def fit(text: str, style: Style, max_width: float, max_height: float, max_size: int, min_size: int,
        max_lines: int | None = None) -> Block:
    """The largest size in [min_size, max_size] at which `text` fits the box."""
    paragraphs = _paragraph_words(text)
    ref = {w: estimate_ref(w, style) for p in paragraphs for w in p}
    ref_space = estimate_ref(" ", style)
    correction = 1.0

    def wrap_at(size: int) -> list[str] | None:
        k = size / REF * correction
        return _wrap(paragraphs, lambda w: ref[w] * k, ref_space * k, max_width)

    def fits(size: int) -> list[str] | None:
        lines = wrap_at(size)
        if lines is None or (max_lines is not None and len(lines) > max_lines):
            return None
        return lines if len(lines) * size * style.line_height <= max_height + 0.5 else None

    verified: Block | None = None
    for _ in range(4):
        lo, hi, best = min_size, max_size, None
        while lo <= hi:
            mid = (lo + hi) // 2
            lines = fits(mid)
            if lines is not None:
                best, lo = (mid, lines), mid + 1
            else:
                hi = mid - 1
        if best is None:
            break
        size, lines = best
        widths = [text_width(line, style, size) for line in lines]
        overflow = max((w / max_width for w in widths), default=0.0) if max_width > 0 else 0.0
        if overflow > 1.0 + 0.5 / max_width:
            correction *= overflow * 1.002  # estimates ran short: search again, stricter
            continue
        if verified is None or size > verified.size:
            verified = _block(lines, widths, size, style)
        # Estimates that ran long may have cost size: search again with them corrected.
        k = size / REF * correction
        estimates = [(w, estimate_ref(line, style) * k) for line, w in zip(lines, widths)]
        ratio = max((w / e for w, e in estimates if e > 0), default=1.0)
        if ratio >= 0.99:
            break
        correction *= ratio
    if verified is not None:
        return verified
    return _truncated(paragraphs, style, max_width, max_height, min_size, max_lines)


def _truncated(paragraphs: list[list[str]], style: Style, max_width: float, max_height: float,
               size: int, max_lines: int | None) -> Block:
    """At the smallest size: wrap with exact widths (breaking words wider than the
    box), keep the lines that fit and end the last with an ellipsis."""
    def exact(word: str) -> float:
        return text_width(word, style, size)

    lines = _wrap(paragraphs, exact, exact(" "), max_width, break_words=True) or []
    allowed = max(1, int((max_height + 0.5) // (size * style.line_height)))
    if max_lines is not None:
        allowed = min(allowed, max_lines)
    cut = len(lines) > allowed
    kept = lines[:allowed]
    if cut and kept:
        last = kept[-1]
        while last and exact(last.rstrip(" .,;:") + ELLIPSIS) > max_width:
            last = last.rsplit(" ", 1)[0] if " " in last.strip() else last[:-1]
        kept[-1] = last.rstrip(" .,;:") + ELLIPSIS
    block = _block(kept, [exact(line) for line in kept], size, style)
    block.truncated = cut
    return block


def _block(lines: list[str], widths: list[float], size: int, style: Style) -> Block:
    text = "".join(lines)
    first_strong = next((ch for ch in text if unicodedata.bidirectional(ch) in ("L", "R", "AL")), "")
    return Block(lines=lines, size=size, style=style, line_px=size * style.line_height, widths=widths,
                 rtl=bool(first_strong) and _is_rtl(first_strong))
