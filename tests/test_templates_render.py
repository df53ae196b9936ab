"""The Pillow renderer: every template at every size, text fitting, scripts and emoji.

Each rendered PNG is decoded and checked: its size, that the text's ink lies
inside the canvas (from the layout report, and from the pixels themselves),
that a long title shrinks rather than overflowing, and that emoji and
non-Latin scripts come out as glyphs, not the font's .notdef box.
"""

from __future__ import annotations

import io

import pytest
from PIL import Image, ImageChops

from devstack.template_samples import SAMPLES, images_for, local_config
from shared.errors import NotFoundError, ValidationError
from shared.services.templates import base, canvas, fonts, png, registry, text, typeset
from shared.services.templates.renderer import render

RATIOS = [None, "1:1", "4:5", "9:16"]
EXPECTED = {None: (1200, 630), "1:1": (1080, 1080), "4:5": (1080, 1350), "9:16": (1080, 1920)}


def decode(png: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(png))
    assert image.format == "PNG"
    image.load()
    return image.convert("RGB")


def rendered(slug: str, config: dict, ratio: str | None = None):
    template = registry.get(slug)
    result = render(template, template.validate(local_config(config)), ratio, images_for(config))
    return result, decode(result.png)


@pytest.mark.parametrize("ratio", RATIOS, ids=lambda r: r or "og")
@pytest.mark.parametrize("slug", list(SAMPLES))
def test_every_template_renders_at_every_size_with_its_text_inside(slug, ratio):
    result, image = rendered(slug, SAMPLES[slug], ratio)
    assert image.size == EXPECTED[ratio] == (result.width, result.height)
    assert len(result.png) > 10_000  # a designed card, not a blank canvas
    assert result.drawn, "the template drew no text"
    for name, drawn in result.drawn.items():
        left, top, right, bottom = drawn.box
        assert 0 <= left < right <= image.width and 0 <= top < bottom <= image.height, (name, drawn.box)
        assert not drawn.truncated, f"{name} was cut although the sample text is short"
        # The ink really is there: the area differs from a flat fill of its first pixel.
        region = image.crop(drawn.box)
        assert region.getextrema() != tuple((c, c) for c in region.getpixel((0, 0))), name


def test_text_pixels_stay_inside_the_canvas_and_away_from_its_edges():
    """The pixels that change when only the title changes are all well inside."""
    base = {"title": "New Video!", "backgroundUrl": "sample:photo", "showPlayButton": False}
    long = dict(base, title="An extraordinarily long video title that would run far past the edge of any "
                            "thumbnail if it were not wrapped and shrunk to fit")
    for ratio in (None, "9:16"):
        _, short_image = rendered("videoThumbnail", base, ratio)
        result, long_image = rendered("videoThumbnail", long, ratio)
        changed = ImageChops.difference(short_image, long_image).convert("L").point(lambda v: 255 if v > 24 else 0)
        left, top, right, bottom = changed.getbbox()
        margin = 40 * image_unit(long_image)
        assert left >= margin and right <= long_image.width - margin, (ratio, changed.getbbox())
        assert top >= margin and bottom <= long_image.height - margin * 0.5, (ratio, changed.getbbox())
        assert result.drawn["title"].lines >= 2


def image_unit(image: Image.Image) -> float:
    return image.width / 1080


def test_a_long_headline_shrinks_instead_of_overflowing():
    short = {"headline": "Launch day", "cta": "Read more", "date": "Nov 25"}
    long = dict(short, headline="We rebuilt the whole publishing pipeline from scratch so that every post reaches "
                                "every platform exactly once, on time, with its media, and told you when it did")
    for ratio in (None, "1:1", "9:16"):
        a, _ = rendered("announcement", short, ratio)
        b, image = rendered("announcement", long, ratio)
        assert b.drawn["headline"].size < a.drawn["headline"].size, ratio
        assert not b.drawn["headline"].truncated
        headline, cta = b.drawn["headline"].box, b.drawn["cta"].box
        assert headline[3] < cta[1], "the headline ran into the button"
        assert headline[2] <= image.width - 40 * image_unit(image)


