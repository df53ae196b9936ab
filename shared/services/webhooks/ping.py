"""`POST /v1/webhooks/{id}/test`: one signed `ping` event, sent now, and what the endpoint answered.

A ping is how an owner checks a receiver before real events depend on it (Svix's "send example",
Stripe's "send test webhook"): signed and sent exactly as a delivery (delivery.send_signed), but
not an event anyone subscribed to, so it is neither queued, retried nor listed in `/deliveries`.
An endpoint that is disabled can be pinged (to check it before enabling it again); one whose
stored URL is plain http is not sent to, as no delivery is.
"""

from __future__ import annotations

import json
import secrets

from shared import clock
from shared.services.webhooks.delivery import send_signed
from shared.services.webhooks.endpoints import HTTPS_REQUIRED, cleartext, owned

EVENT_TYPE = "ping"


def ping(user_id: str, endpoint_id: str) -> dict:
    ref, endpoint = owned(user_id, endpoint_id)
    evt = f"evt_ping_{secrets.token_hex(12)}"
    if cleartext(endpoint["url"]):
        return {"eventId": evt, "delivered": False, "statusCode": None, "error": f"refused: {HTTPS_REQUIRED}",
                "answerExcerpt": None, "durationMs": 0.0}
    body = json.dumps({"id": evt, "type": EVENT_TYPE, "createdAt": clock.iso(clock.now()),
                       "data": {"webhookId": endpoint_id, "url": endpoint["url"],
                                "message": "A test event from Soku: answer 2xx."}}, separators=(",", ":")).encode()
    sent = send_signed(ref, endpoint, evt, EVENT_TYPE, body, attempt=1)
    return {"eventId": evt, "delivered": sent.error is None, "statusCode": sent.status_code, "error": sent.error,
            "answerExcerpt": sent.excerpt, "durationMs": sent.duration_ms}
