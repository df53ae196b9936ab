"""The API's shape of a post and its runs, from their stored documents: pure, no I/O.

`GET /v1/posts[/{id}]` (posts/views.py) and the webhooks' payloads (frozen when a
run finishes: publishing/run_events.py) both use it, so an event shows a post
exactly as the API would have at that moment.
"""

from __future__ import annotations

from typing import Any, Iterable

from shared import clock

RUN_STATUSES = ("queued", "processing", "succeeded", "failed", "canceled", "unconfirmed")
# A run in one of these states is finished (`unconfirmed`: Soku cannot confirm the post exists
# and does not try again by itself: publishing/errors.py UnconfirmedError).
TERMINAL = ("succeeded", "failed", "canceled", "unconfirmed")


def run_view(data: dict) -> dict:
    """One run document as the API shows it (in `GET /v1/posts/{id}`'s `runs`)."""
    return {
        "targetId": data.get("targetId"),
        "platform": data.get("platform"),
        "accountId": data.get("accountId"),
        "status": data.get("status"),
        "attemptCount": data.get("attemptCount", 0),
        "createdAt": clock.iso(data.get("createdAt")),
        "startedAt": clock.iso(data.get("startedAt")),
        "finishedAt": clock.iso(data.get("finishedAt")),
        "result": data.get("result"),
        # Only while it matters: a finished run's `result` says everything.
        "lastError": data.get("lastError") if data.get("status") in ("queued", "processing") else None,
        "nextAttemptAt": clock.iso(data.get("notBefore")) if data.get("status") == "queued" else None,
        "deletedAt": clock.iso(data.get("deletedAt")),
        "deletion": _deletion_view(data.get("deletion")),
    }


def _deletion_view(deletion: dict | None) -> dict | None:
    """Taking the run's post down (posts/takedown.py): `deleting`, `deleted` or `failed`."""
    if not deletion:
        return None
    view = {"status": deletion.get("status"), "at": clock.iso(deletion.get("at"))}
    if deletion.get("error"):
        view["error"] = deletion["error"]
    if deletion.get("alreadyGone"):
        view["alreadyGone"] = True
    return view


def summary(submission_id: str, data: dict) -> dict:
    return {
        "id": submission_id,
        "postSubmissionId": submission_id,
        "status": data.get("status"),
        "createdAt": clock.iso(data.get("createdAt")),
        "updatedAt": clock.iso(data.get("updatedAt")),
        "scheduledTime": clock.iso(data.get("scheduledTime")),
        "enableRepurposing": data.get("enableRepurposing", False),
        "content": data.get("content"),
        "targets": data.get("targets", []),
        "platforms": data.get("platforms", []),
        "revision": int(data.get("revision", 1)),
    }


def post_shape(submission_id: str, data: dict, run_documents: Iterable[dict[str, Any]]) -> dict:
    """A submission with its runs, sorted by target, and how many runs are in each state."""
    runs = sorted((run_view(r) for r in run_documents), key=lambda r: r["targetId"] or "")
    counts = {status: 0 for status in RUN_STATUSES}
    for run in runs:
        counts[run["status"]] = counts.get(run["status"], 0) + 1
    return summary(submission_id, data) | {"runs": runs, "runCounts": counts}


def completion(post: dict) -> tuple | None:
    """The occurrence of `post.completed` for a post as post_shape shapes it; None while any run
    is unfinished. A retried post completes again: every run's state, with when it finished,
    names the occurrence (the same everywhere it is emitted, so it is sent once)."""
    runs = post["runs"]
    if not runs or any(r["status"] not in TERMINAL for r in runs):
        return None
    return post["id"], tuple(sorted((r["targetId"], r["status"], r["attemptCount"], r["finishedAt"] or "")
                                    for r in runs))
