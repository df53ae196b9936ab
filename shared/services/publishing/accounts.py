"""Connected accounts as publishers see them: tokens decrypted on load, encrypted on save.

Tokens live at `users/{uid}/integrations/{platform}/accounts/{accountId}.tokens`
as an AES-GCM envelope bound to that document path; they never leave this module
in clear except inside an `Account` handed to a publisher.
"""

from __future__ import annotations

from datetime import datetime

from google.cloud import firestore

from shared import clock
from shared.adapters.crypto import decrypt_json, encrypt_json
from shared.adapters.gcp import firestore_client
from shared.platforms import Platform
from shared.services.publishing.base import Account, Tokens
from shared.services.publishing.errors import NeedsReconnectError


def integration_ref(user_id: str, platform: str) -> firestore.DocumentReference:
    """`users/{uid}/integrations/{platform}`: its `connectedCount` is kept by every connect and
    disconnect (shared/services/connections/store.py) and by the seed."""
    return firestore_client().collection("users").document(user_id).collection("integrations").document(platform)


def accounts_collection(user_id: str, platform: str) -> firestore.CollectionReference:
    """`users/{uid}/integrations/{platform}/accounts`: a user's accounts on one platform."""
    return integration_ref(user_id, platform).collection("accounts")


def account_ref(user_id: str, platform: str, account_id: str) -> firestore.DocumentReference:
    return accounts_collection(user_id, platform).document(account_id)


def account_documents(user_id: str, platform: str, fields: tuple[str, ...] | None = None) -> dict[str, dict]:
    """Every account of the user on `platform`: accountId -> its document (only `fields`
    when named: Firestore then sends nothing else, sealed tokens included)."""
    query = accounts_collection(user_id, platform)
    if fields is not None:
        query = query.select(list(fields))
    return {snap.id: snap.to_dict() or {} for snap in query.stream()}


def seal_tokens(ref: firestore.DocumentReference, tokens: Tokens) -> dict:
    return encrypt_json({
        "accessToken": tokens.access_token,
        "refreshToken": tokens.refresh_token,
        "expiresAt": tokens.expires_at.isoformat() if tokens.expires_at else None,
    }, associated=ref.path)


def load_account(user_id: str, platform: Platform, account_id: str) -> tuple[firestore.DocumentReference, Account]:
    ref = account_ref(user_id, platform.value, account_id)
    snap = ref.get()
    if not snap.exists:
        raise NeedsReconnectError(f"The {platform.value} account {account_id} is no longer connected",
                                  code="account_disconnected")
    data = snap.to_dict()
    sealed = data.get("tokens")
    if not sealed:
        raise NeedsReconnectError(f"The {platform.value} account {account_id} has no stored authorization; "
                                  "reconnect it", code="token_expired")
    raw = decrypt_json(sealed, associated=ref.path)
    expires = datetime.fromisoformat(raw["expiresAt"]) if raw.get("expiresAt") else None
    tokens = Tokens(raw["accessToken"], raw.get("refreshToken"), expires)
    public = {k: v for k, v in data.items() if k != "tokens"}
    return ref, Account(platform, account_id, data.get("platformUserId", account_id),
                        data.get("displayName"), tokens, public)


def store_tokens(ref: firestore.DocumentReference, tokens: Tokens) -> None:
    ref.update({"tokens": seal_tokens(ref, tokens), "tokensRefreshedAt": clock.now(),
                "status": "connected"})


def flag_needs_reconnect(ref: firestore.DocumentReference, reason: str) -> None:
    ref.update({"status": "needs_reconnect", "statusReason": reason, "statusChangedAt": clock.now()})


def record_publish(ref: firestore.DocumentReference, outcome: dict) -> None:
    ref.update({"lastPublish": outcome | {"at": clock.now()}})
