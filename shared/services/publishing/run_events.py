"""A finishing run's webhook events, frozen in the commit that finishes it.

The events say what the run's final state *was*: built inside runs.finish_run's
transaction, from the submission and every run as that transaction reads them
(with this run's new state), and stored in its outbox entries. Dispatching an
entry later, however late (the sweep after a crash), sends exactly that, even
if the post was retried or changed meanwhile. Built at dispatch instead, a
POST /retry inside the outbox's grace period would lose the earlier post.failed
(the run is queued again by then), and two failed generations would share an id.

- `post.published` / `post.failed` / `post.unconfirmed` for the run, its occurrence
  (submission, target, status, generation): one per generation's outcome;
- `post.completed` when this finish leaves no run of the post unfinished. The
  transaction read every run, so of two runs finishing at once exactly one
  sees the other finished and records it; a retried post completes again, its
  occurrence being every run's state.
"""

from __future__ import annotations

from typing import Any

from google.cloud import firestore

from shared.services.posts.shape import completion, post_shape
from shared.services.publishing import outbox

EVENT_OF = {"succeeded": "post.published", "failed": "post.failed", "unconfirmed": "post.unconfirmed"}


def frozen(transaction: firestore.Transaction, submission_ref: firestore.DocumentReference, target_id: str,
           run_after: dict[str, Any]) -> list[outbox.Entry]:
    """The events of `target_id` reaching `run_after` (read in `transaction`; it writes nothing)."""
    status = run_after.get("status")
    if status not in EVENT_OF:
        return []
    read = _post_after(transaction, submission_ref, target_id, run_after)
    if read is None:
        return []
    user_id, post = read
    run = next(r for r in post["runs"] if r["targetId"] == target_id)
    generation = int(run_after.get("retryCount", 0))
    events = [outbox.webhook(user_id, EVENT_OF[status], (submission_ref.id, target_id, status, generation),
                             {"post": post, "run": run})]
    return events + _completed(user_id, post)


def completed_by(transaction: firestore.Transaction, submission_ref: firestore.DocumentReference,
                 target_id: str, run_after: dict[str, Any]) -> list[outbox.Entry]:
    """`post.completed`, if `target_id` reaching `run_after` leaves no run of the post unfinished
    (a run canceled: it has no event of its own). Read in `transaction`; it writes nothing."""
    read = _post_after(transaction, submission_ref, target_id, run_after)
    return _completed(*read) if read is not None else []


def _post_after(transaction: firestore.Transaction, submission_ref: firestore.DocumentReference, target_id: str,
                run_after: dict[str, Any]) -> tuple[str, dict[str, Any]] | None:
    """(user id, the post as the API shows it) once `target_id` is `run_after`."""
    submission = submission_ref.get(transaction=transaction).to_dict() or {}
    user_id = submission.get("userId")
    if not user_id:
        return None
    documents = {snap.id: snap.to_dict() or {} for snap in
                 submission_ref.collection("runs").stream(transaction=transaction)}
    documents[target_id] = run_after
    return user_id, post_shape(submission_ref.id, submission, documents.values())


def _completed(user_id: str, post: dict[str, Any]) -> list[outbox.Entry]:
    completed = completion(post)
    return [outbox.webhook(user_id, "post.completed", completed, {"post": post})] if completed is not None else []
