"""Verify the Google-signed OIDC ID tokens that Cloud Tasks and Cloud Scheduler send.

Our task-queue and scheduled functions are deployed private, so Cloud Run's IAM
check should already have refused a caller without a token. This module makes
the code check the same thing itself, so that a function accidentally made
public (or reached some other way) still runs only for our own service account:
the token's signature (Google's published certificates), its issuer, its
audience (the URL the task or job was sent to) and its `email`.

Nothing here runs at import time: deploy discovery imports main.py offline
(DESIGN.md, decision 4). The HTTP session and the runtime's service account are
built on first use and kept for the life of the instance.
"""

from __future__ import annotations

import functools
import threading
from typing import Any, Callable, Iterable

import cachecontrol
import google.auth
import google.auth.exceptions
import requests
from google.auth.transport.requests import Request as AuthRequest
from google.oauth2 import id_token


# Google's signing certificates for ID tokens, as {kid: PEM certificate}.
# Module-level so tests can point it at a local server serving their own cert.
CERTS_URL = "https://www.googleapis.com/oauth2/v1/certs"
GOOGLE_ISSUERS = frozenset({"https://accounts.google.com", "accounts.google.com"})
# Tolerated difference between Google's clock and ours for `iat` / `exp`.
CLOCK_SKEW_S = 10


class InvalidToken(Exception):
    """The token is missing, malformed, badly signed, expired or not for this function (401)."""


class WrongCaller(Exception):
    """The token is valid but was issued to another account (403)."""


@functools.cache
def _http() -> AuthRequest:
    # The certificates endpoint answers with Cache-Control: max-age; CacheControl honours
    # it (as firebase-admin does), so certificates are fetched once per rotation, not
    # once per task.
    return AuthRequest(session=cachecontrol.CacheControl(requests.Session()))


_account_lock = threading.Lock()
_runtime_account: str | None = None


def runtime_service_account() -> str:
    """The email of the service account this instance runs as, learned once.

    On Cloud Run the default credentials are the metadata server's, which only
    know their email after a refresh; a service-account key file (local runs,
    tests) names it directly. A failure is not cached: the next call tries again.
    """
    global _runtime_account
    with _account_lock:
        if _runtime_account is None:
            credentials, _ = google.auth.default()
            email = getattr(credentials, "service_account_email", None)
            if not email or email == "default":
                credentials.refresh(_http())
                email = getattr(credentials, "service_account_email", None)
            if not email or email == "default":
                raise RuntimeError("the default credentials name no service account")
            _runtime_account = email
        return _runtime_account


def forget_runtime_account() -> None:
    """Tests change the credentials the process runs with."""
    global _runtime_account
    with _account_lock:
        _runtime_account = None


def verify(authorization: str | None, *, audiences: Iterable[str],
           account: str | Callable[[], str]) -> dict[str, Any]:
    """Check an `Authorization: Bearer <ID token>` header; return the token's claims.

    Raises InvalidToken when there is no usable token for one of `audiences`,
    WrongCaller when it was issued to an account other than `account`, and
    google.auth's TransportError when Google's certificates cannot be fetched.
    Exception messages never contain the token. A callable `account` is only called
    once the token itself checks out, so a stray caller costs no metadata lookup.
    """
    scheme, _, token = (authorization or "").partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        raise InvalidToken("no bearer token")
    try:
        claims = id_token.verify_token(token, _http(), audience=list(audiences), certs_url=CERTS_URL,
                                       clock_skew_in_seconds=CLOCK_SKEW_S)
    except google.auth.exceptions.TransportError:
        raise  # Google's certificates could not be fetched: not the caller's fault
    except (ValueError, google.auth.exceptions.GoogleAuthError) as exc:
        # google-auth puts the raw token in some messages (malformed tokens): strip it.
        raise InvalidToken(str(exc).replace(token, "<token>")[:300]) from None
    if claims.get("iss") not in GOOGLE_ISSUERS:
        raise InvalidToken(f"issuer {claims.get('iss')!r} is not Google")
    if callable(account):
        account = account()
    if claims.get("email") != account or claims.get("email_verified") is not True:
        raise WrongCaller(f"token issued to {claims.get('email')!r}, expected {account!r}")
    return claims
