"""Task-queue function `orchestratePost`: fans a submission out to its runs."""

from __future__ import annotations

from firebase_functions import tasks_fn
from firebase_functions.options import RateLimits, RetryConfig

from shared.services.posts.dispatch import ORCHESTRATOR_QUEUE
from shared.services.posts.orchestrator import orchestrate
from shared.web.internal import cloud_tasks_only

# Long enough for one remote media item's whole download (SOKU_FETCH_DEADLINE, 480 s) and the
# fan-out after it; each item is recorded once fetched, so a post with several slow ones goes
# on from there in the next delivery. Below the task's dispatch deadline (600 s: Cloud Tasks
# never starts a second delivery of a live one) and the orchestrating stall (900 s: the sweep
# never re-orchestrates a live one).
TIMEOUT_S = 540


@tasks_fn.on_task_dispatched(
    retry_config=RetryConfig(max_attempts=10, min_backoff_seconds=5, max_backoff_seconds=300),
    rate_limits=RateLimits(max_concurrent_dispatches=50, max_dispatches_per_second=50),
    timeout_sec=TIMEOUT_S,
)
def orchestratePost(request: tasks_fn.CallableRequest) -> dict:
    data = request.data or {}
    outcome = orchestrate(str(data["postSubmissionId"]), int(data.get("scheduleVersion", 1)))
    return {"outcome": outcome}


orchestratePost = cloud_tasks_only(ORCHESTRATOR_QUEUE, orchestratePost)
