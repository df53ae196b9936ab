"""`POST /v1/posts` and `POST /v1/posts/validate`.

Order of work, three sequential round trips, and the daily budget's transaction, once
the instance knows the API key's owner (bench/posts_bench.py counts them):
1. one read of everything the post refers to (posts/reads.py): its idempotency
   record, media and accounts, with the gate's documents (the API key and its
   user's subscription, the rate limiter's counters), while the pipeline's
   commit counts the request. The gate is passed (the key confirmed, the limit
   checked) before anything is written or answered; then one transaction charges the
   post's targets to the user's daily budget (shared/services/budgets.py; refunded
   if step 2 fails or another request wrote the post);
2. one atomic batch: the idempotency record, already answered (201 and the
   post's id), the submission with its dispatch bookkeeping, and all of its
   runs, so a record never exists without its post;
3. one Cloud Task for the orchestrator, then the answer. The submission stays
   flagged for the minute sweep until the orchestrator runs, so a request that
   dies between 2 and 3 loses nothing (dispatch.DISPATCH_GRACE). Only a failed
   enqueue writes again: the record becomes `dispatch_failed` (a retry with the
   same key dispatches) and the post is due for the sweep at once.
A key the instance has not seen is read before all this, by the pipeline: one
more round trip. A crashed attempt's record, taken over by its retry, is
answered in one more, with the dispatch bookkeeping (`_dispatch_or_fail`).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any, Mapping, Protocol

from google.api_core.exceptions import AlreadyExists

from shared import clock
from shared.adapters.gcp import firestore_client
from shared.errors import SokuError, ValidationError
from shared.models.posts import CreatePostRequest
from shared.services import idempotency
from shared.services.media.library import use_fields
from shared.services.posts import dispatch, slots
from shared.services.posts.checks import check_content
from shared.services.posts.media import MediaPlan, plan_media
from shared.services.posts.preflight import check_with_platforms
from shared.services.posts.reads import PostReads, read_for_post
from shared.services.posts.scheduling import NEXT_SLOT, parse_scheduled_time
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
    # The thread's replies' media, one plan per reply (`post.content.thread`); empty: no thread.
    thread_plans: tuple[MediaPlan, ...] = ()


def prepare(user_id: str, request: CreatePostRequest, reads: PostReads | None = None) -> PreparedPost:
    """Everything that can refuse the post, with no writes (`reads`: already read)."""
    scheduled = parse_scheduled_time(request.scheduledTime)
    if request.scheduledTime == NEXT_SLOT and request.draft:
        raise ValidationError("A draft publishes nothing, so it takes no slot: give it a time, or none",
                              details=[{"field": "body.scheduledTime", "code": "invalid_combination",
                                        "received": NEXT_SLOT, "message": "next_slot cannot be used with draft"}])
    content = request.post.content
    reads = reads if reads is not None else read_for_post(user_id, content)
    plan = plan_media(user_id, content, reads.media)
    targets = resolve_targets(content.platform, content.options, reads.accounts)
    thread_plans = tuple(plan_media(user_id, part, reads.media, f"body.post.content.thread.{index}")
                         for index, part in enumerate(content.thread or []))
    check_content(content.text, plan, targets,
                  [(part.text, part_plan) for part, part_plan in zip(content.thread or [], thread_plans)])
    return PreparedPost(request, scheduled, plan, targets, thread_plans)


def submission_document(submission_id: str, user_id: str, key_hash: str | None, post: PreparedPost,
                        idempotency_key: str, slot_claims: list[str] | None = None) -> dict:
    now = clock.now()
    content = post.request.post.content
    stored_content = {
        "text": content.text,
        "mediaType": post.plan.media_type,
        "media": [m.as_dict() for m in post.plan.items],
    }
    if post.thread_plans:
        # Each reply as the runs read it (publishing/runner.py): its text, its kind, its media.
        stored_content["thread"] = [
            {"text": part.text or "", "mediaType": part_plan.media_type, "media": [m.as_dict() for m in part_plan.items]}
            for part, part_plan in zip(content.thread or [], post.thread_plans)]
    for name in _ORIGINAL_FIELDS:
        value = getattr(content, name)
        if value is not None:
            stored_content[name] = [str(v) for v in value] if isinstance(value, list) else str(value)
    return {
        "userId": user_id,
        "keyHash": key_hash,
        "source": "api",
        "status": "draft" if post.request.draft else "queued",
        "content": stored_content,
        "targets": [t.as_dict() for t in post.targets],
        "platforms": sorted({t.platform.value for t in post.targets}),
        "scheduledTime": post.scheduled_time,
        "enableRepurposing": post.request.enableRepurposing,
        "idempotencyKey": idempotency_key,
        "scheduleVersion": 1,
        **({"slotClaims": slot_claims} if slot_claims else {}),
        "createdAt": now,
        "updatedAt": now,
        # needsDispatch/enqueueAt drive the minute sweep: it enqueues what is due and
        # still not orchestrated (far-future posts, or an enqueue that failed or never
        # happened). recoverAt drives the recovery sweep: if nothing has moved the post
        # on by then (its orchestrator task lost or out of attempts), it is enqueued again.
    } | (DRAFT_DISPATCH if post.request.draft else dispatch.new_submission_dispatch(submission_id, post.scheduled_time, now))


# A draft is queued for nothing: no orchestrator task, and nothing the sweeps look for, until
# POST /v1/posts/{id}/publish (manage.publish_now) gives it the dispatch fields a new post has.
DRAFT_DISPATCH = {"needsDispatch": False}


def run_document(user_id: str, target: Target, now: datetime) -> dict:
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


def _write(claim: idempotency.Claim, submission: dict, targets: list[Target],
           media_uses: dict[str, Any] | None = None) -> bool:
    """Write the idempotency claim, the submission and its runs in one batch.

    False if the claim or the submission already exists: a concurrent duplicate
    claimed the key first, or (a taken-over claim) a crashed attempt got this far."""
    db = firestore_client()
    ref = db.collection(SUBMISSIONS).document(claim.resource_id)
    batch = db.batch()
    if not claim.taken_over:
        # First in the batch: where commits are not atomic (the bundled emulator applies
        # writes in order and stops at the first that fails) a lost claim writes nothing.
        # Saved already answered: the post exists from this commit on, and a retry is told
        # so; only a failed enqueue changes the answer (_enqueue_new).
        batch.create(claim.ref, idempotency.record_for(claim, 201, _created(claim.resource_id)))
    batch.create(ref, submission)
    for target in targets:
        batch.create(ref.collection("runs").document(target.target_id),
                     run_document(submission["userId"], target, submission["createdAt"]))
    # Last: each media document the post uses records it (`usedBy`, GET /v1/media), in this
    # same commit, so no round trip is added. A media deleted since the post's read fails the
    # batch (NotFound), like the 404 a retry then gets.
    for media_id, stored in (media_uses or {}).items():
        batch.update(db.collection("media").document(media_id),
                     use_fields(stored, claim.resource_id, submission["createdAt"]))
    try:
        batch.commit()
    except AlreadyExists:
        return False
    return True


def media_uses(post: PreparedPost, reads: PostReads) -> dict[str, Any]:
    """Media id -> its `usedBy` as the post's read found it, for each media document the post uses."""
    uses: dict[str, Any] = {}
    for item in [*post.plan.items, *(item for plan in post.thread_plans for item in plan.items)]:
        snap = reads.media.get(item.mediaId) if item.mediaId else None
        if snap is not None and snap.exists:
            uses[item.mediaId] = (snap.to_dict() or {}).get("usedBy")
    return uses


