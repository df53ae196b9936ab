"""The transactional outbox: what a finished run causes, recorded with the run itself.

A run's final state and the events it causes (its webhooks, post.completed,
the repurpose work, an account's needs_reconnect) are written in one
commit (`record`, inside runs.finish_run's transaction); so is a taken-down
post's `post.deleted` (posts/takedown.py). Right after the
commit the publisher dispatches them (`dispatch`); if it dies first, or a
dispatch fails, the recovery sweep finds the entry by its `dueAt` and
dispatches it again (`dispatch_due`). So every event is dispatched at least
once; the consumers de-duplicate: webhook deliveries are claimed with
`create()` under an id derived from the event id, repurpose tasks and
triggers have deterministic names.

Most entries are done once dispatched (the webhook deliveries they create have
their own retries and records). The repurpose entry stays open until the
`repurposePost` task reports it finished (`complete`): if that task runs out of
attempts, the sweep enqueues it again (under a new name), up to MAX_DISPATCHES.

Entries live in the top-level `outbox` collection (one query finds what is
due across all users), keyed by a deterministic id, and expire by TTL
(`expiresAt`) once dispatched.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass, field
from datetime import timedelta
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
MAX_FAILURES = 60  # an entry that fails this often is kept, but no longer retried


@dataclass(frozen=True)
class Entry:
    kind: str  # "run.finished" | "repurpose" | "account.needs_reconnect" | "post.deleted"
    key: tuple  # what makes this occurrence unique
    payload: dict[str, Any] = field(default_factory=dict)

    @property
    def id(self) -> str:
        raw = "|".join([self.kind, *map(str, self.key)])
        return "obx_" + hashlib.sha256(raw.encode()).hexdigest()[:32]


def run_finished(submission_id: str, target_id: str, generation: int, status: str) -> Entry:
    return Entry("run.finished", (submission_id, target_id, generation, status),
                 {"submissionId": submission_id, "targetId": target_id})


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
    return Entry("account.needs_reconnect", (account_path, account.get("statusChangedAt")),
                 {"accountPath": account_path, "account": account})


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
    except Exception:  # noqa: BLE001 - stays due: the sweep tries again
        log.exception("outbox entry %s (%s) could not be dispatched; the sweep will retry", ref.id, kind)
        failures = int(stored.get("attempts", 0)) + 1
        _mark(ref, {"attempts": firestore.Increment(1),
                    "dueAt": clock.now() + GRACE if failures < MAX_FAILURES else None})
        return False
    crashpoints.reached("event_emitted")
    now = clock.now()
    if kind in AWAITS_COMPLETION:
        # Dispatched, not done: the sweep dispatches it again unless completed by then.
        _mark(ref, {"dispatchedAt": now, "dispatches": dispatches + 1, "dueAt": now + AWAITS_COMPLETION[kind]})
    else:
        _mark(ref, {"dispatchedAt": now, "dispatches": dispatches + 1, "dueAt": None,
                    "expiresAt": now + KEEP_DISPATCHED})
    return True


def _mark(ref: firestore.DocumentReference, update: dict[str, Any]) -> None:
    try:
        ref.update(update)
    except Exception:  # noqa: BLE001 - the entry stays as it was: dispatched again, de-duplicated downstream
        log.exception("could not update outbox entry %s", ref.id)


def _perform(kind: str, payload: dict[str, Any], dispatches: int) -> None:
    # Imported here: the consumers import the publishing package themselves.
    if kind == "run.finished":
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
