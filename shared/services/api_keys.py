"""API keys: creation, listing, revocation and lookup for authentication.

A key is `sk_live_` followed by 32 random bytes (base64url, 43 characters).
Only its SHA-256 hash is stored, as the document id of `apiKeys/{keyHash}`,
and that hash is also the key's public `id`: it cannot be turned back into the
key, and it lets authentication be a single document read.

A key's owner never changes, so each instance remembers which user a key hash
belongs to: from the second request on, the key and its user's document (the
subscription) are read in one `get_all`, one round trip instead of two, and
`POST /v1/posts` reads them in its own first read instead (`presume`/`confirm`:
no round trip of their own). The key document is still read on every request, and
judged before anything is written or answered, so a revocation takes effect at once.

A key document also holds what the key may do (`scopes`, absent: all of them, as every key made
before scopes; key_scopes.py) and what it is for (`kind`: personal or agent). Rotating a key
makes a new one with its name, scopes and kind and gives the old one `expiresAt` (the end of its
grace period) and `rotatedTo`; past `expiresAt` it is refused like a revoked key.
"""

from __future__ import annotations

import hashlib
import secrets
import threading
from collections import OrderedDict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Iterable, Mapping

from google.cloud import firestore

from shared import clock
from shared.adapters.gcp import firestore_client
from shared.errors import (
    ConflictError,
    InsufficientScopeError,
    NotFoundError,
    UnauthorizedError,
)
from shared.models.api_keys import DEFAULT_GRACE_HOURS
from shared.services import key_scopes

KEY_PREFIX = "sk_live_"
KEY_RANDOM_BYTES = 32
COLLECTION = "apiKeys"
# lastUsedAt is informational; writing it on every request would double the
# write load of the API, so it is refreshed at most once per this interval.
LAST_USED_RESOLUTION = timedelta(minutes=1)
OWNERS_REMEMBERED = 10_000


@dataclass(frozen=True)
class ApiKeyRecord:
    key_hash: str
    user_id: str
    name: str
    # users/{uid}, when it was read together with the key (None: not read).
    user_snapshot: Any = None
    # What the key may do (key_scopes.scopes_of its document) and what it is for.
    scopes: frozenset[str] = key_scopes.ALL_SCOPES
    kind: str = "personal"


