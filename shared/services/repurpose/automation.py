"""The automation: a published post meets the user's repurpose links.

When a run of a post sent with `enableRepurposing: true` succeeds, the
`repurposePost` task runs this for (post, run). Each of the user's links whose
`type` is the post's media type makes one derived post: a real scheduled
submission created through the posts service (so it is listed, cancellable and
tracked like any other), `delayHours` after the run succeeded, for the link's
account, with `enableRepurposing: false` and `source: "repurpose"`, so it never
triggers links itself.

Exactly once per (source post, link), whichever of the post's runs succeeds
first and however often tasks are delivered: the record
`users/{uid}/repurposeTriggers/{id}` (id derived from post and link) is claimed
with `create()`, the derived post's body is stored on it before the post is
created, and the post is created with an Idempotency-Key derived from it, so a
retry finds (or creates) the same post. A link that cannot apply (its template
has gone, the account was disconnected or had repurposing turned off, the content
does not fit the platform) is recorded as `skipped` with the reason.
"""

from __future__ import annotations

import hashlib
import logging
from datetime import datetime, timedelta

from google.api_core.exceptions import AlreadyExists, NotFound
from google.cloud import firestore

from shared import clock
from shared.adapters.gcp import firestore_client
from shared.errors import SokuError
from shared.models.posts import CreatePostRequest
from shared.platforms import Platform
from shared.services import idempotency
from shared.services.posts import submission as posts
from shared.services.posts.scheduling import MIN_LEAD
from shared.services.publishing import outbox
from shared.services.repurpose import cards, links, templates
from shared.services.repurpose.derive import CannotDerive, card_spec, media_ids, post_body

log = logging.getLogger("soku.repurpose")

SUBMISSIONS = "postSubmissions"
TRIGGERS = "repurposeTriggers"
# A claim left `pending` this long by another run's task (crashed for good) may be taken over.
STALE_AFTER = timedelta(minutes=5)
# Past the scheduling rule's one-minute minimum, so the request is never refused as too soon.
LEAD_MARGIN = timedelta(seconds=30)


class RetryLater(Exception):
    """Transient: the task answers non-2xx and Cloud Tasks delivers it again."""


def triggers(user_id: str) -> firestore.CollectionReference:
    return firestore_client().collection("users").document(user_id).collection(TRIGGERS)


def trigger_id(submission_id: str, link_id: str) -> str:
    return "rt_" + hashlib.sha256(f"{submission_id}|{link_id}".encode()).hexdigest()[:24]


def process(submission_id: str, target_id: str) -> dict:
    """Apply the user's links to one succeeded run; reports the outbox entry done.

    RetryLater (and any other exception) leaves the entry open: Cloud Tasks
    delivers again, and the sweep enqueues again if its deliveries run out.
    """
    result = _process(submission_id, target_id)
    outbox.complete(outbox.repurpose(submission_id, target_id))
    return result


def _process(submission_id: str, target_id: str) -> dict:
    ref = firestore_client().collection(SUBMISSIONS).document(submission_id)
    snap = ref.get()
    if not snap.exists:
        return {"outcome": "missing"}
    source = snap.to_dict()
    if source.get("enableRepurposing") is not True or source.get("source") == "repurpose":
        return {"outcome": "not_enabled"}  # no flag, or itself derived: never a loop
    run = ref.collection("runs").document(target_id).get().to_dict()
    if not run or run.get("status") != "succeeded":
        return {"outcome": "run_not_succeeded"}
    media_type = (source.get("content") or {}).get("mediaType", "text")
    matching = links.collection(source["userId"]).where(filter=firestore.FieldFilter("type", "==", media_type))
    found = [s.to_dict() | {"id": s.id} for s in matching.stream()]
    found.sort(key=lambda d: (d.get("createdAt") or clock.now(), d["id"]))
    return {"outcome": "processed",
            "links": {link["id"]: _apply(submission_id, source, target_id, run, link) for link in found}}


