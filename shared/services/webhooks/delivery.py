"""Delivering one event to one endpoint: signed POST, every attempt recorded.

Each attempt is signed afresh (signing.py: Standard Webhooks headers and
`Soku-Signature`), with every secret in use: two during a rotation's overlap.

The retry schedule is Svix's (https://docs.svix.com/retries), the one Standard
Webhooks receivers expect: an attempt at once, then, each wait counted from the
failure before, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h and 10 h: 8 attempts over about
27 hours and 35 minutes, so a receiver down for hours still gets the event once it
is back. SOKU_WEBHOOK_RETRY_SCALE multiplies the waits (soaks, tests).

Cloud Tasks' own backoff (min/max backoff, doublings) cannot express that
schedule, so each attempt is a task of its own: a failed attempt is recorded with
the time of the next one (`nextAttemptAt`), and the next attempt's task is created
for that time, named after the delivery and the attempt number. The emission's
task (events.py) is attempt 1 and names no number. An attempt's task claims only
its own attempt, in one transaction with its attempt record: a duplicate delivery
of the task, even a concurrent one, finds it taken and adds nothing. It only makes
sure the next attempt's task exists, so an enqueue that failed after the failure
was recorded is made good by the queue's retry of the task.

Cloud Tasks' retries of a task only cover what the schedule cannot: a handler that
crashed (an attempt claimed but never finished is counted `interrupted` once it is
older than ATTEMPT_LEASE, and the schedule goes on), an enqueue that failed, and a
task that arrives before its attempt's time. Cloud Tasks holds a task until its
schedule time, but the Firebase CLI's Tasks emulator dispatches at once: such a
task answers non-2xx (RetryDelivery) and the queue's backoff brings it back, never
sending early and never looping faster than that backoff.

An endpoint whose stored URL is plain http (registered before endpoints.check_url
required https) is disabled at its next delivery, before any attempt: nothing is sent
in clear text. A non-2xx answer, a timeout or a refused address is a failed attempt. After the
last scheduled attempt the delivery is `failed`. An endpoint whose failures have
lasted longer than DISABLE_AFTER is disabled, with the reason shown to its owner,
and its pending deliveries end `failed` at their next attempt.
The request goes through `safe_http.send`: the destination is re-checked
against the SSRF rules at every attempt (DNS may have changed), the connection
is pinned to the checked address, and reading the answer stops once
MAX_ANSWER_BYTES have arrived: its status is what counts, and that excerpt,
kept on the attempt, helps its owner debug.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from google.api_core.exceptions import AlreadyExists

from shared import clock
from shared.adapters import safe_http
from shared.adapters.task_queue import EnqueueError, enqueue
from shared.config import get_settings
from shared.errors import NotFoundError
from shared.services.webhooks.endpoints import CLEARTEXT_DISABLED, cleartext, owned, secrets_in_use
from shared.services.webhooks.events import DELIVERY_QUEUE
from shared.services.webhooks.signing import signed_headers

log = logging.getLogger("soku.webhooks")
# Svix's schedule (https://docs.svix.com/retries): the wait before attempts 2, 3, ... 8,
# each counted from the failure of the attempt before.
RETRY_SCHEDULE = (timedelta(seconds=5), timedelta(minutes=5), timedelta(minutes=30), timedelta(hours=2),
                  timedelta(hours=5), timedelta(hours=10), timedelta(hours=10))
MAX_ATTEMPTS = len(RETRY_SCHEDULE) + 1
# A task this close to its attempt's time is due (clocks differ a little); scaled with the schedule.
EARLY_TOLERANCE = timedelta(seconds=1)
# An attempt claimed this long ago without an outcome was interrupted (its handler crashed or
# timed out): longer than the delivery function's timeout (60 s, the default), so a live
# attempt is never taken for a dead one.
ATTEMPT_LEASE = timedelta(seconds=120)
# How long the queue retries a task: the longest wait an early task may have to sit out,
# plus an hour (functions/webhooks.py).
QUEUE_RETRY_S = int((max(RETRY_SCHEDULE) + timedelta(hours=1)).total_seconds())
TIMEOUT_S = 10.0
MAX_ANSWER_BYTES = 4096
USER_AGENT = "Soku-Webhooks/1"
DISABLE_AFTER = timedelta(days=3)


class RetryDelivery(Exception):
    """Answer non-2xx: Cloud Tasks delivers this task again after the queue's backoff."""


def retry_delay(attempt: int) -> timedelta:
    """The wait after failed attempt `attempt` (1-based) before the next one."""
    return RETRY_SCHEDULE[attempt - 1] * get_settings().webhook_retry_scale