class _Owners:
    """key hash -> user id, for the keys this instance has seen (bounded, least recently used out)."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._lock = threading.Lock()
        self._owners: OrderedDict[str, str] = OrderedDict()

    def get(self, key_hash: str) -> str | None:
        with self._lock:
            owner = self._owners.get(key_hash)
            if owner is not None:
                self._owners.move_to_end(key_hash)
            return owner

    def remember(self, key_hash: str, user_id: str) -> None:
        with self._lock:
            self._owners[key_hash] = user_id
            self._owners.move_to_end(key_hash)
            while len(self._owners) > self._size:
                self._owners.popitem(last=False)

    def forget(self, key_hash: str) -> None:
        with self._lock:
            self._owners.pop(key_hash, None)


_owners = _Owners(OWNERS_REMEMBERED)
# lastUsedAt is written beside the request, not before its response.
_bookkeeping = ThreadPoolExecutor(max_workers=1, thread_name_prefix="api-key-last-used")


def generate_key() -> str:
    return KEY_PREFIX + secrets.token_urlsafe(KEY_RANDOM_BYTES)


def hash_key(raw_key: str) -> str:
    return hashlib.sha256(raw_key.encode("utf-8")).hexdigest()


def preview(raw_key: str) -> str:
    return f"{KEY_PREFIX}********{raw_key[-4:]}"


def create_key(user_id: str, name: str, scopes: Iterable[str] | None = None, kind: str = "personal") -> str:
    """Store a new key for `user_id` and return the plaintext, which is never stored.

    `scopes` None: the key holds every scope (no `scopes` field, as keys made before scopes)."""
    raw = generate_key()
    firestore_client().collection(COLLECTION).document(hash_key(raw)).create(
        _new_document(user_id, name, raw, scopes, kind))
    return raw


def _new_document(user_id: str, name: str, raw: str, scopes: Iterable[str] | None, kind: str) -> dict:
    doc = {
        "userId": user_id,
        "name": name,
        "kind": kind,
        "createdAt": clock.now(),
        "revokedAt": None,
        "lastUsedAt": None,
        "tokenPreview": preview(raw),
    }
    if scopes is not None:
        doc["scopes"] = key_scopes.ordered(scopes)
    return doc


def list_keys(user_id: str) -> list[dict]:
    query = (
        firestore_client()
        .collection(COLLECTION)
        .where(filter=firestore.FieldFilter("userId", "==", user_id))
        .order_by("createdAt", direction=firestore.Query.DESCENDING)
    )
    return [
        {
            "id": snap.id,
            "name": data.get("name"),
            "kind": data.get("kind") or "personal",
            "scopes": key_scopes.ordered(key_scopes.scopes_of(data)),
            "createdAt": clock.iso(data.get("createdAt")),
            "revokedAt": clock.iso(data.get("revokedAt")),
            "expiresAt": clock.iso(data.get("expiresAt")),
            "rotatedTo": data.get("rotatedTo"),
            "lastUsedAt": clock.iso(data.get("lastUsedAt")),
            "tokenPreview": data.get("tokenPreview"),
        }
        for snap in query.stream()
        for data in [snap.to_dict() or {}]
    ]


@dataclass(frozen=True)
class Rotated:
    raw_key: str
    key_id: str
    old_key_id: str
    old_expires_at: datetime


def rotate_key(user_id: str, key_id: str, grace_hours: float = DEFAULT_GRACE_HOURS,
               granted: frozenset[str] | None = None) -> Rotated:
    """A new secret for one of the caller's keys: a new key with its name, scopes and kind;
    the old one keeps working `grace_hours` more (0: stops now), then answers 401.

    `granted`: the scopes of the key making the call (None: the signed-in user), which must
    cover the rotated key's, since the new secret holds them."""
    db = firestore_client()
    old_ref = db.collection(COLLECTION).document(key_id)
    raw = generate_key()
    new_ref = db.collection(COLLECTION).document(hash_key(raw))
    now = clock.now()
    expires_at = now + timedelta(hours=grace_hours)

    @firestore.transactional
    def rotate(transaction: firestore.Transaction) -> None:
        snap = old_ref.get(transaction=transaction)
        data = snap.to_dict() if snap.exists else None
        if data is None or data.get("userId") != user_id:
            raise NotFoundError(f"API key {key_id} not found")
        if data.get("revokedAt") is not None or _expired(data, now):
            raise ConflictError(f"API key {key_id} is revoked or expired: create a new key instead",
                                code="key_not_active")
        if data.get("rotatedTo"):
            raise ConflictError(f"API key {key_id} was already rotated (to {data['rotatedTo']})",
                                code="key_already_rotated")
        held = key_scopes.scopes_of(data)
        if granted is not None and not held <= granted:
            raise InsufficientScopeError.cannot_grant(key_scopes.ordered(held - granted),
                                                      key_scopes.ordered(granted))
        stored = data.get("scopes")
        doc = _new_document(user_id, data.get("name") or "", raw, stored, data.get("kind") or "personal")
        doc["rotatedFrom"] = key_id
        transaction.create(new_ref, doc)
        transaction.update(old_ref, {"expiresAt": expires_at, "rotatedTo": new_ref.id})

    rotate(db.transaction())
    if grace_hours <= 0:
        _owners.forget(key_id)
    return Rotated(raw_key=raw, key_id=new_ref.id, old_key_id=key_id, old_expires_at=expires_at)


def _expired(data: Mapping[str, Any], now: datetime | None = None) -> bool:
    expires_at = data.get("expiresAt")
    return expires_at is not None and (now or clock.now()) >= expires_at


def revoke_key(user_id: str, key_id: str) -> None:
    """Revoke one of the caller's keys. Revoking twice keeps the first revokedAt."""
    ref = firestore_client().collection(COLLECTION).document(key_id)
    snap = ref.get()
    data = snap.to_dict() if snap.exists else None
    # Another user's key answers exactly like a missing one: no probing of ids.
    if data is None or data.get("userId") != user_id:
        raise NotFoundError(f"API key {key_id} not found")
    if data.get("revokedAt") is None:
        ref.update({"revokedAt": clock.now()})


