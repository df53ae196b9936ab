"""Firebase ID token verification through firebase-admin.

In production tokens are verified against Google's signing keys. With
`FIREBASE_AUTH_EMULATOR_HOST` set (only allowed beside the other emulators, see
`shared.config`), firebase-admin follows the Auth-emulator convention and
accepts unsigned tokens whose audience is the project id.
"""

from __future__ import annotations

from firebase_admin import auth as admin_auth

from shared.adapters.firebase_app import firebase_app


class InvalidIdToken(Exception):
    pass


def verify_id_token(token: str) -> str:
    """Return the uid of a valid, unrevoked token, or raise InvalidIdToken."""
    try:
        claims = admin_auth.verify_id_token(token, app=firebase_app())
    except (ValueError, admin_auth.InvalidIdTokenError, admin_auth.ExpiredIdTokenError,
            admin_auth.RevokedIdTokenError, admin_auth.CertificateFetchError,
            admin_auth.UserDisabledError) as exc:
        raise InvalidIdToken(str(exc)) from None
    uid = claims.get("uid") or claims.get("sub")
    if not uid:
        raise InvalidIdToken("token has no subject")
    return uid
