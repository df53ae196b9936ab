"""The manifests of TikTok, YouTube, LinkedIn and Snapchat (issue 38, item 2), at unit level.

What a manifest states is what `GET /v1/platforms` tells callers and what submission checks,
so it must be what the platform's publisher enforces: every figure a publisher checks is
compared with the manifest's here, and a manifest figure changed without its publisher (or a
publisher constant changed without its manifest) fails. Also: the post kinds agree with the
options model where the options select a kind, every media rule names its formats and its
source, and the scopes a capability needs are ones Soku's connector asks for.
"""

from __future__ import annotations

import typing

import pytest
from annotated_types import Le, MaxLen

from shared.platforms import RULES, Platform, PlatformRules, PostKind, loader

PLATFORMS = (Platform.TIKTOK, Platform.YOUTUBE, Platform.LINKEDIN, Platform.SNAPCHAT)
CAPABILITIES = {"delete", "metrics", "firstComment"}


def manifest(platform: Platform) -> PlatformRules:
    return loader.part(platform, "manifest").MANIFEST


def kind(platform: Platform, name: str) -> PostKind:
    kinds = {k.name: k for k in manifest(platform).post_kinds}
    assert name in kinds, f"{platform.value} has no post kind {name!r}: {sorted(kinds)}"
    return kinds[name]


def rule(platform: Platform, kind_name: str, media_type: str):
    rules = [m for m in kind(platform, kind_name).media if m.type == media_type]
    assert len(rules) == 1, f"{platform.value} {kind_name}: expected one {media_type} rule, got {rules}"
    return rules[0]


def constraint(model, field: str, kind_of):
    """A field's pydantic constraint (MaxLen, Le, ...) value."""
    for item in model.model_fields[field].metadata:
        if isinstance(item, kind_of):
            return item.max_length if isinstance(item, MaxLen) else item.le
    raise AssertionError(f"{model.__name__}.{field} has no {kind_of.__name__}")


# -- shape: every manifest is filled, sourced, and what submission reads ------------------

@pytest.mark.parametrize("platform", PLATFORMS, ids=lambda p: p.value)
def test_manifest_is_what_submission_reads(platform):
    assert RULES[platform] is manifest(platform)


@pytest.mark.parametrize("platform", PLATFORMS, ids=lambda p: p.value)
def test_text_limit_has_a_source(platform):
    assert manifest(platform).text_source.startswith("https://")


@pytest.mark.parametrize("platform", PLATFORMS, ids=lambda p: p.value)
def test_every_kind_and_media_rule_is_described_and_sourced(platform):
    kinds = manifest(platform).post_kinds
    assert kinds, f"{platform.value}: no post kinds"
    assert len({k.name for k in kinds}) == len(kinds)
    for k in kinds:
        assert k.description.strip() and k.source.startswith("https://"), k
        assert 0 <= k.min_media <= k.max_media, k
        assert bool(k.media) == (k.max_media > 0), k
        for m in k.media:
            assert m.type in ("image", "video"), m
            assert m.formats and all("/" in f and f.split("/")[0] == m.type for f in m.formats), m
            assert m.source.startswith("https://"), m
            assert m.max_bytes is None or m.max_bytes > 0, m
            if m.min_duration_s is not None and m.max_duration_s is not None:
                assert m.min_duration_s < m.max_duration_s, m


@pytest.mark.parametrize("platform", PLATFORMS, ids=lambda p: p.value)
def test_manifest_flags_agree_with_its_kinds(platform):
    rules = manifest(platform)
    media = [m for k in rules.post_kinds for m in k.media]
    assert rules.accepts_video == any(m.type == "video" for m in media)
    assert rules.media_required == all(k.min_media > 0 for k in rules.post_kinds)
    image_kinds = [k for k in rules.post_kinds if any(m.type == "image" for m in k.media)]
    if rules.accepts_images:  # image posts: the most images a kind takes is the manifest's per-post count
        assert rules.max_images == max(k.max_media for k in image_kinds)
    else:  # YouTube: an image only rides along with the video, as its thumbnail
        assert rules.max_images == 0
        assert all(any(m.type == "video" for m in k.media) for k in image_kinds)


