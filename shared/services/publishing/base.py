"""The publisher interface, and the context a publisher works in.

A publisher module per platform implements `Publisher`: it uploads media
(resuming from its checkpoint), then creates the post through
`ctx.create_once`, which guarantees a create whose outcome is unknown is
never simply re-run: the next attempt first asks the platform whether the post
exists (`find_existing`) and only creates when it does not.

A platform lists a new post a while after it made it, so a lookup that misses proves
nothing at first: a miss is trusted only once the armed create could have reached the
platform (CREATE_REACH_S) and the platform has had its `listing_lag_s` to list what it
made. Until then the lookup is repeated with backoff (`look_for_armed_post`); only then
is the post created again. Facebook, Instagram, Threads, LinkedIn, Snapchat and YouTube
have no duplicate check of their own: without this wait, a retry seconds after a crash
made the post twice.

A platform lists a new post a while after its create answered (X's timelines and
search are eventually consistent), so that lookup can miss the post an interrupted
create made; the re-create is then refused as duplicate content. After an armed
create that refusal is the platform saying the post exists: the run stays armed,
never creates again, and looks for the post with backoff (`createExistsAt`).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Callable, Protocol

from shared import clock, crashpoints
from shared.config import get_settings
from shared.platforms import RULES, Platform
from shared.services.publishing.errors import (
    NeedsReconnectError,
    NotListedYet,
    PermanentError,
    PublishError,
    RetryableError,
)
from shared.services.publishing.http import PlatformHttp, creating


# Seconds between the lookups of a post the platform said exists (it refused the re-create of
# an armed create as a duplicate) but does not list yet: about 30 s of looking in one attempt,
# then a retryable `post_not_listed`, and the next attempt looks again, until the runner's
# MAX_ATTEMPTS (minutes, with the queue's backoff) is spent: far beyond a listing's usual lag.
EXISTS_LOOKUP_BACKOFF: tuple[float, ...] = (2.0, 4.0, 8.0, 16.0)

# How long after its arming an unanswered create may still reach the platform and make the
# post: the HTTP layer's connect timeout (10 s, publishing/http.py) plus the time to send a
# create's small body, with margin. Our side of the window in which a lookup can miss a post.
CREATE_REACH_S = 30.0
# A publisher that declares no `listing_lag_s` of its own gets this.
DEFAULT_LISTING_LAG_S = 30.0


def lookup_waits(seconds: float) -> list[float]:
    """The sleeps between lookups that cover `seconds`: EXISTS_LOOKUP_BACKOFF, its last step
    repeated, the final sleep cut so that the last lookup falls at the end of the window."""
    waits: list[float] = []
    steps = iter(EXISTS_LOOKUP_BACKOFF)
    step = EXISTS_LOOKUP_BACKOFF[0]
    while seconds > 0:
        step = next(steps, step)
        waits.append(min(step, seconds))
        seconds -= waits[-1]
    return waits


@dataclass
class Tokens:
    access_token: str
    refresh_token: str | None = None
    expires_at: datetime | None = None

    def expiring(self, now: datetime, margin: timedelta = timedelta(minutes=2)) -> bool:
        return self.expires_at is not None and self.expires_at <= now + margin


@dataclass
class Account:
    platform: Platform
    account_id: str
    platform_user_id: str
    display_name: str | None
    tokens: Tokens
    data: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class PublishedPost:
    post_id: str
    url: str | None
    # What a reply to this post must name besides its id, where the platform wants more
    # (Bluesky: the record's `cid`, for a strong ref). Kept in the checkpoint with the id.
    ref: dict[str, str] | None = None

    def saved(self) -> dict[str, Any]:
        return {"postId": self.post_id, "url": self.url} | ({"ref": self.ref} if self.ref else {})

    @classmethod
    def from_saved(cls, saved: dict[str, Any]) -> "PublishedPost":
        return cls(saved["postId"], saved.get("url"), saved.get("ref"))


@dataclass(frozen=True)
class ReplyTo:
    """Where a reply of a thread goes: the post it answers and the thread's first post."""
    parent: PublishedPost
    root: PublishedPost


@dataclass
class PostContent:
    text: str
    media_type: str  # "text" | "image" | "video"
    media: list[dict[str, Any]]  # items as stored on the submission
    options: dict[str, Any] = field(default_factory=dict)  # this target's validated platform options
    # The replies that follow the post as a thread (`post.content.thread`), each a post of its own.
    thread: list["PostContent"] = field(default_factory=list)

    @property
    def images(self) -> list[dict[str, Any]]:
        return [m for m in self.media if m.get("kind") == "image"]

    @property
    def videos(self) -> list[dict[str, Any]]:
        return [m for m in self.media if m.get("kind") == "video"]


