"""`quoteCard`: a quotation set large in a display serif, with the speaker below.

The quote takes whatever height the attribution leaves and shrinks to fit it;
a long quote ends in an ellipsis only below 30 px (per 1080 px of width).
"""

from __future__ import annotations

from PIL import Image

from shared.models.templates import QuoteCardConfig
from shared.services.templates import canvas as cv
from shared.services.templates.base import Scene, Template
from shared.services.templates.text import Style, initials

DEFAULT_ACCENT = "#F5B83D"


def _background(scene: Scene, pal: cv.Palette) -> None:
    scene.background(cv.backdrop(scene.image.size, lambda image: _paint(image, pal)))


def _paint(image: Image.Image, pal: cv.Palette) -> None:
    w, h = image.size
    if pal.theme == "light":
        image.paste(cv.gradient((w, h), (251, 248, 242), cv.mix(pal.accent, (251, 248, 242), 0.82)))
    else:
        image.paste(cv.gradient((w, h), (20, 22, 34), (8, 9, 15)))
    cv.glow(image, (w * 0.95, h * 0.0), int(max(w, h) * 0.5), pal.accent, 0.28 if pal.theme == "dark" else 0.35)


def draw(scene: Scene) -> None:
    config: QuoteCardConfig = scene.config
    pal = cv.Palette.of(config, DEFAULT_ACCENT)
    u, w, h = scene.u, scene.width, scene.height
    _background(scene, pal)
    margin = round((90 if scene.portrait else 80) * u)
    inner_w = w - 2 * margin

    # The opening mark, large, in the accent colour.
    mark_size = round((230 if scene.portrait else 190) * u)
    mark = scene.fit("\u201c", Style("serif", 400, 1.0), mark_size, mark_size, mark_size, mark_size, max_lines=1)
    mark_top = margin - mark_size * 0.22
    scene.draw("mark", mark, margin - 6 * u, mark_top, mark_size, fill=pal.accent)

    avatar = round(96 * u)
    footer_h = avatar if (config.author or scene.images.get("avatar")) else 0
    quote_top = mark_top + mark_size * 0.62
    room = h - margin - footer_h - (48 * u if footer_h else 0) - quote_top
    quote = scene.fit(config.quote, Style("serif", 400, 1.18), inner_w, room,
                      (104 if scene.portrait else 96 if h == w else 76) * u, 30 * u)
    # Short quotes sit in the middle of the room rather than under the mark.
    quote_y = quote_top + max(0.0, (room - quote.height) * (0.45 if h >= w else 0.3))
    scene.draw("quote", quote, margin, quote_y, inner_w, fill=pal.text)

    if footer_h:
        top = h - margin - avatar
        image = scene.images.get("avatar")
        x = margin
        if image is not None:
            cv.paste_circle(scene.image, image, x, top, avatar)
        else:
            cv.fill_shape(scene.image, cv.circle_mask(avatar), x, top, pal.accent)
            scene.text("initials", initials(config.author or ""), Style("sans", 700, 1.0), x, top + avatar * 0.22,
                       avatar, avatar * 0.56, avatar * 0.46, avatar * 0.3, max_lines=1, align="center",
                       fill=pal.on_accent)
        text_x = x + avatar + 28 * u
        text_w = inner_w - avatar - 28 * u - (260 * u if config.brand else 0)
        name_top = top + (avatar - (38 * u + (34 * u if config.role else 0))) / 2
        if config.author:
            scene.text("author", config.author, Style("sans", 700, 1.1), text_x, name_top, text_w, 42 * u,
                       36 * u, 22 * u, max_lines=1, fill=pal.text)
        if config.role:
            scene.text("role", config.role, Style("sans", 400, 1.1), text_x, name_top + 42 * u, text_w, 36 * u,
                       28 * u, 18 * u, max_lines=1, fill=pal.muted)
    if config.brand:
        brand = scene.fit(config.brand, Style("sans", 600, 1.1), 250 * u, 40 * u, 28 * u, 16 * u, max_lines=1)
        scene.draw("brand", brand, w - margin - 250 * u, h - margin - avatar / 2 - brand.height / 2, 250 * u,
                   align="right", fill=pal.muted)


TEMPLATE = Template(
    slug="quoteCard",
    name="Quote card",
    description="A quotation in a large display serif with the speaker's name, role and portrait",
    config_model=QuoteCardConfig,
    draw=draw,
)
