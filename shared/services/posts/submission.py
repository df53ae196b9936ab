"""`POST /v1/posts` and `POST /v1/posts/validate`.

Order of work, five sequential round trips (bench/posts_bench.py counts them):
1. (the pipeline) the API key and its user's subscription, in one `get_all`;
2. one read of everything the post refers to (posts/reads.py): its idempotency
   record, media and accounts, while the pipeline counts the request against
   its rate limits (the `admit` gate is passed before anything is written);
3. one atomic batch: the idempotency claim, the submission and all of its runs,
   so a claim never exists without its post (a retry after a crash finds both);
4. one Cloud Task for the orchestrator;
5. one commit of the idempotency result and the dispatch bookkeeping.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Mapping, Protocol

from google.api_core.exceptions import AlreadyExists

from shared import clock
from shared.adapters.gcp import firestore_client
from shared.errors import SokuError
from shared.models.posts import CreatePostRequest
from shared.services import idempotency
from shared.services.posts import dispatch
from shared.services.posts.checks import check_content
from shared.services.posts.media import MediaPlan, plan_media
from shared.services.posts.reads import PostReads, read_for_post
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


def prepare(user_id: str, request: CreatePostRequest, reads: PostReads | None = None) -> PreparedPost:
    """Everything that can refuse the post, with no writes (`reads`: already read)."""
    scheduled = parse_scheduled_time(request.scheduledTime)
    content = request.post.content
    reads = reads if reads is not None else read_for_post(user_id, content)
    plan = plan_media(user_id, content, reads.media)
    targets = resolve_targets(content.platform, content.options, reads.accounts)
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


def _write(claim: idempotency.Claim, submission: dict, targets: list[Target]) -> bool:
    """Write the idempotency claim, the submission and its runs in one batch.

    False if the claim or the submission already exists: a concurrent duplicate
    claimed the key first, or (a taken-over claim) a crashed attempt got this far."""
    db = firestore_client()
    ref = db.collection(SUBMISSIONS).document(claim.resource_id)
    batch = db.batch()
    if not claim.taken_over:
        # First in the batch: where commits are not atomic (the bundled emulator applies
        # writes in order and stops at the first that fails) a lost claim writes nothing.
        batch.create(claim.ref, idempotency.record_for(claim))
    batch.create(ref, submission)
    for target in targets:
        batch.create(ref.collection("runs").document(target.target_id),
                     _run_document(submission["userId"], target, submission["createdAt"]))
    try:
        batch.commit()
    except AlreadyExists:
        return False
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


class Gate(Protocol):
    """The pipeline's rate-limit gate, counted while the post reads (shared/web/api.py)."""

    def limiter_refs(self) -> list:
        """Documents the limiter needs read: read with the post's own."""

    def limiter_found(self, snapshots: Mapping[str, Any]) -> None:
        """What that read found, by document path."""

    def admit(self) -> None:
        """Wait for the limiter's decision; raise the 429 of a refused request."""


class _Open:
    """No gate: callers that are not HTTP requests (repurpose automations)."""

    def limiter_refs(self) -> list:
        return []

    def limiter_found(self, snapshots: Mapping[str, Any]) -> None:
        pass

    def admit(self) -> None:
        pass


def create_post(user_id: str, key_hash: str | None, request: CreatePostRequest, raw_body: dict,
                explicit_key: str | None, gate: Gate = _Open()) -> IdempotentResult:
    """Create and dispatch a post, exactly once per idempotency key.

    `gate.admit()` is called before the first write; the limiter's documents are read in
    this post's own read, so counting the request adds no round trip and no RPC."""
    parse_scheduled_time(request.scheduledTime)  # the spec's scheduling errors come first
    claim = idempotency.new_claim(user_id, ENDPOINT, explicit_key, raw_body)
    reads = read_for_post(user_id, request.post.content, also=(claim.ref, *gate.limiter_refs()))
    gate.limiter_found(reads.others)
    earlier = idempotency.settle(claim, reads.others[claim.ref.path])
    if earlier is not None:
        gate.admit()
        if earlier.state != "new":
            return _replay(earlier)
        claim = earlier  # a crashed request's claim, taken over with its post's id

    prepared = prepare(user_id, request, reads)  # refusals write nothing: a corrected retry runs afresh
    gate.admit()
    document = _submission_document(user_id, key_hash, prepared, claim.key)
    try:
        written = _write(claim, document, prepared.targets)
    except Exception as exc:  # noqa: BLE001 - reported as the spec's post_creation_failed
        log.exception("could not write submission %s", claim.resource_id)
        raise PostCreationFailedError() from exc
    if written:
        return _dispatch_or_fail(claim, claim.resource_id, document)
    if claim.taken_over:
        # The crashed attempt wrote the post: its stored document is the truth.
        return _dispatch_or_fail(claim, claim.resource_id)
    # A concurrent duplicate claimed the key between our read and our write: its answer is ours.
    earlier = idempotency.settle(claim, claim.ref.get())
    if earlier is None:
        raise PostCreationFailedError()
    if earlier.state != "new":
        return _replay(earlier)
    return _dispatch_or_fail(earlier, earlier.resource_id)


def _replay(claim: idempotency.Claim) -> IdempotentResult:
    if claim.state == "dispatch_failed":
        return _dispatch_or_fail(claim, claim.resource_id)  # the retry the error invited
    return IdempotentResult(claim.body, claim.status or 201, claim.key)


def validate_post(user_id: str, request: CreatePostRequest) -> dict:
    prepared = prepare(user_id, request)
    return {
        "valid": True,
        "mediaType": prepared.plan.media_type,
        "media": [m.as_dict() for m in prepared.plan.items],
        "targets": [t.as_dict() for t in prepared.targets],
        "scheduledTime": clock.iso(prepared.scheduled_time),
    }