class PublishContext:
    """Everything one publish attempt needs, and its durable checkpoint."""

    def __init__(self, account: Account, content: PostContent, checkpoint: dict[str, Any],
                 save_checkpoint: Callable[[dict[str, Any]], None], publisher: "Publisher",
                 sleep: Callable[[float], None] = time.sleep, run_path: str = "",
                 reply_to: ReplyTo | None = None) -> None:
        self.account = account
        # Set when this context publishes a reply of a thread (publishing/thread.py): the
        # publisher makes the post a reply to `reply_to.parent`.
        self.reply_to = reply_to
        # The run document's path: lets a publisher bind secrets it keeps in the
        # checkpoint (e.g. an upload's encryption key) to this run.
        self.run_path = run_path
        self.content = content
        self.checkpoint = checkpoint
        self._save = save_checkpoint
        self.publisher = publisher
        self.sleep = sleep
        self._accepted = False

    def for_reply(self, index: int, content: PostContent, reply_to: ReplyTo) -> "PublishContext":
        """The context of the thread's reply `index` (1-based): a post of its own, with its own
        checkpoint kept inside this one's (`threadParts`), so that its create is armed and
        reconciled like any post's, and a retry resumes it where it stopped. Its `run_path`
        names the reply, so what a publisher derives from it (Mastodon's Idempotency-Key,
        Bluesky's record key) differs from the first post's."""
        parts: dict[str, Any] = self.checkpoint.setdefault("threadParts", {})
        own = parts.setdefault(str(index), {})

        def save(_: dict[str, Any]) -> None:
            self.save(threadParts=parts)  # the reply's progress, saved in the run's checkpoint

        return PublishContext(self.account, content, own, save, self.publisher, self.sleep,
                              run_path=f"{self.run_path}#thread/{index}", reply_to=reply_to)

    def save(self, **changes: Any) -> None:
        """Persist progress (uploaded media ids, parts, …) so a retry resumes here."""
        self.checkpoint.update(changes)
        self._save(self.checkpoint)

    def report(self, **fields: Any) -> None:
        """Add details to the run's final `result` (e.g. a first comment's outcome).

        Kept in the checkpoint, so what an earlier attempt reported survives a retry.
        """
        self.save(report=(self.checkpoint.get("report") or {}) | fields)

    def accepted(self, **changes: Any) -> None:
        """Inside a create: the platform answered the create itself with success.

        Saves `changes` (the new post's id, …) for `find_existing`. From here on the
        post exists, so an error raised later in the same create (a permalink read
        refused, rate-limited or unauthorized) must leave it armed: the next try
        reconciles instead of creating again.
        """
        self._accepted = True
        self.save(**changes)

    def create_once(self, create: Callable[[], PublishedPost]) -> PublishedPost:
        armed = self.checkpoint.get("createArmedAt")
        if armed is not None and self.checkpoint.get("createExistsAt"):
            # The platform already said this post exists: never create it again, only look.
            return self._find_the_post_that_exists()
        if armed is not None:
            # An earlier attempt called "create" and never recorded the outcome: create only
            # once the platform, given time to list that create's post, does not have it.
            found = self.look_for_armed_post(self.publisher.find_existing, datetime.fromisoformat(armed))
            if found is not None:
                return found
        # Arming is a fenced checkpoint write: it fails (LeaseLost) if this attempt no
        # longer owns the run, so a stale attempt never reaches the create.
        now = clock.now().isoformat()
        first_armed = self.checkpoint.get("createFirstArmedAt") or armed or now
        self.save(createArmedAt=now, createFirstArmedAt=first_armed)
        crashpoints.reached("arm")
        self._accepted = False
        try:
            with creating():
                post = create()
            crashpoints.reached("create_answered")
            return post
        except PublishError as error:
            if armed is not None and isinstance(error, PermanentError) and error.code == "duplicate_content":
                # The platform says this post already exists, and an earlier attempt of this run
                # armed a create whose outcome is unknown: that create made it (the lookup above
                # ran before the platform listed it, or an attempt that outlived its lease got
                # its create through after that lookup). It is our post: the run stays armed and
                # looks for it since the first arming, with backoff, and never creates again.
                # Armed since the first arming again: every later lookup (the runner's last one
                # too) must look from there, not from this refused re-create.
                self.save(createArmedAt=first_armed, createExistsAt=clock.now().isoformat())
                return self._find_the_post_that_exists()
            if _refused_before_creating(error) and not self._accepted:
                # The platform answered the create with a refusal: no post exists, so
                # the next attempt may create without reconciling first.
                self.save(createArmedAt=None)
            raise

    def miss_is_proof_at(self, armed_at: datetime) -> datetime:
        """When a lookup that misses the armed create's post proves it was not made: once
        that create could have reached the platform and the platform has listed what it made.
        SOKU_LISTING_LAG_SCALE shortens this for the test suite, whose sandboxes list at once."""
        lag = getattr(self.publisher, "listing_lag_s", DEFAULT_LISTING_LAG_S)
        wait = (CREATE_REACH_S + lag) * get_settings().listing_lag_scale
        return armed_at + timedelta(seconds=wait)

    def look_for_armed_post(self, find: Callable[["PublishContext", datetime], "PublishedPost | None"],
                            armed_at: datetime) -> PublishedPost | None:
        """`find(self, armed_at)`, a miss trusted only once it proves something (miss_is_proof_at):
        until then the lookup is repeated with backoff. None: the platform does not have the post.
        A NotListedYet answer (the post exists, not listed yet) is looked at again through the
        window and one more round of EXISTS_LOOKUP_BACKOFF (scaled like the window), then raised."""
        waits = iter(lookup_waits((self.miss_is_proof_at(armed_at) - clock.now()).total_seconds()))
        pending: NotListedYet | None = None
        extended = False
        while True:
            try:
                found, pending = find(self, armed_at), None
            except NotListedYet as not_listed:
                # The platform says the post exists but does not list it yet: keep looking
                # through the window, and through one more round of backoff past it.
                found, pending = None, not_listed
            if found is not None:
                return found
            delay = next(waits, None)
            if delay is None and pending is not None and not extended:
                waits, extended = iter(lookup_waits(sum(EXISTS_LOOKUP_BACKOFF) * get_settings().listing_lag_scale)), True
                delay = next(waits, None)
            if delay is None:
                break
            self.sleep(delay)
        if pending is not None:
            raise pending
        return None

    def _find_the_post_that_exists(self) -> PublishedPost:
        """The post the platform said exists, looked up with backoff (EXISTS_LOOKUP_BACKOFF).

        Not listed yet: a RetryableError (`post_not_listed`), the run still armed, so the
        next attempt looks again; once the runner's attempts are spent it ends the run
        failed with this code and message, retryable (POST /retry keeps an armed checkpoint
        and looks again)."""
        first_armed = self.checkpoint.get("createFirstArmedAt") or self.checkpoint["createArmedAt"]
        since = datetime.fromisoformat(first_armed)
        for delay in (0.0, *EXISTS_LOOKUP_BACKOFF):
            if delay:
                self.sleep(delay)
            found = self.publisher.find_existing(self, since)
            if found is not None:
                return found
        platform = getattr(self.publisher, "platform", None)
        name = RULES[platform].display_name if platform in RULES else "The platform"
        raise RetryableError(
            f"{name} refused to create the post again as duplicate content, so it exists (an earlier "
            f"attempt's create went through, or the account already had a post with the same content), "
            f"but it is not listed on the account yet (looked for among posts made since {first_armed}); "
            f"a retry looks for it again and never creates it twice",
            code="post_not_listed")


