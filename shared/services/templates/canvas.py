"""Drawing helpers shared by the templates: canvas sizes, colours, gradients,
anti-aliased shapes, shadows and cover-fitted images.

Pillow draws shapes without anti-aliasing, so every curved edge (rounded card,
avatar circle, play button) is drawn into a mask at 4x and scaled down. Blurs
run on a quarter-size copy and are scaled back up: a 60 px shadow blur on a
1080x1920 canvas is then a few milliseconds instead of a few hundred.

Backgrounds (gradients, glows, fades) have no edges at all, so `backdrop()`
paints them at a quarter of the canvas size and scales the result up once:
every full-size pass over the pixels a background used to take (one per
gradient, glow and fade) becomes one bilinear resize.
"""

from __future__ import annotations

import functools

from PIL import Image, ImageDraw, ImageFilter

RGB = tuple[int, int, int]

OG_SIZE = (1200, 630)
SIZES: dict[str | None, tuple[int, int]] = {
    None: OG_SIZE,  # Open Graph / link preview: what X, LinkedIn, Facebook show
    "1:1": (1080, 1080),
    "4:5": (1080, 1350),  # Instagram portrait
    "9:16": (1080, 1920),  # stories, reels, shorts
}
SUPERSAMPLE = 4


def size_for(ratio: str | None) -> tuple[int, int]:
    return SIZES[ratio]


def rgb(value: str) -> RGB:
    value = value.lstrip("#")
    if len(value) == 3:
        value = "".join(c * 2 for c in value)
    return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)


def mix(a: RGB, b: RGB, t: float) -> RGB:
    return tuple(round(x + (y - x) * t) for x, y in zip(a, b))  # type: ignore[return-value]


def luminance(c: RGB) -> float:
    def channel(v: int) -> float:
        v = v / 255
        return v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4
    r, g, b = (channel(v) for v in c)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def readable_on(background: RGB) -> RGB:
    """Near-black or white, whichever reads better on `background`."""
    return (17, 24, 39) if luminance(background) > 0.45 else (255, 255, 255)


def new_canvas(size: tuple[int, int], colour: RGB) -> Image.Image:
    # Opaque RGB: compositing a layer onto an opaque canvas is a masked paste,
    # ~2x cheaper than alpha_composite on RGBA, and the PNG needs no alpha anyway.
    return Image.new("RGB", size, colour)


