"""TikTok's webhooks: `authorization.removed` (a user deauthorized the app, or their account
was deleted or banned), the one event with a privacy duty attached.

TikTok posts JSON (`client_key`, `event`, `create_time`, `user_openid`, `content`) to the
app's callback URL with `TikTok-Signature: t=<unix time>,s=<hex>`, where `s` is the
HMAC-SHA256 of `<t>.<raw body>` keyed with the app's client secret
(developers.tiktok.com/doc/webhooks-verification; /doc/webhooks-events). By the time it
arrives the user's access token is already revoked. Soku treats it as Meta's deauthorize:
the account (`grantId = tiktok:<client_key>:<open_id>`) loses its tokens and turns
`needs_reconnect`, with its event. Other events are acknowledged and ignored (TikTok retries
for 72 hours anything but a 200).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
from typing import Any

from shared import clock
from shared.errors import UnauthorizedError, ValidationError
from shared.services.connections.base import client_id, client_secret
from shared.services.privacy.meta import deauthorize_login

log = logging.getLogger("soku.privacy")
TOLERANCE_S = 300  # a signature older (or newer) than this is a replay
REMOVED = ("The TikTok user removed Soku's access (TikTok's authorization.removed): connect the account "
           "again to post to it")


def _refused(message: str) -> UnauthorizedError:
    return UnauthorizedError(message, code="invalid_signature")


def verify(header: str | None, raw: bytes) -> dict[str, Any]:
    """The event, once its signature checks out with this deployment's TikTok client secret."""
    secret = client_secret("tiktok")
    if not secret:
        raise _refused("TikTok is not configured in this deployment")
    parts = dict(p.split("=", 1) for p in (header or "").split(",") if "=" in p)
    stamp, signature = parts.get("t", "").strip(), parts.get("s", "").strip()
    if not stamp.isdigit() or not signature:
        raise _refused("Missing or malformed TikTok-Signature header (t=<time>,s=<signature>)")
    expected = hmac.new(secret.encode(), stamp.encode() + b"." + raw, hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected, signature.lower()):
        raise _refused("TikTok-Signature does not match this deployment's TikTok app")
    if abs(clock.now().timestamp() - int(stamp)) > TOLERANCE_S:
        raise _refused(f"TikTok-Signature is more than {TOLERANCE_S} seconds old (or from the future)")
    try:
        event = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        event = None
    if not isinstance(event, dict) or not isinstance(event.get("event"), str):
        message = "The body is not a TikTok webhook event"
        raise ValidationError(message, details=[{"field": "body", "message": message, "code": "invalid_event"}])
    if str(event.get("client_key") or "") != client_id("tiktok"):
        raise _refused("The event is for another TikTok app")
    return event


def handle(event: dict[str, Any]) -> dict[str, Any]:
    if event["event"] != "authorization.removed":
        return {"event": event["event"], "handled": False, "accountsDeauthorized": 0}
    open_id = str(event.get("user_openid") or "")
    flagged = deauthorize_login(f"tiktok:{event['client_key']}:{open_id}", REMOVED) if open_id else 0
    log.info("TikTok authorization.removed: %d account(s) flagged needs_reconnect", flagged)
    return {"event": event["event"], "handled": True, "accountsDeauthorized": flagged}
