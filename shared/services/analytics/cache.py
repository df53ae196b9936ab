"""Each run's (and account's) metrics, kept a few minutes in Firestore: `metricsCache/{key}`.

The key is a hash of (kind, user id, post id and target id | platform and account id); each
entry stores its `userId`, and a read serves it only to that user.

Why cache: platforms refresh insights every few minutes at best (Meta: "most metrics update once
every 24 hours" for Pages, X impressions in near real time), and every read spends the user's
own platform rate limit (X 300–900 reads per 15 min, Graph's per-user call count, YouTube's
10,000-unit daily quota). Why Firestore, not memory: functions run on many instances.

How long (seconds):
- metrics: `TTL_S` (5 minutes);
- a refusal that won't change soon (missing permission, post too old or gone, not supported):
  `REFUSAL_TTL_S` (1 minute), so a user fixing a permission sees it within a minute;
- rate limited: until the platform's retry-after (at least 30 s, at most `TTL_S`), since asking
  again earlier is refused anyway and spends the limit further;
- a transient failure (5xx, timeout) or an authorization to renew: not cached, the next read
  tries again (a reconnect must show at once).
`?refresh=true` skips an entry older than `MIN_REFRESH_S` (1 minute), never a younger one.

Entries live outside the run documents (another part of the system edits those) and clients
cannot read them (firestore.rules denies everything not listed). A Firestore TTL
policy on `expiresAt` (firestore.indexes.json) deletes old entries.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from shared import clock
from shared.adapters.gcp import firestore_client
from shared.services.analytics.base import MetricsRefused
from shared.services.publishing.errors import PublishError, RetryableError

COLLECTION = "metricsCache"
TTL_S = 300
REFUSAL_TTL_S = 60
MIN_RATE_LIMIT_TTL_S = 30
MIN_REFRESH_S = 60


@dataclass
class Entry:
    body: dict[str, Any]
    fetched_at: datetime
    expires_at: datetime

    def remaining_s(self, now: datetime) -> int:
        return max(0, int((self.expires_at - now).total_seconds()))


def _id(*parts: str) -> str:
    """The SHA-256 (hex) of the parts as one JSON array: distinct tuples never share an id.

    Joining the parts with "_" did not have that property: user ids and account ids may
    contain "_", so user `u` reading account `a_account_x_b` and user `u_account_x_a` reading
    account `b` met in one document. Hex has no "/" and a fixed length, as a document id
    needs. Entries written under the older joined ids are simply never read again (the TTL
    policy deletes them within minutes of their expiry)."""
    return hashlib.sha256(json.dumps(parts, ensure_ascii=False, separators=(",", ":")).encode()).hexdigest()


def post_key(user_id: str, post_id: str, target_id: str) -> str:
    return _id("post", user_id, post_id, target_id)


def account_key(user_id: str, platform: str, account_id: str) -> str:
    return _id("account", user_id, platform, account_id)


def ttl_for(error: PublishError | None) -> int | None:
    """How long an answer may be served again (None: not cached)."""
    if error is None:
        return TTL_S
    if isinstance(error, MetricsRefused):
        return REFUSAL_TTL_S
    if isinstance(error, RetryableError) and error.code == "rate_limited":
        return int(min(TTL_S, max(MIN_RATE_LIMIT_TTL_S, error.retry_after or 0)))
    return None


def read(key: str, user_id: str, *, refresh: bool = False) -> Entry | None:
    """A still-fresh entry of `user_id`'s (with `refresh`, only one younger than MIN_REFRESH_S).

    An entry written for anyone else is a miss, whatever its id: the owner is checked, not
    trusted from the key."""
    snap = firestore_client().collection(COLLECTION).document(key).get()
    data = snap.to_dict() if snap.exists else None
    if not data or data.get("userId") != user_id:
        return None
    entry = Entry(data["body"], data["fetchedAt"], data["expiresAt"])
    now = clock.now()
    if entry.expires_at <= now:
        return None
    if refresh and (now - entry.fetched_at).total_seconds() >= MIN_REFRESH_S:
        return None
    return entry


def write(key: str, user_id: str, body: dict[str, Any], fetched_at: datetime, ttl_s: int, *,
          platform: str | None = None, account_id: str | None = None) -> Entry:
    """Store an entry with its owner (checked on read) and the account it is about (the id
    is a hash: `platform` and `accountId` are what finds an account's entries)."""
    entry = Entry(body, fetched_at, fetched_at + timedelta(seconds=ttl_s))
    firestore_client().collection(COLLECTION).document(key).set({
        "userId": user_id, "platform": platform, "accountId": account_id, "body": body,
        "fetchedAt": entry.fetched_at, "expiresAt": entry.expires_at})
    return entry
