"""A Mastodon status's and account's counts, as the sandbox server reports them.

The figures are the insights sandboxes' deterministic ones (devstack/sandboxes/insights/common.py):
growing with the status's age, never going down. Mastodon counts replies, boosts (reblogs) and
favourites on a status (docs.joinmastodon.org/entities/Status/) and followers, following and
statuses on an account (entities/Account/); it counts no views.
"""

from __future__ import annotations

import hashlib

from devstack.sandboxes.insights.common import post_counts


def status_counts(post: dict) -> dict[str, int]:
    counts = post_counts("mastodon", str(post["id"]), float(post["createdAt"]))
    return {"replies_count": counts["comments"], "reblogs_count": counts["shares"],
            "favourites_count": counts["likes"]}


def account_counts(subject: str, statuses: int) -> dict[str, int]:
    seed = int(hashlib.sha256(f"mastodon:{subject}".encode()).hexdigest()[:8], 16)
    return {"followers_count": 10 + seed % 5000, "following_count": 5 + seed % 700, "statuses_count": statuses}
