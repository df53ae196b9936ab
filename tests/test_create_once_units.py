"""PublishContext.create_once on its own: what it does with an armed create and the platform's answers.

A small stand-in publisher plays the platform's lookup and create; the checkpoint is kept in
memory. The end-to-end paths (kills, stalls, the real sandboxes) are in test_exactly_once.py.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from shared import clock
from shared.config import reset_settings
from shared.services.publishing.base import PostContent, PublishContext, PublishedPost, lookup_waits
from shared.services.publishing.errors import PermanentError, RetryableError


@pytest.fixture
def lag_scale():
    """Set SOKU_LISTING_LAG_SCALE (and a project id, when no stack runs) for one test; the
    default here is 0, the suite's: a miss is trusted at once. Settings are rebuilt after."""
    import os

    saved = {name: os.environ.get(name) for name in ("SOKU_LISTING_LAG_SCALE", "GCLOUD_PROJECT")}

    def apply(scale: float) -> None:
        os.environ["SOKU_LISTING_LAG_SCALE"] = str(scale)
        os.environ.setdefault("GCLOUD_PROJECT", "demo-units")
        reset_settings()

    yield apply
    for name, value in saved.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value
    reset_settings()


@pytest.fixture(autouse=True)
def _no_lag_by_default(lag_scale):
    lag_scale(0)


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


# -- a miss is trusted only once the platform has had time to list the post (listing lag) ------------

class _LaggingPlatform(_Platform):
    """Lists a post only `lag` seconds after it was made (as Graph API feeds do), on a fake clock."""

    listing_lag_s = 30.0

    def __init__(self, lag: float) -> None:
        super().__init__()
        self.lag = timedelta(seconds=lag)

    def find_existing(self, ctx, armed_at: datetime):
        self.lookups.append(clock.now())
        return next((post for made, post in self.posts
                     if made >= armed_at - timedelta(seconds=5) and made + self.lag <= clock.now()), None)


@pytest.fixture
def fake_time():
    """clock.now() on a fake timeline that each PublishContext.sleep moves on."""
    now = [datetime(2026, 12, 7, 9, 0, tzinfo=timezone.utc)]
    clock.set_clock(lambda: now[0])

    def sleep(seconds: float) -> None:
        now[0] += timedelta(seconds=seconds)

    yield now, sleep
    clock.set_clock(None)


def test_a_lookup_right_after_a_lost_create_keeps_looking_until_the_platform_lists_the_post(lag_scale, fake_time):
    lag_scale(1)
    now, sleep = fake_time
    platform = _LaggingPlatform(lag=12)
    armed = now[0]
    made = PublishedPost("444", None)
    platform.posts.append((armed + timedelta(seconds=1), made))  # the lost create made it
    now[0] += timedelta(seconds=1)  # the retry comes a second later: the listing leaves it out
    ctx = _context(platform, {"createArmedAt": armed.isoformat()})
    ctx.sleep = sleep
    assert ctx.create_once(lambda: pytest.fail("created twice: a miss inside the listing lag was trusted")) == made
    assert now[0] - armed >= timedelta(seconds=13)


def test_a_miss_is_trusted_once_the_create_is_older_than_its_reach_and_the_listing_lag(lag_scale, fake_time):
    lag_scale(1)
    now, sleep = fake_time
    platform = _LaggingPlatform(lag=12)
    armed = now[0]
    ctx = _context(platform, {"createArmedAt": armed.isoformat()})
    slept: list[float] = []
    ctx.sleep = lambda seconds: (slept.append(seconds), sleep(seconds))
    created = PublishedPost("555", None)
    assert ctx.create_once(lambda: created) == created  # nothing was made: created, once
    # Looked until the create was CREATE_REACH_S (30) + the platform's listing lag (30) old.
    assert sum(slept) == 60 and slept == lookup_waits(60)
    assert platform.lookups[-1] == armed + timedelta(seconds=60)


def test_an_arming_older_than_the_window_is_trusted_at_once(lag_scale, fake_time):
    lag_scale(1)
    now, _ = fake_time
    platform = _LaggingPlatform(lag=12)
    ctx = _context(platform, {"createArmedAt": (now[0] - timedelta(minutes=5)).isoformat()})
    ctx.sleep = lambda seconds: pytest.fail("waited for a window long past")
    assert ctx.create_once(lambda: PublishedPost("666", None)) == PublishedPost("666", None)
    assert len(platform.lookups) == 1


def test_a_post_the_platform_calls_published_but_does_not_list_is_looked_for_past_the_window(lag_scale, fake_time):
    """Threads and Instagram: the container says PUBLISHED, the profile does not list the post yet
    (NotListedYet). The lookup keeps at it through the window and one more round of backoff
    before the attempt gives up with that answer, instead of spending an attempt per lookup."""
    from shared.services.publishing.base import EXISTS_LOOKUP_BACKOFF
    from shared.services.publishing.errors import NotListedYet

    lag_scale(1)
    now, sleep = fake_time
    armed = now[0]
    listed_at = armed + timedelta(seconds=75)  # past the 60 s window
    looks: list[datetime] = []

    class _Listing:
        listing_lag_s = 30.0

        def find_existing(self, ctx, armed_at):
            looks.append(clock.now())
            if clock.now() < listed_at:
                raise NotListedYet("published, not listed yet")
            return PublishedPost("777", None)

    ctx = _context(_Listing(), {"createArmedAt": armed.isoformat()})
    ctx.sleep = sleep
    assert ctx.create_once(lambda: pytest.fail("created a post the platform said was published")) == \
        PublishedPost("777", None)

    never = armed + timedelta(hours=1)
    listed_at = never
    looks.clear()
    ctx = _context(_Listing(), {"createArmedAt": clock.now().isoformat()})
    ctx.sleep = sleep
    with pytest.raises(NotListedYet):
        ctx.create_once(lambda: pytest.fail("created a post the platform said was published"))
    assert looks[-1] - looks[0] == timedelta(seconds=60 + sum(EXISTS_LOOKUP_BACKOFF))
