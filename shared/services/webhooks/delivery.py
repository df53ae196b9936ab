"""Delivering one event to one endpoint: signed POST, every attempt recorded.

Each attempt is signed afresh (signing.py: Standard Webhooks headers and
`Soku-Signature`), with every secret in use: two during a rotation's overlap.

A non-2xx answer, a timeout or a refused address is a failed attempt: the
task ends non-2xx so Cloud Tasks retries with backoff, until MAX_ATTEMPTS,
after which the delivery is `failed`. An endpoint whose failures have lasted
longer than DISABLE_AFTER is disabled, with the reason shown to its owner.
The request goes through `safe_http.send`: the destination is re-checked
against the SSRF rules at every attempt (DNS may have changed), the connection
is pinned to the checked address, and reading the answer stops once
MAX_ANSWER_BYTES have arrived: its status is what counts, and that excerpt,
kept on the attempt, helps its owner debug.
"""

from __future__ import annotations

import logging
import time
from datetime import timedelta

from google.api_core.exceptions import AlreadyExists

from shared import clock
from shared.adapters import safe_http
from shared.services.webhooks.endpoints import owned, secrets_in_use
from shared.services.webhooks.signing import signed_headers
from shared.errors import NotFoundError

log = logging.getLogger("soku.webhooks")
MAX_ATTEMPTS = 6
TIMEOUT_S = 10.0
MAX_ANSWER_BYTES = 4096
USER_AGENT = "Soku-Webhooks/1"
DISABLE_AFTER = timedelta(days=3)


class RetryDelivery(Exception):
    pass


def deliver(user_id: str, endpoint_id: str, delivery_id: str) -> str:
    try:
        endpoint_ref, endpoint = owned(user_id, endpoint_id)
    except NotFoundError:
        return "endpoint_deleted"
    ref = endpoint_ref.collection("deliveries").document(delivery_id)
    if endpoint.get("status") != "active":
        snap = ref.get()
        if snap.exists and snap.get("status") == "pending":
            ref.update({"status": "failed", "lastError": "endpoint disabled", "updatedAt": clock.now()})
            return "endpoint_disabled"
        return "already_done"
    try:
        claimed = _claim_attempt(ref)
    except AlreadyExists:
        return "skipped"  # a concurrent duplicate of this task owns this attempt
    if claimed is None:
        return "already_done"  # a duplicate task for a finished delivery
    delivery, attempt = claimed
    if attempt > MAX_ATTEMPTS:
        # Earlier attempts died before recording anything (the queue allows a few more
        # deliveries than our cap, for exactly this): end it visibly.
        ref.update({"status": "failed", "lastError": f"gave up: {attempt - 1} attempts were interrupted",
                    "updatedAt": clock.now()})
        return "failed"
    attempt_ref = ref.collection("attempts").document(str(attempt))

    body = delivery["body"].encode()
    # webhook-id is the event id: the same on every attempt and every endpoint.
    headers = signed_headers(secrets_in_use(endpoint_ref, endpoint), delivery["eventId"], body) | {
        "Soku-Event-Id": delivery["eventId"], "Soku-Event-Type": delivery["eventType"],
        "Soku-Delivery-Attempt": str(attempt), "Content-Type": "application/json", "User-Agent": USER_AGENT}
    started = time.perf_counter()
    status_code, error, answer = None, None, None
    try:
        answer = safe_http.send("POST", endpoint["url"], content=body, headers=headers, timeout=TIMEOUT_S,
                                max_answer_bytes=MAX_ANSWER_BYTES)
        status_code = answer.status_code
        if not 200 <= status_code < 300:
            error = f"HTTP {status_code}: {answer.excerpt[:200].decode('utf-8', 'replace')}"
    except safe_http.FetchRefused as refused:
        error = f"refused: {refused.reason}"
    now = clock.now()
    attempt_ref.update({"statusCode": status_code, "error": error,
                        "answerExcerpt": answer.excerpt.decode("utf-8", "replace") if answer else None,
                        "answerTruncated": answer.truncated if answer else None,
                        "durationMs": round((time.perf_counter() - started) * 1000, 1), "finishedAt": now})
    update = {"lastStatusCode": status_code, "lastError": error, "updatedAt": now}
    if error is None:
        ref.update(update | {"status": "succeeded", "deliveredAt": now})
        endpoint_ref.update({"lastDeliveryAt": now, "failingSince": None})
        return "succeeded"
    failing_since = endpoint.get("failingSince") or now
    endpoint_update = {"failingSince": failing_since}
    if now - failing_since > DISABLE_AFTER:
        endpoint_update |= {"status": "disabled", "disabledAt": now,
                            "disabledReason": f"Every delivery has failed since {clock.iso(failing_since)}; "
                                              f"last error: {error}"}
    endpoint_ref.update(endpoint_update)
    if attempt >= MAX_ATTEMPTS or "status" in endpoint_update:
        ref.update(update | {"status": "failed"})
        return "failed"
    ref.update(update)
    raise RetryDelivery(error)


def _claim_attempt(ref) -> tuple[dict, int] | None:
    """Count the next attempt on a pending delivery, in one commit with its attempt record.

    The claim is one transaction, so a crash after it leaves the delivery pending
    with the attempt counted: Cloud Tasks' next delivery takes the next number
    instead of finding this one taken and giving up. The attempt document is
    `create()`d first in the commit: of two concurrent duplicates exactly one
    commits, even on the local emulator (no isolation). Raises AlreadyExists for
    the loser; None when the delivery is no longer pending.
    """
    from google.cloud import firestore

    from shared.adapters.gcp import firestore_client

    @firestore.transactional
    def claim(transaction: firestore.Transaction) -> tuple[dict, int] | None:
        snap = ref.get(transaction=transaction)
        if not snap.exists or snap.get("status") != "pending":
            return None
        delivery = snap.to_dict()
        attempt = int(delivery.get("attempts", 0)) + 1
        now = clock.now()
        transaction.create(ref.collection("attempts").document(str(attempt)), {"startedAt": now})
        transaction.update(ref, {"attempts": attempt, "updatedAt": now})
        return delivery, attempt

    return claim(firestore_client().transaction())


def list_deliveries(user_id: str, endpoint_id: str, limit: int = 50) -> list[dict]:
    from google.cloud import firestore

    endpoint_ref, _ = owned(user_id, endpoint_id)
    snaps = (endpoint_ref.collection("deliveries")
             .order_by("createdAt", direction=firestore.Query.DESCENDING).limit(limit).stream())
    return [{
        "id": s.id, "eventId": d["eventId"], "eventType": d["eventType"], "status": d["status"],
        "attempts": d.get("attempts", 0), "lastStatusCode": d.get("lastStatusCode"),
        "lastError": d.get("lastError"), "createdAt": clock.iso(d["createdAt"]),
        "updatedAt": clock.iso(d["updatedAt"]),
    } for s in snaps for d in [s.to_dict()]]