# -- post kinds and the options model ---------------------------------------------------------

def test_snapchat_kinds_are_the_options_kinds():
    options = loader.part(Platform.SNAPCHAT, "options").OPTIONS
    values = set(typing.get_args(options.model_fields["kind"].annotation))
    assert values == {k.name for k in manifest(Platform.SNAPCHAT).post_kinds} == {"story", "spotlight"}
    assert options.model_fields["kind"].default in values
    publisher = loader.part(Platform.SNAPCHAT, "publisher")
    assert set(publisher.PLURAL) == values  # every kind the options select is one the publisher posts


@pytest.mark.parametrize("platform", (Platform.TIKTOK, Platform.YOUTUBE, Platform.LINKEDIN), ids=lambda p: p.value)
def test_options_select_no_kind_where_the_media_does(platform):
    """TikTok, YouTube and LinkedIn choose the kind from the media; their options name none."""
    options = loader.part(platform, "options").OPTIONS
    assert not {"kind", "postType", "type"} & set(options.model_fields)


def test_kind_names():
    assert [k.name for k in manifest(Platform.TIKTOK).post_kinds] == ["video", "photo"]
    assert [k.name for k in manifest(Platform.YOUTUBE).post_kinds] == ["video"]  # Shorts are not a kind
    assert [k.name for k in manifest(Platform.LINKEDIN).post_kinds] == ["text", "image", "multiImage", "video"]
    assert not kind(Platform.SNAPCHAT, "story").carries_text  # the Story API takes no caption
    assert kind(Platform.SNAPCHAT, "spotlight").carries_text


# -- the publishers enforce the manifests' figures ---------------------------------------------

def test_tiktok_publisher_enforces_the_manifest():
    publisher = loader.part(Platform.TIKTOK, "publisher")
    limits, rules = publisher.LIMITS, manifest(Platform.TIKTOK)
    video, photo = rule(Platform.TIKTOK, "video", "video"), rule(Platform.TIKTOK, "photo", "image")
    assert set(video.formats) == publisher.VIDEO_TYPES
    assert video.max_bytes == limits.max_video_bytes == 4 * 1024 ** 3
    assert video.max_duration_s == 600
    assert set(photo.formats) == publisher.PHOTO_TYPES
    assert photo.max_bytes == limits.max_photo_bytes == 20 * 1024 ** 2
    photos = kind(Platform.TIKTOK, "photo")
    assert (photos.min_media, photos.max_media) == (limits.min_photos, limits.max_photos) == (1, 35)
    assert rules.max_images == limits.max_photos
    assert (kind(Platform.TIKTOK, "video").min_media, kind(Platform.TIKTOK, "video").max_media) == (1, 1)
    assert rules.max_text == limits.max_video_title == 2200
    assert limits.max_video_title <= limits.max_photo_description  # the stricter of the two is checked
    options = loader.part(Platform.TIKTOK, "options").OPTIONS
    assert constraint(options, "title", MaxLen) == limits.max_photo_title
    assert constraint(options, "photoCoverIndex", Le) == limits.max_photos - 1


def test_youtube_publisher_enforces_the_manifest():
    publisher = loader.part(Platform.YOUTUBE, "publisher")
    limits, rules = publisher.LIMITS, manifest(Platform.YOUTUBE)
    thumbnail = rule(Platform.YOUTUBE, "video", "image")
    assert thumbnail.formats == limits.thumbnail_types == ("image/jpeg", "image/png")
    assert thumbnail.max_bytes == limits.max_thumbnail_bytes == 2 * 1024 ** 2
    video = kind(Platform.YOUTUBE, "video")
    assert (video.min_media, video.max_media) == (1, 2)  # the video, and an image as its thumbnail
    assert rule(Platform.YOUTUBE, "video", "video").max_bytes == 256 * 1000 ** 3
    assert (rules.max_text, rules.text_unit) == (5000, "bytes")
    assert loader.part(Platform.YOUTUBE, "manifest").MAX_TITLE_CHARS == limits.max_title_chars == 100
    options = loader.part(Platform.YOUTUBE, "options").OPTIONS
    assert constraint(options, "title", MaxLen) == limits.max_title_chars


