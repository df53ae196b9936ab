"""The manifests of X, Instagram, Facebook Pages and Threads (issue 38, item 2), at unit level
(no stack): their post kinds agree with the options models and with what the publishers decide,
every figure has its source, and the figures the publishers enforce are the manifests' own. A
manifest figure changed without the publisher (or the other way round) fails here."""

from __future__ import annotations

import typing
from types import SimpleNamespace

import pytest

from shared.platforms import RULES, MediaRule, Platform, PostKind, loader
from shared.services.publishing.base import PostContent
from shared.services.publishing.errors import PermanentError
from shared.services.publishing.media import StoredMedia

MINE = (Platform.X, Platform.INSTAGRAM, Platform.FACEBOOK, Platform.THREADS)
CAPABILITIES = {"delete", "metrics", "firstComment"}
# Scopes a capability needs that the connector does not ask for: none (every capability's scopes
# are in the default login, or its accounts could never have it).
NOT_REQUESTED: set[tuple[Platform, str]] = set()


def _kinds(platform: Platform) -> dict[str, PostKind]:
    return {kind.name: kind for kind in RULES[platform].post_kinds}


def _literals(annotation) -> set[str]:
    """The string values of a `Literal[...] | None` annotation."""
    if typing.get_origin(annotation) is typing.Literal:
        return set(typing.get_args(annotation))
    return set().union(*(_literals(arg) for arg in typing.get_args(annotation)))


def _ctx(media_type: str, media: list[dict], text: str = "hello", **options) -> SimpleNamespace:
    return SimpleNamespace(content=PostContent(text, media_type, media, options), checkpoint={})


def _items(kind: str, n: int) -> list[dict]:
    return [{"kind": kind, "mediaId": f"{kind}{i}"} for i in range(n)]


def _stored(size: int, content_type: str = "image/jpeg") -> StoredMedia:
    return StoredMedia(None, size, content_type, "https://media.example/x")


def _rule(kind: PostKind, media_type: str) -> MediaRule:
    rules = [rule for rule in kind.media if rule.type == media_type]
    assert len(rules) == 1, (kind.name, media_type)
    return rules[0]


# -- every manifest -----------------------------------------------------------------------------

@pytest.mark.parametrize("platform", MINE, ids=lambda p: p.value)
def test_every_kind_and_media_rule_is_sourced(platform):
    rules = RULES[platform]
    assert rules.text_source.startswith("https://"), rules.text_source
    assert rules.post_kinds
    assert len(_kinds(platform)) == len(rules.post_kinds), "post kind names repeat"
    for kind in rules.post_kinds:
        assert kind.description and kind.source.startswith("https://"), kind
        assert 0 <= kind.min_media <= kind.max_media, kind
        assert kind.max_media <= rules.max_images, kind  # submission's bound holds every kind
        assert bool(kind.media) == (kind.max_media > 0), kind
        for rule in kind.media:
            assert rule.type in ("image", "video"), rule
            assert rule.formats and all(f.startswith(f"{rule.type}/") for f in rule.formats), rule
            assert rule.source.startswith("https://"), rule
            if rule.min_duration_s is not None and rule.max_duration_s is not None:
                assert rule.min_duration_s < rule.max_duration_s, rule
    assert rules.accepts_images == any(r.type == "image" for k in rules.post_kinds for r in k.media)
    assert rules.accepts_video == any(r.type == "video" for k in rules.post_kinds for r in k.media)
    assert rules.media_required == all(k.min_media > 0 for k in rules.post_kinds)


@pytest.mark.parametrize("platform", MINE, ids=lambda p: p.value)
def test_scope_needs_name_capabilities_the_platform_has_and_scopes_the_connector_asks_for(platform):
    needs = RULES[platform].scope_needs
    assert set(needs) <= CAPABILITIES
    publisher = loader.part(platform, "publisher").PUBLISHER
    insights = loader.part(platform, "insights")
    if "delete" in needs:
        assert hasattr(publisher, "delete_post")
    if "metrics" in needs:
        assert insights.SUPPORTED
    if "firstComment" in needs:
        assert "firstComment" in loader.part(platform, "options").OPTIONS.model_fields
    requested = set(loader.part(platform, "connector").provider().default_scopes)
    for scopes in needs.values():
        assert scopes
        for scope in scopes:
            assert scope in requested or (platform, scope) in NOT_REQUESTED, (platform, scope)


