"""Rate limits: the spec's tiers and endpoint limits, counted in Firestore.

Tiers (global, every route)            Endpoint limits (on top, every tier)
  default        25/min + 10 burst       POST /v1/posts            30/min
  authenticated  60/min + 30 burst       POST /v1/media            30/min
  premium       100/min + 100 burst      POST /v1/ai/transcribe    10/min
  admin         200/min + 500 burst      POST /v1/templates        20/min
                                         POST /v1/media/render-og  20/min

Who is counted: a caller with an identity (API key, or Firebase user) is
counted per *user*, so extra keys do not buy extra requests; everyone else
(no key, a wrong or revoked key, unknown routes) per client address.

Windows: fixed one-minute windows aligned on the UTC minute; the end of the
window is `X-RateLimit-Reset`. Every request adds 1 to its caller's minute
counter and, when its route has one, to its endpoint counter, both with a
Firestore `Increment` in a single commit. Increment is atomic on every
Firestore, concurrent writers included (also on the bundled emulator), so the
counters hold across any number of function instances. Production Firestore
returns the incremented values in the commit response; where they are missing
(the bundled emulator) the counters are read back at once. A read after our
own increment sees at least our own count, so the limiter never admits more
than the limit; at the very edge of a window, under concurrency, it may refuse
a request or two early. Refused requests count too.

Limit and burst: a tier allows `limit` requests a minute, plus up to `burst`
more drawn from a burst pool that refills every `BURST_PERIOD_S` (10 minutes).
A premium caller can make 200 requests in one minute (100 + 100 burst, the
spec's "200 max/min"), but not every minute: the sustained rate stays 100/min.
Only requests beyond the per-minute limit touch the pool (one more commit).

Outages fail open: if Firestore cannot be reached the request is served, the
headers describe the nominal limit, and a warning is logged.
"""

from __future__ import annotations

import functools
import hashlib
import ipaddress
import json
import logging
import math
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any, Sequence

from google.cloud import firestore

from shared import clock
from shared.adapters.gcp import firestore_client
from shared.config import get_settings
from shared.errors import SokuError

log = logging.getLogger("soku.rate_limits")

COLLECTION = "rateLimits"
WINDOW_S = 60
BURST_PERIOD_S = 600
FIRESTORE_TIMEOUT_S = 2.0  # a slow limiter must not hold the request: fail open instead
COUNTER_RETENTION = timedelta(hours=1)  # TTL after the window ends (the field is `expiresAt`)


@dataclass(frozen=True)
class Tier:
    name: str
    limit: int  # requests per minute
    burst: int  # extra requests per BURST_PERIOD_S, usable beyond the per-minute limit


DEFAULT_TIERS: dict[str, tuple[int, int]] = {
    "default": (25, 10),
    "authenticated": (60, 30),
    "premium": (100, 100),
    "admin": (200, 500),
}
DEFAULT_ENDPOINT_LIMITS: dict[str, int] = {
    "POST /v1/posts": 30,
    "POST /v1/media": 30,
    "POST /v1/ai/transcribe": 10,
    "POST /v1/templates": 20,
    "POST /v1/media/render-og": 20,
}


class RateLimitedError(SokuError):
    status = 429
    code = "rate_limit_exceeded"
    message = "Rate limit exceeded"


@dataclass(frozen=True)
class Limits:
    tiers: dict[str, Tier]
    endpoints: dict[str, int]


@functools.lru_cache(maxsize=4)
def _parse_limits(overrides: str) -> Limits:
    tiers = dict(DEFAULT_TIERS)
    endpoints = dict(DEFAULT_ENDPOINT_LIMITS)
    if overrides.strip():
        try:
            raw = json.loads(overrides)
            if not isinstance(raw, dict):
                raise ValueError("expected a JSON object")
            for key, value in raw.items():
                if key in tiers:
                    limit, burst = value
                    tiers[key] = (int(limit), int(burst))
                elif isinstance(key, str) and " /" in key:
                    endpoints[key] = int(value)
                else:
                    raise ValueError(f"unknown key {key!r}")
        except (ValueError, TypeError) as exc:
            # A typo in an override must not take the API down: keep the spec's numbers.
            log.error("ignoring invalid SOKU_RATE_LIMITS (%s); using the default limits", exc)
            tiers, endpoints = dict(DEFAULT_TIERS), dict(DEFAULT_ENDPOINT_LIMITS)
    return Limits({name: Tier(name, *pair) for name, pair in tiers.items()}, endpoints)


