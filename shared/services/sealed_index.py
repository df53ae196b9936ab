"""Where secrets sealed with the token keys live: a registry of them, and an index the key rotation walks.

The registry (`KINDS`) names every kind of document that holds a value sealed with
`encrypt_json` (AES-256-GCM with `SOKU_TOKEN_KEYS`, bound to the document path):
- a connected account's platform tokens: `users/{uid}/integrations/{platform}/accounts/{id}.tokens`
- a webhook endpoint's signing secrets: `users/{uid}/webhooks/{id}.secret` (+ `.previousSecret`
  during a secret rotation's overlap; dropped once that has ended)
- a publishing run's checkpoint: `postSubmissions/{id}/runs/{target}.checkpoint`, e.g. a Snapchat
  upload's media key (`checkpoint.snap.sealed`; dropped once the upload is finalized or expired)
and which modules seal them (`sealers`). tests/test_key_rotation.py scans the code for every
caller of `encrypt_json` and fails if its module is not a registered sealer, so a new sealed
field cannot be added without saying here where it lives. The rotation re-seals every sealed
value it finds in an indexed document, registered field or not; `drop` says which ones are
no longer needed and are removed (set to null) instead.

The index. Accounts and webhooks live under `users/{uid}`, a document that need not exist (a
Stripe-extension customer, or a user known only by an API key): Firestore then has a
"missing" parent that listing `users` does not return, and the bundled emulator offers
neither collection-group queries nor `list_documents` to find the children another way. So
every place that writes such a document also records its path here, in
`sealedDocuments/{sha256(path)}` = `{path, kind, userId, recordedAt}`: one small write per
connect or endpoint creation, and for a run, in the same transaction as the first checkpoint
that holds a sealed value (shared/services/publishing/runs.py). The walk is the same on the
emulator and on Firestore. The rotation also backfills this index from the other ways it
looks (see shared/services/key_rotation.py), so documents sealed before the index existed
are recorded on the first rotation, and forgets documents that no longer hold anything sealed.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from google.cloud import firestore

from shared import clock
from shared.adapters.crypto import is_sealed
from shared.adapters.gcp import firestore_client

COLLECTION = "sealedDocuments"
ACCOUNT = "account"
WEBHOOK = "webhook"
RUN = "run"
MASTODON_APP = "mastodonApp"


def _previous_secret_ended(endpoint: dict) -> bool:
    """A webhook's previous secret signs only until `previousSecretExpiresAt`."""
    until = endpoint.get("previousSecretExpiresAt")
    return not until or until <= clock.now()


def _snapchat_upload_done(run: dict) -> bool:
    from shared.platforms import Platform, loader

    return not loader.part(Platform.SNAPCHAT, "publisher").upload_key_needed(run)  # it owns the rule


@dataclass(frozen=True)
class Kind:
    """A kind of document holding sealed values."""

    name: str
    shape: tuple[str | None, ...]  # collection ids, None where a document id goes
    fields: tuple[str, ...]  # where its sealed values are (dotted; for the docs and the summary)
    sealers: tuple[str, ...]  # the modules that call encrypt_json for it
    # dotted field -> True when the value is no longer needed: dropped instead of re-sealed
    drop: dict[str, Callable[[dict], bool]] = field(default_factory=dict)
    # dotted fields whose owner makes a new value when there is none: dropped, not reported, when
    # they no longer open (their key was retired before the rotation ran)
    drop_unreadable: tuple[str, ...] = ()
    user_from_path: bool = True  # users/{uid}/…: the user is in the path (else the document's userId)

    def matches(self, path: str) -> bool:
        parts = path.split("/")
        return len(parts) == len(self.shape) and all(
            want is None or want == part for want, part in zip(self.shape, parts))


KINDS: dict[str, Kind] = {kind.name: kind for kind in (
    Kind(ACCOUNT, ("users", None, "integrations", None, "accounts", None), ("tokens",),
         sealers=("shared.services.publishing.accounts",)),
    Kind(WEBHOOK, ("users", None, "webhooks", None), ("secret", "previousSecret"),
         sealers=("shared.services.webhooks.endpoints",),
         drop={"previousSecret": _previous_secret_ended}),
    Kind(RUN, ("postSubmissions", None, "runs", None), ("checkpoint.snap.sealed",),
         sealers=("shared.platforms.snapchat.publisher",),
         drop={"checkpoint.snap.sealed": _snapchat_upload_done}, drop_unreadable=("checkpoint.snap.sealed",),
         user_from_path=False),
    # Soku's app on a Mastodon server (one per server, callback and scopes), shared by every user
    # who connects an account there: its client secret, sealed (shared/platforms/mastodon/apps.py).
    Kind(MASTODON_APP, ("mastodonApps", None), ("clientSecret",), sealers=("shared.platforms.mastodon.apps",),
         drop_unreadable=("clientSecret",), user_from_path=False),
)}


def kind_of(path: str) -> str | None:
    """What a document path holds, by its shape; None for anything else."""
    return next((kind.name for kind in KINDS.values() if kind.matches(path)), None)


def sealed_values(data: Any, prefix: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], dict]]:
    """(field path as parts, sealed value) for every sealed value in a document's data, at any depth."""
    if not isinstance(data, dict):
        return
    for name, value in data.items():
        if is_sealed(value):
            yield (*prefix, str(name)), value
        elif isinstance(value, dict):
            yield from sealed_values(value, (*prefix, str(name)))


def _entry(path: str) -> firestore.DocumentReference:
    return firestore_client().collection(COLLECTION).document(hashlib.sha256(path.encode()).hexdigest())


def _entry_data(path: str, user_id: str | None) -> dict:
    kind = kind_of(path)
    if kind is None:
        raise ValueError(f"not a document that holds sealed secrets: {path}")
    if KINDS[kind].user_from_path:
        user_id = path.split("/")[1]
    return {"path": path, "kind": kind, "userId": user_id, "recordedAt": clock.now()}


def record(ref: firestore.DocumentReference, user_id: str | None = None,
           transaction: firestore.Transaction | None = None) -> str | None:
    """Remember that `ref` holds sealed secrets (idempotent); inside `transaction` when given.
    `user_id`: whose it is, for documents whose path does not say. Returns the recorded user."""
    data = _entry_data(ref.path, user_id)
    if transaction is not None:
        transaction.set(_entry(ref.path), data)
    else:
        _entry(ref.path).set(data)
    return data["userId"]


def forget(path: str, transaction: firestore.Transaction | None = None) -> None:
    if transaction is not None:
        transaction.delete(_entry(path))
    else:
        _entry(path).delete()


def entries() -> Iterator[tuple[str, str | None]]:
    """(path, userId) of every recorded document (some may be deleted since, or hold nothing sealed now)."""
    for snap in firestore_client().collection(COLLECTION).stream():
        data = snap.to_dict() or {}
        path = data.get("path")
        if isinstance(path, str) and kind_of(path):
            yield path, data.get("userId")


def recorded() -> Iterator[str]:
    """Every recorded path."""
    for path, _ in entries():
        yield path