def test_linkedin_publisher_enforces_the_manifest():
    publisher = loader.part(Platform.LINKEDIN, "publisher")
    limits, rules = publisher.LIMITS, manifest(Platform.LINKEDIN)
    for name in ("image", "multiImage"):
        assert rule(Platform.LINKEDIN, name, "image").formats == limits.image_types
    assert (kind(Platform.LINKEDIN, "image").min_media, kind(Platform.LINKEDIN, "image").max_media) == (1, 1)
    multi = kind(Platform.LINKEDIN, "multiImage")
    assert (multi.min_media, multi.max_media) == (limits.min_multi_images, limits.max_images) == (2, 20)
    assert rules.max_images == limits.max_images
    video = rule(Platform.LINKEDIN, "video", "video")
    assert video.max_bytes == limits.max_video_bytes == 500 * 1024 ** 2
    assert (video.min_duration_s, video.max_duration_s) == (3, 1800)
    assert kind(Platform.LINKEDIN, "video").max_media == limits.max_videos == 1
    assert kind(Platform.LINKEDIN, "text").max_media == 0
    assert rules.max_text == limits.max_commentary == 3000


def test_snapchat_publisher_enforces_the_manifest():
    publisher = loader.part(Platform.SNAPCHAT, "publisher")
    limits, rules = publisher.LIMITS, manifest(Platform.SNAPCHAT)
    assert rule(Platform.SNAPCHAT, "story", "image").max_bytes == limits.max_image_bytes == 20 * 1024 ** 2
    for name in ("story", "spotlight"):
        assert rule(Platform.SNAPCHAT, name, "video").max_bytes == limits.max_video_bytes == 500 * 1024 ** 2
        assert (kind(Platform.SNAPCHAT, name).min_media, kind(Platform.SNAPCHAT, name).max_media) == (1, 1)
    assert [m.type for m in kind(Platform.SNAPCHAT, "spotlight").media] == ["video"]  # Spotlight is video only
    assert rules.max_text == limits.max_description == 160
    options = loader.part(Platform.SNAPCHAT, "options").OPTIONS
    assert constraint(options, "description", MaxLen) == limits.max_description


# -- scopes ---------------------------------------------------------------------------------

@pytest.mark.parametrize("platform", PLATFORMS, ids=lambda p: p.value)
def test_scope_needs_name_capabilities_soku_has_and_scopes_it_asks_for(platform):
    needs = manifest(platform).scope_needs
    assert set(needs) <= CAPABILITIES
    requested = set(loader.part(platform, "connector").provider().default_scopes)
    for capability, scopes in needs.items():
        assert scopes and set(scopes) <= requested, (capability, scopes)
    publisher = loader.part(platform, "publisher").PUBLISHER
    if "delete" in needs:
        assert callable(getattr(publisher, "delete_post", None))
    if "metrics" in needs:
        assert loader.part(platform, "insights").SUPPORTED


def test_scope_needs():
    assert manifest(Platform.TIKTOK).scope_needs == {"metrics": ("video.list", "user.info.stats")}
    assert manifest(Platform.YOUTUBE).scope_needs == {
        "delete": ("https://www.googleapis.com/auth/youtube.force-ssl",),
        "metrics": ("https://www.googleapis.com/auth/youtube.readonly",),
        "firstComment": ("https://www.googleapis.com/auth/youtube.force-ssl",)}  # commentThreads.insert
    assert manifest(Platform.LINKEDIN).scope_needs == {"metrics": ("r_organization_admin",)}
    assert manifest(Platform.SNAPCHAT).scope_needs == {}
    assert not loader.part(Platform.SNAPCHAT, "insights").SUPPORTED
