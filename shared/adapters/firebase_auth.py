"""Firebase ID token verification through firebase-admin.

In production tokens are verified against Google's signing keys. With
`FIREBASE_AUTH_EMULATOR_HOST` set (only allowed beside the other emulators, see
`shared.config`), firebase-admin follows the Auth-emulator convention and
accepts unsigned tokens whose audience is the project id.
"""

from __future__ import annotations

import functools
import threading

import firebase_admin
from firebase_admin import auth as admin_auth
from google.auth.credentials import AnonymousCredentials

from shared.config import get_settings

_lock = threading.Lock()


class InvalidIdToken(Exception):
    pass


@functools.cache
def _app() -> firebase_admin.App:
    settings = get_settings()
    name = f"soku-{settings.project_id}"
    with _lock:
        try:
            return firebase_admin.get_app(name)
        except ValueError:
            pass
        options = {"projectId": settings.project_id}
        if settings.auth_emulator_host:
            return firebase_admin.initialize_app(_AnonymousAdminCredential(), options, name=name)
        return firebase_admin.initialize_app(options=options, name=name)


class _AnonymousAdminCredential(firebase_admin.credentials.Base):
    def get_credential(self):
        return AnonymousCredentials()


def verify_id_token(token: str) -> str:
    """Return the uid of a valid, unrevoked token, or raise InvalidIdToken."""
    try:
        claims = admin_auth.verify_id_token(token, app=_app())
    except (ValueError, admin_auth.InvalidIdTokenError, admin_auth.ExpiredIdTokenError,
            admin_auth.RevokedIdTokenError, admin_auth.CertificateFetchError,
            admin_auth.UserDisabledError) as exc:
        raise InvalidIdToken(str(exc)) from None
    uid = claims.get("uid") or claims.get("sub")
    if not uid:
        raise InvalidIdToken("token has no subject")
    return uid
