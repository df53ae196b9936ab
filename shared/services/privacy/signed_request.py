"""Meta's `signed_request`: `<signature>.<payload>`, both base64url without padding.

The payload is JSON (`algorithm`, `issued_at`, `user_id`, …); the signature is
HMAC-SHA256 of the *encoded* payload (the text after the dot) keyed with the app secret
(developers.facebook.com/docs/development/create-an-app/app-dashboard/data-deletion-callback,
"parse_signed_request"; the Facebook SDKs do the same). `algorithm` must be HMAC-SHA256.
Meta signs with the secret of the app the user removed: Soku may run two (the Facebook app
and, when `SOKU_INSTAGRAM_CLIENT_ID` is set, an Instagram one), so each configured app is
tried, and the one whose secret verifies says which app (its id is part of a login's grant).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
from dataclasses import dataclass
from typing import Any

from shared.errors import UnauthorizedError, ValidationError

MAX_LENGTH = 8192  # a real one is a few hundred characters


@dataclass(frozen=True)
class SignedRequest:
    app_id: str
    user_id: str
    payload: dict[str, Any]


def _b64url(text: str) -> bytes:
    if not text or any(c not in "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_=" for c in text):
        raise ValueError("not base64url")
    return base64.urlsafe_b64decode(text.rstrip("=") + "=" * (-len(text.rstrip("=")) % 4))


def _malformed(message: str) -> ValidationError:
    return ValidationError(message, code="invalid_signed_request", details=[
        {"field": "body.signed_request", "message": message, "code": "invalid_signed_request"}])


def parse(signed_request: str | None, apps: dict[str, str]) -> SignedRequest:
    """The verified request, signed by one of `apps` (app id -> app secret). A missing or
    malformed one is 400 `invalid_signed_request`; a signature no configured app made, 401
    `invalid_signature`. Nothing is read before the signature checks out but the payload's shape."""
    if not isinstance(signed_request, str) or not signed_request.strip():
        raise _malformed("The form field signed_request is required")
    if len(signed_request) > MAX_LENGTH or signed_request.count(".") != 1:
        raise _malformed("signed_request must be <signature>.<payload>")
    encoded_sig, encoded_payload = signed_request.strip().split(".")
    try:
        signature = _b64url(encoded_sig)
        payload = json.loads(_b64url(encoded_payload))
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise _malformed("signed_request is not base64url-encoded JSON") from None
    if not isinstance(payload, dict):
        raise _malformed("signed_request's payload is not a JSON object")
    if str(payload.get("algorithm", "")).upper() != "HMAC-SHA256":
        raise _malformed("signed_request's algorithm must be HMAC-SHA256")
    matched = next((app_id for app_id, secret in apps.items() if secret and hmac.compare_digest(
        signature, hmac.new(secret.encode(), encoded_payload.encode(), hashlib.sha256).digest())), None)
    if matched is None:
        raise UnauthorizedError("signed_request is not signed by this deployment's Meta app",
                                code="invalid_signature")
    user_id = payload.get("user_id")
    if not isinstance(user_id, (str, int)) or isinstance(user_id, bool) or not str(user_id):
        raise _malformed("signed_request names no user_id")
    return SignedRequest(matched, str(user_id), payload)
