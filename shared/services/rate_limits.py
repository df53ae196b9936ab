"""Rate limits: the spec's tiers and endpoint limits, counted in Firestore.

Tiers (global, every route)            Endpoint limits (on top, every tier)
  default        25/min + 10 burst       POST /v1/posts            30/min
  authenticated  60/min + 30 burst       POST /v1/media            30/min
  premium       100/min + 100 burst      POST /v1/ai/transcribe    10/min
  admin         200/min + 500 burst      POST /v1/templates        20/min
                                         POST /v1/media/render-og  20/min
                                         POST /v1/media/uploads    30/min
                                         POST /v1/connections/{platform}/start  10/min
                                         POST /v1/webhooks/{webhook_id}/test    10/min
                                         POST /v1/posts/batch                   10/min

Who is counted: a caller with an identity (API key, or Firebase user) is
counted per *user*, so extra keys do not buy extra requests; everyone else
(no key, a wrong or revoked key, unknown routes) per client address.

Windows: fixed one-minute windows aligned on the UTC minute; the end of the
window is `X-RateLimit-Reset`. Every request adds 1 to its caller's minute
counter and, when its route has one, to its endpoint counter, both with a
Firestore `Increment` in a single commit. Increment is atomic on every
Firestore, concurrent writers included (also on the bundled emulator), so the
counters hold across any number of function instances.

Sharded counters: Firestore sustains about one write a second per document,
so a counter that may take more than `WRITES_PER_DOC_PER_MIN` (45) writes in
a minute is split into K shard documents (K from the tier's limit + burst:
default 1, authenticated 2, premium 5, admin 16 for the minute counter; the
burst pool likewise from its size: 1, 1, 3, 12). Each request increments one
shard (round robin per kind of counter from a random start, so every instance
spreads its writes evenly) and the count is the sum of the shards.

One sequential round trip: every shard is read with one `get_all` *at the same
time* as the commit. Production Firestore returns the incremented shard's value
in the commit response, so that shard's count is exact. Where the commit returns
no values (the bundled emulator), the read of the incremented shard tells by
its version whether it saw our write: a shard read at an `update_time` older
than our write's was read before it, so our 1 is added (on the emulator, whose
clock has millisecond resolution, two writes in the same millisecond can make
this undercount by one). With K > 1 the parallel read may miss increments
committed to other shards while it ran, so at the edge of a window a caller
with several requests in flight at once may be admitted a few over the limit
(at most its concurrent requests). Routes that count while their handler reads
(`Counting`, `POST /v1/posts`) have the shards read in the handler's own first
`get_all`, which runs while the commit does: the same read, at the same time,
with no RPC of its own.

Refusals are remembered in the instance until the window ends: a caller who
keeps hammering after a 429 is refused from memory, without touching
Firestore, so an over-limit caller cannot drive its counters' write rate up.

Limit and burst: a tier allows `limit` requests a minute, plus up to `burst`
more drawn from a burst pool that refills every `BURST_PERIOD_S` (10 minutes).
A premium caller can make 200 requests in one minute (100 + 100 burst, the
spec's "200 max/min"), but not every minute: the sustained rate stays 100/min.
Only requests beyond the per-minute limit touch the pool (one more commit).

Shared budgets: `POST /v1/media/render-og` is an alias of `POST /v1/templates`
and counts against the same endpoint counter (`SHARED_BUDGETS`), so
alternating routes does not double a caller's render rate.

Outages never fail open: if Firestore cannot be reached (or answer within
`FIRESTORE_TIMEOUT_S`), the request is counted in this instance's memory
instead, with the same limits (no burst), and answered with real headers; a
warning is logged. A caller can then get at most the tier's limit per minute
from each instance it reaches, instead of no limit at all.
"""

from __future__ import annotations

import functools
import hashlib
import ipaddress
import itertools
import logging
import math
import random
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any, Iterable, Mapping, Sequence

from google.cloud import firestore

from shared import clock
from shared.adapters.gcp import firestore_client
from shared.config import get_settings
from shared.errors import SokuError
from shared.services.overrides import apply_json_overrides

log = logging.getLogger("soku.rate_limits")

