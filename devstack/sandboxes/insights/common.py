"""Deterministic figures for the insights sandboxes, and finding the post they are about."""

from __future__ import annotations

import hashlib
import time
from typing import Any

from devstack.sandboxes.core import SandboxState

POST_OPERATION = "metrics"
ACCOUNT_OPERATION = "account_metrics"


def _seeds(text: str) -> list[int]:
    digest = hashlib.sha256(text.encode()).hexdigest()
    return [int(digest[i:i + 4], 16) for i in range(0, 64, 4)]


def find_post(state: SandboxState, platform: str, post_id: str, key: str = "id") -> dict[str, Any] | None:
    """The recorded post, unless it never existed or was deleted since."""
    with state.lock:
        post = next((p for p in state.posts if p["platform"] == platform and str(p.get(key)) == str(post_id)), None)
    if post is None or post.get("deleted") or post.get("deletedAt"):
        return None
    return post


def post_counts(platform: str, post_id: str, created_at: float, at: float | None = None) -> dict[str, int]:
    """A post's figures at `at` (now): a hash-derived start, growing with its age in minutes.

    Every figure is non-decreasing in time, so a refetch never shows fewer views than before.
    """
    s = _seeds(f"{platform}:{post_id}")
    minutes = max(0, int(((at if at is not None else time.time()) - created_at) // 60))
    views = 50 + s[0] % 450 + minutes * (5 + s[1] % 20)
    likes = views * (4 + s[2] % 8) // 100
    return {
        "views": views,
        "reach": views * (60 + s[3] % 30) // 100,
        "likes": likes,
        "comments": likes * (10 + s[4] % 20) // 100,
        "shares": likes * (5 + s[5] % 15) // 100,
        "saves": likes * (8 + s[6] % 10) // 100,
        "quotes": likes * (2 + s[7] % 5) // 100,
        "bookmarks": likes * (10 + s[8] % 10) // 100,
        "clicks": views * (1 + s[9] % 4) // 100,
    }


def account_counts(state: SandboxState, platform: str, subject: str) -> dict[str, int]:
    """An account's followers and following (hash-derived) and its live posts (recorded ones)."""
    s = _seeds(f"{platform}:account:{subject}")
    with state.lock:
        posts = sum(1 for p in state.posts if p["platform"] == platform and p["subject"] == subject
                    and not (p.get("deleted") or p.get("deletedAt")))
    return {"followers": 100 + s[0] % 9900, "following": s[1] % 800, "posts": posts}


def post_counts_of(post: dict[str, Any], key: str = "id", at: float | None = None) -> dict[str, int]:
    return post_counts(post["platform"], str(post[key]), post["createdAt"], at)