def deliver(user_id: str, endpoint_id: str, delivery_id: str, attempt: int = 1) -> str:
    """Make attempt `attempt` of the delivery, if it is this task's to make and due."""
    try:
        endpoint_ref, endpoint = owned(user_id, endpoint_id)
    except NotFoundError:
        return "endpoint_deleted"
    ref = endpoint_ref.collection("deliveries").document(delivery_id)
    if endpoint.get("status") == "active" and cleartext(endpoint["url"]):
        # Registered with an http URL before https was required: nothing goes out in clear
        # text; the endpoint is disabled, saying why, and its owner registers an https URL.
        endpoint |= {"status": "disabled", "disabledAt": clock.now(), "disabledReason": CLEARTEXT_DISABLED}
        endpoint_ref.update({k: endpoint[k] for k in ("status", "disabledAt", "disabledReason")})
        log.warning("webhook endpoint %s disabled: its URL is http", endpoint_ref.path)
    if endpoint.get("status") != "active":
        snap = ref.get()
        if snap.exists and snap.get("status") == "pending":
            reason = endpoint.get("disabledReason")
            ref.update({"status": "failed", "lastError": f"endpoint disabled{': ' + reason if reason else ''}",
                        "nextAttemptAt": None, "updatedAt": clock.now()})
            return "endpoint_disabled"
        return "already_done"
    task = _Task(user_id, endpoint_id, delivery_id)
    try:
        claim = _claim_attempt(ref, attempt)
    except AlreadyExists:
        raise RetryDelivery(f"attempt {attempt} is being made by a concurrent delivery") from None
    if claim.outcome == "not_due":
        raise RetryDelivery(f"attempt {attempt} is not due before {clock.iso(claim.next_at)}")
    if claim.outcome == "in_flight":
        raise RetryDelivery(f"attempt {claim.next_attempt - 1} is still running")
    if claim.outcome in ("interrupted", "settled"):
        # Attempt `attempt` was made (or died): make sure the next one's task exists.
        if claim.next_at is not None:
            task.enqueue(claim.next_attempt, claim.next_at)
        return claim.outcome
    if claim.outcome != "claimed":
        return claim.outcome  # already_done, failed

    assert claim.delivery is not None
    delivery = claim.delivery
    attempt_ref = ref.collection("attempts").document(str(attempt))
    sent = send_signed(endpoint_ref, endpoint, delivery["eventId"], delivery["eventType"],
                       delivery["body"].encode(), attempt)
    status_code, error = sent.status_code, sent.error
    now = clock.now()
    record = {"statusCode": status_code, "error": error, "answerExcerpt": sent.excerpt,
              "answerTruncated": sent.truncated, "durationMs": sent.duration_ms, "finishedAt": now}
    update = {"lastStatusCode": status_code, "lastError": error, "updatedAt": now}
    if error is None:
        _record(attempt_ref, record, ref, update | {"status": "succeeded", "deliveredAt": now})
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
        _record(attempt_ref, record, ref, update | {"status": "failed"})
        return "failed"
    # The failure and the next attempt's time in one commit, then that attempt's task: if
    # the enqueue fails, this task's retry finds the attempt made and enqueues it (settled).
    next_at = now + retry_delay(attempt)
    _record(attempt_ref, record, ref, update | {"nextAttemptAt": next_at})
    task.enqueue(attempt + 1, next_at)
    return "retry_scheduled"


@dataclass(frozen=True)
class Sent:
    """One signed request's outcome: `error` is None for a 2xx answer."""
    status_code: int | None
    error: str | None
    excerpt: str | None
    truncated: bool | None
    duration_ms: float


