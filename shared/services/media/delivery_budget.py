"""Bytes public media delivery may send one client per window (issue 36).

`mediaFiles` needs no key and is outside the rate limits (platforms pull one video by many
ranges from one address), so what bounds it is bytes: each client may be sent at most
`media_delivery_budget_bytes` (default 10 GiB) per `media_delivery_window_s` (an hour,
aligned on the clock). Over it, `429 rate_limit_exceeded` with `Retry-After` until the window
ends.

Who is a client: the caller's address as the rate limiter determines it (`client_ip`: the
X-Forwarded-For entry Google's front end or Hosting appended, IPv6 per /64). A request that
carries a valid, unrevoked pull grant (`?grant=mg_…`, media/pull_grants.py) is counted under
its grant instead: the platform that fetches it (TikTok's pull by URL) fetches from addresses
it shares with every other customer's pulls, which must not spend each other's budget, and a
grant is for one file of one attempt, so a leaked grant URL is bounded by the same ceiling.

What is counted: the length of the answer's body (`Content-Length`), charged before its first
byte is sent. A client that hangs up early is charged in full: counting bytes as they stream
would let many concurrent requests start before any of them was counted.

Where it is counted: in this instance's memory and in Firestore (`rateLimits/{digest}-d-…`,
the rate limiter's collection and TTL), in sharded `Increment`s. Writing every request would
cost a write per range of a video pulled by hundreds of ranges; so an instance sums a client's
bytes locally and commits them once they reach `flush_bytes` (8 MiB, or a sixteenth of the
budget if smaller), reading the client's total from every instance at the same time; a
client's first request to an instance in a window commits and reads at once. A client
spread over several instances can so be sent up to `flush_bytes` per instance more than the
budget. A refusal is remembered in the instance until the window ends (an answer as large
is refused without a round trip; a smaller one that still fits is served). When Firestore cannot
be reached, the instance keeps counting in memory (a warning is logged): it fails closed per
instance, not open.
"""

from __future__ import annotations

import hashlib
import logging
import math
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

from google.cloud import firestore

from shared import clock
from shared.adapters.gcp import firestore_client
from shared.config import get_settings
from shared.services.rate_limits import COLLECTION, RateLimitedError

log = logging.getLogger("soku.media")

FLUSH_BYTES = 8 * 1024 * 1024
SHARDS = 4  # a client at 1 Gbit/s flushes ~15 times a second: a few writes a second per shard
RETENTION = timedelta(hours=1)
FIRESTORE_TIMEOUT_S = 2.0


def flush_bytes(budget: int) -> int:
    return max(1, min(FLUSH_BYTES, budget // 16))


@dataclass
class _Client:
    window: int
    known: int = 0  # the total in Firestore when last read (our own commits included)
    synced: bool = False  # read at least once: a client new to this instance is looked up first
    unflushed: int = 0  # charged here, not yet committed
    refused_at: int | None = None  # the smallest answer refused this window: as large is refused from memory
    lock: threading.Lock = field(default_factory=threading.Lock)
    turn: int = 0  # round robin over the shards


class _Ledger:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._clients: dict[str, _Client] = {}
        self._warned_at = -math.inf

    def client(self, identity: str, window: int) -> _Client:
        with self._lock:
            entry = self._clients.get(identity)
            if entry is None or entry.window != window:
                if len(self._clients) > 100_000:  # a flood of addresses: forget past windows
                    self._clients = {k: v for k, v in self._clients.items() if v.window == window}
                entry = self._clients[identity] = _Client(window, turn=hash(identity) % SHARDS)
            return entry

    def clear(self) -> None:
        """Forget everything (tests: what a fresh instance knows)."""
        with self._lock:
            self._clients.clear()

    def warn(self) -> None:
        now = time.monotonic()
        if now - self._warned_at >= 60:
            self._warned_at = now
            log.warning("media delivery budget: Firestore unavailable, counting in this instance only",
                        exc_info=True)


_ledger = _Ledger()


def _doc_ids(identity: str, window: int) -> list[str]:
    digest = hashlib.sha256(identity.encode()).hexdigest()[:32]
    return [f"{digest}-d-{window}-s{i}" for i in range(SHARDS)]


def _commit_and_read(identity: str, window: int, shard: int, amount: int, expires_at: datetime) -> int:
    """Add `amount` to one shard of the client's counter; the counter's total, read after."""
    db = firestore_client()
    refs = [db.collection(COLLECTION).document(doc_id) for doc_id in _doc_ids(identity, window)]
    if amount:
        refs[shard].set({"bytes": firestore.Increment(amount), "expiresAt": expires_at}, merge=True,
                        retry=None, timeout=FIRESTORE_TIMEOUT_S)
    total = 0
    for snap in db.get_all(refs, retry=None, timeout=FIRESTORE_TIMEOUT_S):
        if snap.exists:
            total += int(snap.to_dict().get("bytes") or 0)
    return total


def _refusal(identity: str, budget: int, used: int, requested: int, reset_at: datetime,
             retry_after: int) -> RateLimitedError:
    return RateLimitedError(
        f"Media delivery budget exceeded: {used} of the {budget} bytes a client may be sent per window "
        f"are used and this answer is {requested} bytes. Try again in {retry_after} seconds.",
        details={"scope": "mediaDelivery", "limit": budget, "used": used, "requested": requested,
                 "client": identity.split(":", 1)[0], "retryAfter": retry_after,
                 "resetAt": clock.iso(reset_at)},
        headers={"Retry-After": str(retry_after)},
    )


def charge(identity: str, amount: int, now: datetime | None = None) -> None:
    """Count `amount` bytes about to be sent to `identity` ("ip:…" or "grant:…"); raises
    RateLimitedError (429, Retry-After) when they would take it over its budget."""
    settings = get_settings()
    budget, length = settings.media_delivery_budget_bytes, settings.media_delivery_window_s
    if budget <= 0 or amount <= 0:
        return
    now = now or clock.now()
    window = math.floor(now.timestamp() / length) * length
    reset_at = datetime.fromtimestamp(window + length, timezone.utc)
    retry_after = max(1, math.ceil(reset_at.timestamp() - now.timestamp()))
    client = _ledger.client(identity, window)
    with client.lock:
        if client.refused_at is not None and amount >= client.refused_at:
            raise _refusal(identity, budget, client.known + client.unflushed, amount, reset_at, retry_after)
        pending = client.unflushed + amount
        if client.synced and client.known + pending <= budget and pending < flush_bytes(budget):
            client.unflushed = pending  # well within what is known: no round trip
            return
        try:
            total = _commit_and_read(identity, window, client.turn % SHARDS, pending, reset_at + RETENTION)
        except Exception:  # noqa: BLE001 - Firestore unreachable or slow: count in this instance
            _ledger.warn()
            client.synced = True  # not again for every request: at the next flush
            if client.known + pending > budget:
                client.refused_at = min(amount, client.refused_at or amount)
                raise _refusal(identity, budget, client.known + client.unflushed, amount, reset_at,
                               retry_after) from None
            client.unflushed = pending
            return
        client.turn += 1
        client.unflushed = 0
        client.synced = True
        if total > budget:
            # Not ours to send: take this answer's bytes back; what was sent before stays counted.
            try:
                _commit_and_read(identity, window, client.turn % SHARDS, -amount, reset_at + RETENTION)
            except Exception:  # noqa: BLE001 - counted against the client: errs on the safe side
                _ledger.warn()
            client.known = total - amount
            client.refused_at = min(amount, client.refused_at or amount)
            raise _refusal(identity, budget, client.known, amount, reset_at, retry_after)
        client.known = total