COLLECTION = "rateLimits"
WINDOW_S = 60
BURST_PERIOD_S = 600
FIRESTORE_TIMEOUT_S = 2.0  # a slow limiter must not hold the request: count locally instead
COUNTER_RETENTION = timedelta(hours=1)  # TTL after the window ends (the field is `expiresAt`)
# Firestore's guidance is about one sustained write per second per document; plan for
# three quarters of it, so uneven spreading (several instances, several callers) stays under.
WRITES_PER_DOC_PER_MIN = 45
MAX_SHARDS = 16


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
    # Not in the spec (issue 36): each opens a Cloud Storage session or an OAuth flow record.
    "POST /v1/media/uploads": 30,
    "POST /v1/connections/{platform}/start": 10,
    # Each sends a request from Soku to a URL the caller chose (issue 41).
    "POST /v1/webhooks/{webhook_id}/test": 10,
    # Up to 100 posts each (issue 41); the daily ceiling counts every post's targets as POST /v1/posts does.
    "POST /v1/posts/batch": 10,
}
# Routes that count against another route's endpoint counter (one budget, one counter).
SHARED_BUDGETS: dict[str, str] = {"POST /v1/media/render-og": "POST /v1/templates"}


class RateLimitedError(SokuError):
    status = 429
    code = "rate_limit_exceeded"
    message = "Rate limit exceeded"


@dataclass(frozen=True)
class Limits:
    tiers: dict[str, Tier]
    endpoints: dict[str, int]


def _apply(limits: tuple[dict, dict], key: Any, value: Any) -> None:
    tiers, endpoints = limits
    if key in tiers:
        limit, burst = value
        tiers[key] = (int(limit), int(burst))
    elif isinstance(key, str) and " /" in key:
        endpoints[key] = int(value)
    else:
        raise ValueError(f"unknown key {key!r}")


@functools.lru_cache(maxsize=4)
def _parse_limits(overrides: str) -> Limits:
    tiers, endpoints = apply_json_overrides(overrides, (DEFAULT_TIERS, DEFAULT_ENDPOINT_LIMITS), _apply,
                                            "SOKU_RATE_LIMITS")
    return Limits({name: Tier(name, *pair) for name, pair in tiers.items()}, endpoints)


def limits() -> Limits:
    return _parse_limits(get_settings().rate_limit_overrides)


# -- who is calling ------------------------------------------------------------------


# Headers Firebase Hosting adds on its way to a function. A client calling the
# function's own URL can send them too, so they never decide whom to trust; they
# only let us log a Hosting hop we do not recognise (see client_ip).
HOSTING_MARKERS = ("X-Fh-Requested-Host", "Fastly-Client-IP", "Fastly-FF")


def came_through_hosting(headers: Any) -> bool:
    return any(headers.get(name) for name in HOSTING_MARKERS)


_unknown_hop_logged: set[str] = set()


def client_ip(remote_addr: str | None, forwarded_for: str | None, via_hosting: bool = False) -> str:
    """The caller's address, from the X-Forwarded-For entries no client can write.

    Each proxy appends the address it received the request from. In front of a
    function's own URL (cloudfunctions.net, run.app) Google's front end appends
    the client's address: with `trusted_proxy_hops` (1) such proxies the client
    is the N-th entry from the right. Through Firebase Hosting, Hosting appends
    the client's address and Google's front end then appends Hosting's, a
    Google front-end address: when the entry found is in
    `hosting_proxy_networks`, which no client can connect from, it is that hop
    and the client is the entry to its left. Anything further left was written
    by the client and is ignored, on both paths; Hosting's marker headers
    (`came_through_hosting`) are client-writable and decide nothing.
    IPv6 callers are counted per /64, the block one subscriber usually holds.
    """
    settings = get_settings()
    hops = settings.trusted_proxy_hops
    entries = [part.strip() for part in (forwarded_for or "").split(",") if part.strip()]
    candidate = remote_addr or ""
    if hops > 0 and entries:
        index = len(entries) - hops if len(entries) >= hops else 0
        candidate = entries[index]
        if index > 0 and _in_networks(candidate, settings.hosting_proxy_networks):
            candidate = entries[index - 1]  # Hosting's hop: the client is the entry it appended
        elif via_hosting and candidate not in _unknown_hop_logged and len(_unknown_hop_logged) < 100:
            _unknown_hop_logged.add(candidate)
            log.warning("a request carries Firebase Hosting headers but its last hop %s is not in "
                        "SOKU_HOSTING_PROXY_NETWORKS: it is counted as the client (if Hosting's hops "
                        "come from there, add its range)", candidate)
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


def _in_networks(ip: str, networks: Sequence[str]) -> bool:
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


def _is_admin_ip(ip: str) -> bool:
    return _in_networks(ip, get_settings().admin_ips)


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
    degraded: bool = False  # Firestore could not count: counted in this instance only
    budget: str | None = None  # the endpoint whose budget this one shares, if another

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
            if self.budget:
                details["sharedWith"] = self.budget
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


