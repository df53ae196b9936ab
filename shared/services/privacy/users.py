"""Deleting a Soku user and everything they own (`DELETE /v1/me`).

What a user owns, by where it lives (every collection the code writes a userId into):
- under `users/{uid}`: the profile, `integrations/{platform}` and their `accounts` (sealed
  tokens), `credits`, `creditLedger`, `idempotency`, `aiJobs`, `apiRequests`, `webhooks`
  with their `deliveries` and those deliveries' `attempts`, `repurposeLinks`,
  `repurposeTriggers`, `templates` (saved), `usage` (the daily ceilings' counts), `slotClaims`
  (the queue slots their posts hold);
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
    "repurposeTriggers": {}, "templates": {}, "usage": {}, "slotClaims": {},
}
CUSTOMER_TREE: dict[str, dict] = {"subscriptions": {}, "checkout_sessions": {}, "payments": {}}
SUBMISSION_TREE: dict[str, dict] = {"runs": {"attempts": {}, "deletions": {}}}
MEDIA_TREE: dict[str, dict] = {"transcripts": {}}
# Top-level collections whose documents carry the owner's `userId` (and own nothing below them).
OWNED = ("apiKeys", "rendered_media", "uploads", "oauthFlows", "errorLogs", "metricsCache",
         sealed_index.COLLECTION, logins.COLLECTION)


BATCH = 400  # deletes per commit (Firestore takes 500 writes in one)
IN_LIMIT = 30  # values per `in` filter


class _Deletes:
    """Deletes gathered and committed in batches: a user with thousands of posts is deleted in
    a few dozen commits, not one round trip per document."""

    def __init__(self) -> None:
        self.refs: dict[str, firestore.DocumentReference] = {}
        self.count = 0

    def add(self, ref: firestore.DocumentReference) -> None:
        self.refs[ref.path] = ref
        if len(self.refs) >= BATCH:
            self.flush()

    def flush(self) -> None:
        refs = list(self.refs.values())
        self.refs.clear()
        for start in range(0, len(refs), BATCH):
            batch = firestore_client().batch()
            for ref in refs[start:start + BATCH]:
                batch.delete(ref)
            batch.commit()
            self.count += len(refs[start:start + BATCH])


def _delete_doc(ref: firestore.DocumentReference, tree: dict[str, dict], deletes: _Deletes,
                ids: dict[str, list[str]] | None = None) -> None:
    for name, subtree in tree.items():
        collection = ref.collection(name)
        doc_ids = {snap.id for snap in collection.select([]).stream()} | set((ids or {}).get(name, []))
        for doc_id in sorted(doc_ids):
            _delete_doc(collection.document(doc_id), subtree, deletes)
    deletes.add(ref)


def _at(data: Any, field: str) -> Any:
    for part in field.split("."):
        data = data.get(part) if isinstance(data, dict) else None
    return data


def _by(collection: str, field: str, value: Any) -> list[firestore.DocumentSnapshot]:
    return _by_any(collection, field, [value])


def _by_any(collection: str, field: str, values: list[Any]) -> list[firestore.DocumentSnapshot]:
    """Documents of `collection` whose `field` is one of `values`."""
    query = firestore_client().collection(collection)
    if not values:
        return []
    if "." in field and emulated():
        # The local emulator cannot filter on a map's field (`payload.userId`): filter here.
        wanted = set(values)
        return [snap for snap in query.stream() if _at(snap.to_dict() or {}, field) in wanted]
    found: list[firestore.DocumentSnapshot] = []
    for start in range(0, len(values), IN_LIMIT):
        chunk = values[start:start + IN_LIMIT]
        condition = firestore.FieldFilter(field, "==", chunk[0]) if len(chunk) == 1 else \
            firestore.FieldFilter(field, "in", chunk)
        found += query.where(filter=condition).stream()
    return found


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

    deletes = _Deletes()
    # Posts: the submission, its runs and what hangs off them; the claims of their platform posts
    # and the undelivered events that name them.
    submissions = _by("postSubmissions", "userId", user_id)
    run_paths: list[str] = []
    for snap in submissions:
        run_paths += [run.reference.path for run in snap.reference.collection("runs").select([]).stream()]
        _delete_doc(snap.reference, SUBMISSION_TREE, deletes)
    for claim in _by_any("platformPosts", "run", run_paths):
        deletes.add(claim.reference)
    for entry in _by_any("outbox", "payload.submissionId", [s.id for s in submissions]) + \
            _by("outbox", "payload.userId", user_id):
        deletes.add(entry.reference)

    # Media: the documents, their transcripts and grants, and the stored objects.
    media = _by("media", "userId", user_id)
    for snap in media:
        _delete_object((snap.to_dict() or {}).get("objectPath"), counts)
        _delete_doc(snap.reference, MEDIA_TREE, deletes)
    for grant in _by_any("mediaGrants", "mediaId", [m.id for m in media]):
        deletes.add(grant.reference)
    for collection in OWNED:
        for snap in _by(collection, "userId", user_id):
            if collection in ("rendered_media", "uploads"):
                _delete_object((snap.to_dict() or {}).get("objectPath"), counts)
            deletes.add(snap.reference)

    user_ref = db.collection("users").document(user_id)
    _delete_doc(user_ref, USER_TREE, deletes, ids={"integrations": [p.value for p in Platform]})
    _delete_doc(db.collection("customers").document(user_id), CUSTOMER_TREE, deletes)
    deletes.flush()
    counts["documents"] = deletes.count
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