def _largest_size_by_brute_force(snippet: str, style: text.Style, width: int, height: int, top: int, bottom: int):
    paragraphs = text._paragraph_words(snippet)
    for size in range(top, bottom - 1, -1):
        exact = lambda w, size=size: text.text_width(w, style, size)  # noqa: E731
        lines = text._wrap(paragraphs, exact, exact(" "), width)
        if lines and len(lines) * size * style.line_height <= height + 0.5:
            return size
    return bottom


@pytest.mark.parametrize("snippet", [
    "We just launched our new product and it is the best thing we ever made",
    "أطلقنا منتجنا الجديد اليوم 🚀",
    "नमस्ते दुनिया, यह हमारा नया उत्पाद है",
    "Hi 👋🏽 مرحبا بالعالم and नमस्ते — Привет!",
])
def test_fit_finds_the_largest_size_that_fits(snippet):
    """The estimate-then-verify search lands where measuring every size exactly would."""
    style = text.Style("sans", 800, 1.1)
    for width, height in ((1056, 141), (700, 400), (400, 600)):
        block = text.fit(snippet, style, width, height, 120, 20)
        best = _largest_size_by_brute_force(snippet, style, width, height, 120, 20)
        assert best - 2 <= block.size <= best + 1, (width, height, block.size, best)
        assert all(w <= width + 0.5 for w in block.widths)
        assert block.height <= height + 0.5 and not block.truncated


def test_text_too_long_for_the_smallest_size_ends_with_an_ellipsis():
    block = text.fit("word " * 400, text.Style("sans", 400, 1.3), 600, 200, 60, 20)
    assert block.truncated and block.size == 20
    assert block.lines[-1].endswith(text.ELLIPSIS)
    assert len(block.lines) * block.line_px <= 200 + 0.5
    assert all(w <= 600 for w in block.widths)


def test_a_word_wider_than_the_box_is_broken_only_at_the_smallest_size():
    url = "https://example.com/" + "a" * 120
    block = text.fit(url, text.Style("sans", 400), 400, 400, 48, 16)
    assert block.size == 16 and len(block.lines) > 1
    assert "".join(block.lines) == url
    assert all(w <= 400 for w in block.widths)


# -- scripts and emoji --------------------------------------------------------------------

def _ink(snippet: str, size: int = 64) -> Image.Image:
    style = text.Style("sans", 400)
    block = text.fit(snippet, style, 1000, 200, size, size, max_lines=1)
    layer, _ = typeset.render_block(block, 1000, "left", (0, 0, 0, 255))
    white = Image.new("RGBA", layer.size, (255, 255, 255, 255))
    white.alpha_composite(layer)
    return white.convert("RGB")


TOFU = "\u0378"  # an unassigned code point: no font has it, so it is drawn as .notdef


def test_the_tofu_reference_really_is_the_notdef_box():
    assert not any(fonts.covers(face, ord(TOFU)) for face in fonts.FACES)
    assert _ink(TOFU).getbbox() is not None  # .notdef is drawn, which is what we compare against


@pytest.mark.parametrize("snippet, face", [
    ("مرحبا", "arabic"), ("नमस्ते", "devanagari"), ("Привет", "inter"), ("Γειά σου", "inter"),
    ("\U0001F680", "emoji"), ("\U0001F469\U0001F3FD\u200D\U0001F4BB", "emoji"), ("\U0001F1EF\U0001F1F5", "emoji"),
])
def test_scripts_and_emoji_are_drawn_as_glyphs_not_tofu(snippet, face):
    runs = text.segment(snippet, fonts.CHAINS["sans"])
    assert [r.face for r in runs] == [face], runs
    drawn = _ink(snippet)
    tofu = _ink(TOFU * len(runs[0].text))
    assert ImageChops.difference(drawn, tofu).getbbox() is not None
    # Each glyph is drawn once, not as one .notdef box per character: compare single characters too.
    one_tofu = _ink(TOFU).crop(_ink(TOFU).getbbox())
    ink = drawn.crop(drawn.convert("L").point(lambda v: 255 if v < 250 else 0).getbbox())
    assert ink.size != one_tofu.size or ImageChops.difference(ink, one_tofu).getbbox() is not None


def test_emoji_are_in_colour():
    data = _ink("\U0001F680\U0001F389").tobytes()
    saturated = sum(1 for i in range(0, len(data), 3) if max(data[i:i + 3]) - min(data[i:i + 3]) > 80)
    assert saturated > 500


