"""Webhook endpoints: `users/{uid}/webhooks/{id}`, secrets sealed at rest."""

from __future__ import annotations

import uuid

from google.cloud import firestore

from shared import clock
from shared.adapters import safe_http
from shared.adapters.crypto import decrypt_json, encrypt_json
from shared.adapters.gcp import firestore_client
from shared.errors import NotFoundError, ValidationError
from shared.models.webhooks import ALL_EVENTS, CreateWebhookRequest
from shared.services.webhooks.signing import new_secret

MAX_ENDPOINTS = 20


def collection(user_id: str) -> firestore.CollectionReference:
    return firestore_client().collection("users").document(user_id).collection("webhooks")


def view(endpoint_id: str, data: dict) -> dict:
    return {
        "id": endpoint_id, "url": data["url"], "events": data["events"],
        "description": data.get("description"), "status": data.get("status", "active"),
        "disabledReason": data.get("disabledReason"), "createdAt": clock.iso(data["createdAt"]),
        "failingSince": clock.iso(data.get("failingSince")),
        "lastDeliveryAt": clock.iso(data.get("lastDeliveryAt")),
    }


def create(user_id: str, request: CreateWebhookRequest) -> dict:
    url = str(request.url)
    try:
        safe_http.check_url(url)  # the same SSRF rules as media ingest, checked now and at each delivery
    except safe_http.FetchRefused as refused:
        raise ValidationError(f"Webhook URL refused: {refused.reason}", details=[{
            "field": "body.url", "message": refused.reason, "code": "invalid_url", "received": url}]) from None
    if len(list(collection(user_id).limit(MAX_ENDPOINTS).stream())) >= MAX_ENDPOINTS:
        raise ValidationError(f"At most {MAX_ENDPOINTS} webhook endpoints per account")
    endpoint_id = f"we_{uuid.uuid4().hex[:20]}"
    ref = collection(user_id).document(endpoint_id)
    secret = new_secret()
    data = {
        "url": url, "events": list(request.events or ALL_EVENTS), "description": request.description,
        "status": "active", "createdAt": clock.now(), "secret": encrypt_json(secret, associated=ref.path),
    }
    ref.create(data)
    return view(endpoint_id, data) | {"secret": secret}


def list_endpoints(user_id: str) -> list[dict]:
    snaps = collection(user_id).order_by("createdAt", direction=firestore.Query.DESCENDING).stream()
    return [view(s.id, s.to_dict()) for s in snaps]


def owned(user_id: str, endpoint_id: str) -> tuple[firestore.DocumentReference, dict]:
    ref = collection(user_id).document(endpoint_id)
    snap = ref.get()
    if not snap.exists:
        raise NotFoundError(f"Webhook {endpoint_id} not found")
    return ref, snap.to_dict()


def delete(user_id: str, endpoint_id: str) -> None:
    ref, _ = owned(user_id, endpoint_id)
    ref.delete()  # pending deliveries find no endpoint and stop


def secret_of(ref: firestore.DocumentReference, data: dict) -> str:
    return decrypt_json(data["secret"], associated=ref.path)
