"""The transactional outbox: what a finished run causes, recorded with the run itself.

A run's final state and the events it causes (its webhooks, post.completed,
the repurpose work, an account's needs_reconnect) are written in one
commit (`record`, inside runs.finish_run's transaction); so is a taken-down
post's `post.deleted` (posts/takedown.py). Right after the
commit the publisher dispatches them (`dispatch`); if it dies first, or a
dispatch fails, the recovery sweep finds the entry by its `dueAt` and
dispatches it again (`dispatch_due`). So every event is dispatched at least
once, or its entry ends dead (below); the consumers de-duplicate: webhook
deliveries are claimed with `create()` under an id derived from the event id,
repurpose tasks and triggers have deterministic names.

Most entries are done once dispatched (the webhook deliveries they create have
their own retries and records). The repurpose entry stays open until the
`repurposePost` task reports it finished (`complete`): if that task runs out of
attempts, the sweep enqueues it again (under a new name), up to MAX_DISPATCHES.

A dispatch that fails is retried by the sweep with backoff: GRACE after the
first failure, doubling up to RETRY_CAP, until GIVE_UP_AFTER since the entry
was recorded. Then the entry is dead: `deadAt` and `lastError` are set, it is
logged once at ERROR, kept (no `expiresAt`) and counted by `/health/ready`
(`count_dead`). To try a dead entry again once its cause is fixed, set its
`dueAt` to now: the next sweep dispatches it once (a success clears `deadAt`;
a failure leaves it dead).

Entries live in the top-level `outbox` collection (one query finds what is
due across all users), keyed by a deterministic id, and expire by TTL
(`expiresAt`) once dispatched.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any

from google.api_core.exceptions import NotFound
from google.cloud import firestore

from shared import clock, crashpoints
from shared.adapters.gcp import firestore_client

log = logging.getLogger("soku.outbox")
COLLECTION = "outbox"
# An entry still undispatched this long after it was recorded is the sweep's to dispatch:
# longer than a normal dispatch right after the commit takes.
GRACE = timedelta(seconds=60)
KEEP_DISPATCHED = timedelta(days=7)
BATCH = 100
# Kinds whose work is done elsewhere and reported back: how long to wait for the report
# (the repurpose task's 8 deliveries with backoff up to 10 minutes take about 30).
AWAITS_COMPLETION = {"repurpose": timedelta(minutes=40)}
MAX_DISPATCHES = 4
# A failed dispatch is retried GRACE later, then twice as long after each failure (1, 2,
# 4 ... 256 minutes), at most RETRY_CAP apart: about 20 tries over GIVE_UP_AFTER, so a
# backlog of broken entries takes little of the sweep's batch, and an event comes at most
# RETRY_CAP after its cause is fixed.
RETRY_CAP = timedelta(hours=6)
# What makes a dispatch fail is on our side: Cloud Tasks or Firestore refusing, or a
# consumer failing on this entry (a bug, fixed by a deploy). Three days outlast a provider's
# outage and a bug found on a Friday evening and fixed on Monday; it is also how long a
# webhook endpoint may keep failing before it is disabled (webhooks/delivery.py). Past that,
# an event is too stale to send unseen: the entry is dead, and a person decides.
GIVE_UP_AFTER = timedelta(days=3)
_EPOCH = datetime(2000, 1, 1, tzinfo=timezone.utc)  # before any `deadAt`: `deadAt > _EPOCH` finds them all


@dataclass(frozen=True)
class Entry:
    # "webhook" (an event frozen when it happened) | "repurpose" | "post.deleted" (built at
    # dispatch: a run is taken down once); entries recorded by earlier versions may also be
    # "run.finished" | "account.needs_reconnect", dispatched as they were (remove those branches
    # once no such entry is left: they end dead 3 days after they were recorded at the latest).
    kind: str
    key: tuple  # what makes this occurrence unique
    payload: dict[str, Any] = field(default_factory=dict)

    @property
    def id(self) -> str:
        raw = "|".join([self.kind, *map(str, self.key)])
        return "obx_" + hashlib.sha256(raw.encode()).hexdigest()[:32]


def webhook(user_id: str, event_type: str, occurrence: tuple, data: dict[str, Any]) -> Entry:
    """An event as it is when it happens: its id (from the occurrence), time and body are
    fixed here and sent as they are, however late the dispatch (run_events.py)."""
    from shared.services.webhooks.events import event_id  # below the outbox: no cycle

    evt = event_id(user_id, event_type, *occurrence)
    return Entry("webhook", (evt,), {"userId": user_id, "type": event_type, "eventId": evt,
                                     "createdAt": clock.iso(clock.now()), "data": data})


def repurpose(submission_id: str, target_id: str) -> Entry:
    return Entry("repurpose", (submission_id, target_id), {"submissionId": submission_id, "targetId": target_id})


def complete(entry: Entry) -> None:
    """The work an entry started is finished (the repurpose task calls this)."""
    now = clock.now()
    ref = firestore_client().collection(COLLECTION).document(entry.id)
    try:
        ref.update({"completedAt": now, "dueAt": None, "expiresAt": now + KEEP_DISPATCHED})
    except NotFound:
        pass  # recorded before the outbox existed, or expired: nothing is waiting on it


def account_needs_reconnect(account_path: str, account: dict[str, Any]) -> Entry:
    """`account.needs_reconnect` for users/{uid}/integrations/{platform}/accounts/{accountId}."""
    parts = account_path.split("/")
    user_id, platform, account_id = parts[1], parts[3], parts[5]
    return webhook(user_id, "account.needs_reconnect", (platform, account_id, account.get("statusChangedAt")), {
        "account": {"platform": platform, "accountId": account_id, "displayName": account.get("displayName"),
                    "status": "needs_reconnect", "statusReason": account.get("statusReason")}})


def post_deleted(submission_id: str, target_id: str) -> Entry:
    """A published post taken down (posts/takedown.py): its `post.deleted` webhook. A run's post
    is taken down once, so the run names the occurrence."""
    return Entry("post.deleted", (submission_id, target_id), {"submissionId": submission_id, "targetId": target_id})


def record(writer: firestore.Transaction | firestore.WriteBatch, entries: list[Entry]) -> None:
    """Add the entries to a transaction or batch that also writes what caused them."""
    now = clock.now()
    for entry in entries:
        writer.set(firestore_client().collection(COLLECTION).document(entry.id), {
            "kind": entry.kind, "payload": entry.payload, "createdAt": now,
            "dueAt": now + GRACE, "dispatchedAt": None, "attempts": 0, "dispatches": 0,
        })


def dispatch(entries: list[Entry]) -> None:
    """Dispatch entries just committed. Never raises: what fails stays due for the sweep."""
    for entry in entries:
        _dispatch_one(firestore_client().collection(COLLECTION).document(entry.id), entry.kind, entry.payload, {})


def dispatch_due(limit: int = BATCH) -> dict[str, int]:
    """The sweep's part: every entry whose dispatch is overdue, oldest first."""
    query = (firestore_client().collection(COLLECTION)
             .where(filter=firestore.FieldFilter("dueAt", "<=", clock.now()))
             .order_by("dueAt").limit(limit))
    done = failed = 0
    for snap in query.stream():
        data = snap.to_dict()
        if _dispatch_one(snap.reference, data["kind"], data.get("payload") or {}, data):
            done += 1
        else:
            failed += 1
    return {"dispatched": done, "failed": failed}


