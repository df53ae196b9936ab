"""Which connected accounts one platform login made: `platformLogins/{sha256(account path)}`.

A platform's privacy callbacks name the platform's user (Meta: the app-scoped user id in a
signed request), not a Soku user: the accounts that login connected may belong to any Soku
user. Every connect records each account's `grantId` here (`meta:<appId>:<userId>` for
Facebook Pages and Instagram accounts, shared/platforms/meta_graph/login.py) with its path;
`accounts_of` finds them with one equality query, on the emulator as on Firestore. On
Firestore it also asks the collection group `accounts` (its single-field index is in
firestore.indexes.json), which finds accounts connected before this index existed.
Entries may outlive their account (a disconnect forgets them; a stale one is skipped).
"""

from __future__ import annotations

import hashlib
import logging

from google.cloud import firestore

from shared import clock
from shared.adapters.gcp import firestore_client

log = logging.getLogger("soku.privacy")
COLLECTION = "platformLogins"


def _entry(path: str) -> firestore.DocumentReference:
    return firestore_client().collection(COLLECTION).document(hashlib.sha256(path.encode()).hexdigest())


def record(ref: firestore.DocumentReference, grant_id: str | None) -> None:
    if not grant_id:
        return
    parts = ref.path.split("/")
    _entry(ref.path).set({"grantId": grant_id, "path": ref.path, "userId": parts[1], "platform": parts[3],
                          "recordedAt": clock.now()})


def forget(path: str) -> None:
    _entry(path).delete()


def accounts_of(grant_id: str) -> list[firestore.DocumentSnapshot]:
    """Every existing account document whose grantId is `grant_id`."""
    db = firestore_client()
    paths = {(snap.to_dict() or {}).get("path") for snap in db.collection(COLLECTION).where(
        filter=firestore.FieldFilter("grantId", "==", grant_id)).stream()}
    try:
        paths |= {snap.reference.path for snap in db.collection_group("accounts").where(
            filter=firestore.FieldFilter("grantId", "==", grant_id)).stream()}
    except Exception as exc:  # noqa: BLE001 - the index above is complete for every connect since it exists
        log.warning("collection-group query on accounts failed: %s", exc)
    refs = [db.document(p) for p in sorted(p for p in paths if isinstance(p, str))]
    found = [snap for snap in db.get_all(refs)] if refs else []
    return sorted((s for s in found if s.exists and (s.to_dict() or {}).get("grantId") == grant_id),
                  key=lambda s: s.reference.path)
