"""Signatures receivers can verify: `Soku-Signature: t=<unix seconds>,v1=<hex>`.

v1 is HMAC-SHA256 of `"<t>.<raw body>"` with the endpoint's secret. Binding
the timestamp into the MAC lets a receiver refuse old (replayed) requests,
and the event id in the body lets it drop duplicates.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time

HEADER = "Soku-Signature"
TOLERANCE_S = 300


def new_secret() -> str:
    return "whsec_" + secrets.token_urlsafe(32)


def sign(secret: str, body: bytes, timestamp: int | None = None) -> str:
    t = int(time.time()) if timestamp is None else timestamp
    mac = hmac.new(secret.encode(), f"{t}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={t},v1={mac}"


def verify(secret: str, body: bytes, header: str, now: float | None = None,
           tolerance_s: int = TOLERANCE_S) -> bool:
    """What a receiver runs (the README shows the same in a few lines)."""
    try:
        parts = dict(item.split("=", 1) for item in header.split(","))
        t = int(parts["t"])
    except (KeyError, ValueError):
        return False
    if abs((time.time() if now is None else now) - t) > tolerance_s:
        return False
    expected = hmac.new(secret.encode(), f"{t}.".encode() + body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, parts.get("v1", ""))