def test_a_zwj_sequence_is_one_emoji_not_its_parts():
    family = "\U0001F469\U0001F3FD\u200D\U0001F4BB"  # woman technologist, medium skin tone
    assert text._emoji_count(family) == 1
    one, parts = _ink(family), _ink("\U0001F469\U0001F3FD\U0001F4BB")
    width = lambda im: im.convert("L").point(lambda v: 255 if v < 250 else 0).getbbox()[2]  # noqa: E731
    assert width(one) < width(parts) * 0.7


def test_mixed_line_segments_into_runs_per_font():
    runs = text.segment("Hi 👋🏽 مرحبا بالعالم and नमस्ते!", fonts.CHAINS["sans"])
    faces = [r.face for r in runs]
    assert faces[:5] == ["inter", "emoji", "inter", "arabic", "inter"] and "devanagari" in faces, runs
    assert runs[3].text == "مرحبا بالعالم"  # one run: raqm orders the phrase right to left


def test_the_cmap_reader_knows_what_each_font_holds():
    assert fonts.covers("inter", ord("A")) and fonts.covers("inter", ord("Ж"))
    assert not fonts.covers("inter", 0x0627) and fonts.covers("arabic", 0x0627)
    assert fonts.covers("devanagari", 0x0915) and fonts.covers("emoji", 0x1F680)
    assert not fonts.covers("emoji", ord("A"))


# -- drawing and encoding -------------------------------------------------------------------