def test_the_scope_needs_stated():
    assert RULES[Platform.X].scope_needs == {"delete": ("tweet.write",), "metrics": ("tweet.read", "users.read")}
    assert RULES[Platform.THREADS].scope_needs == {"delete": ("threads_delete",),
                                                  "metrics": ("threads_manage_insights",)}
    assert RULES[Platform.INSTAGRAM].scope_needs["metrics"] == ("instagram_manage_insights",)
    assert RULES[Platform.FACEBOOK].scope_needs["metrics"] == ("read_insights",)
    # POST /{post-id}/comments as the Page (options.facebook.firstComment)
    assert RULES[Platform.FACEBOOK].scope_needs["firstComment"] == ("pages_manage_engagement",)


# -- X --------------------------------------------------------------------------------------

def test_x_has_one_kind_and_the_publisher_takes_its_counts():
    from shared.platforms.x import publisher
    from shared.platforms.x.options import XOptions

    assert "kind" not in XOptions.model_fields  # nothing to select: X has the one kind
    (post,) = RULES[Platform.X].post_kinds
    assert post.name == "post" and post.min_media == 0
    assert post.max_media == publisher.LIMITS.max_images == RULES[Platform.X].max_images
    # The publisher attaches at most that many images, and one video.
    x = publisher.XPublisher()
    assert len(x._media_items(_ctx("image", _items("image", post.max_media + 1)))) == post.max_media
    assert len(x._media_items(_ctx("video", _items("video", 2)))) == publisher.LIMITS.max_videos == 1
    assert x._media_items(_ctx("text", [])) == []
    assert {r.type for r in post.media} == {"image", "video"}
    assert any("image/gif" in r.formats for r in post.media)


# -- Instagram --------------------------------------------------------------------------------

def test_instagram_kinds_are_the_kind_option_values():
    from shared.platforms.instagram.options import InstagramOptions

    assert _literals(InstagramOptions.model_fields["kind"].annotation) == set(_kinds(Platform.INSTAGRAM))
    assert _kinds(Platform.INSTAGRAM)["story"].carries_text is False
    assert all(k.carries_text for n, k in _kinds(Platform.INSTAGRAM).items() if n != "story")


def test_instagram_figures_are_the_publishers():
    from shared.platforms.instagram import publisher

    limits, kinds = publisher.LIMITS, _kinds(Platform.INSTAGRAM)
    feed, reel, story = kinds["feed"], kinds["reel"], kinds["story"]
    assert feed.max_media == limits.max_carousel == RULES[Platform.INSTAGRAM].max_images
    assert limits.min_carousel == 2 and feed.min_media == 1
    assert reel.min_media == reel.max_media == story.min_media == story.max_media == 1
    assert _rule(feed, "image").max_bytes == _rule(story, "image").max_bytes == limits.max_image_bytes
    assert _rule(reel, "video").max_bytes == _rule(feed, "video").max_bytes == limits.max_reel_bytes
    assert _rule(story, "video").max_bytes == limits.max_story_video_bytes
    assert limits.max_caption == RULES[Platform.INSTAGRAM].max_text


@pytest.mark.parametrize("kind,media_type,plan_kind", [
    ("feed", "image", "IMAGE"), ("feed", "video", "CAROUSEL"), ("reel", "video", "REELS"),
    ("story", "image", "STORIES"), ("story", "video", "STORIES"),
])
def test_instagram_refuses_media_just_over_the_manifests_size(monkeypatch, kind, media_type, plan_kind):
    from shared.platforms.instagram import graph_publisher as publisher  # the container flow of both logins

    cap = _rule(_kinds(Platform.INSTAGRAM)[kind], media_type).max_bytes
    ig = publisher.InstagramPublisher()
    item = {"kind": media_type}
    monkeypatch.setattr(publisher, "open_media", lambda _: _stored(cap))
    assert ig._media_params(item, plan_kind)  # exactly the figure: taken
    monkeypatch.setattr(publisher, "open_media", lambda _: _stored(cap + 1))
    with pytest.raises(PermanentError) as refused:
        ig._media_params(item, plan_kind)
    assert refused.value.code == "media_too_large"