def _created(submission_id: str) -> dict:
    return {"postSubmissionId": submission_id}


def _enqueue_new(claim: idempotency.Claim, submission: dict) -> IdempotentResult:
    """Queue the orchestrator of a post just saved with its answer; nothing more to write.

    The document already carries the dispatch bookkeeping (dispatch.new_submission_dispatch),
    so the response follows the enqueue: no round trip after it."""
    if "orchestratorTask" in submission:  # inside the Cloud Tasks horizon: enqueued now
        try:
            dispatch.enqueue_orchestrator(claim.resource_id, submission)
        except dispatch.EnqueueError:
            raise _dispatch_failed(claim, claim.resource_id) from None
    return IdempotentResult(_created(claim.resource_id), 201, claim.key)


def _dispatch_or_fail(claim: idempotency.Claim, submission_id: str, submission: dict | None = None) -> IdempotentResult:
    created = _created(submission_id)
    finish = firestore_client().batch()  # dispatch bookkeeping + idempotency result: one commit
    try:
        dispatch.dispatch_if_due(submission_id, submission, write_batch=finish)
    except dispatch.EnqueueError:
        raise _dispatch_failed(claim, submission_id) from None
    idempotency.complete(claim, 201, created, write_batch=finish)
    finish.commit()
    return IdempotentResult(created, 201, claim.key)


def _dispatch_failed(claim: idempotency.Claim, submission_id: str) -> DispatchFailedError:
    """Record a post saved but not queued and say so: a retry with the key dispatches it, and
    the minute sweep's next pass does too (a new post waits for it only after a grace period,
    dispatch.DISPATCH_GRACE, which a failed enqueue ends at once)."""
    log.exception("dispatch failed for submission %s", submission_id)
    record = firestore_client().batch()
    idempotency.complete(claim, 500, _created(submission_id), state="dispatch_failed", write_batch=record)
    record.update(firestore_client().collection(SUBMISSIONS).document(submission_id),
                  {"enqueueAt": clock.now(), "updatedAt": clock.now()})
    try:
        record.commit()
    except Exception:  # noqa: BLE001 - the post is saved and flagged: the sweep still queues it
        log.exception("could not record the failed dispatch of submission %s", submission_id)
    return DispatchFailedError(
        "The post was saved but could not be queued for publishing. It will be dispatched "
        "automatically within a minute; retrying this request with the same Idempotency-Key "
        "is safe and returns the same postSubmissionId.",
        details={"postSubmissionId": submission_id},
        headers={"Idempotency-Key": claim.key},
    )


