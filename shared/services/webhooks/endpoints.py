"""Webhook endpoints: `users/{uid}/webhooks/{id}`, secrets sealed at rest.

Rotating a secret keeps the previous one signing next to the new one for
ROTATION_OVERLAP, so a receiver can switch to the new secret at any time in
that window without failing a delivery. Rotating again within the window ends
the older secret's overlap at once (only two secrets ever sign).
"""

from __future__ import annotations

import uuid
from datetime import timedelta

from google.cloud import firestore

from shared import clock
from shared.adapters import safe_http
from shared.adapters.crypto import decrypt_json, encrypt_json
from shared.adapters.gcp import firestore_client
from shared.errors import NotFoundError, ValidationError
from shared.models.webhooks import ALL_EVENTS, CreateWebhookRequest, UpdateWebhookRequest
from shared.services import sealed_index
from shared.services.webhooks.signing import new_secret

MAX_ENDPOINTS = 20
ROTATION_OVERLAP = timedelta(hours=24)
HTTPS_REQUIRED = ("webhook URLs must use https (over http the events and their signatures travel in clear "
                  "text and can be replayed)")
# An endpoint stored with an http URL before https was required is disabled at its next delivery.
CLEARTEXT_DISABLED = ("Its URL is http: Soku delivers webhooks over https only. Register an https URL "
                      "(POST /v1/webhooks) and delete this endpoint.")


def collection(user_id: str) -> firestore.CollectionReference:
    return firestore_client().collection("users").document(user_id).collection("webhooks")


def view(endpoint_id: str, data: dict) -> dict:
    return {
        "id": endpoint_id, "url": data["url"], "events": data["events"],
        "description": data.get("description"), "status": data.get("status", "active"),
        "disabledReason": data.get("disabledReason"), "createdAt": clock.iso(data["createdAt"]),
        "failingSince": clock.iso(data.get("failingSince")),
        "lastDeliveryAt": clock.iso(data.get("lastDeliveryAt")),
        "previousSecretExpiresAt": clock.iso(_previous_until(data)),
    }


def _previous_until(data: dict):
    """When the previous secret stops signing, while it still does; else None."""
    until = data.get("previousSecretExpiresAt")
    return until if data.get("previousSecret") and until and until > clock.now() else None


def cleartext(url: str) -> bool:
    """Plain http to a destination the fetch allow-list does not admit: never a webhook URL.

    Over http a delivery's payload and its signature headers travel in clear text, and anyone
    on the path can replay it within the receiver's timestamp tolerance. Only the local stack's
    and the tests' receivers, on the loopback addresses `SOKU_FETCH_ALLOWLIST` lists (empty in
    production), may be http."""
    return not url.lower().startswith("https://") and not safe_http.allow_listed(url)


def check_url(url: str) -> None:
    """A webhook URL as it may be registered: the same SSRF rules as media ingest (checked
    again at each delivery), then https. ValidationError (400) naming `body.url` otherwise."""
    try:
        safe_http.check_url(url)
    except safe_http.FetchRefused as refused:
        raise ValidationError(f"Webhook URL refused: {refused.reason}", details=[{
            "field": "body.url", "message": refused.reason, "code": "invalid_url", "received": url}]) from None
    if cleartext(url):
        raise ValidationError(f"Webhook URL refused: {HTTPS_REQUIRED}", details=[{
            "field": "body.url", "message": HTTPS_REQUIRED, "code": "https_required", "received": url}])


def create(user_id: str, request: CreateWebhookRequest) -> dict:
    url = str(request.url)
    check_url(url)
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
    sealed_index.record(ref)  # the key rotation finds it even if users/{uid} does not exist
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


def get(user_id: str, endpoint_id: str) -> dict:
    return view(endpoint_id, owned(user_id, endpoint_id)[1])


OWNER_DISABLED = "Disabled by its owner (PATCH /v1/webhooks/{id} with enabled: true turns it back on)"