@dataclass(frozen=True)
class Presumed:
    """A key this instance has authenticated before, so its owner is known without a read.

    `refs` (the key's document and its owner's `users/{uid}`) can then be read together with
    the request's own first read; `confirm()` judges what was read exactly as `authenticate()`
    would. Nothing may be written or answered for the owner before that."""

    key_hash: str
    user_id: str
    refs: tuple[firestore.DocumentReference, firestore.DocumentReference]


def presume(raw_key: str | None) -> Presumed | None:
    """The key's owner as this instance remembers it (None: a key not seen here, or malformed)."""
    try:
        key_hash = _hash_of(raw_key)
    except UnauthorizedError:
        return None
    return _presumed(key_hash)


def confirm(presumed: Presumed, snapshots: Mapping[str, Any] | None = None) -> ApiKeyRecord:
    """Judge a presumed key on its documents as read (by path), or read them now (None)."""
    key_ref, user_ref = presumed.refs
    if snapshots is None or key_ref.path not in snapshots or user_ref.path not in snapshots:
        snapshots = {s.reference.path: s for s in firestore_client().get_all(list(presumed.refs))}
    return _verify(key_ref, presumed.user_id, snapshots[key_ref.path], snapshots[user_ref.path])


def authenticate(raw_key: str | None) -> ApiKeyRecord:
    """Resolve a presented key, with the spec's 401 messages for each failure.

    When this instance knows the key's owner, the owner's `users/{uid}` document is
    read in the same round trip and returned as `user_snapshot`."""
    key_hash = _hash_of(raw_key)
    presumed = _presumed(key_hash)
    if presumed is not None:
        return confirm(presumed)
    ref = firestore_client().collection(COLLECTION).document(key_hash)
    return _verify(ref, None, ref.get(), None)


def _hash_of(raw_key: str | None) -> str:
    raw_key = (raw_key or "").strip()
    if not raw_key:
        raise UnauthorizedError("Missing or invalid soku-api-key")
    if not raw_key.startswith(KEY_PREFIX) or len(raw_key) > 256:
        raise UnauthorizedError("Invalid API key")
    return hash_key(raw_key)


def _presumed(key_hash: str) -> Presumed | None:
    owner = _owners.get(key_hash)
    if owner is None:
        return None
    db = firestore_client()
    return Presumed(key_hash, owner, (db.collection(COLLECTION).document(key_hash),
                                      db.collection("users").document(owner)))


def _verify(ref: firestore.DocumentReference, owner: str | None, snap: Any, user_snapshot: Any) -> ApiKeyRecord:
    """The key's document as read (and its presumed owner's, read with it) -> the record, or 401."""
    key_hash = ref.id
    if not snap.exists:
        _owners.forget(key_hash)
        raise UnauthorizedError("Invalid API key")
    data = snap.to_dict() or {}
    if data.get("revokedAt") is not None:
        _owners.forget(key_hash)
        raise UnauthorizedError("API key revoked")
    if _expired(data):  # rotated, and its grace period is over
        _owners.forget(key_hash)
        raise UnauthorizedError("API key expired: it was rotated")
    user_id = data["userId"]
    _owners.remember(key_hash, user_id)
    if owner != user_id:
        user_snapshot = None  # not read, or read for another user: the caller reads it
    _touch_last_used(ref, data.get("lastUsedAt"))
    return ApiKeyRecord(key_hash=key_hash, user_id=user_id, name=data.get("name", ""),
                        user_snapshot=user_snapshot, scopes=key_scopes.scopes_of(data),
                        kind=data.get("kind") or "personal")


def _touch_last_used(ref: firestore.DocumentReference, last_used: datetime | None) -> None:
    now = clock.now()
    if last_used is not None and now - last_used < LAST_USED_RESOLUTION:
        return

    def write() -> None:
        try:
            ref.update({"lastUsedAt": now})
        except Exception:  # noqa: BLE001 - bookkeeping must never fail a request
            pass

    _bookkeeping.submit(write)