class Gate(Protocol):
    """The pipeline's gate (shared/web/api.py): the API key, when the instance knows its
    owner, and the rate limiter's count, both read with the post's own read."""

    def gate_refs(self) -> list:
        """Documents the gate needs read: read with the post's own."""

    def gate_found(self, snapshots: Mapping[str, Any]) -> None:
        """What that read found, by document path."""

    def admit(self) -> None:
        """Confirm the key and wait for the limiter's decision; raise what refuses the request."""


class _Open:
    """No gate: callers that are not HTTP requests (repurpose automations)."""

    def gate_refs(self) -> list:
        return []

    def gate_found(self, snapshots: Mapping[str, Any]) -> None:
        pass

    def admit(self) -> None:
        pass


def create_post(user_id: str, key_hash: str | None, request: CreatePostRequest, raw_body: dict,
                explicit_key: str | None, gate: Gate = _Open(), meter: Any = None) -> IdempotentResult:
    """Create and dispatch a post, exactly once per idempotency key.

    `gate.admit()` is called before the first write or answer; the gate's documents (the
    key, the limiter's counters) are read in this post's own read, so neither adds a round
    trip or an RPC. `meter` (budgets.Meter, the daily `posts`) is charged one per target
    once the post is accepted, before it is written (one transaction more), and refunded
    when this request does not write it; a replay is not charged again."""
    parse_scheduled_time(request.scheduledTime)  # the spec's scheduling errors come first
    claim = idempotency.new_claim(user_id, ENDPOINT, explicit_key, raw_body)
    reads = read_for_post(user_id, request.post.content, also=(claim.ref, *gate.gate_refs()))
    gate.gate_found(reads.others)
    earlier = idempotency.settle(claim, reads.others[claim.ref.path])
    if earlier is not None:
        gate.admit()
        if earlier.state != "new":
            return _replay(earlier)
        claim = earlier  # a crashed request's claim, taken over with its post's id

    prepared = prepare(user_id, request, reads)  # refusals write nothing: a corrected retry runs afresh
    gate.admit()
    # What only the platforms know (a subreddit's required flair), once the request is admitted:
    # it spends the user's own platform rate limit (posts/preflight.py; free for the others).
    check_with_platforms(user_id, request.post.content.text, prepared.plan, prepared.targets)
    charge = meter.charge(len(prepared.targets)) if meter is not None else None  # 429 over the daily ceiling
    claims: list[str] = []
    if request.scheduledTime == NEXT_SLOT:
        try:
            when, claims = slots.claim_next(user_id, _accounts(prepared), claim.resource_id)
        except BaseException:
            if charge is not None:
                charge.refund()
            raise
        prepared = replace(prepared, scheduled_time=when)
    document = submission_document(claim.resource_id, user_id, key_hash, prepared, claim.key, claims)
    try:
        written = _write(claim, document, prepared.targets, media_uses(prepared, reads))
    except Exception as exc:  # noqa: BLE001 - reported as the spec's post_creation_failed
        log.exception("could not write submission %s", claim.resource_id)
        if charge is not None:
            charge.refund()
        slots.release(claims, claim.resource_id)
        raise PostCreationFailedError() from exc
    if not written and charge is not None:
        charge.refund()  # another request wrote this post (and was charged for it)
    if not written and not claim.taken_over:
        slots.release(claims, claim.resource_id)  # a concurrent duplicate's post holds its own
    if written and not claim.taken_over:
        return _enqueue_new(claim, document)
    if written:  # a crashed attempt's claim, still unanswered: answered with the dispatch
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


def _accounts(prepared: PreparedPost) -> list[tuple[str, str]]:
    return [(t.platform.value, t.account_id) for t in prepared.targets]


def validate_post(user_id: str, request: CreatePostRequest) -> dict:
    prepared = prepare(user_id, request)
    check_with_platforms(user_id, request.post.content.text, prepared.plan, prepared.targets)
    if request.scheduledTime == NEXT_SLOT:  # the slot it would take now (taken only when posted)
        prepared = replace(prepared, scheduled_time=slots.next_free(user_id, _accounts(prepared)))
    return {
        "valid": True,
        "mediaType": prepared.plan.media_type,
        "media": [m.as_dict() for m in prepared.plan.items],
        "targets": [t.as_dict() for t in prepared.targets],
        "scheduledTime": clock.iso(prepared.scheduled_time),
    }
