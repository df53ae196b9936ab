"""Draw a fitted text block (text.py) onto a canvas.

The block is drawn into a layer: a coverage mask for the text, filled with the
text colour, plus the colour emoji bitmaps pasted on top (drawn once at the
emoji font's strike size and scaled). The layer is composited onto the canvas,
optionally over a blurred copy of itself as a shadow. The ink's bounding box
on the canvas is reported back (`Drawn`): tests and `make samples` read it.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

from PIL import Image, ImageChops, ImageDraw, ImageFilter

from shared.services.templates import fonts
from shared.services.templates.canvas import paste_colour, paste_layer
from shared.services.templates.text import EMOJI_SCALE, Block, run_width, segment


@dataclass
class Drawn:
    """Where a block's ink landed on the canvas (for tests and the layout report)."""

    box: tuple[int, int, int, int]  # left, top, right, bottom of the ink
    size: int
    lines: int
    truncated: bool
    extra: dict = field(default_factory=dict)


@functools.lru_cache(maxsize=256)
def _emoji_image(text: str, size: int) -> tuple[Image.Image, float, float]:
    """The emoji run drawn in colour at the strike size, then scaled; with its
    offset from the pen position (left, baseline)."""
    strike = fonts.font("emoji", fonts.EMOJI_STRIKE)
    left, top, right, bottom = strike.getbbox(text, anchor="ls")
    art = Image.new("RGBA", (max(1, right - left), max(1, bottom - top)))
    ImageDraw.Draw(art).text((-left, -top), text, font=strike, anchor="ls", embedded_color=True)
    k = size * EMOJI_SCALE / fonts.EMOJI_STRIKE
    scaled = art.resize((max(1, round(art.width * k)), max(1, round(art.height * k))), Image.LANCZOS)
    return scaled, left * k, top * k


def _render(block: Block, width: float, align: str) -> tuple[Image.Image, Image.Image | None, int]:
    """The block's text coverage (L) and its colour emoji (RGBA, None without
    emoji), both `width` wide plus the padding around them (room for ascenders,
    descenders and emoji that reach past the line box), and that padding."""
    style, size = block.style, block.size
    primary = fonts.font(style.faces[0], size, style.weight)
    ascent, descent = primary.getmetrics()
    pad = int(size * 0.6)
    mask = Image.new("L", (int(width) + 2 * pad, int(block.height + 2 * pad) + 1), 0)
    colour: Image.Image | None = None
    draw = ImageDraw.Draw(mask)
    if block.rtl and align == "left":
        align = "right"  # a right-to-left paragraph starts at the right edge
    for index, line in enumerate(block.lines):
        runs = segment(line, style.faces)
        widths = [run_width(r, size, style.weight) for r in runs]
        line_w = sum(widths)
        x = pad + {"center": (width - line_w) / 2, "right": width - line_w}.get(align, 0.0)
        baseline = pad + index * block.line_px + (block.line_px - (ascent + descent)) / 2 + ascent
        order = list(zip(runs, widths))
        if block.rtl:
            order.reverse()
        for run, w in order:
            if run.face == "emoji":
                art, dx, dy = _emoji_image(run.text, size)
                if colour is None:
                    colour = Image.new("RGBA", mask.size, (0, 0, 0, 0))
                paste_layer(colour, art, round(x + dx), round(baseline + dy))
            else:
                draw.text((x, baseline), run.text, font=fonts.font(run.face, size, style.weight),
                          fill=255, anchor="ls")
            x += w
    return mask, colour, pad


def _scaled(mask: Image.Image, alpha: int) -> Image.Image:
    return mask if alpha >= 255 else mask.point(lambda v: v * alpha // 255)


def render_block(block: Block, width: float, align: str, fill: tuple[int, int, int, int]) -> tuple[Image.Image, int]:
    """The block as one RGBA layer `width` wide, plus the padding around it."""
    mask, colour, pad = _render(block, width, align)
    layer = Image.new("RGBA", mask.size, fill[:3] + (0,))
    layer.putalpha(_scaled(mask, fill[3]))
    if colour is not None:
        layer.alpha_composite(colour)
    return layer, pad


def draw_block(canvas: Image.Image, block: Block, x: float, y: float, width: float, *, align: str = "left",
               fill: tuple[int, ...] = (255, 255, 255, 255), shadow: tuple[int, int, int, int] | None = None,
               shadow_blur: float = 0.0, shadow_offset: tuple[int, int] = (0, 0)) -> Drawn:
    """Composite `block` with its first line box's top at (x, y) in a column `width` wide.

    The text is painted straight onto the canvas through its coverage mask, then
    the emoji over it (the same as compositing one layer holding both, without
    building that layer); only the mask's inked part is touched."""
    fill = tuple(fill) + (255,) * (4 - len(fill))
    mask, colour, pad = _render(block, width, align)
    left, top = round(x - pad), round(y - pad)
    ink = mask.getbbox()
    if colour is not None:
        art = colour.getchannel("A").getbbox()
        if art is not None:
            ink = art if ink is None else (min(ink[0], art[0]), min(ink[1], art[1]),
                                           max(ink[2], art[2]), max(ink[3], art[3]))
    if ink is None:
        return Drawn(box=(left + pad, top + pad, left + pad, top + pad), size=block.size,
                     lines=len(block.lines), truncated=block.truncated)
    if shadow is not None:
        alpha = _scaled(mask, fill[3])
        if colour is not None:
            alpha = ImageChops.lighter(alpha, colour.getchannel("A"))
        _shadow(canvas, alpha, shadow, shadow_blur, left + shadow_offset[0], top + shadow_offset[1])
    text_mask = _scaled(mask.crop(ink), fill[3])
    paste_colour(canvas, fill[:3], text_mask, left + ink[0], top + ink[1])
    if colour is not None:
        paste_layer(canvas, colour.crop(ink), left + ink[0], top + ink[1])
    return Drawn(box=(left + ink[0], top + ink[1], left + ink[2], top + ink[3]), size=block.size,
                 lines=len(block.lines), truncated=block.truncated)


def _shadow(canvas: Image.Image, alpha: Image.Image, shadow: tuple[int, int, int, int], blur: float,
            left: int, top: int) -> None:
    """`alpha` blurred and painted in the shadow colour. A wide blur runs on a
    half-size copy scaled back up: it is soft either way, at a quarter of the cost."""
    opacity = shadow[3]
    if blur >= 4:
        q = 2
        small = alpha.resize((max(1, alpha.width // q), max(1, alpha.height // q)), Image.BOX)
        soft = small.filter(ImageFilter.GaussianBlur(blur / q)).resize(alpha.size, Image.BILINEAR)
    else:
        soft = alpha.filter(ImageFilter.GaussianBlur(blur)) if blur else alpha
    paste_colour(canvas, shadow[:3], soft.point(lambda v: v * opacity // 255), left, top)