def _refused_before_creating(error: PublishError) -> bool:
    """True when the platform's answer proves nothing was created.

    4xx refusals and rate limits are answers given before any work; timeouts,
    dropped connections and 5xx leave the outcome unknown.
    """
    if isinstance(error, (PermanentError, NeedsReconnectError)):
        return True
    return isinstance(error, RetryableError) and error.code == "rate_limited"


class Publisher(Protocol):
    platform: Platform
    # Seconds a listing `find_existing` reads may trail a create (PublishContext.miss_is_proof_at).
    listing_lag_s: float

    def http(self, account: Account) -> PlatformHttp: ...

    def refresh(self, account: Account) -> Tokens:
        """Exchange the refresh token; raise NeedsReconnectError when it is refused."""

    def publish(self, ctx: PublishContext) -> PublishedPost:
        """Upload media, wait for processing, and create the post via ctx.create_once."""

    def find_existing(self, ctx: PublishContext, armed_at: datetime) -> PublishedPost | None:
        """The post an interrupted create may have made (created after armed_at), if any.

        A publisher whose answer can also mean "being made, carry on" (TikTok: the init
        answered, the upload may be unfinished) adds `find_published(ctx, armed_at)`, which the
        runner asks instead when it gives a run up: only a post the platform has or will
        publish without us counts there."""
