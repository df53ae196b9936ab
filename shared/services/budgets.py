"""Daily ceilings per account, by tier (issue 36, item 9): the abuse budget.

Four budgets, each counted per user per UTC day in `users/{uid}/usage/{YYYY-MM-DD}`:

  budget                 unit                   charged by
  posts                  one per target (run)   POST /v1/posts
  mediaBytes             bytes stored           POST /v1/media (URL or file), POST /v1/media/uploads/{id}/complete
  renders                images rendered        POST /v1/templates, POST /v1/media/render-og (a cached render is free)
  transcriptionMinutes   started minutes        POST /v1/ai/transcribe (the minutes its credits are charged for)

`posts` counts targets, not submissions: a submission to eight platforms and several
accounts each is that many publishes (platform calls, tokens, queue work), and counting
submissions would let one request fan out without bound.

Over a ceiling the answer is 429 `daily_limit_exceeded` with `Retry-After` until the UTC
day ends, naming the budget, the limit, the usage, what the request asked for, the tier
and `resetsAt`. 429, not 402: API keys belong to subscribed users (premium tier) and
there is one plan, so no payment lifts a daily ceiling; the remedy is waiting for the
next day. (402 stays for `insufficient_credits`, where buying credits is the remedy.)

Exact under concurrency: a charge is one Firestore transaction that reads the day's
document, refuses when `used + amount > limit`, and otherwise increments the budget's
field. The read is isolated (production Firestore, and the local one:
devstack/node/firestore_transactions.js), so two requests racing for the last units
cannot both get them. A charge is made once the work is accepted (input checked) and
before the result is stored; if the request then fails before anything was stored, the
charge is refunded (an `Increment` of the negative amount). Bad input never reaches the
charge. A refused charge writes nothing.

The ceilings are per rate-limit tier (shared/services/rate_limits.py; the caller's tier
is the one shared/web/tiers.py finds, as for the media quotas). `SOKU_DAILY_LIMITS`
overrides them with JSON, `{"premium": {"posts": 2000, "mediaBytes": 1073741824}}`
(a tier's missing budgets keep their defaults). A typo is logged and the defaults kept.
"""

from __future__ import annotations

import functools
import logging
import math
from dataclasses import dataclass
from datetime import datetime, time, timedelta, timezone
from typing import Any, Callable

from google.cloud import firestore

from shared import clock
from shared.adapters.gcp import firestore_client
from shared.config import get_settings
from shared.errors import SokuError
from shared.services.overrides import apply_json_overrides

log = logging.getLogger("soku.budgets")

GIB = 1024 ** 3
BUDGETS = ("posts", "mediaBytes", "renders", "transcriptionMinutes")
UNITS = {"posts": "targets", "mediaBytes": "bytes", "renders": "images", "transcriptionMinutes": "minutes"}
# tier -> budget -> daily ceiling
DEFAULT_LIMITS: dict[str, dict[str, int]] = {
    "default": {"posts": 25, "mediaBytes": 1 * GIB, "renders": 50, "transcriptionMinutes": 30},
    "authenticated": {"posts": 100, "mediaBytes": 5 * GIB, "renders": 200, "transcriptionMinutes": 60},
    "premium": {"posts": 1000, "mediaBytes": 20 * GIB, "renders": 2000, "transcriptionMinutes": 600},
    "admin": {"posts": 10000, "mediaBytes": 200 * GIB, "renders": 20000, "transcriptionMinutes": 6000},
}
KEPT = timedelta(days=8)  # `expiresAt` of a day's document (a TTL policy may delete it then)
TRANSACTION_ATTEMPTS = 20  # racing charges of one user abort and retry each other


class DailyLimitExceededError(SokuError):
    status = 429
    code = "daily_limit_exceeded"
    message = "Daily limit exceeded"


def _apply(limits: dict[str, dict[str, int]], tier: str, values: Any) -> None:
    if tier not in limits:
        raise ValueError(f"unknown tier {tier!r}")
    if not isinstance(values, dict):
        raise ValueError(f"{tier}: expected an object of budgets")
    for budget, value in values.items():
        if budget not in BUDGETS:
            raise ValueError(f"unknown budget {budget!r}")
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise ValueError(f"{tier}.{budget}: expected a whole number >= 0")
        limits[tier][budget] = value


@functools.lru_cache(maxsize=4)
def _parse(overrides: str) -> dict[str, dict[str, int]]:
    return apply_json_overrides(overrides, DEFAULT_LIMITS, _apply, "SOKU_DAILY_LIMITS")


def limits_for(tier: str) -> dict[str, int]:
    limits = _parse(get_settings().daily_limit_overrides)
    return dict(limits.get(tier, limits["premium"]))


