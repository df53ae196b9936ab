"""The fonts the renderer sets text in, and which characters each one covers.

Pillow has no font fallback: a character missing from the font it is given is
drawn as the font's .notdef box ("tofu"). So every text style names a chain of
faces, and text.py splits a string into runs, each set in the first face of the
chain whose character map holds it. The character maps are read straight from
the font files (`cmap` formats 4 and 12) once per process.

Inter is a variable font: a weight is an axis value, so one file serves every
weight. Shaping with a variable font costs ~0.25 ms per call (HarfBuzz rebuilds
its font object each time), so text.py measures with cached per-character
advances and shapes only what it draws. Fonts are opened lazily and cached per
(face, size, weight); nothing is read at import time.
"""

from __future__ import annotations

import functools
import logging
import struct
from dataclasses import dataclass
from pathlib import Path

from PIL import ImageFont, features

log = logging.getLogger("soku.templates")

FONT_DIR = Path(__file__).resolve().parent / "fonts"

# Noto Color Emoji has one bitmap strike; FreeType only opens it at that size,
# and the renderer scales the drawn bitmaps to the text size.
EMOJI_STRIKE = 109


@dataclass(frozen=True)
class Face:
    key: str
    files: dict[int, str]  # weight -> file; a variable font has one entry, 0
    variable: bool = False

    def file_for(self, weight: int) -> str:
        if self.variable:
            return self.files[0]
        return self.files[min(self.files, key=lambda w: (abs(w - weight), -w))]


FACES = {
    # Inter is variable (weights 100-900, optical size 14-32): every weight from one file.
    "inter": Face("inter", {0: "Inter.ttf"}, variable=True),
    "serif": Face("serif", {400: "DMSerifDisplay-Regular.ttf"}),
    "serif-italic": Face("serif-italic", {400: "DMSerifDisplay-Italic.ttf"}),
    "arabic": Face("arabic", {400: "NotoSansArabic-Regular.ttf", 700: "NotoSansArabic-Bold.ttf"}),
    "devanagari": Face("devanagari", {400: "NotoSansDevanagari-Regular.ttf", 700: "NotoSansDevanagari-Bold.ttf"}),
    "emoji": Face("emoji", {400: "NotoColorEmoji.ttf"}),
}

# Fallback chains: the first face holding a character sets it.
SCRIPTS = ("arabic", "devanagari")
CHAINS = {
    "sans": ("inter", *SCRIPTS),
    "serif": ("serif", "inter", *SCRIPTS),
    "serif-italic": ("serif-italic", "serif", "inter", *SCRIPTS),
}


@functools.cache
def layout_engine() -> ImageFont.Layout:
    """Raqm (HarfBuzz + FriBiDi) shapes Arabic and Devanagari and forms emoji ZWJ
    sequences; Pillow's wheels carry it but load FriBiDi from the system. Without
    it text still renders (basic layout), unshaped, and a warning says so."""
    if features.check("raqm"):
        return ImageFont.Layout.RAQM
    log.warning("Pillow has no raqm layout here (libfribidi missing?): complex scripts render unshaped")
    return ImageFont.Layout.BASIC


def path_of(face: str, weight: int = 400) -> Path:
    return FONT_DIR / FACES[face].file_for(weight)


@functools.lru_cache(maxsize=512)
def font(face: str, size: int, weight: int = 400) -> ImageFont.FreeTypeFont:
    """The face at `size` px and `weight` (variable faces only; static ones ignore it)."""
    spec = FACES[face]
    loaded = ImageFont.truetype(str(path_of(face, weight)), size if face != "emoji" else EMOJI_STRIKE,
                                layout_engine=layout_engine())
    if spec.variable:
        values = []
        for axis in loaded.get_variation_axes():
            name = axis["name"].decode() if isinstance(axis["name"], bytes) else str(axis["name"])
            if name == "Weight":
                values.append(max(axis["minimum"], min(axis["maximum"], weight)))
            elif name == "Optical size":
                # Inter's display cut (tighter spacing) from 32 px up, text cut below.
                values.append(max(axis["minimum"], min(axis["maximum"], size)))
            else:
                values.append(axis["default"])
        loaded.set_variation_by_axes(values)
    return loaded


@functools.cache
def coverage(face: str) -> frozenset[int]:
    """Every code point the face maps to a glyph (the weights of a family share one map)."""
    return frozenset(read_cmap(path_of(face).read_bytes()))


def covers(face: str, codepoint: int) -> bool:
    return codepoint in coverage(face)


# -- the cmap table ---------------------------------------------------------------------

def read_cmap(data: bytes) -> set[int]:
    """Code points mapped to a non-zero glyph by the best Unicode subtable
    (format 12 preferred, since it reaches beyond the BMP, else format 4)."""
    num_tables = struct.unpack_from(">H", data, 4)[0]
    cmap_offset = None
    for i in range(num_tables):
        tag, _, offset, _ = struct.unpack_from(">4sIII", data, 12 + 16 * i)
        if tag == b"cmap":
            cmap_offset = offset
    if cmap_offset is None:
        raise ValueError("font has no cmap table")
    count = struct.unpack_from(">H", data, cmap_offset + 2)[0]
    by_format: dict[int, int] = {}
    for i in range(count):
        platform, encoding, offset = struct.unpack_from(">HHI", data, cmap_offset + 4 + 8 * i)
        if (platform, encoding) in ((3, 10), (0, 4), (0, 6), (3, 1), (0, 3)):
            sub = cmap_offset + offset
            fmt = struct.unpack_from(">H", data, sub)[0]
            by_format.setdefault(fmt, sub)
    if 12 in by_format:
        return _format12(data, by_format[12])
    if 4 in by_format:
        return _format4(data, by_format[4])
    raise ValueError("font has no Unicode cmap subtable of format 4 or 12")


def _format12(data: bytes, at: int) -> set[int]:
    groups = struct.unpack_from(">I", data, at + 12)[0]
    points: set[int] = set()
    for g in range(groups):
        start, end, glyph = struct.unpack_from(">III", data, at + 16 + 12 * g)
        if glyph == 0:
            start += 1  # the first code point of the group maps to .notdef
        points.update(range(start, end + 1))
    return points


def _format4(data: bytes, at: int) -> set[int]:
    seg_x2 = struct.unpack_from(">H", data, at + 6)[0]
    segs = seg_x2 // 2
    ends = struct.unpack_from(f">{segs}H", data, at + 14)
    starts = struct.unpack_from(f">{segs}H", data, at + 16 + seg_x2)
    deltas = struct.unpack_from(f">{segs}h", data, at + 16 + 2 * seg_x2)
    range_at = at + 16 + 3 * seg_x2
    offsets = struct.unpack_from(f">{segs}H", data, range_at)
    points: set[int] = set()
    for i in range(segs):
        start, end = starts[i], ends[i]
        if start == 0xFFFF:
            continue
        for cp in range(start, end + 1):
            if offsets[i] == 0:
                glyph = (cp + deltas[i]) & 0xFFFF
            else:
                index_at = range_at + 2 * i + offsets[i] + 2 * (cp - start)
                glyph = struct.unpack_from(">H", data, index_at)[0]
                if glyph:
                    glyph = (glyph + deltas[i]) & 0xFFFF
            if glyph:
                points.add(cp)
    return points
