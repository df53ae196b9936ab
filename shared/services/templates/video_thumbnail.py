"""`videoThumbnail`: a big, heavy title over a darkened photo (or a brand gradient),
with a badge, a play button and the duration, as on YouTube or LinkedIn video posts.

The title sits at the bottom, over a fade that keeps it readable on any photo,
with a soft shadow; it takes up to three lines (four in portrait) and shrinks
before it would cover the play button.
"""

from __future__ import annotations

from PIL import Image

from shared.models.templates import VideoThumbnailConfig
from shared.services.templates import canvas as cv
from shared.services.templates.base import Scene, Template
from shared.services.templates.text import Style

DEFAULT_ACCENT = "#FF3D5A"


def _background(scene: Scene, pal: cv.Palette) -> None:
    w, h = scene.image.size
    photo = scene.images.get("background")
    if photo is not None:
        scene.background(cv.cover(photo, (w, h), opaque=True))
        cv.vertical_fade(scene.image, (0, 0, 0), 40, 235)
        return
    scene.background(cv.backdrop((w, h), lambda image: _paint(image, pal)))


def _paint(image: Image.Image, pal: cv.Palette) -> None:
    w, h = image.size
    dark = (10, 10, 18) if pal.theme == "dark" else cv.mix(pal.accent, (255, 255, 255), 0.15)
    image.paste(cv.gradient((w, h), cv.mix(pal.accent, dark, 0.25), dark))
    cv.glow(image, (w * 0.85, h * 0.2), int(max(w, h) * 0.55), cv.mix(pal.accent, (255, 200, 120), 0.35), 0.7)
    cv.glow(image, (w * 0.1, h * 0.1), int(max(w, h) * 0.35), pal.accent, 0.5)
    cv.vertical_fade(image, (0, 0, 0), 0, 170)


def draw(scene: Scene) -> None:
    config: VideoThumbnailConfig = scene.config
    pal = cv.Palette.of(config, DEFAULT_ACCENT)
    u, w, h = scene.u, scene.width, scene.height
    _background(scene, pal)
    margin = round(64 * u)
    inner_w = w - 2 * margin
    white = (255, 255, 255)
    shadow = dict(shadow=(0, 0, 0, 150), shadow_blur=12 * u, shadow_offset=(0, round(4 * u)))

    if config.badge:
        badge = scene.fit(config.badge.upper(), Style("sans", 800, 1.0), inner_w * 0.6, 40 * u, 30 * u, 18 * u,
                          max_lines=1)
        bw, bh = round(badge.width + 36 * u), round(badge.size * 1.0 + 26 * u)
        cv.pill(scene.image, (margin, margin, margin + bw, margin + bh), pal.accent)
        scene.draw("badge", badge, margin + 18 * u, margin + 13 * u, badge.width + 1, fill=pal.on_accent)

    # Bottom-up: duration and subtitle, then the title above them.
    bottom = h - margin
    subtitle = None
    if config.subtitle:
        subtitle = scene.fit(config.subtitle, Style("sans", 500, 1.3), inner_w * 0.9, h * 0.16,
                             (46 if scene.portrait else 36) * u, 22 * u, max_lines=2)
        bottom -= subtitle.height
    title_room = (bottom - margin - (18 * u if subtitle else 0)) - (h * (0.5 if scene.portrait else 0.34))
    title = scene.fit(config.title, Style("sans", 900, 1.04), inner_w, title_room,
                      (150 if scene.portrait else 118) * u, 40 * u, max_lines=4 if scene.portrait else 3)
    title_top = bottom - (18 * u if subtitle else 0) - title.height
    bar_h = round(10 * u)
    cv.pill(scene.image, (margin, round(title_top - 34 * u), margin + round(120 * u),
                          round(title_top - 34 * u) + bar_h), pal.accent)
    scene.draw("title", title, margin, title_top, inner_w, fill=white, **shadow)
    if subtitle:
        scene.draw("subtitle", subtitle, margin, bottom, inner_w * 0.9, fill=(235, 238, 245), **shadow)

    if config.showPlayButton:
        diameter = round((190 if scene.portrait else 150) * u)
        centre_y = (title_top - 34 * u) / 2 + (margin if config.badge else 0) / 2
        centre_y = max(diameter / 2 + margin + (60 * u if config.badge else 0), centre_y)
        cv.play_button(scene.image, (w // 2, round(centre_y)), diameter, (255, 255, 255), pal.accent)

    if config.duration:
        label = scene.fit(config.duration, Style("sans", 700, 1.0), 200 * u, 40 * u, 30 * u, 18 * u, max_lines=1)
        bw, bh = round(label.width + 28 * u), round(label.size + 22 * u)
        left, top = w - margin - bw, margin
        cv.pill(scene.image, (left, top, left + bw, top + bh), (0, 0, 0), alpha=190)
        scene.draw("duration", label, left + 14 * u, top + 11 * u, label.width + 1, fill=white)


TEMPLATE = Template(
    slug="videoThumbnail",
    name="Video thumbnail",
    description="A bold title over your photo or a brand gradient, with badge, play button and duration",
    config_model=VideoThumbnailConfig,
    draw=draw,
)
