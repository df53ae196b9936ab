"""Per-user ceilings on upload sessions and stored bytes, by rate-limit tier (issue 36).

Two ceilings, checked when `POST /v1/media/uploads` opens a session:

- pending sessions: a user's sessions still `pending` and not yet expired. A pending
  session reserves a staging object in the bucket for up to a day, so a client that
  opens sessions in a loop without finishing them is stopped here (409
  `too_many_pending_uploads`), not by the bucket's bill;
- stored bytes: the sizes of the user's `media/{id}` documents, plus the declared
  sizes of their pending sessions (bytes that may land any minute), plus the new
  session's size (409 `storage_quota_exceeded`). `POST /v1/media` (a URL or a
  multipart file, whose size is known only once read) is refused once the user is
  at or over the quota.

Both are counted with Firestore aggregation queries (count, sum), no counter to keep
in step. Two sessions opened at the same instant may both pass the check and go over
by one; the endpoint's rate limit bounds how far a burst can.

The numbers are per tier (shared/services/rate_limits.py: default, authenticated,
premium, admin); `SOKU_MEDIA_QUOTAS` overrides them with JSON,
`{"premium": [pendingUploads, storedBytes]}`. A typo is logged and the defaults kept.
"""

from __future__ import annotations

import functools
import logging
from dataclasses import dataclass
from typing import Any

from google.cloud import firestore
from google.cloud.firestore_v1 import aggregation

from shared import clock
from shared.adapters.gcp import firestore_client
from shared.config import get_settings
from shared.errors import ConflictError
from shared.services.overrides import apply_json_overrides

log = logging.getLogger("soku.media")

GIB = 1024 ** 3
# tier -> (pending upload sessions, stored bytes)
DEFAULT_QUOTAS: dict[str, tuple[int, int]] = {
    "default": (5, 5 * GIB),
    "authenticated": (10, 10 * GIB),
    "premium": (20, 50 * GIB),
    "admin": (100, 500 * GIB),
}


@dataclass(frozen=True)
class Quota:
    tier: str
    pending_uploads: int
    stored_bytes: int


def _apply(quotas: dict[str, tuple[int, int]], tier: str, value: Any) -> None:
    if tier not in quotas:
        raise ValueError(f"unknown tier {tier!r}")
    pending, stored = value
    quotas[tier] = (int(pending), int(stored))


@functools.lru_cache(maxsize=4)
def _parse(overrides: str) -> dict[str, tuple[int, int]]:
    return apply_json_overrides(overrides, DEFAULT_QUOTAS, _apply, "SOKU_MEDIA_QUOTAS")


def quota_for(tier: str) -> Quota:
    quotas = _parse(get_settings().media_quota_overrides)
    pending, stored = quotas.get(tier, quotas["premium"])
    return Quota(tier, pending, stored)


def _aggregate(query, *, count: bool = False, total: str | None = None) -> dict[str, int]:
    agg = aggregation.AggregationQuery(query)
    if count:
        agg.count(alias="n")
    if total:
        agg.sum(total, alias="bytes")
    found: dict[str, int] = {}
    for result in agg.get():
        for item in result:
            found[item.alias] = int(item.value or 0)
    return found


def _pending_query(user_id: str):
    return (firestore_client().collection("uploads")
            .where(filter=firestore.FieldFilter("userId", "==", user_id))
            .where(filter=firestore.FieldFilter("status", "==", "pending"))
            .where(filter=firestore.FieldFilter("expiresAt", ">", clock.now())))


def usage(user_id: str) -> dict[str, int]:
    """{pendingUploads, pendingBytes, mediaBytes} of the user, now."""
    pending = _aggregate(_pending_query(user_id), count=True, total="size")
    media = _aggregate(firestore_client().collection("media")
                       .where(filter=firestore.FieldFilter("userId", "==", user_id)), total="size")
    return {"pendingUploads": pending.get("n", 0), "pendingBytes": pending.get("bytes", 0),
            "mediaBytes": media.get("bytes", 0)}


def check_new_upload(user_id: str, tier: str, size: int) -> None:
    """Refuse a new session over either ceiling (409, naming the limit and the usage)."""
    quota = quota_for(tier)
    used = usage(user_id)
    if used["pendingUploads"] >= quota.pending_uploads:
        raise ConflictError(
            f"You have {used['pendingUploads']} pending uploads, the most the {tier} tier allows "
            f"({quota.pending_uploads}). Complete one (POST /v1/media/uploads/{{id}}/complete) or wait for one "
            f"to expire (24 hours after it was created), then try again",
            code="too_many_pending_uploads",
            details={"limit": quota.pending_uploads, "pending": used["pendingUploads"], "tier": tier})
    _check_bytes(quota, used, size)


def check_storage(user_id: str, tier: str, incoming: int = 0) -> None:
    """Refuse when the user's stored bytes (plus `incoming`) would pass the quota."""
    quota = quota_for(tier)
    _check_bytes(quota, usage(user_id), incoming)


def _check_bytes(quota: Quota, used: dict[str, int], incoming: int) -> None:
    stored = used["mediaBytes"] + used["pendingBytes"]
    if stored + incoming > quota.stored_bytes or (incoming == 0 and stored >= quota.stored_bytes):
        asked = f" plus this file's {incoming}" if incoming else ""
        raise ConflictError(
            f"Storage quota exceeded: you store {stored} bytes{asked}; the {quota.tier} tier allows "
            f"{quota.stored_bytes}. Delete media (DELETE /v1/media/{{id}}) to make room",
            code="storage_quota_exceeded",
            details={"limit": quota.stored_bytes, "used": stored, "mediaBytes": used["mediaBytes"],
                     "pendingUploadBytes": used["pendingBytes"], "requested": incoming, "tier": quota.tier})