def _dispatch_one(ref: firestore.DocumentReference, kind: str, payload: dict[str, Any],
                  stored: dict[str, Any]) -> bool:
    dispatches = int(stored.get("dispatches", 0))
    if kind in AWAITS_COMPLETION and dispatches >= MAX_DISPATCHES:
        log.error("outbox entry %s (%s): its work never reported back after %d dispatches; giving up",
                  ref.id, kind, dispatches)
        _mark(ref, {"dueAt": None, "abandonedAt": clock.now(), "expiresAt": clock.now() + KEEP_DISPATCHED})
        return False
    try:
        _perform(kind, payload, dispatches)
    except Exception as exc:  # noqa: BLE001 - stays due with backoff, until the give-up span
        _failed(ref, kind, stored, exc)
        return False
    crashpoints.reached("event_emitted")
    now = clock.now()
    update = {"dispatchedAt": now, "dispatches": dispatches + 1}
    if stored.get("deadAt"):
        update["deadAt"] = None  # a dead entry tried again by hand, and this time dispatched
    if kind in AWAITS_COMPLETION:
        # Dispatched, not done: the sweep dispatches it again unless completed by then.
        _mark(ref, update | {"dueAt": now + AWAITS_COMPLETION[kind]})
    else:
        _mark(ref, update | {"dueAt": None, "expiresAt": now + KEEP_DISPATCHED})
    return True


