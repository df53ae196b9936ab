"""The publisher interface, and the context a publisher works in.

A publisher module per platform implements `Publisher`: it uploads media
(resuming from its checkpoint), then creates the post through
`ctx.create_once`, which guarantees a create whose outcome is unknown is
never simply re-run: the next attempt first asks the platform whether the post
exists (`find_existing`) and only creates when it does not.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Callable, Protocol

from shared import clock, crashpoints
from shared.platforms import Platform
from shared.services.publishing.errors import (
    NeedsReconnectError,
    PermanentError,
    PublishError,
    RetryableError,
)
from shared.services.publishing.http import PlatformHttp, creating


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


@dataclass
class PostContent:
    text: str
    media_type: str  # "text" | "image" | "video"
    media: list[dict[str, Any]]  # items as stored on the submission
    options: dict[str, Any] = field(default_factory=dict)  # this target's validated platform options

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
                 sleep: Callable[[float], None] = time.sleep, run_path: str = "") -> None:
        self.account = account
        # The run document's path: lets a publisher bind secrets it keeps in the
        # checkpoint (e.g. an upload's encryption key) to this run.
        self.run_path = run_path
        self.content = content
        self.checkpoint = checkpoint
        self._save = save_checkpoint
        self.publisher = publisher
        self.sleep = sleep
        self._accepted = False

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
        if armed is not None:
            # An earlier attempt called "create" and never recorded the outcome.
            found = self.publisher.find_existing(self, datetime.fromisoformat(armed))
            if found is not None:
                return found
        # Arming is a fenced checkpoint write: it fails (LeaseLost) if this attempt no
        # longer owns the run, so a stale attempt never reaches the create.
        first_armed = self.checkpoint.get("createFirstArmedAt") or armed or clock.now().isoformat()
        self.save(createArmedAt=clock.now().isoformat(), createFirstArmedAt=first_armed)
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
                # armed a create: an attempt that outlived its lease got its create through
                # after the lookup above. It is our post: look for it since the first arming.
                found = self.publisher.find_existing(self, datetime.fromisoformat(first_armed))
                if found is not None:
                    return found
            if _refused_before_creating(error) and not self._accepted:
                # The platform answered the create with a refusal: no post exists, so
                # the next attempt may create without reconciling first.
                self.save(createArmedAt=None)
            raise


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
