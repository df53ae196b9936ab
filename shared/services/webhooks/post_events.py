"""What publishing tells webhooks: run outcomes, post completion, posts taken down, accounts to reconnect.

`strict=True` (the outbox's dispatch) lets a failure to queue raise, so the
outbox entry stays due; otherwise a notification problem is logged and dropped.
"""

from __future__ import annotations

from shared.adapters.gcp import firestore_client
from shared.services.posts.shape import completion
from shared.services.posts.views import post_view
from shared.services.webhooks.events import emit


def run_finished(submission_id: str, target_id: str, submission: dict, strict: bool = False) -> None:
    """Emit post.published / post.failed for this run, and post.completed when it was the last."""
    user_id = submission["userId"]
    post = post_view(user_id, submission_id)
    run = next((r for r in post["runs"] if r["targetId"] == target_id), None)
    if run is None or run["status"] not in ("succeeded", "failed"):
        return
    generation = _generation(submission_id, target_id)
    event = "post.published" if run["status"] == "succeeded" else "post.failed"
    emit(user_id, event, (submission_id, target_id, run["status"], generation), {"post": post, "run": run},
         strict=strict)
    post_completed(user_id, submission_id, post, strict=strict)


def post_completed(user_id: str, submission_id: str, post: dict | None = None, strict: bool = False) -> None:
    post = post or post_view(user_id, submission_id)
    completed = completion(post)
    if completed is not None:
        emit(user_id, "post.completed", completed, {"post": post}, strict=strict)


def post_deleted(submission_id: str, target_id: str, strict: bool = False) -> None:
    """Emit post.deleted for a run whose post was taken down at its platform (posts/takedown.py).

    Once per run: the occurrence is the run itself, and a run is taken down once.
    """
    submission = firestore_client().collection("postSubmissions").document(submission_id).get().to_dict() or {}
    user_id = submission.get("userId")
    if not user_id:
        return
    post = post_view(user_id, submission_id)
    run = next((r for r in post["runs"] if r["targetId"] == target_id), None)
    if run is None or run.get("deletedAt") is None:
        return
    emit(user_id, "post.deleted", (submission_id, target_id), {
        "postSubmissionId": submission_id, "targetId": target_id, "platform": run["platform"],
        "accountId": run["accountId"], "platformPostId": (run.get("result") or {}).get("postId"),
        "deletedAt": run["deletedAt"], "alreadyGone": bool((run.get("deletion") or {}).get("alreadyGone")),
        "run": run,
    }, strict=strict)


def account_needs_reconnect(account_path: str, account: dict, strict: bool = False) -> None:
    # users/{uid}/integrations/{platform}/accounts/{accountId}
    parts = account_path.split("/")
    user_id, platform, account_id = parts[1], parts[3], parts[5]
    emit(user_id, "account.needs_reconnect", (platform, account_id, account.get("statusChangedAt")), {
        "account": {"platform": platform, "accountId": account_id, "displayName": account.get("displayName"),
                    "status": "needs_reconnect", "statusReason": account.get("statusReason")},
    }, strict=strict)


def _generation(submission_id: str, target_id: str) -> int:
    run = (firestore_client().collection("postSubmissions").document(submission_id)
           .collection("runs").document(target_id).get().to_dict() or {})
    return int(run.get("retryCount", 0))
