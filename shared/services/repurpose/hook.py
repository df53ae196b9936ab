"""Where publishing hands a succeeded run to the repurpose automation.

Called for every run that ends `succeeded` (shared/services/publishing/outcomes.py,
the one place every finished run passes). Posts without `enableRepurposing`, and
derived posts, cost nothing here. The work itself (rendering, creating derived
posts) runs in the `repurposePost` task, with retries of its own, so a slow render
never delays a publisher and a transient failure is retried rather than lost. The
hand-off itself is an outbox dispatch: a failed enqueue is retried by the sweep.
"""

from __future__ import annotations

from shared.adapters.task_queue import enqueue

QUEUE = "repurposePost"


def wants_repurposing(submission: dict) -> bool:
    return submission.get("enableRepurposing") is True and submission.get("source") != "repurpose"


def run_succeeded(submission_id: str, target_id: str, submission: dict) -> None:
    """Queue the repurpose task. Raises EnqueueError: the outbox entry that called this
    stays due and is dispatched again (the task name is fixed, so never twice)."""
    if not wants_repurposing(submission):
        return
    enqueue(QUEUE, {"postSubmissionId": submission_id, "targetId": target_id},
            name_parts=("repurpose", submission_id, target_id))
