"""`scheduledTime`: the spec's rules and the Cloud Tasks horizon."""

from __future__ import annotations

from datetime import datetime, timedelta

from shared import clock
from shared.errors import ValidationError

MIN_LEAD = timedelta(minutes=1)
# Cloud Tasks refuses schedule times more than 30 days ahead. Posts later than
# this horizon are stored and enqueued by the minute sweep once inside it.
TASKS_HORIZON = timedelta(days=29)

INVALID_FORMAT = "Invalid scheduledTime format"
TOO_SOON = "scheduledTime must be at least 1 minute in the future"


def _error(message: str, received: str) -> ValidationError:
    return ValidationError(message, details=[{
        "field": "body.scheduledTime", "message": message,
        "code": "invalid_date" if message == INVALID_FORMAT else "too_small", "received": received,
    }])


# `"scheduledTime": "next_slot"`: the accounts' next free posting slot (posts/slots.py), taken
# when the post is stored; parsing it here gives no time yet.
NEXT_SLOT = "next_slot"


def parse_scheduled_time(raw: str | None) -> datetime | None:
    """None for immediate posts (and for `next_slot`, whose time comes from the slots); a
    UTC-aware datetime otherwise."""
    if raw is None or raw == NEXT_SLOT:
        return None
    text = raw.strip()
    if "T" not in text and " " not in text:
        raise _error(INVALID_FORMAT, raw)  # a bare date has no time of day to publish at
    try:
        when = datetime.fromisoformat(text.replace("z", "Z").replace("Z", "+00:00"))
    except ValueError:
        raise _error(INVALID_FORMAT, raw) from None
    if when.tzinfo is None:
        # Without a zone the instant is ambiguous; refuse rather than guess UTC.
        raise _error(INVALID_FORMAT, raw)
    if when < clock.now() + MIN_LEAD:
        raise _error(TOO_SOON, raw)
    return when


def within_tasks_horizon(when: datetime | None) -> bool:
    return when is None or when <= clock.now() + TASKS_HORIZON
