"""`announcement`: a launch card: label, huge headline, a line of detail and a button,
on a saturated gradient of the brand colour, with the logo and brand on top.

Headline and body share the middle band; the headline gets up to 60% of it and
shrinks first, so the body keeps a readable size.
"""

from __future__ import annotations

from PIL import Image

from shared.models.templates import AnnouncementConfig
from shared.services.templates import canvas as cv
from shared.services.templates.base import Scene, Template
from shared.services.templates.text import Style

DEFAULT_ACCENT = "#5B5BF7"


def _background(scene: Scene, pal: cv.Palette) -> tuple[cv.RGB, cv.RGB]:
    """Paint the background; return (text colour, muted colour) that read on it."""
    scene.background(cv.backdrop(scene.image.size, lambda image: _paint(image, pal)))
    if pal.theme == "light":
        return (17, 24, 39), (75, 85, 99)
    return (255, 255, 255), (215, 219, 235)


def _paint(image: Image.Image, pal: cv.Palette) -> None:
    w, h = image.size
    if pal.theme == "light":
        image.paste(cv.gradient((w, h), (255, 255, 255), cv.mix(pal.accent, (255, 255, 255), 0.8)))
        cv.glow(image, (w * 0.9, h * 0.1), int(max(w, h) * 0.5), pal.accent, 0.35)
        return
    deep = cv.mix(pal.accent, (5, 6, 20), 0.72)
    image.paste(cv.gradient((w, h), cv.mix(pal.accent, deep, 0.15), deep))
    cv.glow(image, (w * 0.95, h * 0.05), int(max(w, h) * 0.55), cv.mix(pal.accent, (255, 255, 255), 0.35), 0.55)
    cv.glow(image, (w * 0.0, h * 1.0), int(max(w, h) * 0.45), cv.mix(pal.accent, (255, 80, 160), 0.4), 0.45)


def draw(scene: Scene) -> None:
    config: AnnouncementConfig = scene.config
    pal = cv.Palette.of(config, DEFAULT_ACCENT)
    u, w, h = scene.u, scene.width, scene.height
    ink, muted = _background(scene, pal)
    margin = round((80 if scene.portrait else 64) * u)
    inner_w = w - 2 * margin
    y = margin

    logo = scene.images.get("logo")
    header_h = round(64 * u)
    if logo is not None or config.brand:
        x = margin
        if logo is not None:
            fitted = logo.convert("RGBA").copy()
            fitted.thumbnail((header_h * 4, header_h))
            cv.paste_layer(scene.image, fitted, x, y + (header_h - fitted.height) // 2)
            x += fitted.width + round(20 * u)
        if config.brand:
            scene.text("brand", config.brand, Style("sans", 700, 1.1), x, y + (header_h - 38 * u) / 2,
                       w - margin - x, 40 * u, 34 * u, 18 * u, max_lines=1, fill=ink)
        y += header_h

    footer_h = round((92 if scene.portrait else 80) * u) if (config.cta or config.date) else 0
    band_top = y + round((90 if scene.portrait else 36) * u)
    band_bottom = h - margin - footer_h - round((40 if scene.portrait else 30) * u)

    label_text = (config.label or "Announcement").upper()
    label = scene.fit(label_text, Style("sans", 700, 1.0), inner_w * 0.7, 36 * u, 26 * u, 16 * u, max_lines=1)
    lw, lh = round(label.width + 40 * u), round(label.size + 26 * u)
    # Landscape has little height: the label moves up into the header row.
    label_in_header = not scene.portrait and header_h and y > margin
    band = band_bottom - band_top - (0 if label_in_header else lh + 36 * u)
    body = None
    headline = scene.fit(config.headline, Style("sans", 800, 1.06), inner_w, band * (0.62 if config.body else 1.0),
                         (150 if scene.portrait else 96) * u, 34 * u)
    if config.body:
        body = scene.fit(config.body, Style("sans", 400, 1.35), inner_w * 0.92, band - headline.height - 24 * u,
                         (46 if scene.portrait else 34) * u, 24 * u, max_lines=3)
    rtl = headline.rtl  # a right-to-left card mirrors the label, the button and the date
    stack = (0 if label_in_header else lh + 36 * u) + headline.height + ((24 * u + body.height) if body else 0)
    top = band_top + max(0.0, (band_bottom - band_top - stack) * (0.4 if scene.portrait else 0.5))

    label_top = (margin + (header_h - lh) / 2) if label_in_header else top
    label_left = w - margin - lw if (rtl or label_in_header) else margin
    cv.pill(scene.image, (label_left, round(label_top), label_left + lw, round(label_top) + lh), (255, 255, 255),
            alpha=40 if pal.theme == "dark" else 255)
    scene.draw("label", label, label_left + 20 * u, label_top + 13 * u, label.width + 1,
               fill=ink if pal.theme == "dark" else pal.accent)
    if not label_in_header:
        top += lh + 36 * u
    scene.draw("headline", headline, margin, top, inner_w, fill=ink)
    top += headline.height + 24 * u
    if body:
        scene.draw("body", body, margin + (inner_w * 0.08 if rtl else 0), top, inner_w * 0.92, fill=muted)

    if footer_h:
        fy = h - margin - footer_h
        if config.cta:
            cta = scene.fit(config.cta, Style("sans", 700, 1.0), inner_w * 0.62, 40 * u, 32 * u, 18 * u, max_lines=1)
            bw = round(cta.width + 64 * u)
            bx = w - margin - bw if rtl else margin
            button = pal.accent if pal.theme == "light" else (255, 255, 255)
            cv.pill(scene.image, (bx, fy, bx + bw, fy + footer_h), button)
            scene.draw("cta", cta, bx + 32 * u, fy + (footer_h - cta.size) / 2, cta.width + 1,
                       fill=cv.readable_on(button) if pal.theme == "dark" else pal.on_accent)
        if config.date:
            date = scene.fit(config.date, Style("sans", 500, 1.0), inner_w * 0.34, 40 * u, 28 * u, 16 * u,
                             max_lines=1)
            dx = margin if rtl else w - margin - inner_w * 0.34
            scene.draw("date", date, dx, fy + (footer_h - date.size) / 2, inner_w * 0.34,
                       align="left" if rtl else "right", fill=muted)


TEMPLATE = Template(
    slug="announcement",
    name="Announcement",
    description="A launch or news card: label, big headline, detail and a call to action on your brand colour",
    config_model=AnnouncementConfig,
    draw=draw,
)
