"""`make samples`: every template at every size, as PNGs a person can look at.

Writes samples/templates/<slug>-<ratio>[-<variant>].png (samples/ is git-ignored)
and prints each file's render time and the layout report. The same configs
feed the template tests and the benchmark. Images for avatar/background are
drawn here (no network), standing in for a photo and a portrait.
"""

from __future__ import annotations

import sys
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "samples" / "templates"
RATIOS = (None, "1:1", "4:5", "9:16")

SAMPLES: dict[str, dict] = {
    "tweetImage": {
        "title": "Big Announcement",
        "author": "@mybrand",
        "name": "My Brand",
        "verified": True,
        "content": "We just launched our new product 🚀 Schedule once, publish everywhere: X, Instagram, "
                   "LinkedIn, TikTok and more.",
        "date": "Nov 25, 2026",
    },
    "videoThumbnail": {
        "title": "New Video!",
        "subtitle": "How we ship a feature from idea to launch in one week",
        "badge": "New video",
        "duration": "12:34",
    },
    "quoteCard": {
        "quote": "The best marketing doesn't feel like marketing.",
        "author": "Tom Fishburne",
        "role": "Founder, Marketoonist",
        "brand": "@mybrand",
    },
    "announcement": {
        "label": "Now available",
        "headline": "Soku 2.0 is here ✨",
        "body": "Rendered images, scheduled posts and one API for every platform.",
        "cta": "Read more at soku.dev",
        "brand": "Soku",
        "date": "Nov 25, 2026",
    },
}

# Variants that exercise the hard cases: images, light theme, scripts, long text.
VARIANTS: dict[str, tuple[str, dict]] = {
    "photo": ("videoThumbnail", {"backgroundUrl": "sample:photo", "title": "Behind the scenes at our studio",
                                 "badge": "Vlog", "duration": "8:05", "accentColor": "#22C55E"}),
    "light": ("tweetImage", {"theme": "light", "accentColor": "#7C3AED", "avatarUrl": "sample:portrait",
                             "title": "Привет, мир! مرحبا بالعالم नमस्ते दुनिया 👋🏽",
                             "content": "One card, many scripts 🇯🇵🇧🇷🇮🇳 — and colour emoji 👩🏽‍💻🎉"}),
    "long": ("quoteCard", {"theme": "light", "accentColor": "#E11D48", "avatarUrl": "sample:portrait",
                           "quote": "We choose to go to the moon in this decade and do the other things, not "
                                    "because they are easy, but because they are hard; because that goal will "
                                    "serve to organize and measure the best of our energies and skills, because "
                                    "that challenge is one that we are willing to accept, one we are unwilling to "
                                    "postpone, and one we intend to win.",
                           "author": "John F. Kennedy", "role": "Rice University, 1962"}),
    "arabic": ("announcement", {"theme": "light", "accentColor": "#0EA5E9", "label": "إعلان",
                                "headline": "أطلقنا منتجنا الجديد اليوم 🚀",
                                "body": "انشر على كل المنصات من مكان واحد.", "cta": "اعرف المزيد"}),
}


def sample_image(name: str) -> Image.Image:
    """A stand-in photo (a sunset-ish landscape) or portrait, drawn locally."""
    if name == "sample:portrait":
        im = Image.new("RGB", (400, 400), (250, 204, 170))
        d = ImageDraw.Draw(im)
        d.rectangle((0, 0, 400, 400), fill=(99, 102, 241))
        d.ellipse((120, 70, 280, 250), fill=(250, 214, 180))
        d.ellipse((60, 250, 340, 520), fill=(30, 41, 59))
        return im
    im = Image.new("RGB", (1600, 900))
    top, bottom = (255, 140, 90), (60, 40, 120)
    d = ImageDraw.Draw(im)
    for y in range(900):
        t = y / 899
        d.line([(0, y), (1600, y)], fill=tuple(round(a + (b - a) * t) for a, b in zip(top, bottom)))
    d.ellipse((1050, 250, 1350, 550), fill=(255, 220, 150))
    d.polygon([(0, 900), (0, 600), (400, 420), (800, 640), (1200, 480), (1600, 700), (1600, 900)], fill=(35, 25, 70))
    return im.filter(ImageFilter.GaussianBlur(2))


def images_for(config: dict) -> dict[str, Image.Image]:
    return {key.removesuffix("Url"): sample_image(value) for key, value in config.items()
            if key.endswith("Url") and str(value).startswith("sample:")}


def local_config(config: dict) -> dict:
    """The config without the sample: placeholders (they are passed as images)."""
    return {k: v for k, v in config.items() if not (k.endswith("Url") and str(v).startswith("sample:"))}


def cases() -> list[tuple[str, str | None, str, dict]]:
    """(slug, ratio, file stem, config) for every sample and variant."""
    out = []
    for slug, config in SAMPLES.items():
        for ratio in RATIOS:
            out.append((slug, ratio, f"{slug}-{(ratio or 'og').replace(':', 'x')}", config))
    for variant, (slug, config) in VARIANTS.items():
        for ratio in (None, "9:16"):
            out.append((slug, ratio, f"{slug}-{(ratio or 'og').replace(':', 'x')}-{variant}", config))
    return out


def main(argv: list[str]) -> int:
    from shared.services.templates import registry
    from shared.services.templates.renderer import render

    OUT.mkdir(parents=True, exist_ok=True)
    for slug, ratio, stem, config in cases():
        template = registry.get(slug)
        result = render(template, template.validate(local_config(config)), ratio, images_for(config))
        path = OUT / f"{stem}.png"
        path.write_bytes(result.png)
        layout = ", ".join(f"{k} {v.size}px{' (cut)' if v.truncated else ''}" for k, v in result.drawn.items())
        print(f"{path.relative_to(ROOT)}  {result.width}x{result.height}  {result.seconds * 1000:.0f} ms  {layout}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
