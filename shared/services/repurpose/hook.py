"""Where publishing hands a succeeded run to the repurpose automation.

A run that ends `succeeded` for a post that wants repurposing records a
`repurpose` outbox entry in the same commit (publishing/outbox.py); its
dispatch calls `enqueue`. Posts without `enableRepurposing`, and derived posts,
record none. The work itself (rendering, creating derived
posts) runs in the `repurposePost` task, with retries of its own, so a slow render
never delays a publisher and a transient failure is retried rather than lost. The
task reports back when done (automation.process); until then the outbox entry
stays open and the sweep enqueues it again if the task ran out of attempts.
"""

from __future__ import annotations

from shared.adapters.task_queue import enqueue as enqueue_task

QUEUE = "repurposePost"


def wants_repurposing(submission: dict) -> bool:
    return submission.get("enableRepurposing") is True and submission.get("source") != "repurpose"


def enqueue(submission_id: str, target_id: str, dispatch: int = 0) -> None:
    """Queue the repurpose task (the outbox's `repurpose` entry). Raises EnqueueError: the
    entry stays due. A later dispatch (the task never reported back) takes a new name."""
    enqueue_task(QUEUE, {"postSubmissionId": submission_id, "targetId": target_id},
                 name_parts=("repurpose", submission_id, target_id) + ((str(dispatch),) if dispatch else ()))
