"""Task-queue function `orchestratePost`: fans a submission out to its runs."""

from __future__ import annotations

from firebase_functions import tasks_fn
from firebase_functions.options import RateLimits, RetryConfig

from shared.services.posts.dispatch import ORCHESTRATOR_QUEUE
from shared.services.posts.orchestrator import orchestrate
from shared.web.internal import cloud_tasks_only


@tasks_fn.on_task_dispatched(
    retry_config=RetryConfig(max_attempts=10, min_backoff_seconds=5, max_backoff_seconds=300),
    rate_limits=RateLimits(max_concurrent_dispatches=50, max_dispatches_per_second=50),
)
def orchestratePost(request: tasks_fn.CallableRequest) -> dict:
    data = request.data or {}
    outcome = orchestrate(str(data["postSubmissionId"]), int(data.get("scheduleVersion", 1)))
    return {"outcome": outcome}


orchestratePost = cloud_tasks_only(ORCHESTRATOR_QUEUE, orchestratePost)