def budget_for(endpoint: str) -> str:
    """The endpoint whose counter and limit `endpoint` uses (itself, unless it shares one)."""
    return SHARED_BUDGETS.get(endpoint, endpoint)


def shards_for(writes_per_minute: int) -> int:
    """Shard documents a counter needs so none takes more than ~1 write a second."""
    return max(1, min(MAX_SHARDS, math.ceil(writes_per_minute / WRITES_PER_DOC_PER_MIN)))


@dataclass(frozen=True)
class Counter:
    base: str  # the id of shard 0 (a counter of one shard is exactly the unsharded document)
    expires_at: datetime
    shards: int = 1
    kind: str = "m"  # m (minute), e (endpoint), b (burst pool): each has its own round robin

    def ids(self) -> list[str]:
        return [self.base] + [f"{self.base}-s{i}" for i in range(1, self.shards)]


def _transform_count(write_result: Any) -> int | None:
    results = getattr(write_result, "transform_results", None)
    if not results:
        return None
    value = results[0]
    return int(getattr(value, "integer_value", 0) or getattr(value, "double_value", 0))


_round_robin = {kind: itertools.count(random.randrange(1 << 20)) for kind in "meb"}
_reader = ThreadPoolExecutor(max_workers=4, thread_name_prefix="rate-limit-read")


@dataclass(frozen=True)
class _Shard:
    count: int
    version: Any  # the document's update_time when it was read


def _read_shards(db: Any, refs: list) -> dict[str, _Shard]:
    return _shards_in(db.get_all(refs, retry=None, timeout=FIRESTORE_TIMEOUT_S))


def _shards_in(snapshots: Iterable[Any]) -> dict[str, _Shard]:
    return {snap.id: _Shard(_count_of(snap), getattr(snap, "update_time", None))
            for snap in snapshots if snap is not None and snap.exists}


def _count_of(snap: Any) -> int:
    try:
        return int(snap.get("count") or 0)  # one field, not a deep copy of the document
    except KeyError:
        return 0


def _own_shard_count(result: Any, shard: _Shard | None) -> int:
    """Our shard's count after our increment, from the commit's answer or from the parallel read."""
    returned = _transform_count(result)
    if returned is not None:
        return returned  # production: the value our own increment produced
    written = getattr(result, "update_time", None)
    if shard is None:
        return 1  # read before our write created the shard
    saw_our_write = written is None or (shard.version is not None and shard.version >= written)
    return shard.count if saw_our_write else shard.count + 1


class _Increment:
    """One commit adding 1 to one shard of each counter, and every shard to read beside it."""

    def __init__(self, counters: Sequence[Counter]) -> None:
        self.counters = list(counters)
        self.chosen = [c.ids()[next(_round_robin[c.kind]) % c.shards] for c in self.counters]
        collection = firestore_client().collection(COLLECTION)
        self.refs = [collection.document(doc_id) for c in self.counters for doc_id in c.ids()]

    def commit(self) -> list:
        """The writes, encoded and committed here: on the limiter's own thread when counting."""
        db = firestore_client()
        collection = db.collection(COLLECTION)
        batch = db.batch()
        for counter, pick in zip(self.counters, self.chosen):
            batch.set(collection.document(pick), {"count": firestore.Increment(1), "expiresAt": counter.expires_at},
                      merge=True)
        # No retries: a limiter that cannot answer within the timeout counts locally.
        return batch.commit(retry=None, timeout=FIRESTORE_TIMEOUT_S)

    def totals(self, results: Sequence[Any], found: dict[str, _Shard]) -> list[int]:
        """Each counter's new total, from the commit's results and the shards read during it."""
        totals = []
        for counter, pick, result in zip(self.counters, self.chosen, results):
            others = sum(found[doc_id].count for doc_id in counter.ids() if doc_id != pick and doc_id in found)
            totals.append(max(1, others + _own_shard_count(result, found.get(pick))))
        return totals


def increment(counters: Sequence[Counter | tuple[str, datetime]]) -> list[int]:
    """Add 1 to one shard of each counter in one commit; return each counter's new total.

    Every shard is read while the commit runs: one sequential round trip."""
    pending = _Increment([c if isinstance(c, Counter) else Counter(*c) for c in counters])
    reading = _reader.submit(_read_shards, firestore_client(), pending.refs)
    results = pending.commit()
    return pending.totals(results, reading.result(timeout=FIRESTORE_TIMEOUT_S))


