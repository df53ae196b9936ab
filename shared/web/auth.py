"""Who is calling: API-key callers (the public API) and Firebase users (the web app)."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Request

from shared.adapters import firebase_auth
from shared.errors import ForbiddenError, ServiceUnavailableError, UnauthorizedError
from shared.services import api_keys, subscriptions

API_KEY_HEADER = "soku-api-key"


@dataclass(frozen=True)
class Principal:
    user_id: str


@dataclass(frozen=True)
class ApiKeyPrincipal(Principal):
    key_hash: str
    subscription_status: str | None  # None: the key is valid but the subscription is not
    key_name: str = ""


@dataclass(frozen=True)
class FirebaseUser(Principal):
    pass


def authenticate_api_key(request: Request) -> ApiKeyPrincipal:
    record = api_keys.authenticate(request.headers.get(API_KEY_HEADER))
    try:
        status = subscriptions.require_active_subscription(record.user_id, record.user_snapshot)
    except ForbiddenError as error:
        # A valid key without a subscription still identifies its user: the
        # pipeline counts that user's requests (authenticated tier) and logs them.
        error.principal = ApiKeyPrincipal(  # type: ignore[attr-defined]
            user_id=record.user_id, key_hash=record.key_hash, subscription_status=None,
            key_name=record.name,
        )
        raise
    return ApiKeyPrincipal(
        user_id=record.user_id, key_hash=record.key_hash, subscription_status=status,
        key_name=record.name,
    )


# Why a Firebase ID token was refused, in words a web app can show (all `401 unauthorized`).
_ID_TOKEN_MESSAGES = {
    firebase_auth.RevokedIdToken: "Firebase session revoked: sign in again",
    firebase_auth.DisabledUser: "Firebase user disabled",
    firebase_auth.UnknownUser: "Firebase user not found",
    firebase_auth.UnsignedIdToken: "Unsigned Firebase ID tokens are refused in production",
    None: "Invalid or expired Firebase ID token",
}


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