def test_instagram_carousel_bounds_are_the_manifests():
    from shared.platforms.instagram import publisher

    feed = _kinds(Platform.INSTAGRAM)["feed"]
    ig = publisher.InstagramPublisher()
    assert ig._plan(_ctx("image", _items("image", feed.max_media), kind="feed")).kind == "CAROUSEL"
    assert ig._plan(_ctx("image", _items("image", publisher.LIMITS.min_carousel), kind="feed")).kind == "CAROUSEL"
    assert ig._plan(_ctx("image", _items("image", 1), kind="feed")).kind == "IMAGE"
    with pytest.raises(PermanentError):
        ig._plan(_ctx("image", _items("image", feed.max_media + 1), kind="feed"))
    with pytest.raises(PermanentError):
        ig._plan(_ctx("image", _items("image", 2), kind="story"))  # a story is one item
    plan = ig._plan(_ctx("video", _items("video", 1), kind="story"))
    assert plan.kind == "STORIES" and plan.caption is None  # stories carry no text


# -- Facebook ---------------------------------------------------------------------------------

def test_facebook_kinds_are_the_publishers_and_the_reel_option_has_its_kind():
    from shared.platforms.facebook import publisher
    from shared.platforms.facebook.options import FacebookOptions

    assert "reel" in FacebookOptions.model_fields and "reel" in _kinds(Platform.FACEBOOK)
    assert set(_kinds(Platform.FACEBOOK)) == {"feed", "photo", "photos", "video", "reel"}
    photos = _kinds(Platform.FACEBOOK)["photos"]
    assert photos.max_media == publisher.LIMITS.max_photos == RULES[Platform.FACEBOOK].max_images
    assert photos.min_media == 2 and _kinds(Platform.FACEBOOK)["photo"].max_media == 1
    reel = _rule(_kinds(Platform.FACEBOOK)["reel"], "video")
    assert (reel.min_duration_s, reel.max_duration_s) == (3, 90)


# -- Threads ----------------------------------------------------------------------------------

def test_threads_kinds_are_the_ones_the_publisher_decides():
    from shared.platforms.threads import publisher
    from shared.platforms.threads.options import ThreadsOptions

    assert "kind" not in ThreadsOptions.model_fields
    kinds = _kinds(Platform.THREADS)
    decide = publisher.ThreadsPublisher._kind
    decided = {decide(_ctx("text", [])), decide(_ctx("image", _items("image", 1))),
               decide(_ctx("video", _items("video", 1))),
               decide(_ctx("image", _items("image", kinds["carousel"].min_media)))}
    assert {d.lower() for d in decided} == set(kinds)
    assert decide(_ctx("image", _items("image", kinds["carousel"].min_media - 1))) == "IMAGE"


def test_threads_figures_are_the_publishers():
    from shared.platforms.threads import publisher

    limits, kinds = publisher.LIMITS, _kinds(Platform.THREADS)
    carousel = kinds["carousel"]
    assert (carousel.min_media, carousel.max_media) == (limits.min_carousel, limits.max_carousel)
    assert carousel.max_media == RULES[Platform.THREADS].max_images
    assert _rule(kinds["image"], "image").max_bytes == _rule(carousel, "image").max_bytes == limits.max_image_bytes
    assert _rule(kinds["video"], "video").max_bytes == limits.max_video_bytes
    assert limits.max_text == RULES[Platform.THREADS].max_text


@pytest.mark.parametrize("kind,media_type", [("image", "image"), ("carousel", "image"), ("video", "video")])
def test_threads_refuses_media_just_over_the_manifests_size(monkeypatch, kind, media_type):
    from shared.platforms.threads import publisher

    cap = _rule(_kinds(Platform.THREADS)[kind], media_type).max_bytes
    threads = publisher.ThreadsPublisher()
    container = "VIDEO" if media_type == "video" else "IMAGE"
    monkeypatch.setattr(publisher, "open_media", lambda _: _stored(cap))
    assert threads._media_params({"kind": media_type}, container)
    monkeypatch.setattr(publisher, "open_media", lambda _: _stored(cap + 1))
    with pytest.raises(PermanentError) as refused:
        threads._media_params({"kind": media_type}, container)
    assert refused.value.code == "media_too_large"
