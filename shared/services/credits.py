"""AI credits: the balance at `users/{uid}/credits/current`, the ledger at
`users/{uid}/creditLedger/{entryId}`, and charging exactly once.

A charge is one Firestore transaction that reads the balance, refuses with
402 `insufficient_credits` when it is short, and otherwise writes, in this
order: the ledger entry with `create()` under a deterministic id (the job id),
the balance decrement (`Increment`, so concurrent charges never lose one
another), then whatever the caller records with it (the job, the transcript,
the idempotency result). In production the commit is atomic and the read is
isolated. The bundled emulator isolates nothing, but it does refuse a second
`create()` of the same id and applies a commit's writes in order, stopping at
the first that fails: with the ledger entry written first, a job can still
be charged only once there. (What the emulator cannot enforce is that two
*different* jobs racing for the last credits see each other's debit; that
test needs the official emulator.)
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Callable

from google.api_core.exceptions import AlreadyExists
from google.cloud import firestore

from shared import clock
from shared.adapters.gcp import firestore_client
from shared.errors import SokuError

log = logging.getLogger("soku.credits")

SECONDS_PER_CREDIT = 60


class InsufficientCreditsError(SokuError):
    status = 402
    code = "insufficient_credits"

    def __init__(self, required: int | float, available: int | float, feature: str) -> None:
        super().__init__(
            f"Insufficient AI credits. Required: {_number(required)}, Available: {_number(available)}",
            details={"required": _number(required), "available": _number(available), "feature": feature},
        )


class AlreadyCharged(Exception):
    """The ledger already holds this entry: the work was paid for (by an earlier attempt)."""


@dataclass(frozen=True)
class Charge:
    entry_id: str
    amount: int
    balance_before: int | float
    balance_after: int | float


def cost_for_seconds(seconds: float) -> int:
    """One credit per started minute, at least one.

    Counted on whole milliseconds, so an encoder's sub-millisecond rounding
    cannot turn exactly 60 s into a second minute.
    """
    millis = max(0, round(seconds * 1000))
    return max(1, -(-millis // (SECONDS_PER_CREDIT * 1000)))


def _number(value: Any) -> int | float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return 0
    return int(value) if float(value).is_integer() else value


def _refs(user_id: str):
    user = firestore_client().collection("users").document(user_id)
    return user.collection("credits").document("current"), user.collection("creditLedger")


def balance(user_id: str) -> int | float:
    snap = _refs(user_id)[0].get()
    return _number((snap.to_dict() or {}).get("balance", 0)) if snap.exists else 0


def require(user_id: str, amount: int, feature: str) -> int | float:
    """The balance, or 402 when it is below `amount` (a check before expensive work)."""
    available = balance(user_id)
    if available < amount:
        raise InsufficientCreditsError(amount, available, feature)
    return available


def charge(user_id: str, entry_id: str, amount: int, feature: str, memo: dict[str, Any],
           also: Callable[[firestore.Transaction, Charge], None]) -> Charge:
    """Debit `amount` once under `entry_id`, committing `also`'s writes in the same transaction.

    Raises InsufficientCreditsError (nothing written) or AlreadyCharged.
    """
    db = firestore_client()
    credits_ref, ledger = _refs(user_id)
    entry_ref = ledger.document(entry_id)

    @firestore.transactional
    def run(transaction: firestore.Transaction) -> Charge:
        snap = credits_ref.get(transaction=transaction)
        available = _number((snap.to_dict() or {}).get("balance", 0)) if snap.exists else 0
        if available < amount:
            raise InsufficientCreditsError(amount, available, feature)
        done = Charge(entry_id, amount, available, _number(available - amount))
        now = clock.now()
        transaction.create(entry_ref, {  # first write: see the module docstring
            **memo, "id": entry_id, "type": "debit", "feature": feature, "amount": -amount,
            "balanceBefore": available, "balanceAfter": done.balance_after, "createdAt": now,
        })
        transaction.update(credits_ref, {"balance": firestore.Increment(-amount), "updatedAt": now})
        also(transaction, done)
        return done

    try:
        return run(db.transaction())
    except AlreadyExists as exc:
        raise AlreadyCharged(entry_id) from exc


def was_charged(user_id: str, entry_id: str) -> bool:
    return _refs(user_id)[1].document(entry_id).get().exists


def _iso(value: Any) -> str | None:
    return clock.iso(value) if isinstance(value, datetime) else None


def _entry_view(snap) -> dict[str, Any]:
    data = snap.to_dict() or {}
    text = lambda name: data.get(name) if isinstance(data.get(name), str) else None  # noqa: E731
    after = data.get("balanceAfter")
    return {
        "id": snap.id,
        "type": text("type") or "debit",
        "feature": text("feature"),
        "amount": _number(data.get("amount", 0)),
        "balanceAfter": _number(after) if isinstance(after, (int, float)) and not isinstance(after, bool) else None,
        "jobId": text("jobId"),
        "mediaId": text("mediaId"),
        "createdAt": _iso(data.get("createdAt")),
    }


def balance_view(user_id: str, limit: int = 20) -> dict[str, Any]:
    """`GET /v1/credits/balance`: the balance and the newest ledger entries."""
    credits_ref, ledger = _refs(user_id)
    snap = credits_ref.get()
    data = (snap.to_dict() or {}) if snap.exists else {}
    entries = ledger.order_by("createdAt", direction=firestore.Query.DESCENDING).limit(limit).stream()
    return {
        "balance": _number(data.get("balance", 0)),
        "updatedAt": _iso(data.get("updatedAt")),
        "ledger": [_entry_view(entry) for entry in entries],
    }
