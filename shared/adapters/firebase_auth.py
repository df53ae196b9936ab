"""Firebase ID token verification through firebase-admin.

In production tokens are verified against Google's signing keys, and then
against the user record (`check_revoked=True`): a session revoked with
`revoke_refresh_tokens`, a disabled user and a deleted user are refused even
while their token has not expired. With `FIREBASE_AUTH_EMULATOR_HOST` set (only
allowed beside the other emulators, see `shared.config`), firebase-admin follows
the Auth-emulator convention and accepts unsigned tokens whose audience is the
project id; the user record is then read from the Auth emulator, unless the
in-process test stack (which runs no Auth server) turned that lookup off.

Independently of the settings, an unsigned token, or any token while
`FIREBASE_AUTH_EMULATOR_HOST` is set, is refused whenever a production marker
is present (`shared.config.production_markers`), on every call.
"""

from __future__ import annotations

import base64
import binascii
import json
import os

from firebase_admin import auth as admin_auth
from firebase_admin import exceptions as firebase_exceptions

from shared.adapters.firebase_app import firebase_app
from shared.config import get_settings, production_markers


class InvalidIdToken(Exception):
    """Not a token of this project, expired, or malformed."""


class UnsignedIdToken(InvalidIdToken):
    """An emulator-style unsigned token (or the emulator convention itself) in production."""


class RevokedIdToken(InvalidIdToken):
    """The user's sessions were revoked after this token was issued."""


class DisabledUser(InvalidIdToken):
    """The token is valid but its user is disabled."""


class UnknownUser(InvalidIdToken):
    """The token is valid but its user no longer exists."""


class AuthUnavailable(Exception):
    """Firebase Auth (signing keys or the user record) could not be reached."""


def _unsigned(token: str) -> bool:
    """An `alg: none` header or an empty signature: what the Auth emulator issues."""
    header, _, rest = token.partition(".")
    _, _, signature = rest.partition(".")
    try:
        alg = json.loads(base64.urlsafe_b64decode(header + "=" * (-len(header) % 4))).get("alg")
    except (binascii.Error, ValueError, AttributeError, UnicodeDecodeError):
        return False  # not a JWT at all: firebase-admin refuses it
    return not signature or str(alg).lower() == "none"


def _refuse_emulator_tokens_in_production(token: str) -> None:
    markers = production_markers()
    if not markers:
        return
    if os.environ.get("FIREBASE_AUTH_EMULATOR_HOST"):
        # firebase-admin skips the signature check whenever this is set.
        raise UnsignedIdToken(f"the Auth-emulator convention is set in production ({', '.join(markers)})")
    if _unsigned(token):
        raise UnsignedIdToken(f"unsigned ID token in production ({', '.join(markers)})")


def verify_id_token(token: str) -> str:
    """Return the uid of a valid, unrevoked token of an enabled user, or raise InvalidIdToken
    (one of its subclasses says why) or AuthUnavailable."""
    _refuse_emulator_tokens_in_production(token)
    check_revoked = get_settings().id_token_check_revoked
    try:
        claims = admin_auth.verify_id_token(token, app=firebase_app(), check_revoked=check_revoked)
    except admin_auth.RevokedIdTokenError as exc:  # before InvalidIdTokenError: a subclass of it
        raise RevokedIdToken(str(exc)) from None
    except admin_auth.UserDisabledError as exc:
        raise DisabledUser(str(exc)) from None
    except admin_auth.UserNotFoundError as exc:
        raise UnknownUser(str(exc)) from None
    except (ValueError, admin_auth.InvalidIdTokenError, admin_auth.ExpiredIdTokenError) as exc:
        raise InvalidIdToken(str(exc)) from None
    except (admin_auth.CertificateFetchError, firebase_exceptions.FirebaseError) as exc:
        # Google's signing keys or the user-record lookup failed: not the caller's fault.
        raise AuthUnavailable(type(exc).__name__) from None
    uid = claims.get("uid") or claims.get("sub")
    if not uid:
        raise InvalidIdToken("token has no subject")
    return uid


def delete_user(uid: str) -> bool:
    """Delete the Firebase Auth user (`DELETE /v1/me`): True when deleted, False when there is
    none or no Auth server to ask (the in-process test stack, which turns the user-record
    lookup off, runs none). A failure is logged, not raised: the user's data is gone already."""
    if not get_settings().id_token_check_revoked:
        return False
    try:
        admin_auth.delete_user(uid, app=firebase_app())
        return True
    except admin_auth.UserNotFoundError:
        return False
    except Exception:  # noqa: BLE001 - reported; deleting the user's data does not depend on it
        import logging

        logging.getLogger("soku.auth").warning("could not delete the Firebase Auth user %s", uid, exc_info=True)
        return False
