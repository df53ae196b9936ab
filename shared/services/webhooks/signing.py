"""Signatures receivers can verify, in two formats sent side by side.

Standard Webhooks (https://www.standardwebhooks.com), what the `standardwebhooks`
packages (PyPI, npm) and Svix's libraries verify:
    webhook-id: <event id>            (the same on every attempt: receivers drop duplicates)
    webhook-timestamp: <unix seconds> (of this attempt)
    webhook-signature: v1,<base64> [v1,<base64> ...]
each signature is base64 HMAC-SHA256 of `"<id>.<timestamp>.<raw body>"` keyed with
the bytes the secret encodes (`whsec_<base64>`), one per secret in use (two
during a rotation's overlap).

Soku's own, kept for receivers written against it:
    Soku-Signature: t=<unix seconds>,v1=<hex>[,v1=<hex>]
v1 is HMAC-SHA256 of `"<t>.<raw body>"` keyed with the secret string as is.

Binding the timestamp into the MAC lets a receiver refuse old (replayed)
requests, and the event id lets it drop duplicates.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import secrets
import time
from collections.abc import Sequence

HEADER = "Soku-Signature"
ID_HEADER = "webhook-id"
TIMESTAMP_HEADER = "webhook-timestamp"
SIGNATURE_HEADER = "webhook-signature"
SECRET_PREFIX = "whsec_"
SECRET_BYTES = 32
TOLERANCE_S = 300


def new_secret() -> str:
    """`whsec_` + standard base64 of 32 random bytes, as Standard Webhooks secrets are."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode()


def secret_key(secret: str) -> bytes:
    """The HMAC key of a Standard Webhooks signature: the bytes the secret encodes.

    Endpoints registered before secrets were standard base64 hold URL-safe base64
    (`-`, `_`) instead: the same bytes are decoded from that alphabet.
    """
    raw = secret.removeprefix(SECRET_PREFIX)
    padded = raw + "=" * (-len(raw) % 4)
    try:
        return base64.b64decode(padded, validate=True)
    except binascii.Error:
        return base64.urlsafe_b64decode(padded)


def standard_signature(secret: str, msg_id: str, timestamp: int, body: bytes) -> str:
    mac = hmac.new(secret_key(secret), f"{msg_id}.{timestamp}.".encode() + body, hashlib.sha256).digest()
    return "v1," + base64.b64encode(mac).decode()


def sign(secret: str, body: bytes, timestamp: int | None = None) -> str:
    """A `Soku-Signature` value for one secret."""
    t = int(time.time()) if timestamp is None else timestamp
    return f"t={t},v1={_soku_mac(secret, t, body)}"


def _soku_mac(secret: str, t: int, body: bytes) -> str:
    return hmac.new(secret.encode(), f"{t}.".encode() + body, hashlib.sha256).hexdigest()


def signed_headers(secrets_in_use: Sequence[str], msg_id: str, body: bytes,
                   timestamp: int | None = None) -> dict[str, str]:
    """Both formats' headers for one attempt, one signature per secret (newest first)."""
    if not secrets_in_use:
        raise ValueError("no signing secret")
    t = int(time.time()) if timestamp is None else timestamp
    return {
        ID_HEADER: msg_id,
        TIMESTAMP_HEADER: str(t),
        SIGNATURE_HEADER: " ".join(standard_signature(s, msg_id, t, body) for s in secrets_in_use),
        HEADER: f"t={t}," + ",".join(f"v1={_soku_mac(s, t, body)}" for s in secrets_in_use),
    }


def verify(secret: str, body: bytes, header: str, now: float | None = None,
           tolerance_s: int = TOLERANCE_S) -> bool:
    """Check a `Soku-Signature` (what docs/webhooks.md shows): any v1 entry may match."""
    try:
        items = [item.strip().split("=", 1) for item in header.split(",") if "=" in item]
        t = int(next(value for name, value in items if name == "t"))
    except (StopIteration, ValueError):
        return False
    if abs((time.time() if now is None else now) - t) > tolerance_s:
        return False
    expected = _soku_mac(secret, t, body)
    return any(hmac.compare_digest(expected, value) for name, value in items if name == "v1")