class _LocalCounts:
    """Counts kept in this instance's memory: refusals already known, and the counters
    themselves while Firestore cannot be reached. Entries live for one window."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._counts: dict[str, int] = {}
        self._refused: dict[tuple, Decision] = {}
        self._window: int | None = None
        self._warned_at = -math.inf

    def _roll(self, window_start: int) -> None:
        if window_start != self._window:  # a new minute: forget the old one
            self._window = window_start
            self._refused.clear()
            self._counts.clear()

    def increment(self, counters: Sequence[Counter], window_start: int) -> list[int]:
        with self._lock:
            self._roll(window_start)
            out = []
            for counter in counters:
                self._counts[counter.base] = self._counts.get(counter.base, 0) + 1
                out.append(self._counts[counter.base])
            return out

    def refused(self, key: tuple, window_start: int) -> Decision | None:
        with self._lock:
            self._roll(window_start)
            return self._refused.get(key)

    def remember(self, key: tuple, decision: Decision, window_start: int) -> None:
        with self._lock:
            self._roll(window_start)
            if len(self._refused) < 100_000:
                self._refused[key] = decision

    def warn(self, tier: Tier) -> None:
        now = time.monotonic()
        if now - self._warned_at >= 60:
            self._warned_at = now
            log.warning("rate limiter unavailable: counting %s callers in this instance only (fails closed "
                        "per instance, not open)", tier.name, exc_info=True)


_local = _LocalCounts()


@dataclass(frozen=True)
class _Plan:
    """What counting one request of `identity` writes, and how its counts become a decision."""

    tier: Tier
    endpoint: str | None
    identity: str
    now: datetime
    window_start: int
    reset_at: datetime
    retry_after: int
    budget: str | None
    endpoint_limit: int | None
    counters: list[Counter]

    @property
    def global_key(self) -> tuple:
        return (self.identity, "m", self.tier.name, self.tier.limit, self.tier.burst)

    @property
    def endpoint_key(self) -> tuple:
        return (self.identity, self.budget, self.endpoint_limit)

    def count_locally(self) -> list[int]:
        _local.warn(self.tier)
        return _local.increment(self.counters, self.window_start)

    def decide(self, counts: list[int], degraded: bool) -> Decision:
        tier, reset_at, retry_after, endpoint = self.tier, self.reset_at, self.retry_after, self.endpoint

        def refuse(key: tuple, decision: Decision) -> Decision:
            _local.remember(key, decision, self.window_start)
            return decision

        count = counts[0]
        shared = self.budget if self.budget != endpoint else None
        endpoint_limit = self.endpoint_limit
        if endpoint_limit is not None and counts[1] > endpoint_limit:
            return refuse(self.endpoint_key, Decision(False, tier, "endpoint", endpoint_limit, 0, reset_at,
                                                      retry_after, endpoint=endpoint, budget=shared,
                                                      degraded=degraded))

        burst_remaining = None
        if count > tier.limit:
            if tier.burst <= 0 or degraded:
                return refuse(self.global_key, Decision(False, tier, "global", tier.limit, 0, reset_at, retry_after,
                                                        degraded=degraded))
            burst_start, burst_end = _window(self.now, BURST_PERIOD_S)
            pool = Counter(_counter_id(self.identity, "b", burst_start), burst_end + COUNTER_RETENTION,
                           shards_for(tier.burst), "b")
            try:
                (used,) = increment([pool])
            except Exception:  # noqa: BLE001 - no pool without Firestore: the per-minute limit holds
                _local.warn(tier)
                return Decision(False, tier, "global", tier.limit, 0, reset_at, retry_after, degraded=True)
            if used > tier.burst:
                # The next minute's own allowance is the earliest chance to succeed.
                return refuse(self.global_key, Decision(False, tier, "global", tier.limit, 0, reset_at,
                                                        retry_after))
            burst_remaining = tier.burst - used

        global_remaining = max(0, tier.limit - count)
        if endpoint_limit is not None and endpoint_limit - counts[1] <= global_remaining:
            return Decision(True, tier, "endpoint", endpoint_limit, endpoint_limit - counts[1], reset_at,
                            endpoint=endpoint, budget=shared, burst_remaining=burst_remaining, degraded=degraded)
        return Decision(True, tier, "global", tier.limit, global_remaining, reset_at,
                        burst_remaining=burst_remaining, degraded=degraded)


def _plan(identity: str, tier: Tier, endpoint: str | None, now: datetime | None = None) -> _Plan | Decision:
    """The counters one request of `identity` adds to, or its refusal when this window
    already refused it (from memory: no write)."""
    now = now or clock.now()
    window_start, reset_at = _window(now, WINDOW_S)
    retry_after = max(1, math.ceil(reset_at.timestamp() - now.timestamp()))
    budget = budget_for(endpoint) if endpoint else None
    endpoint_limit = limits().endpoints.get(budget) if budget else None
    expires = reset_at + COUNTER_RETENTION
    counters = [Counter(_counter_id(identity, "m", window_start), expires,
                        shards_for(tier.limit + max(tier.burst, 0)))]
    if endpoint_limit is not None:
        counters.append(Counter(_counter_id(identity, _endpoint_scope(budget), window_start), expires,  # type: ignore[arg-type]
                                shards_for(endpoint_limit), "e"))
    plan = _Plan(tier, endpoint, identity, now, window_start, reset_at, retry_after, budget, endpoint_limit,
                 counters)
    for key in (plan.global_key, plan.endpoint_key if endpoint_limit is not None else None):
        known = _local.refused(key, window_start) if key else None
        if known is not None:  # already over in this window: refused without a write
            return Decision(False, tier, known.scope, known.limit, 0, reset_at, retry_after,
                            endpoint=endpoint, budget=known.budget)
    return plan


def check(identity: str, tier: Tier, endpoint: str | None, now: datetime | None = None) -> Decision:
    """Count one request of `identity` and decide whether it may proceed."""
    plan = _plan(identity, tier, endpoint, now)
    if isinstance(plan, Decision):
        return plan
    try:
        counts = increment(plan.counters)
    except Exception:  # noqa: BLE001 - Firestore unreachable or slow: count in this instance
        return plan.decide(plan.count_locally(), degraded=True)
    return plan.decide(counts, degraded=False)


_committer = ThreadPoolExecutor(max_workers=16, thread_name_prefix="rate-limit-commit")


class Counting:
    """One request counted while its handler does its first read (`reads_while_counting`).

    The increments are committed at once, on the limiter's own threads. Their shards are
    read not by a `get_all` of the limiter's but in the handler's own first read, which runs
    while that commit does: `refs` are the documents to add to it, `found` hands over what
    it read. Counting then costs no round trip and no RPC of its own. `decision()` waits for
    the commit; when the handler never read (it failed first) the shards are read then.
    """

    def __init__(self, plan: _Plan | Decision) -> None:
        self._decided = plan if isinstance(plan, Decision) else None
        self._plan = plan if isinstance(plan, _Plan) else None
        self._pending = _Increment(self._plan.counters) if self._plan is not None else None
        self._commit = _committer.submit(self._pending.commit) if self._pending is not None else None
        self._found: dict[str, _Shard] | None = None
        self.refs: list = list(self._pending.refs) if self._pending is not None else []

    def found(self, snapshots: Mapping[str, Any]) -> None:
        """What the handler's read found, by document path (it must hold every ref)."""
        if all(ref.path in snapshots for ref in self.refs):
            self._found = _shards_in(snapshots[ref.path] for ref in self.refs)

    def decision(self) -> Decision:
        if self._decided is None:
            assert self._plan is not None and self._pending is not None and self._commit is not None
            try:
                results = self._commit.result(timeout=FIRESTORE_TIMEOUT_S)
                found = self._found if self._found is not None else _read_shards(firestore_client(), self.refs)
                counts = self._pending.totals(results, found)
            except Exception:  # noqa: BLE001 - Firestore unreachable or slow: count in this instance
                counts, degraded = self._plan.count_locally(), True
            else:
                degraded = False
            self._decided = self._plan.decide(counts, degraded)
        return self._decided


def start_counting(*, user_id: str | None, subscribed: bool, remote_addr: str | None,
                   forwarded_for: str | None, endpoint: str | None, via_hosting: bool = False) -> Counting:
    """`enforce`, with the decision left for `Counting.decision()` after the handler's first read."""
    ip = client_ip(remote_addr, forwarded_for, via_hosting)
    return Counting(_plan(identity_for(user_id, ip), tier_for(user_id, subscribed, ip), endpoint))


def enforce(*, user_id: str | None, subscribed: bool, remote_addr: str | None,
            forwarded_for: str | None, endpoint: str | None, via_hosting: bool = False) -> Decision:
    """Count this request for its caller; the pipeline raises `decision.error()` when refused."""
    ip = client_ip(remote_addr, forwarded_for, via_hosting)
    tier = tier_for(user_id, subscribed, ip)
    return check(identity_for(user_id, ip), tier, endpoint)
