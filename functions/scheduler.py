"""Scheduled function `sweepScheduledPosts`, every minute: dispatch what is due, recover what
is stuck, dispatch overdue events (see shared/services/posts/sweep.py)."""

from __future__ import annotations

from firebase_functions import scheduler_fn

from shared.services.posts.sweep import TIMEOUT_S, sweep
from shared.web.internal import cloud_scheduler_only


# The sweep's phases have budgets that end its work well inside this (sweep.py).
@scheduler_fn.on_schedule(schedule="every 1 minutes", timezone=scheduler_fn.Timezone("UTC"),
                          timeout_sec=TIMEOUT_S)
def sweepScheduledPosts(event: scheduler_fn.ScheduledEvent) -> None:
    result = sweep()
    if result["failed"]:
        # A non-2xx tells Cloud Scheduler (and its alerting) that work is stuck.
        raise RuntimeError(f"sweep could not enqueue or recover {result['failed']} submission(s)")


sweepScheduledPosts = cloud_scheduler_only(sweepScheduledPosts)