def limits() -> Limits:
    return _parse_limits(get_settings().rate_limit_overrides)


# -- who is calling ------------------------------------------------------------------


def client_ip(remote_addr: str | None, forwarded_for: str | None) -> str:
    """The caller's address: the X-Forwarded-For entry added by the outermost trusted proxy.

    Each proxy appends the address it received the request from, so with N
    trusted proxies in front of the function the client is the N-th entry from
    the right; anything left of it was written by the client and is ignored.
    IPv6 callers are counted per /64, the block one subscriber usually holds.
    """
    hops = get_settings().trusted_proxy_hops
    entries = [part.strip() for part in (forwarded_for or "").split(",") if part.strip()]
    candidate = remote_addr or ""
    if hops > 0 and entries:
        candidate = entries[-hops] if len(entries) >= hops else entries[0]
    try:
        address = ipaddress.ip_address(candidate)
    except ValueError:
        try:
            address = ipaddress.ip_address(remote_addr or "")
        except ValueError:
            return "unknown"
    if address.version == 6:
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address)


def _is_admin_ip(ip: str) -> bool:
    networks = get_settings().admin_ips
    if not networks:
        return False
    try:
        address = ipaddress.ip_network(ip, strict=False)
    except ValueError:
        return False
    for entry in networks:
        try:
            if address.subnet_of(ipaddress.ip_network(entry, strict=False)):  # type: ignore[arg-type]
                return True
        except (ValueError, TypeError):
            continue
    return False


def tier_for(user_id: str | None, subscribed: bool, ip: str) -> Tier:
    """Admin (allow-listed user or address) > premium (key with an active subscription)
    > authenticated (any other known user) > default (nobody we know)."""
    tiers = limits().tiers
    if (user_id and user_id in get_settings().admin_user_ids) or _is_admin_ip(ip):
        return tiers["admin"]
    if user_id and subscribed:
        return tiers["premium"]
    if user_id:
        return tiers["authenticated"]
    return tiers["default"]


def identity_for(user_id: str | None, ip: str) -> str:
    return f"user:{user_id}" if user_id else f"ip:{ip}"


# -- decisions -----------------------------------------------------------------------


@dataclass(frozen=True)
class Decision:
    allowed: bool
    tier: Tier
    scope: str  # "global" or "endpoint": the limit the headers describe
    limit: int
    remaining: int
    reset_at: datetime
    retry_after: int = 0  # seconds; set when refused
    endpoint: str | None = None
    burst_remaining: int | None = None  # present when the request drew on the burst pool
    degraded: bool = False  # the limiter could not count (fail open)

    def headers(self) -> dict[str, str]:
        headers = {
            "X-RateLimit-Limit": str(self.limit),
            "X-RateLimit-Remaining": str(self.remaining),
            "X-RateLimit-Reset": clock.iso(self.reset_at),
            "X-RateLimit-Tier": self.tier.name,
        }
        if self.burst_remaining is not None:
            headers["X-RateLimit-Burst-Remaining"] = str(self.burst_remaining)
        if not self.allowed:
            headers["Retry-After"] = str(self.retry_after)
        return headers

    def error(self) -> RateLimitedError:
        details: dict[str, Any] = {
            "scope": self.scope, "tier": self.tier.name, "limit": self.limit,
            "retryAfter": self.retry_after, "resetAt": clock.iso(self.reset_at),
        }
        if self.scope == "endpoint":
            details["endpoint"] = self.endpoint
        else:
            details["burst"] = self.tier.burst
        return RateLimitedError(
            f"Rate limit exceeded. Try again in {self.retry_after} seconds.",
            details=details, headers=self.headers(),
        )


def _window(now: datetime, length: int) -> tuple[int, datetime]:
    start = math.floor(now.timestamp() / length) * length
    return start, datetime.fromtimestamp(start + length, timezone.utc)


def _counter_id(identity: str, scope: str, window_start: int) -> str:
    digest = hashlib.sha256(identity.encode()).hexdigest()[:32]
    return f"{digest}-{scope}-{window_start}"


def _endpoint_scope(endpoint: str) -> str:
    return "e" + hashlib.sha256(endpoint.encode()).hexdigest()[:8]


