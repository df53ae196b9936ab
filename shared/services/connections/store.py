"""Connected account documents: upsert on connect, health, disconnect.

`users/{uid}/integrations/{platform}/accounts/{accountId}` keeps the fields the
seed writes (accountId, platform, displayName, platformUserId, status,
repostEnabled, repurposeEnabled, connectedAt, tokens) plus `grantId` (accounts
authorized by the same platform login share it, and its revocation), `scopes`
and platform extras the publishers read (LinkedIn `authorType`/`organizationId`,
Instagram `pageId`, …). Tokens are sealed with AES-256-GCM bound to the
document path (shared/adapters/crypto.py); this module decrypts them only to
read their expiry or to revoke them, and never returns them.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from google.cloud import firestore

from shared import clock
from shared.adapters.crypto import decrypt_json
from shared.adapters.gcp import firestore_client
from shared.errors import ConflictError, NotFoundError
from shared.platforms import Platform, account_type_of
from shared.services import sealed_index
from shared.services.connections.base import NewAccount
from shared.services.connections.errors import ConnectError
from shared.services.connections.registry import provider_for
from shared.services.privacy import logins
from shared.services.publishing.accounts import account_ref, accounts_collection, integration_ref, seal_tokens
from shared.services.publishing.base import Tokens

log = logging.getLogger("soku.connections")

# Platforms whose accounts can share one grant with another platform's (one Meta login).
GRANT_FAMILY = {Platform.FACEBOOK: (Platform.FACEBOOK, Platform.INSTAGRAM),
                Platform.INSTAGRAM: (Platform.FACEBOOK, Platform.INSTAGRAM)}


def _accounts(user_id: str, platform: Platform) -> firestore.CollectionReference:
    return accounts_collection(user_id, platform.value)


def _recount(user_id: str, platform: Platform) -> None:
    """`integrations/{platform}.connectedCount`, as the seed keeps it."""
    count = _accounts(user_id, platform).count().get()[0][0].value
    integration_ref(user_id, platform.value).set({"platform": platform.value, "connectedCount": count,
                                                  "updatedAt": clock.now()}, merge=True)


def upsert(user_id: str, platform: Platform, found: list[NewAccount], scopes: list[str]) -> list[dict[str, Any]]:
    now = clock.now()
    stored = []
    for account in found:
        ref = account_ref(user_id, platform.value, account.account_id)
        snap = ref.get()
        before = (snap.to_dict() or {}) if snap.exists else {}
        doc = {
            "accountId": account.account_id,
            "platform": platform.value,
            "displayName": account.display_name,
            "platformUserId": account.platform_user_id,
            "status": "connected",
            "statusReason": None,  # a reconnect clears needs_reconnect
            "statusChangedAt": now,
            "repostEnabled": before.get("repostEnabled", True),
            "repurposeEnabled": before.get("repurposeEnabled", True),
            "connectedAt": before.get("connectedAt") or now,
            "reconnectedAt": now if snap.exists else None,
            "grantId": account.grant_id,
            "scopes": scopes,
            "tokens": seal_tokens(ref, account.tokens),
            "tokensRefreshedAt": now,
            **{k: v for k, v in account.extra.items() if v is not None},
        }
        ref.set(doc, merge=True)
        sealed_index.record(ref)  # the key rotation finds it even if users/{uid} does not exist
        logins.record(ref, account.grant_id)  # a platform's privacy callbacks find it by its login
        stored.append({"accountId": account.account_id, "displayName": account.display_name,
                       "reconnected": snap.exists})
    _recount(user_id, platform)
    return stored


def find(user_id: str, account_id: str, platform: Platform | None = None) -> tuple[Platform, firestore.DocumentSnapshot]:
    """The account with this id (any platform unless one is named); 404 when there is none."""
    platforms = [platform] if platform else list(Platform)
    refs = [account_ref(user_id, p.value, account_id) for p in platforms]
    snaps = {snap.reference.path: snap for snap in firestore_client().get_all(refs)}
    found = [(p, snaps[r.path]) for p, r in zip(platforms, refs) if r.path in snaps and snaps[r.path].exists]
    if not found:
        raise NotFoundError(f"No connected account {account_id}", details={"field": "path.account_id"})
    if len(found) > 1:
        raise ConflictError(f"Several platforms have an account {account_id}; name one with ?platform=",
                            code="ambiguous_account", details={"platforms": [p.value for p, _ in found]})
    return found[0]


def _tokens(snap: firestore.DocumentSnapshot) -> Tokens | None:
    sealed = (snap.to_dict() or {}).get("tokens")
    if not sealed:
        return None
    try:
        raw = decrypt_json(sealed, associated=snap.reference.path)
    except Exception:  # noqa: BLE001 - a retired key or a copied ciphertext: treat as unreadable
        log.warning("tokens of %s cannot be decrypted", snap.reference.path)
        return None
    expires = datetime.fromisoformat(raw["expiresAt"]) if raw.get("expiresAt") else None
    return Tokens(raw["accessToken"], raw.get("refreshToken"), expires)


def _iso(value: Any) -> str | None:
    return clock.iso(value) if isinstance(value, datetime) else None


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def detail(platform: Platform, snap: firestore.DocumentSnapshot) -> dict[str, Any]:
    """The account and its health; built from an allow-list, so no token can slip in."""
    data = snap.to_dict() or {}
    tokens = _tokens(snap)
    now = clock.now()
    last = data.get("lastPublish") if isinstance(data.get("lastPublish"), dict) else None
    expires = tokens.expires_at if tokens else None
    return {
        "accountId": snap.id,
        "platform": platform.value,
        "displayName": _text(data.get("displayName")),
        "status": _text(data.get("status")) or "connected",
        "statusReason": _text(data.get("statusReason")),
        "statusChangedAt": _iso(data.get("statusChangedAt")),
        "connectedAt": _iso(data.get("connectedAt")),
        "platformUserId": _text(data.get("platformUserId")),
        "username": _text(data.get("username")),
        "authorType": _text(data.get("authorType")),
        "accountType": kind.id if (kind := account_type_of(platform, data)) else None,
        "repostEnabled": bool(data.get("repostEnabled", True)),
        "repurposeEnabled": bool(data.get("repurposeEnabled", True)),
        "health": {
            "tokensReadable": tokens is not None,
            "tokenExpiresAt": clock.iso(expires) if expires else None,
            "tokenExpired": bool(expires and expires <= now),
            "refreshable": bool(tokens and tokens.refresh_token),
            "tokensRefreshedAt": _iso(data.get("tokensRefreshedAt")),
            "lastPublish": None if last is None else {
                "status": _text(last.get("status")) or "unknown",
                "at": _iso(last.get("at")),
                "postId": _text(last.get("postId")),
                "code": _text(last.get("code")),
            },
        },
    }


def login_of(platform: Platform, data: dict[str, Any]) -> str | None:
    """The account type whose login connected the account, where the platform's types have logins
    of their own (Instagram); None: the platform's one login."""
    kind = account_type_of(platform, data)
    return kind.id if kind is not None and kind.selectable else None


