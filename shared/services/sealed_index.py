"""Where secrets sealed with the token keys live: an index the key rotation walks.

Sealed (AES-256-GCM with `SOKU_TOKEN_KEYS`, bound to the document path) today:
- a connected account's platform tokens: `users/{uid}/integrations/{platform}/accounts/{id}.tokens`
- a webhook endpoint's signing secrets: `users/{uid}/webhooks/{id}.secret` (+ `.previousSecret`
  during a secret rotation's overlap)

Both live under `users/{uid}`, a document that need not exist (a Stripe-extension
customer, or a user known only by an API key): Firestore then has a "missing"
parent that listing `users` does not return, and the bundled emulator offers
neither collection-group queries nor `list_documents` to find the children
another way. So every place that creates such a document also records its path
here, in `sealedDocuments/{sha256(path)}` = `{path, kind, userId, recordedAt}`:
one small write per connect or endpoint creation, and a walk that is the same on
the emulator and on Firestore. The rotation also backfills this index from the
other ways it looks (see shared/services/key_rotation.py), so documents sealed
before the index existed are recorded on the first rotation.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator

from google.cloud import firestore

from shared import clock
from shared.adapters.gcp import firestore_client

COLLECTION = "sealedDocuments"
ACCOUNT = "account"
WEBHOOK = "webhook"


def kind_of(path: str) -> str | None:
    """What a document path holds, by its shape; None for anything else."""
    parts = path.split("/")
    if len(parts) == 6 and parts[0] == "users" and parts[2] == "integrations" and parts[4] == "accounts":
        return ACCOUNT
    if len(parts) == 4 and parts[0] == "users" and parts[2] == "webhooks":
        return WEBHOOK
    return None


def _entry(path: str) -> firestore.DocumentReference:
    return firestore_client().collection(COLLECTION).document(hashlib.sha256(path.encode()).hexdigest())


def record(ref: firestore.DocumentReference) -> None:
    """Remember that `ref` holds sealed secrets (idempotent)."""
    kind = kind_of(ref.path)
    if kind is None:
        raise ValueError(f"not a document that holds sealed secrets: {ref.path}")
    _entry(ref.path).set({"path": ref.path, "kind": kind, "userId": ref.path.split("/")[1],
                          "recordedAt": clock.now()})


def forget(path: str) -> None:
    _entry(path).delete()


def recorded() -> Iterator[str]:
    """Every recorded path (some may point at documents deleted since)."""
    for snap in firestore_client().collection(COLLECTION).stream():
        path = (snap.to_dict() or {}).get("path")
        if isinstance(path, str) and kind_of(path):
            yield path