def _transform_count(write_result: Any) -> int | None:
    results = getattr(write_result, "transform_results", None)
    if not results:
        return None
    value = results[0]
    return int(getattr(value, "integer_value", 0) or getattr(value, "double_value", 0))


def increment(counters: Sequence[tuple[str, datetime]]) -> list[int]:
    """Add 1 to each counter `(doc id, expiresAt)` in one commit; return the new counts."""
    db = firestore_client()
    refs = [db.collection(COLLECTION).document(doc_id) for doc_id, _ in counters]
    batch = db.batch()
    for ref, (_, expires_at) in zip(refs, counters):
        batch.set(ref, {"count": firestore.Increment(1), "expiresAt": expires_at}, merge=True)
    results = batch.commit(retry=None, timeout=FIRESTORE_TIMEOUT_S)
    counts = [_transform_count(result) for result in results]
    if all(count is not None for count in counts):
        return counts  # type: ignore[return-value]
    # The commit did not return the incremented values: read them back.
    found = {snap.id: snap for snap in db.get_all(refs, timeout=FIRESTORE_TIMEOUT_S)}
    return [int((found[ref.id].to_dict() or {}).get("count", 1)) if ref.id in found else 1 for ref in refs]


def check(identity: str, tier: Tier, endpoint: str | None, now: datetime | None = None) -> Decision:
    """Count one request of `identity` and decide whether it may proceed."""
    now = now or clock.now()
    window_start, reset_at = _window(now, WINDOW_S)
    retry_after = max(1, math.ceil(reset_at.timestamp() - now.timestamp()))
    endpoint_limit = limits().endpoints.get(endpoint) if endpoint else None
    expires = reset_at + COUNTER_RETENTION
    counters = [(_counter_id(identity, "m", window_start), expires)]
    if endpoint_limit is not None:
        counters.append((_counter_id(identity, _endpoint_scope(endpoint), window_start), expires))

    def nominal(degraded: bool) -> Decision:
        if endpoint_limit is not None and endpoint_limit < tier.limit:
            return Decision(True, tier, "endpoint", endpoint_limit, endpoint_limit, reset_at,
                            endpoint=endpoint, degraded=degraded)
        return Decision(True, tier, "global", tier.limit, tier.limit, reset_at, degraded=degraded)

    try:
        counts = increment(counters)
    except Exception:  # noqa: BLE001 - a limiter outage must not take the API down
        log.warning("rate limiter unavailable: serving %s without counting (fail open)", tier.name,
                    exc_info=True)
        return nominal(True)
    count = counts[0]
    if endpoint_limit is not None and counts[1] > endpoint_limit:
        return Decision(False, tier, "endpoint", endpoint_limit, 0, reset_at, retry_after, endpoint=endpoint)

    burst_remaining = None
    if count > tier.limit:
        if tier.burst <= 0:
            return Decision(False, tier, "global", tier.limit, 0, reset_at, retry_after)
        burst_start, burst_end = _window(now, BURST_PERIOD_S)
        try:
            (used,) = increment([(_counter_id(identity, "b", burst_start), burst_end + COUNTER_RETENTION)])
        except Exception:  # noqa: BLE001
            log.warning("rate limiter unavailable (burst pool): serving without counting (fail open)",
                        exc_info=True)
            return nominal(True)
        if used > tier.burst:
            # The next minute's own allowance is the earliest chance to succeed.
            return Decision(False, tier, "global", tier.limit, 0, reset_at, retry_after)
        burst_remaining = tier.burst - used

    global_remaining = max(0, tier.limit - count)
    if endpoint_limit is not None and endpoint_limit - counts[1] <= global_remaining:
        return Decision(True, tier, "endpoint", endpoint_limit, endpoint_limit - counts[1], reset_at,
                        endpoint=endpoint, burst_remaining=burst_remaining)
    return Decision(True, tier, "global", tier.limit, global_remaining, reset_at,
                    burst_remaining=burst_remaining)


def enforce(*, user_id: str | None, subscribed: bool, remote_addr: str | None,
            forwarded_for: str | None, endpoint: str | None) -> Decision:
    """Count this request for its caller; the pipeline raises `decision.error()` when refused."""
    ip = client_ip(remote_addr, forwarded_for)
    tier = tier_for(user_id, subscribed, ip)
    return check(identity_for(user_id, ip), tier, endpoint)