def _failed(ref: firestore.DocumentReference, kind: str, stored: dict[str, Any], exc: Exception) -> None:
    """Retry with backoff, or give up: once GIVE_UP_AFTER has passed since the entry was recorded."""
    now = clock.now()
    failures = int(stored.get("attempts", 0)) + 1
    error = f"{type(exc).__name__}: {exc}"[:500]
    give_up_at = (stored.get("createdAt") or now) + GIVE_UP_AFTER  # {} right after the commit
    if now >= give_up_at:
        log.error("outbox entry %s (%s) is dead: its dispatch has failed %d times since %s; last error: %s. "
                  "Not retried again: set its dueAt to retry it", ref.id, kind, failures,
                  clock.iso(stored.get("createdAt") or now), error, exc_info=exc)
        _mark(ref, {"attempts": firestore.Increment(1), "dueAt": None, "deadAt": now, "lastError": error,
                    "lastFailedAt": now})
        return
    due = min(now + backoff(failures), give_up_at)
    log.warning("outbox entry %s (%s) could not be dispatched (failure %d); retried at %s",
                ref.id, kind, failures, clock.iso(due), exc_info=exc)
    _mark(ref, {"attempts": firestore.Increment(1), "dueAt": due, "lastError": error, "lastFailedAt": now})


def backoff(failures: int) -> timedelta:
    """How long after its `failures`-th failure an entry is retried."""
    return min(GRACE * 2 ** min(failures - 1, 20), RETRY_CAP)


def count_dead(timeout: float | None = None) -> int:
    """How many entries are dead (given up on, kept until someone retries or removes them)."""
    query = firestore_client().collection(COLLECTION).where(filter=firestore.FieldFilter("deadAt", ">", _EPOCH))
    return int(query.count().get(timeout=timeout)[0][0].value)


def _mark(ref: firestore.DocumentReference, update: dict[str, Any]) -> None:
    try:
        ref.update(update)
    except Exception:  # noqa: BLE001 - the entry stays as it was: dispatched again, de-duplicated downstream
        log.exception("could not update outbox entry %s", ref.id)


def _perform(kind: str, payload: dict[str, Any], dispatches: int) -> None:
    # Imported here: the consumers are not needed to record an entry, only to dispatch it.
    if kind == "webhook":
        from shared.services.webhooks import events

        events.emit_event(payload["userId"], payload["type"], payload["eventId"], payload["data"], strict=True,
                          created_at=payload.get("createdAt"))
    elif kind == "run.finished":  # recorded by an earlier version: built from the run as it is now
        from shared.services.publishing import outcomes

        outcomes.run_finished(payload["submissionId"], payload["targetId"])
    elif kind == "repurpose":
        from shared.services.repurpose import hook

        hook.enqueue(payload["submissionId"], payload["targetId"], dispatches)
    elif kind == "post.deleted":
        from shared.services.webhooks import post_events

        post_events.post_deleted(payload["submissionId"], payload["targetId"], strict=True)
    elif kind == "account.needs_reconnect":
        from shared.services.webhooks import post_events

        post_events.account_needs_reconnect(payload["accountPath"], payload["account"], strict=True)
    else:
        raise ValueError(f"unknown outbox entry kind {kind!r}")
