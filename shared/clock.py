"""The one source of "now": UTC-aware, injectable (DESIGN.md, decision 8)."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Callable

_now: Callable[[], datetime] = lambda: datetime.now(timezone.utc)  # noqa: E731


def now() -> datetime:
    return _now()


def set_clock(fn: Callable[[], datetime] | None) -> None:
    """Replace the clock (tests); `None` restores the real one."""
    global _now
    _now = fn or (lambda: datetime.now(timezone.utc))


def iso(dt: datetime | None) -> str | None:
    """ISO 8601 in UTC with millisecond precision and a `Z`, as the spec prints times."""
    if dt is None:
        return None
    if dt.tzinfo is None:
        raise ValueError("naive datetime")
    return dt.astimezone(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")
