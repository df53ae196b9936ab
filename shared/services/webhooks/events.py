"""Emitting events: one delivery per (endpoint, event occurrence), queued once.

An occurrence has a deterministic event id (derived from what happened, e.g.
submission + target + outcome + retry generation), and each endpoint's
delivery document is claimed with `create()`. So an emitter that runs twice
(a duplicate task, a retried publisher) queues nothing twice. The body is
frozen at emission: every attempt sends the same bytes (a fresh signature).
"""

from __future__ import annotations

import hashlib
import json
import logging
from typing import Any

from google.api_core.exceptions import AlreadyExists
from google.cloud import firestore

from shared import clock
from shared.adapters.task_queue import enqueue
from shared.services.webhooks.endpoints import collection

log = logging.getLogger("soku.webhooks")
DELIVERY_QUEUE = "deliverWebhook"


def event_id(user_id: str, event_type: str, *occurrence: Any) -> str:
    raw = "|".join([user_id, event_type, *map(str, occurrence)])
    return "evt_" + hashlib.sha256(raw.encode()).hexdigest()[:24]


def emit(user_id: str, event_type: str, occurrence: tuple, data: dict, strict: bool = False) -> str | None:
    """Queue the event for every active endpoint subscribed to it.

    Never raises unless `strict` (the outbox): then a failure to store or queue a
    delivery raises, and the outbox dispatches the event again.
    """
    return emit_event(user_id, event_type, event_id(user_id, event_type, *occurrence), data, strict=strict)


def emit_event(user_id: str, event_type: str, evt: str, data: dict, strict: bool = False,
               created_at: str | None = None) -> str | None:
    """`emit` of an event whose id (and time) were fixed when it happened (the outbox's frozen
    events: publishing/run_events.py)."""
    try:
        endpoints = [s for s in collection(user_id).where(
            filter=firestore.FieldFilter("status", "==", "active")).stream()
            if event_type in (s.to_dict().get("events") or [])]
        if not endpoints:
            return None
        body = json.dumps({"id": evt, "type": event_type, "createdAt": created_at or clock.iso(clock.now()),
                           "data": data}, separators=(",", ":"), default=str)
        for endpoint in endpoints:
            _queue(user_id, endpoint.id, endpoint.reference, evt, event_type, body)
        return evt
    except Exception:  # noqa: BLE001 - a notification problem must never fail publishing
        if strict:
            raise
        log.exception("could not emit %s for %s", event_type, user_id)
        return None


def _queue(user_id: str, endpoint_id: str, endpoint_ref, evt: str, event_type: str, body: str) -> None:
    delivery_id = hashlib.sha256(f"{endpoint_id}|{evt}".encode()).hexdigest()[:32]
    now = clock.now()
    try:
        endpoint_ref.collection("deliveries").document(delivery_id).create({
            "eventId": evt, "eventType": event_type, "body": body, "status": "pending",
            "attempts": 0, "createdAt": now, "updatedAt": now,
        })
    except AlreadyExists:
        # Stored by an earlier emission of this event. If that one died before queueing it
        # (no attempt yet), queue it now: the task name is the same, so a task that does
        # exist answers 409 and nothing is sent twice.
        existing = endpoint_ref.collection("deliveries").document(delivery_id).get().to_dict() or {}
        if existing.get("status") != "pending" or int(existing.get("attempts", 0)) > 0:
            return
    enqueue(DELIVERY_QUEUE, {"userId": user_id, "endpointId": endpoint_id, "deliveryId": delivery_id},
            name_parts=("webhook", user_id, endpoint_id, delivery_id))
