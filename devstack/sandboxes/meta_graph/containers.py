"""Content-publishing containers, as the Instagram and Threads sandboxes share them: a container
is created (its media pulled from a URL), polled until FINISHED (or ERROR, or EXPIRED after 24 h),
then published once, within the account's publishing quota. The wording of each refusal is the
platform's; the mechanism is here, once."""

from __future__ import annotations

import time
from typing import Any

from devstack.sandboxes.core import Fault, SandboxState


def posts_of(state: SandboxState, platform: str, who: str, since: float = 0.0) -> list[dict[str, Any]]:
    """The account's posts since `since` (epoch), oldest first."""
    with state.lock:
        return [p for p in state.posts if p["platform"] == platform and p["subject"] == who
                and p["createdAt"] >= since]


def advance(container: dict[str, Any], fault: Fault | None, polls_needed: int, ttl_s: float) -> None:
    """One status poll: IN_PROGRESS `polls_needed` times, then FINISHED or ERROR; EXPIRED once
    older than `ttl_s` unless published (or at once on an `expired` fault)."""
    old = time.time() - container["createdAt"] > ttl_s
    if container["status"] == "PUBLISHED":
        return
    if fault is not None and fault.kind == "expired":
        container["status"] = "EXPIRED"
    elif container["status"] in ("IN_PROGRESS", "FINISHED") and old:
        container["status"] = "EXPIRED"
    elif container["status"] == "IN_PROGRESS":
        container["polls"] += 1
        if container["polls"] > polls_needed:
            container["status"] = "ERROR" if container["error"] else "FINISHED"


def unpublishable(container: dict[str, Any], *, ttl_s: float, used: int, quota_total: int) -> str | None:
    """Why the container cannot be published now, checked in the platforms' order:
    `carousel_item`, `expired` (it is marked EXPIRED), `published`, `not_ready`, `quota`; or None.
    Call with the state's lock held."""
    if container["carouselItem"]:
        return "carousel_item"
    if time.time() - container["createdAt"] > ttl_s or container["status"] == "EXPIRED":
        container["status"] = "EXPIRED"
        return "expired"
    if container["status"] == "PUBLISHED":
        return "published"
    if container["status"] != "FINISHED":
        return "not_ready"
    if used >= quota_total:
        return "quota"
    return None


def publishing_limit(used: int, fault: Fault | None, *, quota_total: int, window_s: int,
                     wanted: set[str] | list[str]) -> dict[str, Any]:
    """`GET /{user}/…publishing_limit`: the quota used in the window (all of it on a
    `quota_exhausted` fault), with the fields asked for."""
    if fault is not None and fault.kind == "quota_exhausted":
        used = quota_total
    row = {"quota_usage": used, "config": {"quota_total": quota_total, "quota_duration": window_s}}
    return {"data": [{k: v for k, v in row.items() if k in wanted}]}
