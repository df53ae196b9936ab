"""`POST /v1/posts` and `POST /v1/posts/validate`.

Order of work: cheap checks of the body, then the idempotency claim, then
what needs Firestore (media, targets), then one atomic batch that writes the
submission and all of its runs, then one Cloud Task for the orchestrator.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from google.api_core.exceptions import AlreadyExists

from shared import clock
from shared.adapters.gcp import firestore_client
from shared.errors import SokuError
from shared.models.posts import CreatePostRequest
from shared.services import idempotency
from shared.services.posts import dispatch
from shared.services.posts.checks import check_content
from shared.services.posts.media import MediaPlan, plan_media
from shared.services.posts.scheduling import parse_scheduled_time, within_tasks_horizon
from shared.services.posts.targets import Target, resolve_targets
from shared.services.results import IdempotentResult

log = logging.getLogger("soku.posts")

ENDPOINT = "POST /v1/posts"
SUBMISSIONS = "postSubmissions"
_ORIGINAL_FIELDS = ("originalImageUrl", "originalVideoUrl", "originalImageUrls", "originalMediaUrls")


class PostCreationFailedError(SokuError):
    status = 500
    code = "post_creation_failed"
    message = "The post could not be saved; nothing was created. Retrying is safe."


class DispatchFailedError(SokuError):
    status = 500
    code = "dispatch_failed"


@dataclass(frozen=True)
class PreparedPost:
    request: CreatePostRequest
    scheduled_time: datetime | None
    plan: MediaPlan
    targets: list[Target]


def prepare(user_id: str, request: CreatePostRequest) -> PreparedPost:
    """Everything that can refuse the post, with no writes."""
    scheduled = parse_scheduled_time(request.scheduledTime)
    content = request.post.content
    plan = plan_media(user_id, content)
    targets = resolve_targets(user_id, content.platform, content.options)
    check_content(content.text, plan, targets)
    return PreparedPost(request, scheduled, plan, targets)


def _submission_document(user_id: str, key_hash: str, post: PreparedPost, idempotency_key: str) -> dict:
    now = clock.now()
    content = post.request.post.content
    stored_content = {
        "text": content.text,
        "mediaType": post.plan.media_type,
        "media": [m.as_dict() for m in post.plan.items],
    }
    for name in _ORIGINAL_FIELDS:
        value = getattr(content, name)
        if value is not None:
            stored_content[name] = [str(v) for v in value] if isinstance(value, list) else str(value)
    immediate_or_near = within_tasks_horizon(post.scheduled_time)
    enqueue_at = now if immediate_or_near else dispatch.enqueue_at(post.scheduled_time)
    return {
        "userId": user_id,
        "keyHash": key_hash,
        "source": "api",
        "status": "queued",
        "content": stored_content,
        "targets": [t.as_dict() for t in post.targets],
        "platforms": sorted({t.platform.value for t in post.targets}),
        "scheduledTime": post.scheduled_time,
        "enableRepurposing": post.request.enableRepurposing,
        "idempotencyKey": idempotency_key,
        "scheduleVersion": 1,
        # needsDispatch/enqueueAt drive the minute sweep: it enqueues what is
        # due and not yet enqueued (far-future posts, or an enqueue that failed).
        # recoverAt drives the recovery sweep: if nothing has moved the post on by
        # then (its orchestrator task lost or out of attempts), it is enqueued again.
        "needsDispatch": True,
        "enqueueAt": enqueue_at,
        "recoverAt": dispatch.recover_at(enqueue_at, post.scheduled_time),
        "createdAt": now,
        "updatedAt": now,
    }


def _run_document(user_id: str, target: Target, now: datetime) -> dict:
    return target.as_dict() | {
        "userId": user_id,
        "status": "queued",
        "attemptCount": 0,
        "retryCount": 0,
        "createdAt": now,
        "updatedAt": now,
        "startedAt": None,
        "finishedAt": None,
        "result": None,
    }


def _write(submission_id: str, submission: dict, targets: list[Target]) -> bool:
    """Write the submission and its runs in one batch. False if it already exists."""
    db = firestore_client()
    ref = db.collection(SUBMISSIONS).document(submission_id)
    batch = db.batch()
    batch.create(ref, submission)
    for target in targets:
        batch.create(ref.collection("runs").document(target.target_id),
                     _run_document(submission["userId"], target, submission["createdAt"]))
    try:
        batch.commit()
    except AlreadyExists:
        return False  # a crashed earlier attempt with this idempotency key got this far
    return True


def _dispatch_or_fail(claim: idempotency.Claim, submission_id: str, submission: dict | None = None) -> IdempotentResult:
    created = {"postSubmissionId": submission_id}
    finish = firestore_client().batch()  # dispatch bookkeeping + idempotency result: one commit
    try:
        dispatch.dispatch_if_due(submission_id, submission, write_batch=finish)
    except dispatch.EnqueueError:
        log.exception("dispatch failed for submission %s", submission_id)
        error = DispatchFailedError(
            "The post was saved but could not be queued for publishing. It will be dispatched "
            "automatically within a minute; retrying this request with the same Idempotency-Key "
            "is safe and returns the same postSubmissionId.",
            details={"postSubmissionId": submission_id},
            headers={"Idempotency-Key": claim.key},
        )
        idempotency.complete(claim, 500, created, state="dispatch_failed")
        raise error
    idempotency.complete(claim, 201, created, write_batch=finish)
    finish.commit()
    return IdempotentResult(created, 201, claim.key)


def create_post(user_id: str, key_hash: str, request: CreatePostRequest, raw_body: dict,
                explicit_key: str | None) -> IdempotentResult:
    parse_scheduled_time(request.scheduledTime)  # the spec's scheduling errors come first
    claim = idempotency.begin(user_id, ENDPOINT, explicit_key, raw_body)
    if claim.state == "completed":
        return IdempotentResult(claim.body, claim.status or 201, claim.key)
    if claim.state == "dispatch_failed":
        return _dispatch_or_fail(claim, claim.resource_id)  # the retry the error invited

    try:
        prepared = prepare(user_id, request)
    except SokuError:
        idempotency.abandon(claim)  # nothing was created: a corrected retry starts afresh
        raise
    submission_id = claim.resource_id
    document = _submission_document(user_id, key_hash, prepared, claim.key)
    try:
        written = _write(submission_id, document, prepared.targets)
    except Exception as exc:  # noqa: BLE001 - reported as the spec's post_creation_failed
        log.exception("could not write submission %s", submission_id)
        idempotency.abandon(claim)
        raise PostCreationFailedError() from exc
    # After a crashed earlier attempt the stored document is the truth: re-read it.
    return _dispatch_or_fail(claim, submission_id, document if written else None)


def validate_post(user_id: str, request: CreatePostRequest) -> dict:
    prepared = prepare(user_id, request)
    return {
        "valid": True,
        "mediaType": prepared.plan.media_type,
        "media": [m.as_dict() for m in prepared.plan.items],
        "targets": [t.as_dict() for t in prepared.targets],
        "scheduledTime": clock.iso(prepared.scheduled_time),
    }
