"""Is this user allowed to use the API? (the spec's subscription requirement)

Subscription state is read from two places, in order:
1. `users/{uid}.subscription = {status, currentPeriodEnd}`: the shape of the
   spec's data model, which the web app (or a billing webhook) maintains.
2. `customers/{uid}/subscriptions/*`: the documents the "Run Payments with
   Stripe" Firebase extension writes (`status`, `current_period_end`), the
   Firebase ecosystem's convention for Stripe billing.
Allowed: `trialing`, or `active` with the period end in the future.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from shared import clock
from shared.adapters.gcp import firestore_client
from shared.errors import ForbiddenError

REQUIRED = "Subscription required"
INACTIVE = "Subscription inactive or expired"


def _is_active(status: Any, period_end: Any, now: datetime) -> bool:
    if status == "trialing":
        return True
    if status == "active":
        return isinstance(period_end, datetime) and period_end > now
    return False


def require_active_subscription(user_id: str, user_snapshot: Any = None) -> str:
    """Return the active status (`trialing`/`active`) or raise the spec's 403.

    `user_snapshot` is `users/{uid}` when the caller already read it (with the API key)."""
    db = firestore_client()
    now = clock.now()
    user = user_snapshot if user_snapshot is not None else db.collection("users").document(user_id).get()
    subscription = (user.to_dict() or {}).get("subscription") if user.exists else None
    if isinstance(subscription, dict) and subscription.get("status"):
        status = subscription.get("status")
        if _is_active(status, subscription.get("currentPeriodEnd"), now):
            return status
        raise ForbiddenError(INACTIVE)

    stripe_subs = list(
        db.collection("customers").document(user_id).collection("subscriptions").limit(20).stream()
    )
    if not stripe_subs:
        raise ForbiddenError(REQUIRED)
    for snap in stripe_subs:
        data = snap.to_dict() or {}
        if _is_active(data.get("status"), data.get("current_period_end"), now):
            return data["status"]
    raise ForbiddenError(INACTIVE)
