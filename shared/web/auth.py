"""Who is calling: API-key callers (the public API) and Firebase users (the web app)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

from flask import Request

from shared.adapters import firebase_auth
from shared.errors import (
    ForbiddenError,
    InsufficientScopeError,
    ServiceUnavailableError,
    SokuError,
    UnauthorizedError,
    ValidationError,
)
from shared.services import api_keys, key_scopes, subscriptions

API_KEY_HEADER = "soku-api-key"


def presented_api_key(request: Request) -> str | None:
    """The API key a request presents: its `soku-api-key` header, or `Authorization: Bearer
    <key>` when the bearer value is a Soku key (its prefix, `sk_live_`; any other bearer value
    is a Firebase ID token). Both, naming different keys: 400."""
    header = (request.headers.get(API_KEY_HEADER) or "").strip() or None
    scheme, _, value = (request.headers.get("Authorization") or "").partition(" ")
    value = value.strip()
    bearer = value if scheme.lower() == "bearer" and value.startswith(api_keys.KEY_PREFIX) else None
    if header is not None and bearer is not None and header != bearer:
        raise ValidationError("Send one API key: soku-api-key and Authorization: Bearer name different keys",
                              details=[{"field": "header.Authorization", "code": "conflicting_credentials",
                                        "message": "Differs from the soku-api-key header"}])
    return header or bearer


@dataclass(frozen=True)
class Principal:
    user_id: str


@dataclass(frozen=True)
class ApiKeyPrincipal(Principal):
    key_hash: str
    subscription_status: str | None  # None: the key is valid but the subscription is not
    key_name: str = ""
    # What the key may do (None: not read yet, a presumed key before its confirmation).
    scopes: frozenset[str] | None = None
    kind: str = "personal"

    def require(self, scope: str | None) -> None:
        """403 insufficient_scope unless this key holds `scope` (None: any key may)."""
        if not key_scopes.allows(self.scopes, scope):
            error = InsufficientScopeError.needs(scope, key_scopes.ordered(self.scopes or ()))
            error.principal = self  # type: ignore[attr-defined]  # counted and logged as its user
            raise error


# The subscription_status of a presumed key's principal until its read confirms it.
UNCONFIRMED = "unconfirmed"


@dataclass(frozen=True)
class FirebaseUser(Principal):
    # Set when the route needs a subscriber (a key route the web console also calls), as a
    # key's principal carries it; None where only the user's identity was checked.
    subscription_status: str | None = None


def authenticate_api_key(request: Request) -> ApiKeyPrincipal:
    return _principal(api_keys.authenticate(presented_api_key(request)))


class KeyRefused(Exception):
    """A presumed key that its read refused (401) or whose user has no subscription (403):
    the pipeline answers `error` as if the key had been refused before the handler ran."""

    def __init__(self, error: SokuError) -> None:
        super().__init__(error.message)
        self.error = error


@dataclass(frozen=True)
class PresumedApiKey:
    """An API key this instance knows, not yet read for this request (api_keys.presume).

    `principal` names the owner and counts as a subscriber; `confirm()` must pass before
    anything is written or answered (RequestContext.admit)."""

    key: api_keys.Presumed
    principal: ApiKeyPrincipal

    @property
    def refs(self) -> list:
        return list(self.key.refs)

    def confirm(self, snapshots: Mapping[str, Any] | None, scope: str | None = None) -> ApiKeyPrincipal:
        """The principal the read confirms (it is read now when `snapshots` lack it), holding
        `scope` (the route's, judged on the key's document as read), or KeyRefused."""
        try:
            principal = _principal(api_keys.confirm(self.key, snapshots))
            principal.require(scope)
            return principal
        except (UnauthorizedError, ForbiddenError) as error:
            raise KeyRefused(error) from None


def presume_api_key(request: Request) -> PresumedApiKey | None:
    """The request's key as this instance knows it, unread (None: not known here)."""
    key = api_keys.presume(presented_api_key(request))
    if key is None:
        return None
    # Counted as a subscriber until confirmed: a key refused after all is answered 401/403
    # before anything is written, so the tier only chose which counters saw that request.
    return PresumedApiKey(key, ApiKeyPrincipal(user_id=key.user_id, key_hash=key.key_hash,
                                               subscription_status=UNCONFIRMED))


def _principal(record: api_keys.ApiKeyRecord) -> ApiKeyPrincipal:
    """The key's record -> its principal, or the 403 of a user without an active subscription."""
    try:
        status = subscriptions.require_active_subscription(record.user_id, record.user_snapshot)
    except ForbiddenError as error:
        # A valid key without a subscription still identifies its user: the
        # pipeline counts that user's requests (authenticated tier) and logs them.
        error.principal = ApiKeyPrincipal(  # type: ignore[attr-defined]
            user_id=record.user_id, key_hash=record.key_hash, subscription_status=None,
            key_name=record.name, scopes=record.scopes, kind=record.kind,
        )
        raise
    return ApiKeyPrincipal(
        user_id=record.user_id, key_hash=record.key_hash, subscription_status=status,
        key_name=record.name, scopes=record.scopes, kind=record.kind,
    )


# Why a Firebase ID token was refused, in words a web app can show (all `401 unauthorized`).
_ID_TOKEN_MESSAGES = {
    firebase_auth.RevokedIdToken: "Firebase session revoked: sign in again",
    firebase_auth.DisabledUser: "Firebase user disabled",
    firebase_auth.UnknownUser: "Firebase user not found",
    firebase_auth.UnsignedIdToken: "Unsigned Firebase ID tokens are refused in production",
    None: "Invalid or expired Firebase ID token",
}


def authenticate_key_or_user(request: Request, *, user_subscribed: bool = True) -> ApiKeyPrincipal | FirebaseUser:
    """An API key (integrations) or the signed-in user's Firebase ID token (the web console),
    held to the same rule as a key: the user's subscription must be active (the spec's 403),
    unless `user_subscribed` is False (connecting accounts, which a web-app user may do first)."""
    if presented_api_key(request):  # soku-api-key, or a Bearer value that is a Soku key
        return authenticate_api_key(request)
    if not request.headers.get("Authorization"):
        raise UnauthorizedError("Missing credentials: send soku-api-key, or Authorization: Bearer "
                                "<Firebase ID token>")
    user = authenticate_firebase_user(request)
    if not user_subscribed:
        return user
    try:
        status = subscriptions.require_active_subscription(user.user_id)
    except ForbiddenError as error:
        error.principal = user  # type: ignore[attr-defined]  # counted and logged as its user
        raise
    return FirebaseUser(user_id=user.user_id, subscription_status=status)


def authenticate_firebase_user(request: Request) -> FirebaseUser:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise UnauthorizedError("Missing Firebase ID token (Authorization: Bearer <token>)")
    try:
        uid = firebase_auth.verify_id_token(token.strip())
    except firebase_auth.AuthUnavailable:
        raise ServiceUnavailableError("Firebase Auth is not answering; try again") from None
    except firebase_auth.InvalidIdToken as error:
        raise UnauthorizedError(_ID_TOKEN_MESSAGES.get(type(error), _ID_TOKEN_MESSAGES[None])) from None
    return FirebaseUser(user_id=uid)