def update(user_id: str, endpoint_id: str, request: UpdateWebhookRequest) -> dict:
    """Change what the request names, in one transaction (a delivery disabling the endpoint at the
    same moment is not overwritten by a stale read). Re-enabling starts the failure count afresh,
    or the next failed delivery would disable it again at once."""
    changed = request.model_fields_set
    if not changed:
        raise ValidationError("Nothing to change: give url, events, description or enabled", details=[{
            "field": "body", "code": "empty_update",
            "message": "give at least one of url, events, description, enabled"}])
    if request.url is not None:
        check_url(str(request.url))
    for name in ("url", "events", "enabled"):
        if name in changed and getattr(request, name) is None:
            raise ValidationError(f"{name} cannot be null", details=[{
                "field": f"body.{name}", "code": "null_value", "message": f"{name} cannot be null; leave it out "
                                                                          "to keep it"}])
    ref = collection(user_id).document(endpoint_id)

    @firestore.transactional
    def apply(transaction: firestore.Transaction) -> dict:
        snap = ref.get(transaction=transaction)
        if not snap.exists:
            raise NotFoundError(f"Webhook {endpoint_id} not found")
        data = snap.to_dict()
        now = clock.now()
        update: dict = {"updatedAt": now}
        if request.url is not None:
            update["url"] = str(request.url)
        if request.events is not None:
            update["events"] = list(request.events)
        if "description" in changed:
            update["description"] = request.description or None
        if request.enabled is True and data.get("status") != "active":
            if cleartext(update.get("url", data["url"])):
                raise ValidationError(f"Cannot enable an endpoint with an http URL: {HTTPS_REQUIRED}", details=[{
                    "field": "body.url", "code": "https_required",
                    "message": "give an https url in the same request to enable it"}])
            update |= {"status": "active", "disabledReason": firestore.DELETE_FIELD,
                       "disabledAt": firestore.DELETE_FIELD, "failingSince": None}
        elif request.enabled is False and data.get("status") == "active":
            update |= {"status": "disabled", "disabledAt": now, "disabledReason": OWNER_DISABLED}
        transaction.update(ref, update)
        return {**data, **{k: v for k, v in update.items() if v is not firestore.DELETE_FIELD}} | (
            {"disabledReason": None} if update.get("status") == "active" else {})

    return view(endpoint_id, apply(firestore_client().transaction()))


def delete(user_id: str, endpoint_id: str) -> None:
    ref, _ = owned(user_id, endpoint_id)
    ref.delete()  # pending deliveries find no endpoint and stop


def secrets_in_use(ref: firestore.DocumentReference, data: dict) -> list[str]:
    """The secrets that sign a delivery now: the current one, then the previous during its overlap."""
    current = [decrypt_json(data["secret"], associated=ref.path)]
    if _previous_until(data) is None:
        return current
    return current + [decrypt_json(data["previousSecret"], associated=ref.path)]


def rotate_secret(user_id: str, endpoint_id: str) -> dict:
    """Issue a new secret (returned once); the current one keeps signing for ROTATION_OVERLAP."""
    ref = collection(user_id).document(endpoint_id)
    secret = new_secret()

    @firestore.transactional
    def rotate(transaction: firestore.Transaction) -> dict:
        snap = ref.get(transaction=transaction)
        if not snap.exists:
            raise NotFoundError(f"Webhook {endpoint_id} not found")
        now = clock.now()
        update = {"secret": encrypt_json(secret, associated=ref.path),
                  # The sealed current secret moves as is: same key, same associated path.
                  "previousSecret": snap.get("secret"), "previousSecretExpiresAt": now + ROTATION_OVERLAP,
                  "secretRotatedAt": now}
        transaction.update(ref, update)
        return snap.to_dict() | update

    return view(endpoint_id, rotate(firestore_client().transaction())) | {"secret": secret}
