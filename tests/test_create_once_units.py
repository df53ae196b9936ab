"""PublishContext.create_once on its own: what it does with an armed create and the platform's answers.

A small stand-in publisher plays the platform's lookup and create; the checkpoint is kept in
memory. The end-to-end paths (kills, stalls, the real sandboxes) are in test_exactly_once.py.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from shared.services.publishing.base import PostContent, PublishContext, PublishedPost
from shared.services.publishing.errors import PermanentError, RetryableError


class _Platform:
    """Holds the posts 'on the platform' and answers lookups made since a time."""

    def __init__(self) -> None:
        self.posts: list[tuple[datetime, PublishedPost]] = []
        self.lookups: list[datetime] = []

    def find_existing(self, ctx, armed_at: datetime):
        self.lookups.append(armed_at)
        return next((post for made, post in self.posts if made >= armed_at - timedelta(seconds=5)), None)


def _context(platform: _Platform, checkpoint: dict) -> PublishContext:
    saved = []
    return PublishContext(account=None, content=PostContent("hello", "text", []), checkpoint=checkpoint,
                          save_checkpoint=lambda cp: saved.append(dict(cp)), publisher=platform)


def test_a_duplicate_refusal_after_an_earlier_arming_is_our_post_made_by_the_stalled_attempt():
    platform = _Platform()
    first_armed = datetime.now(timezone.utc) - timedelta(seconds=30)
    ctx = _context(platform, {"createArmedAt": first_armed.isoformat()})
    stalled_post = PublishedPost("111", "https://x.example/111")

    def create():
        # Between our lookup (which found nothing) and our create, the stalled attempt's create landed.
        platform.posts.append((first_armed + timedelta(seconds=20), stalled_post))
        raise PermanentError("You are not allowed to create a Tweet with duplicate content.",
                             code="duplicate_content")

    assert ctx.create_once(create) == stalled_post
    assert len(platform.lookups) == 2 and platform.lookups[1] == first_armed


def test_a_duplicate_refusal_on_a_first_create_is_a_refusal():
    platform = _Platform()
    ctx = _context(platform, {})

    def create():
        raise PermanentError("duplicate content", code="duplicate_content")

    with pytest.raises(PermanentError):
        ctx.create_once(create)
    assert platform.lookups == [] and ctx.checkpoint["createArmedAt"] is None  # refused: nothing made


def test_an_unknown_outcome_stays_armed_and_the_next_attempt_looks_first():
    platform = _Platform()
    ctx = _context(platform, {})

    def create():
        platform.posts.append((datetime.now(timezone.utc), PublishedPost("222", None)))
        raise RetryableError("read timed out", code="platform_timeout")

    with pytest.raises(RetryableError):
        ctx.create_once(create)
    assert ctx.checkpoint["createArmedAt"] is not None
    again = _context(platform, dict(ctx.checkpoint))
    assert again.create_once(lambda: pytest.fail("created twice")) == PublishedPost("222", None)


def test_a_duplicate_refusal_after_an_arming_keeps_the_run_armed_and_only_looks_from_then_on():
    """The lookup ran before the platform listed the post: the re-create is refused as a duplicate.
    That is the platform saying the post exists (issue 35, item 9): look again with backoff, stay
    armed, and let the next attempt look again without ever creating."""
    platform = _Platform()
    first_armed = datetime.now(timezone.utc) - timedelta(seconds=10)
    ctx = _context(platform, {"createArmedAt": first_armed.isoformat()})
    slept: list[float] = []
    ctx.sleep = slept.append
    creates = []

    def create():
        creates.append(1)
        raise PermanentError("You are not allowed to create a Tweet with duplicate content.",
                             code="duplicate_content")

    with pytest.raises(RetryableError) as raised:
        ctx.create_once(create)
    assert raised.value.code == "post_not_listed" and "duplicate" in raised.value.message
    assert slept and sum(slept) >= 20  # looked again over tens of seconds before giving the attempt up
    assert len(platform.lookups) == 2 + len(slept) and set(platform.lookups[1:]) == {first_armed}
    assert ctx.checkpoint["createExistsAt"]
    # Still armed, from the first arming (not the refused re-create): later lookups start there.
    assert ctx.checkpoint["createArmedAt"] == ctx.checkpoint["createFirstArmedAt"] == first_armed.isoformat()

    # The next attempt: still not listed, it only looks; then the platform lists it.
    again = _context(platform, dict(ctx.checkpoint))
    again.sleep = lambda seconds: None
    with pytest.raises(RetryableError):
        again.create_once(lambda: pytest.fail("created after the platform said the post exists"))
    listed = PublishedPost("333", None)
    platform.posts.append((first_armed + timedelta(seconds=1), listed))
    last = _context(platform, dict(again.checkpoint))
    assert last.create_once(lambda: pytest.fail("created twice")) == listed
    assert creates == [1]


def test_a_post_listed_while_the_attempt_waits_is_found_in_the_same_attempt():
    platform = _Platform()
    first_armed = datetime.now(timezone.utc) - timedelta(seconds=10)
    ctx = _context(platform, {"createArmedAt": first_armed.isoformat()})
    late = PublishedPost("444", None)

    def listed_after_a_while(seconds: float) -> None:
        if not platform.posts:
            platform.posts.append((first_armed + timedelta(seconds=2), late))

    ctx.sleep = listed_after_a_while

    def create():
        raise PermanentError("duplicate content", code="duplicate_content")

    assert ctx.create_once(create) == late
    assert ctx.checkpoint["createArmedAt"] and ctx.checkpoint["createExistsAt"]
