"""The transactional outbox: what a finished run causes, recorded with the run itself.

A run's final state and the events it causes (its webhooks, post.completed,
the repurpose hand-off, an account's needs_reconnect) are written in one
commit (`record`, inside runs.finish_run's transaction). Right after the
commit the publisher dispatches them (`dispatch`); if it dies first, or a
dispatch fails, the recovery sweep finds the entry by its `dueAt` and
dispatches it again (`dispatch_due`). So every event is dispatched at least
once; the consumers de-duplicate: webhook deliveries are claimed with
`create()` under an id derived from the event id, repurpose tasks and
triggers have deterministic names.

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


@dataclass(frozen=True)
class Entry:
    kind: str  # "run.finished" | "account.needs_reconnect"
    key: tuple  # what makes this occurrence unique
    payload: dict[str, Any] = field(default_factory=dict)

    @property
    def id(self) -> str:
        raw = "|".join([self.kind, *map(str, self.key)])
        return "obx_" + hashlib.sha256(raw.encode()).hexdigest()[:32]


def run_finished(submission_id: str, target_id: str, generation: int, status: str) -> Entry:
    return Entry("run.finished", (submission_id, target_id, generation, status),
                 {"submissionId": submission_id, "targetId": target_id})


def account_needs_reconnect(account_path: str, account: dict[str, Any]) -> Entry:
    return Entry("account.needs_reconnect", (account_path, account.get("statusChangedAt")),
                 {"accountPath": account_path, "account": account})


def record(writer: firestore.Transaction | firestore.WriteBatch, entries: list[Entry]) -> None:
    """Add the entries to a transaction or batch that also writes what caused them."""
    now = clock.now()
    for entry in entries:
        writer.set(firestore_client().collection(COLLECTION).document(entry.id), {
            "kind": entry.kind, "payload": entry.payload, "createdAt": now,
            "dueAt": now + GRACE, "dispatchedAt": None, "attempts": 0,
        })


def dispatch(entries: list[Entry]) -> None:
    """Dispatch entries just committed. Never raises: what fails stays due for the sweep."""
    for entry in entries:
        _dispatch_one(firestore_client().collection(COLLECTION).document(entry.id), entry.kind, entry.payload)


def dispatch_due(limit: int = BATCH) -> dict[str, int]:
    """The sweep's part: every entry whose dispatch is overdue, oldest first."""
    query = (firestore_client().collection(COLLECTION)
             .where(filter=firestore.FieldFilter("dueAt", "<=", clock.now()))
             .order_by("dueAt").limit(limit))
    done = failed = 0
    for snap in query.stream():
        data = snap.to_dict()
        if _dispatch_one(snap.reference, data["kind"], data.get("payload") or {}):
            done += 1
        else:
            failed += 1
    return {"dispatched": done, "failed": failed}


def _dispatch_one(ref: firestore.DocumentReference, kind: str, payload: dict[str, Any]) -> bool:
    try:
        _perform(kind, payload)
    except Exception:  # noqa: BLE001 - stays due: the sweep tries again
        log.exception("outbox entry %s (%s) could not be dispatched; the sweep will retry", ref.id, kind)
        try:
            ref.update({"attempts": firestore.Increment(1), "dueAt": clock.now() + GRACE})
        except Exception:  # noqa: BLE001 - still due as it was
            log.exception("could not postpone outbox entry %s", ref.id)
        return False
    crashpoints.reached("event_emitted")
    now = clock.now()
    try:
        ref.update({"dispatchedAt": now, "dueAt": None, "expiresAt": now + KEEP_DISPATCHED})
    except Exception:  # noqa: BLE001 - dispatched; the sweep's second dispatch is de-duplicated
        log.exception("could not mark outbox entry %s dispatched", ref.id)
    return True


def _perform(kind: str, payload: dict[str, Any]) -> None:
    # Imported here: the consumers import the publishing package themselves.
    if kind == "run.finished":
        from shared.services.publishing import outcomes

        outcomes.run_finished(payload["submissionId"], payload["targetId"])
    elif kind == "account.needs_reconnect":
        from shared.services.webhooks import post_events

        post_events.account_needs_reconnect(payload["accountPath"], payload["account"], strict=True)
    else:
        raise ValueError(f"unknown outbox entry kind {kind!r}")