def _day(now: datetime) -> tuple[str, datetime]:
    """The UTC day's id and when it ends."""
    today = now.astimezone(timezone.utc).date()
    return today.isoformat(), datetime.combine(today + timedelta(days=1), time(), tzinfo=timezone.utc)


def _ref(user_id: str, day: str):
    return firestore_client().collection("users").document(user_id).collection("usage").document(day)


def _used(data: dict | None, budget: str) -> int:
    value = (data or {}).get(budget, 0)
    return int(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else 0


def _refuse(budget: str, tier: str, limit: int, used: int, requested: int | None,
            resets: datetime, now: datetime) -> DailyLimitExceededError:
    retry_after = max(1, math.ceil((resets - now).total_seconds()))
    unit = UNITS[budget]
    asked = f"; this request needs {requested} more" if requested else ""
    details: dict[str, Any] = {"budget": budget, "limit": limit, "used": used}
    if requested is not None:
        details["requested"] = requested
    details |= {"resetsAt": clock.iso(resets), "tier": tier}
    return DailyLimitExceededError(
        f"Daily limit exceeded for {budget}: you have used {used} of the {limit} {unit} the {tier} tier "
        f"allows per day{asked}. The limit resets at {clock.iso(resets)} (UTC midnight)",
        details=details, headers={"Retry-After": str(retry_after)})


@dataclass
class Charge:
    """Units taken from one day's budget; `refund()` gives them back (once)."""

    user_id: str
    budget: str
    day: str
    amount: int
    refunded: bool = False

    def refund(self) -> None:
        if self.refunded or self.amount <= 0:
            return
        self.refunded = True
        try:
            _ref(self.user_id, self.day).set(
                {self.budget: firestore.Increment(-self.amount), "updatedAt": clock.now()}, merge=True)
        except Exception:  # noqa: BLE001 - never hide the request's own failure
            log.warning("could not refund %d %s to %s on %s", self.amount, self.budget, self.user_id, self.day,
                        exc_info=True)


class Meter:
    """One user's budget at one tier: check before work, charge when it is accepted."""

    def __init__(self, user_id: str, tier: str | Callable[[], str], budget: str) -> None:
        assert budget in BUDGETS, budget
        self.user_id, self.budget = user_id, budget
        self._tier = tier

    @property
    def tier(self) -> str:
        return self._tier() if callable(self._tier) else self._tier

    @property
    def limit(self) -> int:
        return limits_for(self.tier)[self.budget]

    def remaining(self) -> int:
        day, _ = _day(clock.now())
        snap = _ref(self.user_id, day).get()
        return max(0, self.limit - _used(snap.to_dict() if snap.exists else None, self.budget))

    def check(self, amount: int = 0) -> None:
        """Refuse now if `amount` more (or, with 0, anything more) would pass the ceiling.
        A read, no charge: for work whose size shows only later (a download)."""
        now = clock.now()
        day, resets = _day(now)
        snap = _ref(self.user_id, day).get()
        used = _used(snap.to_dict() if snap.exists else None, self.budget)
        tier = self.tier
        limit = limits_for(tier)[self.budget]
        if (used + amount > limit) or (amount <= 0 and used >= limit):
            raise _refuse(self.budget, tier, limit, used, amount or None, resets, now)

    def charge(self, amount: int) -> Charge:
        """Take `amount` units from today's budget in one transaction, or refuse (429, nothing written)."""
        now = clock.now()
        day, resets = _day(now)
        done = Charge(self.user_id, self.budget, day, max(0, int(amount)))
        if done.amount == 0:
            return done
        tier = self.tier
        limit = limits_for(tier)[self.budget]
        ref = _ref(self.user_id, day)

        @firestore.transactional
        def run(transaction: firestore.Transaction) -> None:
            snap = ref.get(transaction=transaction)
            used = _used(snap.to_dict() if snap.exists else None, self.budget)
            if used + done.amount > limit:
                raise _refuse(self.budget, tier, limit, used, done.amount, resets, now)
            transaction.set(ref, {self.budget: firestore.Increment(done.amount), "day": day,
                                  "updatedAt": clock.now(), "expiresAt": resets + KEPT}, merge=True)

        run(firestore_client().transaction(max_attempts=TRANSACTION_ATTEMPTS))
        return done


def usage_view(user_id: str, tier: str) -> dict[str, dict[str, Any]]:
    """`GET /v1/me`'s `usage`: each budget's use today against its ceiling."""
    day, resets = _day(clock.now())
    snap = _ref(user_id, day).get()
    data = snap.to_dict() if snap.exists else None
    limits = limits_for(tier)
    return {budget: {"used": _used(data, budget), "limit": limits[budget], "unit": UNITS[budget],
                     "resetsAt": clock.iso(resets)} for budget in BUDGETS}
