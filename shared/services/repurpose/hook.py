"""Where publishing hands a succeeded run to the repurpose automation.

Called for every run that ends `succeeded` (shared/services/publishing/outcomes.py,
the one place every finished run passes). Posts without `enableRepurposing`, and
derived posts, cost nothing here. The work itself (rendering, creating derived
posts) runs in the `repurposePost` task, with retries of its own, so a slow render
never delays a publisher and a transient failure is retried rather than lost.
"""

from __future__ import annotations

import logging

from shared.adapters.task_queue import EnqueueError, enqueue

log = logging.getLogger("soku.repurpose")

QUEUE = "repurposePost"


def wants_repurposing(submission: dict) -> bool:
    return submission.get("enableRepurposing") is True and submission.get("source") != "repurpose"


def run_succeeded(submission_id: str, target_id: str, submission: dict) -> None:
    if not wants_repurposing(submission):
        return
    try:
        enqueue(QUEUE, {"postSubmissionId": submission_id, "targetId": target_id},
                name_parts=("repurpose", submission_id, target_id))
        return
    except EnqueueError:
        log.exception("could not queue repurposing of %s/%s; doing it now", submission_id, target_id)
    # The run is already recorded as succeeded: this is the last chance to act on it.
    try:
        from shared.services.repurpose import automation  # heavy (templates); only on this path

        automation.process(submission_id, target_id)
    except Exception:  # noqa: BLE001 - never fail the publisher for what follows publishing
        log.exception("repurposing of %s/%s failed", submission_id, target_id)
