"""One task-queue function per platform: `publishX`, `publishInstagram`, …

Each platform has its own queue, so each gets its own retry policy and
dispatch rate (a slow or rate-limited platform never holds up the others): the rate is the
platform manifest's `dispatch_per_second`, well under the platform's own per-app limits;
retries back off from 10 s to 10 min.
"""

from __future__ import annotations

from firebase_functions import https_fn, tasks_fn
from firebase_functions.options import RateLimits, RetryConfig

from shared import secrets
from shared.platforms import RULES, Platform
from shared.services.posts.dispatch import publisher_queue
from shared.services.publishing.runner import Delivery, RetryLater, process_run
from shared.web.internal import cloud_tasks_only

def _build(platform: Platform):
    queue = publisher_queue(platform.value)

    def handler(request: tasks_fn.CallableRequest) -> dict:
        data = request.data or {}
        headers = request.raw_request.headers
        delivery = Delivery(retry_count=int(headers.get("X-CloudTasks-TaskRetryCount") or 0),
                            task_name=headers.get("X-CloudTasks-TaskName") or "")
        try:
            outcome = process_run(platform, str(data["postSubmissionId"]), str(data["targetId"]), delivery)
        except RetryLater as later:
            # Non-2xx: Cloud Tasks retries this task with the queue's backoff.
            raise https_fn.HttpsError(https_fn.FunctionsErrorCode.UNAVAILABLE, str(later)) from later
        return {"outcome": outcome}

    # The deployed function id is the decorated function's name: name it first.
    handler.__name__ = handler.__qualname__ = queue
    decorated = tasks_fn.on_task_dispatched(
        retry_config=RetryConfig(max_attempts=8, min_backoff_seconds=10, max_backoff_seconds=600),
        rate_limits=RateLimits(max_concurrent_dispatches=20,
                               max_dispatches_per_second=RULES[platform].dispatch_per_second),
        timeout_sec=540,
        memory=512,
        secrets=secrets.PUBLISHER if RULES[platform].refresh_uses_client_secret else secrets.TOKENS_ONLY_PUBLISHER,
    )(handler)
    # The caller is checked first: only Cloud Tasks learns that a secret is missing.
    return cloud_tasks_only(queue, secrets.checked(decorated))


# One function per platform, named by its queue (`publishX`, `publishTelegram`, ...): a platform
# added to the `Platform` enum gets its publisher here and in main.py with no line of its own.
# The Firebase CLI discovers them among main.py's functions, as it does the written-out ones.
PUBLISHERS = {publisher_queue(platform.value): _build(platform) for platform in Platform}
globals().update(PUBLISHERS)
__all__ = sorted(PUBLISHERS)