def _grant_shared(user_id: str, platform: Platform, snap: firestore.DocumentSnapshot) -> bool:
    """Whether another connected account uses the same platform login (a Page of the same
    Meta user, the organization of the same LinkedIn member): revoking would cut it off too."""
    grant_id = (snap.to_dict() or {}).get("grantId")
    if not grant_id:
        return False
    for family in GRANT_FAMILY.get(platform, (platform,)):
        for other in _accounts(user_id, family).where(filter=firestore.FieldFilter("grantId", "==", grant_id)).stream():
            if other.reference.path != snap.reference.path:
                return True
    return False


def disconnect(user_id: str, platform: Platform, snap: firestore.DocumentSnapshot) -> dict[str, Any]:
    """Revoke at the platform where it offers that (and nobody else relies on the grant),
    then forget the account. A failed revocation does not keep the account."""
    outcome, reason = "not_supported", None
    tokens = _tokens(snap)
    if tokens is None:
        outcome = "no_tokens"
    elif _grant_shared(user_id, platform, snap):
        outcome = "kept_for_other_accounts"
    else:
        try:
            data = snap.to_dict() or {}
            # The login the account came through (Instagram Login documents no revocation).
            outcome = "revoked" if provider_for(platform, login_of(platform, data)).revoke(tokens, data) \
                else "not_supported"
        except ConnectError as error:
            outcome, reason = "failed", error.message
            log.warning("revoking %s at %s failed: %s", snap.reference.path, platform.value, error.code)
    snap.reference.delete()
    logins.forget(snap.reference.path)
    _recount(user_id, platform)
    return {"accountId": snap.id, "platform": platform.value, "disconnected": True,
            "revocation": outcome, "revocationError": reason}