@functools.lru_cache(maxsize=8)
def _diagonal_ramp(size: tuple[int, int]) -> Image.Image:
    # 0 at the top-left corner, 255 at the bottom-right, computed small and scaled.
    w, h = max(2, size[0] // 8), max(2, size[1] // 8)
    ramp = Image.linear_gradient("L").resize((w + h, 1))
    small = Image.new("L", (w, h))
    small.putdata([ramp.getpixel((x + y, 0)) for y in range(h) for x in range(w)])
    return small.resize(size, Image.BILINEAR)


BACKDROP_SCALE = 4


def backdrop(size: tuple[int, int], paint) -> Image.Image:
    """A smooth background `size` big: `paint(image)` draws it (with gradient(),
    glow(), vertical_fade(), all relative to the image's size) on a copy a
    quarter as big, which is then scaled up."""
    small = Image.new("RGB", (max(2, -(-size[0] // BACKDROP_SCALE)), max(2, -(-size[1] // BACKDROP_SCALE))))
    paint(small)
    return small.resize(size, Image.BILINEAR)


def gradient(size: tuple[int, int], start: RGB, end: RGB) -> Image.Image:
    """A diagonal gradient, top-left `start` to bottom-right `end`."""
    a = Image.new("RGB", size, start)
    b = Image.new("RGB", size, end)
    return Image.composite(b, a, _diagonal_ramp(size))


@functools.lru_cache(maxsize=16)
def _radial(diameter: int) -> Image.Image:
    # Image.radial_gradient is 0 in the middle and reaches 255 only in the corners
    # (181 at the edge midpoints): rescale so the glow fades to 0 at the circle.
    ring = Image.radial_gradient("L").point(lambda v: max(0, 255 - v * 255 // 181))
    return ring.resize((diameter, diameter), Image.BILINEAR)


@functools.lru_cache(maxsize=32)
def _glow_mask(diameter: int, strength: float) -> Image.Image:
    return _radial(diameter).point(lambda v: int(v * v / 255 * strength))


def glow(canvas: Image.Image, centre: tuple[float, float], radius: int, colour: RGB, strength: float) -> None:
    """A soft round light, e.g. the accent colour bleeding into a dark background."""
    paste_colour(canvas, colour, _glow_mask(radius * 2, strength), int(centre[0] - radius), int(centre[1] - radius))


@functools.lru_cache(maxsize=8)
def _fade_mask(size: tuple[int, int], top_alpha: int, bottom_alpha: int) -> Image.Image:
    ramp = Image.linear_gradient("L").point(lambda v: int(top_alpha + (bottom_alpha - top_alpha) * v / 255))
    return ramp.resize(size, Image.BILINEAR)


def vertical_fade(canvas: Image.Image, colour: RGB, top_alpha: int, bottom_alpha: int) -> None:
    """Lay `colour` over the canvas, from `top_alpha` at the top to `bottom_alpha` at the bottom."""
    paste_colour(canvas, colour, _fade_mask(canvas.size, top_alpha, bottom_alpha), 0, 0)


def _clip(canvas: Image.Image, size: tuple[int, int], left: int, top: int):
    """The part of a `size` layer at (left, top) that lies on the canvas: (source box, destination)."""
    sx, sy = max(0, -left), max(0, -top)
    right, bottom = min(size[0], canvas.width - left), min(size[1], canvas.height - top)
    if right <= sx or bottom <= sy:
        return None
    return (sx, sy, right, bottom), (left + sx, top + sy)


def paste_layer(canvas: Image.Image, layer: Image.Image, left: int, top: int) -> None:
    """Composite an RGBA layer over the canvas, clipped to it (a layer may reach past the edges)."""
    clipped = _clip(canvas, layer.size, left, top)
    if clipped is None:
        return
    box, dest = clipped
    if canvas.mode == "RGBA":
        canvas.alpha_composite(layer, dest, box)
    else:  # opaque canvas: "over" is a paste through the layer's alpha
        part = layer.crop(box) if box != (0, 0, *layer.size) else layer
        canvas.paste(part.convert("RGB"), dest, part.getchannel("A"))


def paste_colour(canvas: Image.Image, colour: RGB, mask: Image.Image, left: int, top: int) -> None:
    """Paint `colour` through an L mask (coverage) onto the canvas, clipped."""
    clipped = _clip(canvas, mask.size, left, top)
    if clipped is None:
        return
    (sx, sy, right, bottom), (dx, dy) = clipped
    part = mask.crop((sx, sy, right, bottom)) if (sx, sy, right, bottom) != (0, 0, *mask.size) else mask
    if canvas.mode == "RGBA":
        layer = Image.new("RGBA", part.size, colour + (0,))
        layer.putalpha(part)
        canvas.alpha_composite(layer, (dx, dy))
    else:
        canvas.paste(colour, (dx, dy, dx + part.width, dy + part.height), part)


def rounded_mask(size: tuple[int, int], radius: int) -> Image.Image:
    """A filled rounded rectangle; only the four corners are drawn supersampled."""
    w, h = size
    radius = max(0, min(radius, w // 2, h // 2))
    mask = Image.new("L", size, 255)
    if radius:
        disc = circle_mask(2 * radius)
        mask.paste(disc.crop((0, 0, radius, radius)), (0, 0))
        mask.paste(disc.crop((radius, 0, 2 * radius, radius)), (w - radius, 0))
        mask.paste(disc.crop((0, radius, radius, 2 * radius)), (0, h - radius))
        mask.paste(disc.crop((radius, radius, 2 * radius, 2 * radius)), (w - radius, h - radius))
    return mask


@functools.lru_cache(maxsize=32)
def circle_mask(diameter: int) -> Image.Image:
    s = SUPERSAMPLE
    big = Image.new("L", (diameter * s, diameter * s), 0)
    ImageDraw.Draw(big).ellipse((0, 0, big.width - 1, big.height - 1), fill=255)
    return big.resize((diameter, diameter), Image.LANCZOS)


def fill_shape(canvas: Image.Image, mask: Image.Image, left: int, top: int, colour: RGB, alpha: int = 255) -> None:
    paste_colour(canvas, colour, mask if alpha == 255 else mask.point(lambda v: v * alpha // 255), left, top)


def fill_rounded(canvas: Image.Image, box: tuple[int, int, int, int], radius: int, colour: RGB) -> None:
    """Fill the rounded rectangle `box`: the same pixels as fill_shape() with
    rounded_mask(), but only the four corners go through a mask; the rest is
    two plain rectangle fills."""
    left, top, right, bottom = box
    radius = max(0, min(radius, (right - left) // 2, (bottom - top) // 2))
    if not radius:
        canvas.paste(colour, box)
        return
    canvas.paste(colour, (left + radius, top, right - radius, bottom))
    canvas.paste(colour, (left, top + radius, left + radius, bottom - radius))
    canvas.paste(colour, (right - radius, top + radius, right, bottom - radius))
    disc = circle_mask(2 * radius)
    for sx, sy, dx, dy in ((0, 0, left, top), (radius, 0, right - radius, top),
                           (0, radius, left, bottom - radius), (radius, radius, right - radius, bottom - radius)):
        paste_colour(canvas, colour, disc.crop((sx, sy, sx + radius, sy + radius)), dx, dy)


def drop_shadow(canvas: Image.Image, box: tuple[int, int, int, int], radius: int, blur: int,
                alpha: int, offset: tuple[int, int] = (0, 0), covered: bool = False) -> None:
    """A soft shadow under the rounded rectangle `box`. With `covered`, the caller
    paints that rectangle opaque over it next: the part the rectangle will hide
    (inside it by more than the corner radius) is not painted."""
    left, top, right, bottom = box
    margin = blur * 3
    w, h = right - left + 2 * margin, bottom - top + 2 * margin
    q = 4
    small = Image.new("L", (max(1, w // q), max(1, h // q)), 0)
    ImageDraw.Draw(small).rounded_rectangle(
        (margin // q, margin // q, (w - margin) // q, (h - margin) // q), radius=max(1, radius // q), fill=alpha)
    small = small.filter(ImageFilter.GaussianBlur(max(1, blur / q)))
    x0, y0 = left - margin + offset[0], top - margin + offset[1]
    # The hidden part, in the shadow's own coordinates.
    hx0, hy0 = left + radius - x0, top + radius - y0
    hx1, hy1 = right - radius - x0, bottom - radius - y0
    if not covered or not (0 < hx0 < hx1 < w and 0 < hy0 < hy1 < h):
        paste_colour(canvas, (0, 0, 0), small.resize((w, h), Image.BILINEAR), x0, y0)
        return
    kx, ky = small.width / w, small.height / h
    for bx0, by0, bx1, by1 in ((0, 0, w, hy0), (0, hy1, w, h), (0, hy0, hx0, hy1), (hx1, hy0, w, hy1)):
        # The same pixels as that part of the whole resized mask, without resizing the rest.
        part = small.resize((bx1 - bx0, by1 - by0), Image.BILINEAR, box=(bx0 * kx, by0 * ky, bx1 * kx, by1 * ky))
        paste_colour(canvas, (0, 0, 0), part, x0 + bx0, y0 + by0)


def cover_box(image_size: tuple[int, int], size: tuple[int, int],
              centering: tuple[float, float] = (0.5, 0.4)) -> tuple[float, float, float, float]:
    """The part of an `image_size` image that `cover()` shows: the largest box of
    `size`'s aspect ratio, placed at `centering` (as ImageOps.fit places it)."""
    iw, ih = image_size
    target = size[0] / size[1]
    if iw / ih > target:
        cw, ch = ih * target, float(ih)
    else:
        cw, ch = float(iw), iw / target
    left, top = (iw - cw) * centering[0], (ih - ch) * centering[1]
    return left, top, left + cw, top + ch


def cover(image: Image.Image, size: tuple[int, int], opaque: bool = False) -> Image.Image:
    """Scale and centre-crop `image` to exactly `size` (CSS object-fit: cover):
    RGBA, or RGB with `opaque` (a full-canvas background, whose alpha a paste
    onto the opaque canvas drops anyway).

    One resize from the visible box (no cropped copy first). Bicubic rather
    than Lanczos: on photos scaled by less than ~3x the two are within a level
    or two of each other, and bicubic reads a third fewer source pixels. An
    RGBA resize premultiplies alpha around the resampling, which doubles its
    cost: opaque backgrounds are resized as RGB."""
    mode = "RGB" if opaque else "RGBA"
    if image.mode != mode:
        image = image.convert(mode)
    return image.resize(size, Image.BICUBIC, box=cover_box(image.size, size), reducing_gap=3.0)


def paste_rounded(canvas: Image.Image, image: Image.Image, box: tuple[int, int, int, int], radius: int) -> None:
    left, top, right, bottom = box
    fitted = cover(image, (right - left, bottom - top))
    mask = rounded_mask(fitted.size, radius) if radius else None
    if mask is not None:
        alpha = fitted.getchannel("A")
        fitted.putalpha(Image.composite(alpha, Image.new("L", alpha.size, 0), mask))
    paste_layer(canvas, fitted, left, top)


def paste_circle(canvas: Image.Image, image: Image.Image, left: int, top: int, diameter: int) -> None:
    fitted = cover(image, (diameter, diameter))
    mask = circle_mask(diameter)
    alpha = fitted.getchannel("A")
    fitted.putalpha(Image.composite(alpha, Image.new("L", alpha.size, 0), mask))
    paste_layer(canvas, fitted, left, top)


def play_button(canvas: Image.Image, centre: tuple[int, int], diameter: int, disc: RGB, glyph: RGB) -> None:
    paste_layer(canvas, _play_button(diameter, disc, glyph), centre[0] - diameter // 2, centre[1] - diameter // 2)


@functools.lru_cache(maxsize=16)
def _play_button(diameter: int, disc: RGB, glyph: RGB) -> Image.Image:
    s = SUPERSAMPLE
    d = diameter * s
    big = Image.new("RGBA", (d, d), (0, 0, 0, 0))
    draw = ImageDraw.Draw(big)
    draw.ellipse((0, 0, d - 1, d - 1), fill=disc + (235,))
    # The triangle sits slightly right of centre so it looks centred.
    r = d * 0.22
    cx, cy = d * 0.53, d / 2
    draw.polygon([(cx - r * 0.8, cy - r), (cx - r * 0.8, cy + r), (cx + r * 1.05, cy)], fill=glyph + (255,))
    return big.resize((diameter, diameter), Image.LANCZOS)


def pill(canvas: Image.Image, box: tuple[int, int, int, int], colour: RGB, alpha: int = 255) -> None:
    left, top, right, bottom = box
    mask = rounded_mask((right - left, bottom - top), (bottom - top) // 2)
    fill_shape(canvas, mask, left, top, colour, alpha)


# -- palettes -------------------------------------------------------------------------------

class Palette:
    """The colours of one card: a theme (dark or light) around one accent colour."""

    def __init__(self, theme: str, accent: RGB) -> None:
        self.theme = theme
        self.accent = accent
        self.on_accent = readable_on(accent)
        if theme == "light":
            self.background = (248, 247, 244)
            self.surface = (255, 255, 255)
            self.text = (17, 24, 39)
            self.muted = (100, 108, 122)
            self.line = (226, 228, 233)
        else:
            self.background = (11, 15, 26)
            self.surface = (21, 27, 41)
            self.text = (245, 247, 250)
            self.muted = (148, 158, 176)
            self.line = (44, 52, 70)

    @classmethod
    def of(cls, config, default_accent: str) -> "Palette":
        return cls(config.theme, rgb(config.accentColor or default_accent))
