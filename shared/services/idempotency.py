"""Idempotency keys, scoped per user and endpoint (the spec's Idempotency section).

A request carries an explicit `Idempotency-Key`, or gets one derived from the
user and a hash of the body, so identical requests deduplicate on their own.
The first request claims `users/{uid}/idempotency/{keyHash}` with `create()`,
which only one caller can win, even among concurrent duplicates; the record
holds the id of the resource it will create, chosen up front, so a retry after
a crash re-creates the *same* resource rather than a second one. Later calls
with the same key and body replay the stored response; with another body they
get 409 `idempotency_conflict`. Records expire after 24 hours (TTL field).
"""

from __future__ import annotations

import hashlib
import json
import re
import time
import uuid
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from google.api_core.exceptions import AlreadyExists
from google.cloud import firestore

from shared import clock
from shared.adapters.gcp import firestore_client
from shared.errors import ConflictError, ValidationError

RETENTION = timedelta(hours=24)
# A claim whose request has not finished after this long is presumed crashed
# and may be taken over (reusing its resource id, so nothing is duplicated).
STALE_AFTER = timedelta(seconds=60)
WAIT_FOR_CONCURRENT_S = 15.0
_KEY_OK = re.compile(r"^[\x21-\x7e]{1,255}$")


class IdempotencyConflictError(ConflictError):
    code = "idempotency_conflict"
    message = "Idempotency key conflict: this key was already used with a different request body"


class IdempotencyInProgressError(ConflictError):
    code = "idempotency_in_progress"
    message = "A request with this Idempotency-Key is still being processed; retry shortly"


@dataclass
class Claim:
    key: str  # the value echoed in the Idempotency-Key response header
    ref: firestore.DocumentReference
    resource_id: str
    state: str  # "new" | "completed" | "dispatch_failed"
    status: int | None = None
    body: Any = None
    endpoint: str = ""
    request_hash: str = ""
    taken_over: bool = False  # a crashed request's claim, resumed with its resource id


def body_hash(body: Any) -> str:
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def _validate_key(key: str) -> str:
    if not _KEY_OK.match(key):
        raise ValidationError("Invalid Idempotency-Key header", details=[{
            "field": "headers.Idempotency-Key",
            "message": "Must be 1-255 printable ASCII characters without spaces",
            "code": "invalid_string", "received": key[:100],
        }])
    return key


def new_claim(user_id: str, endpoint: str, explicit_key: str | None, body: Any) -> Claim:
    """The claim this request would make, with no I/O: its key, its record's reference and
    a fresh resource id. `begin` makes it, or a caller writes `record_for(claim)` in the
    same batch as the resource it creates (`POST /v1/posts`), after `settle` found no record."""
    request_hash = body_hash(body)
    if explicit_key is not None and explicit_key != "":
        key = _validate_key(explicit_key)
    else:
        key = "auto_" + hashlib.sha256(f"{user_id}|{endpoint}|{request_hash}".encode()).hexdigest()[:32]
    doc_id = hashlib.sha256(f"{endpoint}\n{key}".encode()).hexdigest()
    ref = firestore_client().collection("users").document(user_id).collection("idempotency").document(doc_id)
    return Claim(key, ref, str(uuid.uuid4()), "new", endpoint=endpoint, request_hash=request_hash)


def record_for(claim: Claim, status: int | None = None, body: Any = None) -> dict:
    """The record that claims `claim.resource_id` for this key: in progress, or, given the
    answer (`status`, `body`), completed, for work whose answer is known when it is saved."""
    now = clock.now()
    record = {
        "endpoint": claim.endpoint, "requestHash": claim.request_hash, "state": "in_progress",
        "resourceId": claim.resource_id, "createdAt": now, "updatedAt": now,
        "expiresAt": now + RETENTION,
    }
    if status is not None:
        record |= {"state": "completed", "status": status, "body": body}
    return record


def begin(user_id: str, endpoint: str, explicit_key: str | None, body: Any) -> Claim:
    claim = new_claim(user_id, endpoint, explicit_key, body)
    while True:
        try:
            claim.ref.create(record_for(claim))
            return claim
        except AlreadyExists:
            pass
        settled = settle(claim, claim.ref.get())
        if settled is not None:
            return settled
        claim.resource_id = str(uuid.uuid4())  # the record is gone: claim afresh


def settle(claim: Claim, snapshot: Any) -> Claim | None:
    """What an existing record (`snapshot`, read by the caller) means for this request.

    None: there is no record in force (none, or an expired one, now deleted): the
    request runs afresh. Otherwise the claim to go on with: a completed or
    dispatch_failed one to replay, or a crashed request's, taken over with its
    resource id (`taken_over`). A concurrent duplicate still running is waited for;
    another body under the same key is 409 `idempotency_conflict`."""
    deadline = time.monotonic() + WAIT_FOR_CONCURRENT_S
    while True:
        data = snapshot.to_dict() if snapshot is not None and snapshot.exists else None
        if data is None:
            return None
        now = clock.now()
        if data["expiresAt"] <= now:
            claim.ref.delete()  # an expired record is as good as none
            return None
        if data["requestHash"] != claim.request_hash:
            raise IdempotencyConflictError(details={"idempotencyKey": claim.key})
        if data["state"] in ("completed", "dispatch_failed"):
            return Claim(claim.key, claim.ref, data["resourceId"], data["state"], data.get("status"),
                         data.get("body"), endpoint=claim.endpoint, request_hash=claim.request_hash)
        if now - data["updatedAt"] > STALE_AFTER:
            claim.ref.update({"updatedAt": now})  # take over a crashed request, same resource id
            return Claim(claim.key, claim.ref, data["resourceId"], "new", endpoint=claim.endpoint,
                         request_hash=claim.request_hash, taken_over=True)
        if time.monotonic() > deadline:
            raise IdempotencyInProgressError(details={"idempotencyKey": claim.key})
        time.sleep(0.05)  # a concurrent duplicate is running: wait for its result
        snapshot = claim.ref.get()


def complete(claim: Claim, status: int, body: Any, state: str = "completed",
             write_batch: firestore.WriteBatch | None = None) -> None:
    update = {"state": state, "status": status, "body": body, "updatedAt": clock.now()}
    if write_batch is not None:
        write_batch.update(claim.ref, update)
    else:
        claim.ref.update(update)
    claim.state, claim.status, claim.body = state, status, body


def abandon(claim: Claim) -> None:
    """Forget a claim whose request failed, so a corrected retry runs afresh."""
    claim.ref.delete()