@pytest.mark.parametrize("size", [(1, 1), (1, 7), (7, 1), (37, 23), (300, 2)])
def test_the_png_encoder_round_trips_every_pixel(size):
    data = bytes((i * 7919 + i // 3 * 131) % 256 for i in range(size[0] * size[1] * 3))
    noise = Image.frombytes("RGB", size, data)
    encoded = png.encode(noise)
    assert encoded.startswith(png.SIGNATURE)
    assert ImageChops.difference(decode(encoded), noise).getbbox() is None


def test_a_rendered_card_encodes_to_the_pixels_drawn():
    template = registry.get("tweetImage")
    scene = base.Scene(image=canvas.new_canvas((1200, 630), (0, 0, 0)),
                       config=template.validate(local_config(SAMPLES["tweetImage"])), images={})
    template.draw(scene)
    assert ImageChops.difference(decode(png.encode(scene.image)), scene.image).getbbox() is None


def test_fill_rounded_paints_what_the_rounded_mask_does():
    box, radius = (40, 30, 340, 210), 36
    by_mask, by_fill = (Image.new("RGB", (400, 260), (9, 9, 9)) for _ in range(2))
    canvas.fill_shape(by_mask, canvas.rounded_mask((box[2] - box[0], box[3] - box[1]), radius), box[0], box[1],
                      (200, 100, 50))
    canvas.fill_rounded(by_fill, box, radius, (200, 100, 50))
    assert ImageChops.difference(by_mask, by_fill).getbbox() is None


def test_a_covered_drop_shadow_differs_only_where_the_card_goes():
    box, radius = (120, 100, 520, 420), 36
    whole, ring = (Image.new("RGB", (640, 560), (230, 230, 230)) for _ in range(2))
    canvas.drop_shadow(whole, box, radius, 40, 120, offset=(0, 18))
    canvas.drop_shadow(ring, box, radius, 40, 120, offset=(0, 18), covered=True)
    for image in (whole, ring):
        canvas.fill_rounded(image, box, radius, (255, 255, 255))
    assert ImageChops.difference(whole, ring).getbbox() is None


def test_templates_import_no_web_layer_and_form_no_cycle():
    """Template modules import base.py, the registry imports them: no cycle, and no
    shared.web anywhere in the templates service (routes translate its errors)."""
    import ast
    from pathlib import Path

    package = Path(registry.__file__).parent
    modules = {p.stem: p for p in package.glob("*.py")}
    edges: dict[str, set[str]] = {}
    for stem, path in modules.items():
        found = set()
        for node in ast.walk(ast.parse(path.read_text())):
            names = []
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
            elif isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            for name in names:
                assert not name.startswith("shared.web"), f"{path.name} imports {name}"
                prefix = "shared.services.templates."
                if name.startswith(prefix) and name[len(prefix):].split(".")[0] in modules:
                    found.add(name[len(prefix):].split(".")[0])
        edges[stem] = found - {stem}

    def reaches(start: str, goal: str, seen: set[str]) -> bool:
        return any(n == goal or (n not in seen and reaches(n, goal, seen | {n})) for n in edges[start])

    cycles = [m for m in edges if reaches(m, m, {m})]
    assert not cycles, f"import cycle through {cycles}: {edges}"
    assert {"tweet_image", "video_thumbnail", "quote_card", "announcement"} <= edges["registry"]


# -- configs ---------------------------------------------------------------------------------

def test_unknown_slug_lists_the_available_ones():
    with pytest.raises(NotFoundError) as caught:
        registry.get("nope")
    assert caught.value.details["available"] == ["tweetImage", "videoThumbnail", "quoteCard", "announcement"]


@pytest.mark.parametrize("config, field, code", [
    ({"content": "hi", "titel": "typo"}, "body.config.titel", "unrecognized_keys"),
    ({"content": "hi", "accentColor": "blue"}, "body.config.accentColor", "invalid_string"),
    ({"content": "hi", "avatarUrl": "not a url"}, "body.config.avatarUrl", "invalid_string"),
    ({"content": "x" * 1001}, "body.config.content", "too_big"),
    ({"content": "hi", "theme": "sepia"}, "body.config.theme", "invalid_enum_value"),
])
def test_config_errors_name_the_field(config, field, code):
    with pytest.raises(ValidationError) as caught:
        registry.get("tweetImage").validate(config)
    assert {(d["field"], d["code"]) for d in caught.value.details} == {(field, code)}


def test_an_image_given_two_ways_is_refused():
    with pytest.raises(ValidationError) as caught:
        registry.get("tweetImage").validate({"content": "hi", "avatarUrl": "https://a.example/x.png",
                                              "avatarMediaId": "m1"})
    assert "not both" in caught.value.details[0]["message"]


def test_listing_describes_fields_for_forms():
    infos = {info.slug: info for info in registry.describe()}
    fields = {f.key: f for f in infos["videoThumbnail"].fields}
    assert fields["title"].required and fields["title"].maxLength == 200
    assert fields["accentColor"].type == "color" and fields["backgroundMediaId"].type == "mediaId"
    assert fields["theme"].choices == ["dark", "light"] and fields["theme"].default == "dark"
    assert [s.aspectRatio for s in infos["tweetImage"].sizes] == [None, "1:1", "4:5", "9:16"]


def test_palette_picks_readable_text_on_the_accent():
    assert canvas.readable_on((255, 230, 0)) == (17, 24, 39)
    assert canvas.readable_on((30, 30, 120)) == (255, 255, 255)


@pytest.mark.parametrize("snippet", ["\u200d\u200d\u200d", "\U000E0001", "\u200b", "\ufe0f", "a\u0000b", "x" * 1000,
                                     "\u202e reversed", "\u0301\u0301 marks"])
def test_odd_text_renders_instead_of_crashing(snippet):
    """Invisible-only, control and unbroken text: a card (a 500 before zero widths were guarded)."""
    result, image = rendered("tweetImage", {"title": snippet[:200], "content": snippet})
    assert image.size == (1200, 630)
    for drawn in result.drawn.values():
        assert 0 <= drawn.box[0] <= drawn.box[2] <= image.width and 0 <= drawn.box[1] <= drawn.box[3] <= image.height


# -- template images: reduced before they are turned upright ----------------------------

def _sideways(fmt: str, size: tuple[int, int]) -> bytes:
    """A landscape image stored sideways: left half red, right half blue, with EXIF
    orientation 6 (turn 90° clockwise to show it). Shown upright it is portrait,
    red on top and blue below."""
    w, h = size
    image = Image.new("RGB", size, (255, 0, 0))
    image.paste((0, 0, 255), (w // 2, 0, w, h))
    exif = Image.Exif()
    exif[0x0112] = 6
    out = io.BytesIO()
    image.save(out, fmt, exif=exif.tobytes())
    return out.getvalue()


@pytest.mark.parametrize("fmt", ["PNG", "JPEG"])
def test_a_large_exif_rotated_image_is_reduced_first_and_comes_out_upright(fmt, monkeypatch):
    from PIL import ImageOps

    from shared.services.templates import images

    seen: list[tuple[int, int]] = []
    transpose = ImageOps.exif_transpose

    def spy(image, **kwargs):
        seen.append(image.size)
        return transpose(image, **kwargs)

    monkeypatch.setattr(ImageOps, "exif_transpose", spy)
    # 6000x1500 is over the working size: a PNG has no draft mode, so only a thumbnail
    # taken before the transpose keeps the transpose from copying all 9 Mpx.
    out = images.decode(_sideways(fmt, (6000, 1500)), "background", "url")
    assert seen and all(max(size) <= images.WORKING_SIZE for size in seen), seen
    assert out.size == (images.WORKING_SIZE // 4, images.WORKING_SIZE)  # portrait, as shown
    top, bottom = out.getpixel((out.width // 2, 10)), out.getpixel((out.width // 2, out.height - 10))
    assert top[0] > 200 and top[2] < 60, top  # red on top
    assert bottom[2] > 200 and bottom[0] < 60, bottom  # blue below


# -- template images: bounded memory -----------------------------------------------------

def _png_claiming(width: int, height: int) -> bytes:
    """A ~60-byte PNG whose header declares `width`x`height`: a decompression bomb's shape."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)  # 8-bit RGB
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(b"\x00" * 64)) + chunk(b"IEND", b""))


def test_an_image_declaring_huge_dimensions_is_refused_from_its_header(monkeypatch):
    from shared.services.templates import ImageUnavailableError, images

    loads: list[tuple[int, int]] = []
    load = Image.Image.load

    def spy(self):
        loads.append(self.size)
        return load(self)

    monkeypatch.setattr(Image.Image, "load", spy)
    bomb = _png_claiming(40_000, 40_000)
    assert len(bomb) < 100
    with pytest.raises(ImageUnavailableError) as refused:
        images.decode(bomb, "background", "url")
    assert refused.value.status == 400 and refused.value.code == "image_unavailable"
    assert not loads  # refused from the header: not one pixel decoded
    # Just over the cap (8000x5001) is refused the same way, with the size named.
    with pytest.raises(ImageUnavailableError, match="8000x5001"):
        images.decode(_png_claiming(8000, 5001), "avatar", "url")
    assert not loads
    assert Image.MAX_IMAGE_PIXELS == images.MAX_PIXELS  # Pillow's own guard, for other decoders


def test_concurrent_decodes_never_hold_more_than_the_memory_budget(monkeypatch):
    import threading

    from shared.services.templates import images

    size = (3000, 2000)
    cost = images.decode_cost("RGB", *size)
    budget = images.DecodeBudget(2 * cost + cost // 2)  # room for two at once, not three
    monkeypatch.setattr(images, "budget", budget)
    out = io.BytesIO()
    Image.new("RGB", size, (10, 200, 30)).save(out, "PNG")
    data = out.getvalue()

    inside, most = [0], [0]
    lock = threading.Lock()
    thumbnail = Image.Image.thumbnail

    def counted(self, *args, **kwargs):  # the decode itself happens inside thumbnail()
        with lock:
            inside[0] += 1
            most[0] = max(most[0], inside[0])
        try:
            return thumbnail(self, *args, **kwargs)
        finally:
            with lock:
                inside[0] -= 1

    monkeypatch.setattr(Image.Image, "thumbnail", counted)
    results: list = []
    threads = [threading.Thread(target=lambda: results.append(images.decode(data, "background", "url")))
               for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == 6 and all(r.size == (2048, 1365) for r in results)
    assert most[0] <= 2, most  # never three full-size decodes at once
    assert budget.peak <= budget.total and budget.in_use == 0


def test_a_decode_that_cannot_get_memory_in_time_is_503(monkeypatch):
    from shared.errors import ServiceUnavailableError
    from shared.services.templates import images

    budget = images.DecodeBudget(images.decode_cost("RGB", 1000, 1000))
    monkeypatch.setattr(images, "budget", budget)
    monkeypatch.setattr(images, "DECODE_WAIT_S", 0.2)
    out = io.BytesIO()
    Image.new("RGB", (1000, 1000)).save(out, "PNG")
    with budget.hold(budget.total):  # another decode holds all of it
        with pytest.raises(ServiceUnavailableError) as busy:
            images.decode(out.getvalue(), "background", "url")
    assert busy.value.status == 503 and busy.value.headers == {"Retry-After": "5"}
    assert images.decode(out.getvalue(), "background", "url").size == (1000, 1000)  # free again
