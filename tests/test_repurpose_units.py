"""Pure rules of the repurpose automation: captions cut to each platform's count, and
which media a derived post carries per link type (no I/O)."""

from __future__ import annotations

import pytest

from shared.platforms import Platform, text_length
from shared.services.repurpose.derive import CannotDerive, caption, media_ids, shorten

IMAGES = [{"kind": "image", "mediaId": f"img{i}", "url": f"u{i}"} for i in range(12)]
VIDEO = [{"kind": "video", "mediaId": "vid", "url": "v"}, {"kind": "image", "mediaId": "cover", "url": "c"}]


def test_short_text_is_kept_as_is():
    assert caption(Platform.X, "Hello 🚀") == "Hello 🚀"


def test_x_counts_wide_characters_and_urls_as_submission_does():
    text = "日本語のテキスト" * 40  # 320 characters, 640 weighted
    cut = caption(Platform.X, text)
    assert cut.endswith("…") and text_length(Platform.X, cut) <= 280
    kept = len(cut) - 1
    assert text_length(Platform.X, text[:kept + 1] + "…") > 280  # one more character would not fit
    with_url = "See https://example.com/" + "a" * 500 + " " + "word " * 60
    assert text_length(Platform.X, caption(Platform.X, with_url)) <= 280


def test_cut_between_words_when_one_is_near():
    text = " ".join(["repurpose"] * 40)
    cut = caption(Platform.SNAPCHAT, text)
    assert len(cut) <= 160 and cut.endswith("repurpose…")
    assert shorten("abcdefghij", lambda s: len(s) <= 5) == "abcd…"


@pytest.mark.parametrize("platform, expected", [
    (Platform.FACEBOOK, ["card", *[f"img{i}" for i in range(9)]]),  # 10 per post: card + 9
    (Platform.X, ["card", "img0", "img1", "img2"]),
    (Platform.SNAPCHAT, ["img0"]),  # one image: the source's, no card
])
def test_image_links_put_the_card_first_within_the_platform_limit(platform, expected):
    assert media_ids("image", platform, IMAGES, "card") == expected


def test_text_and_video_links():
    assert media_ids("text", Platform.INSTAGRAM, [], "card") == ["card"]
    assert media_ids("video", Platform.YOUTUBE, VIDEO, "card") == ["vid", "card"]  # the card replaces the cover
    assert media_ids("video", Platform.TIKTOK, VIDEO, None) == ["vid"]  # no text: no card
    assert media_ids("image", Platform.X, IMAGES[:2], None) == ["img0", "img1"]


def test_media_never_stored_is_a_recorded_skip():
    with pytest.raises(CannotDerive) as raised:
        media_ids("image", Platform.X, [{"kind": "image", "url": "https://example.com/a.jpg"}], "card")
    assert raised.value.code == "media_missing"
    with pytest.raises(CannotDerive):
        media_ids("video", Platform.X, IMAGES[:1], "card")