def _claim(ref: firestore.DocumentReference, record: dict) -> dict | None:
    """The trigger record to work on, or None when it is done or another run's task has it."""
    try:
        ref.create(record)
        return record
    except AlreadyExists:
        pass
    existing = ref.get().to_dict() or {}
    if existing.get("status") in ("created", "skipped"):
        return None
    now = clock.now()
    if existing.get("sourceTargetId") != record["sourceTargetId"] and now - existing["updatedAt"] < STALE_AFTER:
        return None  # another run of the same post got here first
    ref.update({"sourceTargetId": record["sourceTargetId"], "updatedAt": now})
    return existing | {"sourceTargetId": record["sourceTargetId"]}


def _apply(submission_id: str, source: dict, target_id: str, run: dict, link: dict) -> str:
    user_id = source["userId"]
    ref = triggers(user_id).document(trigger_id(submission_id, link["id"]))
    now = clock.now()
    record = _claim(ref, {
        "id": ref.id, "userId": user_id, "linkId": link["id"], "status": "pending",
        "sourcePostSubmissionId": submission_id, "sourceTargetId": target_id,
        "createdAt": now, "updatedAt": now,
    })
    if record is None:
        return "already_triggered"
    try:
        derived = _derive(ref, record, submission_id, source, run, link)
    except CannotDerive as skip:
        log.info("repurpose link %s skipped post %s: %s (%s)", link["id"], submission_id, skip.code, skip.message)
        _finish(ref, user_id, link["id"], submission_id, "skipped",
                {"reason": {"code": skip.code, "message": skip.message}})
        return "skipped"
    _finish(ref, user_id, link["id"], submission_id, "created", {"derivedPostSubmissionId": derived})
    return "created"


def _check_target(source: dict, link: dict) -> None:
    platform, account_id = link["platform"], link["accountId"]
    name = f"{platform}:{account_id}"
    if any(t.get("platform") == platform and t.get("accountId") == account_id for t in source.get("targets", [])):
        raise CannotDerive("already_targeted", f"The post itself went to {name}; it is not posted there twice")
    account = links.account_docs(source["userId"], Platform(platform)).get(account_id)
    if account is None:
        raise CannotDerive("account_missing", f"{name} is no longer connected")
    if not links.repurpose_enabled(account):
        raise CannotDerive("repurpose_disabled", f"Repurposing is turned off for {name}")
    if account.get("status") == "needs_reconnect":
        raise CannotDerive("account_needs_reconnect", f"{name} needs reconnecting before Soku can post to it")


def _scheduled(run: dict, link: dict) -> datetime:
    delay = timedelta(hours=int((link.get("settings") or {}).get("delayHours") or 0))
    finished = run.get("finishedAt") or clock.now()
    return max(finished + delay, clock.now() + MIN_LEAD + LEAD_MARGIN)


def _plan(ref: firestore.DocumentReference, record: dict, source: dict, run: dict, link: dict) -> tuple[dict, str]:
    """Render the card and write the derived post's body and key onto the trigger record."""
    user_id, platform = source["userId"], Platform(link["platform"])
    resolved = templates.resolve(user_id, link["templateId"])
    if resolved is None:
        raise CannotDerive("template_missing", f"Template {link['templateId']} no longer exists; this link "
                                               "skips posts until it names one that does")
    content = source.get("content") or {}
    text = content.get("text") or ""
    card_id = None
    if link["type"] == "text" or text.strip():
        source_account = links.account_docs(user_id, Platform(run["platform"])).get(run.get("accountId"))
        spec = card_spec(resolved, text, platform, source_account)
        try:
            card_id = cards.render(user_id, source.get("keyHash"), spec.slug, spec.config, spec.aspect_ratio,
                                   platform)
        except SokuError as error:
            if error.status >= 500:
                raise RetryLater(error.message) from error
            raise CannotDerive("render_failed", f"Template {link['templateId']} could not be rendered: "
                                                f"{error.message}") from None
    ids = media_ids(link["type"], platform, content.get("media") or [], card_id)
    scheduled = _scheduled(run, link)
    body = post_body(link, text, ids, clock.iso(scheduled))
    attempt = int(record.get("attempt") or 0) + 1
    key = f"repurpose-{ref.id}-{attempt}"
    ref.update({"body": body, "idempotencyKey": key, "attempt": attempt, "cardMediaId": card_id,
                "scheduledTime": scheduled, "updatedAt": clock.now()})
    return body, key


