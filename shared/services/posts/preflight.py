"""Checks at submission that need the platform itself: a platform package's optional
`preflight.py` (a subreddit's own rules, which only Reddit knows: flair required, title length,
self posts allowed).

Only platforms whose manifest says `preflight=True` are asked, so for every other platform this
costs nothing: no import, no read. Each such target's `check(request)` returns problems in the
shape of checks.py's (field, message, code, platform, and whatever else helps the caller: the
subreddit's flairs to choose from); they are raised as one 400 validation_error.

It runs after the gate admitted the request (the API key confirmed, the rate limit checked:
submission.create_post), since it spends the user's own platform rate limit. What it asks the
platform goes through `request.ask`: with the account's tokens, refreshed as a publish would
(publishing/account_calls.with_account), and kept `ttl_s` in the metrics cache's collection
(shared/services/analytics/cache.py) under a key of its own, so a burst of posts to one
subreddit asks once. When the platform cannot be reached, is rate limited, or refuses the
account, `ask` logs and answers None: the post is NOT refused for it, and the publisher meets
the same rule at run time (Reddit refuses a post without its required flair then).
"""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass
from typing import Any, Callable, TypeVar

from shared import clock
from shared.errors import ValidationError
from shared.platforms import RULES, loader
from shared.services.posts.media import MediaPlan
from shared.services.posts.targets import Target

log = logging.getLogger("soku.posts.preflight")
T = TypeVar("T")


@dataclass(frozen=True)
class PreflightRequest:
    """One target of a post, as its platform's `preflight.check` sees it."""

    user_id: str
    target: Target
    text: str | None
    plan: MediaPlan

    @property
    def options(self) -> dict[str, Any]:
        return self.target.options or {}

    @property
    def image_count(self) -> int:
        return len(self.plan.images) if self.plan.media_type == "image" else 0

    def ask(self, name: str, call: Callable[[Any, Any], dict], ttl_s: int) -> dict | None:
        """`call(publisher, account)` with the account's fresh tokens, its answer (a JSON-able dict)
        cached `ttl_s` under `name` for this account; None (logged) when the platform could not
        answer: the caller then refuses nothing on the platform's word."""
        from shared.services.analytics import cache
        from shared.services.publishing.account_calls import with_account
        from shared.services.publishing.errors import PublishError

        platform, account_id = self.target.platform, self.target.account_id
        parts = ("preflight", self.user_id, platform.value, account_id, name)
        key = hashlib.sha256(json.dumps(parts, separators=(",", ":")).encode()).hexdigest()
        try:
            entry = cache.read(key, self.user_id)
            if entry is not None:
                return entry.body
            body = with_account(self.user_id, platform, account_id, call)
            cache.write(key, self.user_id, body, clock.now(), ttl_s, platform=platform.value, account_id=account_id)
            return body
        except PublishError as error:
            log.warning("preflight %s for %s:%s skipped, the platform did not answer (%s): %s",
                        name, platform.value, account_id, error.code, error.message)
            return None
        except (ValueError, TypeError, KeyError, AttributeError):
            # An answer that is not what the platform documents (HTML for JSON, a changed shape):
            # not the caller's fault, and no reason to refuse the post.
            log.exception("preflight %s for %s:%s skipped, the platform's answer was unreadable",
                          name, platform.value, account_id)
            return None


def check_with_platforms(user_id: str, text: str | None, plan: MediaPlan, targets: list[Target]) -> None:
    """Raise one validation_error for what the targets' platforms refuse up front, if anything."""
    problems: list[dict] = []
    for target in targets:
        if not RULES[target.platform].preflight:
            continue  # no preflight.py: nothing imported, nothing read
        found = loader.part(target.platform, "preflight").check(PreflightRequest(user_id, target, text, plan))
        problems += [p | {"accountId": target.account_id} for p in found]
    if problems:
        raise ValidationError("Post content is not valid for every target", details=problems)
