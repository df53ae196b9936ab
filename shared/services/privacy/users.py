"""Deleting a Soku user and everything they own (`DELETE /v1/me`).

What a user owns, by where it lives (every collection the code writes a userId into):
- under `users/{uid}`: the profile, `integrations/{platform}` and their `accounts` (sealed
  tokens), `credits`, `creditLedger`, `idempotency`, `aiJobs`, `apiRequests`, `webhooks`
  with their `deliveries` and those deliveries' `attempts`, `repurposeLinks`,
  `repurposeTriggers`, `templates` (saved);
- `customers/{uid}` (the Stripe extension's) with `subscriptions`, `checkout_sessions`, `payments`;
- top-level documents carrying `userId`: `apiKeys`, `postSubmissions` (with `runs`, their
  `attempts` and `deletions`), `media` (with `transcripts`, and its Cloud Storage object),
  `rendered_media`, `uploads` (with the staged object), `oauthFlows`, `errorLogs`,
  `metricsCache`, `sealedDocuments`, `platformLogins`;
- documents that name the user's posts or media: `platformPosts` (a run's post claim),
  `mediaGrants` (a platform's pull of a media file), `outbox` entries (undelivered events).
Connected accounts are first disconnected as `DELETE /v1/accounts/{id}` does (revoked at the
platform where it offers that). The Firebase Auth user goes too where Auth is reachable.

The local Firestore emulator lists neither collections nor missing documents, so the walk
names every subcollection; on Firestore a final `recursive_delete` of `users/{uid}` and
`customers/{uid}` removes anything under them this list did not name.
"""

from __future__ import annotations

import logging
from typing import Any

from google.api_core.exceptions import NotFound
from google.cloud import firestore

from shared.adapters import firebase_auth
from shared.adapters.gcp import firestore_client, storage_client
from shared.config import emulated, get_settings
from shared.errors import ValidationError
from shared.platforms import Platform
from shared.services import sealed_index
from shared.services.connections import store
from shared.services.privacy import logins
from shared.services.publishing.accounts import accounts_collection

log = logging.getLogger("soku.privacy")

# Subcollection trees: name -> its own subcollections.
USER_TREE: dict[str, dict] = {
    "integrations": {"accounts": {}}, "credits": {}, "creditLedger": {}, "idempotency": {}, "aiJobs": {},
    "apiRequests": {}, "webhooks": {"deliveries": {"attempts": {}}}, "repurposeLinks": {},
    "repurposeTriggers": {}, "templates": {},
}
CUSTOMER_TREE: dict[str, dict] = {"subscriptions": {}, "checkout_sessions": {}, "payments": {}}
SUBMISSION_TREE: dict[str, dict] = {"runs": {"attempts": {}, "deletions": {}}}
MEDIA_TREE: dict[str, dict] = {"transcripts": {}}
# Top-level collections whose documents carry the owner's `userId` (and own nothing below them).
OWNED = ("apiKeys", "rendered_media", "uploads", "oauthFlows", "errorLogs", "metricsCache",
         sealed_index.COLLECTION, logins.COLLECTION)


def _delete_doc(ref: firestore.DocumentReference, tree: dict[str, dict], counts: dict[str, int],
                ids: dict[str, list[str]] | None = None) -> None:
    for name, subtree in tree.items():
        collection = ref.collection(name)
        doc_ids = {snap.id for snap in collection.stream()} | set((ids or {}).get(name, []))
        for doc_id in sorted(doc_ids):
            _delete_doc(collection.document(doc_id), subtree, counts)
    ref.delete()
    counts["documents"] = counts.get("documents", 0) + 1


def _by(collection: str, field: str, value: Any) -> list[firestore.DocumentSnapshot]:
    query = firestore_client().collection(collection)
    if "." in field and emulated():
        # The local emulator cannot filter on a map's field (`payload.userId`): filter here.
        def at(data: dict) -> Any:
            for part in field.split("."):
                data = data.get(part) if isinstance(data, dict) else None
            return data

        return [snap for snap in query.stream() if at(snap.to_dict() or {}) == value]
    return list(query.where(filter=firestore.FieldFilter(field, "==", value)).stream())


def _delete_object(path: Any, counts: dict[str, int]) -> None:
    if not isinstance(path, str) or not path:
        return
    try:
        storage_client().bucket(get_settings().media_bucket).blob(path).delete()
        counts["objects"] = counts.get("objects", 0) + 1
    except NotFound:
        pass


def _disconnect_accounts(user_id: str, counts: dict[str, int]) -> None:
    for platform in Platform:
        for snap in accounts_collection(user_id, platform.value).stream():
            try:
                store.disconnect(user_id, platform, snap)
            except Exception:  # noqa: BLE001 - the platform's revocation is best effort; the data goes anyway
                log.warning("disconnecting %s while deleting its user failed", snap.reference.path, exc_info=True)
            counts["accounts"] = counts.get("accounts", 0) + 1


def delete_user(user_id: str, confirm: Any) -> dict[str, Any]:
    if confirm != user_id:
        message = "To delete your account and everything in it, send {\"confirm\": \"<your user id>\"}"
        raise ValidationError(message, code="confirmation_required", details=[
            {"field": "body.confirm", "message": message, "code": "confirmation_required"}])
    db = firestore_client()
    counts: dict[str, int] = {}
    _disconnect_accounts(user_id, counts)

    # Posts: the submission, its runs and what hangs off them; the claims of their platform posts
    # and the undelivered events that name them.
    for snap in _by("postSubmissions", "userId", user_id):
        runs = list(snap.reference.collection("runs").stream())
        for run in runs:
            for claim in _by("platformPosts", "run", run.reference.path):
                claim.reference.delete()
        for entry in _by("outbox", "payload.submissionId", snap.id):
            entry.reference.delete()
        _delete_doc(snap.reference, SUBMISSION_TREE, counts)
    for entry in _by("outbox", "payload.userId", user_id):
        entry.reference.delete()

    # Media: the documents, their transcripts and grants, and the stored objects.
    for snap in _by("media", "userId", user_id):
        data = snap.to_dict() or {}
        _delete_object(data.get("objectPath"), counts)
        for grant in _by("mediaGrants", "mediaId", snap.id):
            grant.reference.delete()
        _delete_doc(snap.reference, MEDIA_TREE, counts)
    for collection in OWNED:
        for snap in _by(collection, "userId", user_id):
            if collection in ("rendered_media", "uploads"):
                _delete_object((snap.to_dict() or {}).get("objectPath"), counts)
            snap.reference.delete()
            counts["documents"] = counts.get("documents", 0) + 1

    user_ref = db.collection("users").document(user_id)
    _delete_doc(user_ref, USER_TREE, counts, ids={"integrations": [p.value for p in Platform]})
    _delete_doc(db.collection("customers").document(user_id), CUSTOMER_TREE, counts)
    if not emulated():  # the local emulator cannot list collections (nor survive being asked to)
        for ref in (user_ref, db.collection("customers").document(user_id)):
            try:  # Firestore: whatever lives below that the trees above do not name
                db.recursive_delete(ref)
            except Exception:  # noqa: BLE001 - what the trees named is gone already
                log.warning("recursive delete of %s failed", ref.path, exc_info=True)
    auth_user = firebase_auth.delete_user(user_id)
    log.info("deleted user %s: %s", user_id, counts)
    return {"deleted": True, "userId": user_id, "accountsDisconnected": counts.get("accounts", 0),
            "documentsDeleted": counts.get("documents", 0), "objectsDeleted": counts.get("objects", 0),
            "authUserDeleted": auth_user}
