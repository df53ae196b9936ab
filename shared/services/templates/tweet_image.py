"""`tweetImage`: a post card (avatar, name, handle, title, text) on a brand gradient.

The spec's own example: `{"title": "Big Announcement", "author": "@mybrand",
"content": "We just launched our new product!"}`. The card grows with its text
and is centred; title and text share the height left after the header, the
title taking at most three lines and ~45% of it, and both shrink to fit.
"""

from __future__ import annotations

import functools

from PIL import Image, ImageDraw

from shared.models.templates import TweetImageConfig
from shared.services.templates import canvas as cv
from shared.services.templates.base import Scene, Template
from shared.services.templates.text import Style, initials

DEFAULT_ACCENT = "#1D9BF0"


def _background(scene: Scene, pal: cv.Palette) -> None:
    scene.background(cv.backdrop(scene.image.size, lambda image: _paint(image, pal)))


def _paint(image: Image.Image, pal: cv.Palette) -> None:
    if pal.theme == "light":
        base = cv.gradient(image.size, cv.mix(pal.accent, (255, 255, 255), 0.72),
                           cv.mix(pal.accent, (255, 255, 255), 0.9))
    else:
        base = cv.gradient(image.size, cv.mix(pal.accent, pal.background, 0.45), pal.background)
    image.paste(base)
    w, h = image.size
    cv.glow(image, (w * 0.92, h * 0.05), int(max(w, h) * 0.45), pal.accent, 0.55)
    cv.glow(image, (w * 0.05, h * 0.98), int(max(w, h) * 0.35), cv.mix(pal.accent, (255, 255, 255), 0.3), 0.35)


def check_badge(image: Image.Image, left: int, top: int, diameter: int, colour: cv.RGB) -> None:
    cv.paste_layer(image, _check_badge(diameter, colour), left, top)


@functools.lru_cache(maxsize=16)
def _check_badge(diameter: int, colour: cv.RGB) -> Image.Image:
    s = cv.SUPERSAMPLE
    d = diameter * s
    big = Image.new("RGBA", (d, d), (0, 0, 0, 0))
    draw = ImageDraw.Draw(big)
    draw.ellipse((0, 0, d - 1, d - 1), fill=colour + (255,))
    draw.line([(d * 0.28, d * 0.52), (d * 0.44, d * 0.68), (d * 0.73, d * 0.36)],
              fill=(255, 255, 255, 255), width=max(1, int(d * 0.11)), joint="curve")
    return big.resize((diameter, diameter), Image.LANCZOS)


def draw(scene: Scene) -> None:
    config: TweetImageConfig = scene.config
    pal = cv.Palette.of(config, DEFAULT_ACCENT)
    u, w, h = scene.u, scene.width, scene.height
    _background(scene, pal)

    margin = round((56 if scene.portrait else 64) * u)
    pad = round(52 * u)
    card_w = w - 2 * margin
    inner_w = card_w - 2 * pad
    avatar = round(88 * u)
    header_gap, block_gap = round(30 * u), round(14 * u)
    handle = (config.author or "").strip()
    name = (config.name or handle.lstrip("@") or "Soku").strip()
    footer_h = round(52 * u) if config.date else 0
    max_card_h = h - 2 * margin
    text_h = max_card_h - 2 * pad - avatar - header_gap - footer_h

    tall = h / w > 1.5  # stories: a bigger card reads better on a phone
    title = content = None
    if config.title:
        share = 0.45 if config.content else 1.0
        title = scene.fit(config.title, Style("sans", 800, 1.12), inner_w, text_h * share,
                          (92 if tall else 80 if h >= w else 62) * u, 26 * u, max_lines=3 if config.content else None)
    if config.content:
        left = text_h - (title.height + block_gap if title else 0)
        content = scene.fit(config.content, Style("sans", 400, 1.32), inner_w, left,
                            (60 if tall else 52 if h >= w else 42) * u, 20 * u)
    used = (title.height if title else 0) + (content.height if content else 0) + (block_gap if title and content else 0)
    card_h = round(2 * pad + avatar + header_gap + used + footer_h)
    top = (h - card_h) // 2
    box = (margin, top, margin + card_w, top + card_h)

    cv.drop_shadow(scene.image, box, round(36 * u), round(40 * u), 120 if pal.theme == "dark" else 70,
                   offset=(0, round(18 * u)), covered=True)
    cv.fill_rounded(scene.image, box, round(36 * u), pal.surface)

    x, y = margin + pad, top + pad
    image = scene.images.get("avatar")
    if image is not None:
        cv.paste_circle(scene.image, image, x, y, avatar)
    else:
        cv.fill_shape(scene.image, cv.circle_mask(avatar), x, y, pal.accent)
        scene.text("initials", initials(name), Style("sans", 700, 1.0), x, y + avatar * 0.22, avatar,
                   avatar * 0.56, avatar * 0.46, avatar * 0.3, max_lines=1, align="center", fill=pal.on_accent)
    name_x = x + avatar + round(22 * u)
    name_w = inner_w - avatar - round(22 * u) - (round(40 * u) if config.verified else 0)
    drawn = scene.text("name", name, Style("sans", 700, 1.15), name_x, y + 4 * u, name_w, 40 * u,
                       34 * u, 22 * u, max_lines=1, fill=pal.text)
    if config.verified:
        d = round(30 * u)
        check_badge(scene.image, drawn.box[2] + round(10 * u), round(y + 4 * u + (40 * u - d) / 2 + 2 * u), d,
                    pal.accent)
    if handle:
        scene.text("author", handle, Style("sans", 400, 1.15), name_x, y + 46 * u, name_w, 36 * u, 28 * u,
                   18 * u, max_lines=1, fill=pal.muted)

    y += avatar + header_gap
    if title:
        scene.draw("title", title, x, y, inner_w, fill=pal.text)
        y += title.height + block_gap
    if content:
        scene.draw("content", content, x, y, inner_w, fill=pal.text)
        y += content.height
    if config.date:
        line_y = round(y + 18 * u)
        cv.fill_shape(scene.image, Image.new("L", (inner_w, max(1, round(2 * u))), 255), x, line_y, pal.line)
        scene.text("date", config.date, Style("sans", 500, 1.1), x, line_y + 14 * u, inner_w, 32 * u,
                   24 * u, 16 * u, max_lines=1, fill=pal.muted)


TEMPLATE = Template(
    slug="tweetImage",
    name="Post card",
    description="A social post as a card: avatar, name, handle, bold title and text, on your brand colour",
    config_model=TweetImageConfig,
    draw=draw,
)
