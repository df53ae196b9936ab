"""`PATCH /v1/posts/{id}`: changing a draft, or a scheduled post that has not started.

An edit is checked exactly as a new post is (posts/submission.prepare and the platforms'
preflight), before anything is written; then one transaction checks that the post can still be
edited (a draft, or `queued` with a scheduled time: an orchestrator that claimed it first moved it
on, and the edit answers 409 without changing anything), checks `If-Match` against the post's
`revision`, and writes the new content with its runs made anew: a run whose target stays is
replaced whole, one whose target went is deleted, a new target gets a new run. A new scheduled time
of a queued post bumps its schedule version as a reschedule does, so the task of the old time does
nothing when it fires.
"""

from __future__ import annotations

from typing import Any

from google.cloud import firestore

from shared import clock
from shared.adapters.gcp import firestore_client
from shared.errors import ConflictError, PreconditionFailedError, ValidationError
from shared.models.posts import CreatePostRequest, EditPostRequest
from shared.services.media.library import use_fields
from shared.services.posts import dispatch, slots
from shared.services.posts.manage import NotReschedulableError
from shared.services.posts.preflight import check_with_platforms
from shared.services.posts.reads import read_for_post
from shared.services.posts.scheduling import NEXT_SLOT, parse_scheduled_time, within_tasks_horizon
from shared.services.posts.submission import media_uses, prepare, run_document, submission_document
from shared.services.posts.views import load_owned, post_view


class NotEditableError(ConflictError):
    code = "post_not_editable"


def etag(revision: int) -> str:
    return f'"{revision}"'


def _matches(if_match: str | None, revision: int) -> bool:
    if if_match is None:
        return True
    tags = [tag.strip().removeprefix("W/") for tag in if_match.split(",")]
    return "*" in tags or etag(revision) in tags


def edit_post(user_id: str, submission_id: str, request: EditPostRequest, if_match: str | None = None,
              meter: Any = None) -> dict:
    changed = request.model_fields_set
    if not changed:
        raise ValidationError("Nothing to change: give post, scheduledTime or both", details=[{
            "field": "body", "code": "empty_update", "message": "give post, scheduledTime or both"}])
    if "post" in changed and request.post is None:
        raise ValidationError("post cannot be null", details=[{
            "field": "body.post", "code": "null_value", "message": "leave post out to keep the content"}])
    if request.scheduledTime == NEXT_SLOT:
        raise ValidationError("next_slot places new posts; give an edited post a time", details=[{
            "field": "body.scheduledTime", "code": "invalid_date", "received": NEXT_SLOT,
            "message": "give a time (ISO 8601 with a zone)"}])
    new_time = parse_scheduled_time(request.scheduledTime) if request.scheduledTime is not None else None
    ref, stored = load_owned(user_id, submission_id)

    content: dict | None = None
    targets: list = []
    uses: dict[str, Any] = {}
    if request.post is not None:
        # Checked as a new post is; nothing is written when it is refused.
        reads = read_for_post(user_id, request.post.content)
        prepared = prepare(user_id, CreatePostRequest(post=request.post, scheduledTime=request.scheduledTime), reads)
        uses = media_uses(prepared, reads)
        check_with_platforms(user_id, request.post.content.text, prepared.plan, prepared.targets)
        document = submission_document(submission_id, user_id, stored.get("keyHash"), prepared,
                                        stored.get("idempotencyKey") or "")
        content = {"content": document["content"], "targets": document["targets"],
                   "platforms": document["platforms"]}
        targets = prepared.targets
        added = len(prepared.targets) - len(stored.get("targets") or [])
        if meter is not None and added > 0:
            meter.charge(added)  # the daily posts ceiling counts targets; an edit adding some spends them

    @firestore.transactional
    def apply(transaction: firestore.Transaction) -> dict:
        data = ref.get(transaction=transaction).to_dict()
        status = data.get("status")
        scheduled = data.get("scheduledTime")
        if status != "draft" and not (status == "queued" and scheduled is not None):
            # Only a new time asked for: the reschedule's own code, as before edits existed.
            refusal = NotEditableError if content is not None else NotReschedulableError
            raise refusal(
                "Only a draft or a scheduled post that has not started can be edited; this post is "
                + (status if status != "queued" else "publishing now"),
                details={"postSubmissionId": submission_id, "status": status})
        revision = int(data.get("revision", 1))
        if not _matches(if_match, revision):
            raise PreconditionFailedError(
                f"The post changed since you read it (revision {revision}, If-Match named {if_match}): "
                "read it again (GET /v1/posts/{id}) and edit that", details={"revision": revision})
        if status == "queued" and "scheduledTime" in changed and new_time is None:
            raise ValidationError("A scheduled post keeps a time: to publish it now, POST /v1/posts/{id}/publish",
                                  details=[{"field": "body.scheduledTime", "code": "null_value",
                                            "message": "give a time, or publish it now with POST /v1/posts/{id}/publish"}])
        now = clock.now()
        update: dict[str, Any] = {"revision": revision + 1, "updatedAt": now, "editedAt": now}
        if content is not None:
            update |= content
            runs = {snap.id: snap for snap in ref.collection("runs").stream(transaction=transaction)}
            kept = {target.target_id for target in targets}
            for target_id, snap in runs.items():
                if target_id not in kept:
                    transaction.delete(snap.reference)
            for target in targets:  # replaced whole: a run of the old content keeps nothing
                transaction.set(ref.collection("runs").document(target.target_id),
                                run_document(user_id, target, data["createdAt"]))
            for media_id, used in uses.items():  # the media the new content uses records the post
                transaction.update(firestore_client().collection("media").document(media_id),
                                   use_fields(used, submission_id, now))
        if "scheduledTime" in changed:
            update["scheduledTime"] = new_time
            update["slotClaims"] = []  # moved off its queue slot: released below
            if status == "queued":
                enqueue_at = now if within_tasks_horizon(new_time) else dispatch.enqueue_at(new_time)
                update |= {"scheduleVersion": int(data.get("scheduleVersion", 1)) + 1, "needsDispatch": True,
                           "enqueueAt": enqueue_at, "recoverAt": dispatch.recover_at(enqueue_at, new_time)}
        transaction.update(ref, update)
        return data | update

    updated = apply(firestore_client().transaction())
    if "scheduledTime" in changed:
        slots.release(stored.get("slotClaims") or [], submission_id)
    if updated.get("status") == "queued" and "scheduleVersion" in updated and "scheduledTime" in changed:
        dispatch.dispatch_if_due(submission_id, updated)  # the old version's task becomes a no-op
    return post_view(user_id, submission_id)