def _existing(user_id: str, key: str) -> str | None:
    """The post an earlier attempt created with this key (its record may have expired)."""
    query = (firestore_client().collection(SUBMISSIONS)
             .where(filter=firestore.FieldFilter("userId", "==", user_id))
             .where(filter=firestore.FieldFilter("idempotencyKey", "==", key)).limit(1))
    return next((snap.id for snap in query.stream()), None)


def _derive(ref: firestore.DocumentReference, record: dict, submission_id: str, source: dict, run: dict,
            link: dict) -> str:
    user_id = source["userId"]
    body, key = record.get("body"), record.get("idempotencyKey")
    if body and key:
        derived = _existing(user_id, key)
        if derived:  # an earlier attempt created it and stopped before recording so
            return _mark(derived, ref.id, submission_id, run, link)
    _check_target(source, link)
    if body and key:
        due = datetime.fromisoformat(body["scheduledTime"].replace("Z", "+00:00"))
        if due < clock.now() + MIN_LEAD + timedelta(seconds=5):
            body = None  # an attempt long ago: schedule afresh (under a new key)
    if not body or not key:
        body, key = _plan(ref, record, source, run, link)
    try:
        reply = posts.create_post(user_id, source.get("keyHash"), CreatePostRequest.model_validate(body), body, key)
        derived = reply.body["postSubmissionId"]
    except posts.DispatchFailedError as saved:
        derived = saved.details["postSubmissionId"]  # saved; the minute sweep queues it
    except SokuError as error:
        if error.status >= 500 or error.status == 429 or isinstance(error, idempotency.IdempotencyInProgressError):
            raise RetryLater(error.message) from error
        raise CannotDerive(error.code, error.message) from None
    return _mark(derived, ref.id, submission_id, run, link)


def _mark(derived: str, trigger: str, submission_id: str, run: dict, link: dict) -> str:
    firestore_client().collection(SUBMISSIONS).document(derived).update({
        "source": "repurpose",
        "repurpose": {"linkId": link["id"], "triggerId": trigger, "templateId": link["templateId"],
                      "sourcePostSubmissionId": submission_id, "sourceTargetId": run.get("targetId")},
    })
    return derived


def _finish(ref: firestore.DocumentReference, user_id: str, link_id: str, submission_id: str, status: str,
            extra: dict) -> None:
    now = clock.now()
    ref.update({"status": status, "updatedAt": now, **extra})
    summary = {"at": now, "status": status, "sourcePostSubmissionId": submission_id,
               "derivedPostSubmissionId": extra.get("derivedPostSubmissionId"), "reason": extra.get("reason")}
    try:
        links.collection(user_id).document(link_id).update({"lastTrigger": summary})
    except NotFound:
        pass  # the link was deleted meanwhile; the trigger record keeps the outcome


def view(doc: dict) -> dict:
    return {
        "id": doc["id"], "linkId": doc["linkId"], "status": doc["status"],
        "sourcePostSubmissionId": doc["sourcePostSubmissionId"], "sourceTargetId": doc.get("sourceTargetId"),
        "derivedPostSubmissionId": doc.get("derivedPostSubmissionId"),
        "scheduledTime": clock.iso(doc.get("scheduledTime")), "cardMediaId": doc.get("cardMediaId"),
        "reason": doc.get("reason"), "createdAt": clock.iso(doc.get("createdAt")),
        "updatedAt": clock.iso(doc.get("updatedAt")),
    }


def list_for_link(user_id: str, link_id: str, limit: int = 50) -> list[dict]:
    query = (triggers(user_id).where(filter=firestore.FieldFilter("linkId", "==", link_id))
             .order_by("createdAt", direction=firestore.Query.DESCENDING).limit(limit))
    return [view(snap.to_dict() | {"id": snap.id}) for snap in query.stream()]