def send_signed(endpoint_ref, endpoint: dict, event_id: str, event_type: str, body: bytes, attempt: int) -> Sent:
    """POST `body` to the endpoint, signed with every secret in use, through safe_http (the URL
    re-checked, the connection pinned, the answer read up to MAX_ANSWER_BYTES)."""
    # webhook-id is the event id: the same on every attempt and every endpoint.
    headers = signed_headers(secrets_in_use(endpoint_ref, endpoint), event_id, body) | {
        "Soku-Event-Id": event_id, "Soku-Event-Type": event_type,
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
    return Sent(status_code, error, answer.excerpt.decode("utf-8", "replace") if answer else None,
                answer.truncated if answer else None, round((time.perf_counter() - started) * 1000, 1))


@dataclass(frozen=True)
class _Task:
    user_id: str
    endpoint_id: str
    delivery_id: str

    def enqueue(self, attempt: int, at: datetime) -> None:
        """Create attempt `attempt`'s task for `at`; one name per attempt, so creating it
        twice is one task (409), and a schedule never forks."""
        try:
            enqueue(DELIVERY_QUEUE, {"userId": self.user_id, "endpointId": self.endpoint_id,
                                     "deliveryId": self.delivery_id, "attempt": attempt},
                    name_parts=("webhook", self.user_id, self.endpoint_id, self.delivery_id, "attempt",
                                str(attempt)),
                    schedule_time=at)
        except EnqueueError as exc:
            raise RetryDelivery(f"could not queue attempt {attempt}: {exc}") from exc


def _record(attempt_ref, record: dict, ref, update: dict) -> None:
    """An attempt's outcome and the delivery's new state, in one commit."""
    from shared.adapters.gcp import firestore_client

    batch = firestore_client().batch()
    batch.update(attempt_ref, record)
    batch.update(ref, update)
    batch.commit()


@dataclass(frozen=True)
class _Claim:
    # claimed: this task makes its attempt. not_due: it came before its time. in_flight:
    # the latest attempt is running. interrupted: the latest attempt died, now recorded so.
    # settled: the attempt was made; the next one's task is (re)created. already_done,
    # failed: nothing more to send.
    outcome: str
    delivery: dict | None = None
    next_attempt: int = 0
    next_at: datetime | None = None


def _claim_attempt(ref, attempt: int) -> _Claim:
    """Claim attempt `attempt` of a pending delivery, in one commit with its attempt record.

    Only the next attempt can be claimed, and only once it is due: a task for an attempt
    already claimed (a duplicate, or Cloud Tasks' retry of a crashed handler) never makes
    another. The attempt document is `create()`d in the commit: of two concurrent
    duplicates exactly one commits, even on the local emulator (no isolation); the other
    gets AlreadyExists. An attempt claimed and never finished is recorded `interrupted`
    once ATTEMPT_LEASE has passed, by whichever task finds it, like a failure without a
    status: the next attempt follows on the schedule (or the delivery ends `failed`).
    """
    from google.cloud import firestore

    from shared.adapters.gcp import firestore_client

    @firestore.transactional
    def claim(transaction: firestore.Transaction) -> _Claim:
        snap = ref.get(transaction=transaction)
        if not snap.exists or snap.get("status") != "pending":
            return _Claim("already_done")
        delivery = snap.to_dict()
        made = int(delivery.get("attempts", 0))
        now = clock.now()
        if made == attempt - 1:
            due = delivery.get("nextAttemptAt")
            if due is not None and due > now + EARLY_TOLERANCE * get_settings().webhook_retry_scale:
                return _Claim("not_due", next_attempt=attempt, next_at=due)
            transaction.create(ref.collection("attempts").document(str(attempt)), {"startedAt": now})
            transaction.update(ref, {"attempts": attempt, "nextAttemptAt": None, "updatedAt": now})
            return _Claim("claimed", delivery)
        if made < attempt - 1:
            # Only a recorded failure creates the next attempt's task: never reached.
            log.warning("webhook delivery %s: task of attempt %d found %d made", ref.path, attempt, made)
            return _Claim("already_done")
        latest_ref = ref.collection("attempts").document(str(made))
        latest = latest_ref.get(transaction=transaction).to_dict() or {}
        if latest.get("finishedAt") is None:
            if now - (latest.get("startedAt") or delivery["updatedAt"]) < ATTEMPT_LEASE:
                return _Claim("in_flight", next_attempt=made + 1)
            error = f"interrupted: attempt {made} recorded no outcome within {ATTEMPT_LEASE.total_seconds():g} s"
            transaction.update(latest_ref, {"statusCode": None, "error": error, "finishedAt": now})
            update = {"lastStatusCode": None, "lastError": error, "updatedAt": now}
            if made >= MAX_ATTEMPTS:
                transaction.update(ref, update | {"status": "failed", "nextAttemptAt": None})
                return _Claim("failed")
            next_at = now + retry_delay(made)
            transaction.update(ref, update | {"nextAttemptAt": next_at})
            return _Claim("interrupted", next_attempt=made + 1, next_at=next_at)
        if made >= MAX_ATTEMPTS:  # never reached (the last outcome commits `failed`): never pending for ever
            transaction.update(ref, {"status": "failed", "nextAttemptAt": None, "updatedAt": now})
            return _Claim("failed")
        # The attempt was made and failed; its successor's time is stored (deliveries from
        # before the schedule have none: due now).
        return _Claim("settled", next_attempt=made + 1, next_at=delivery.get("nextAttemptAt") or now)

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
