"""`GET /v1/media`: the caller's media, newest first, with cursor paging.

Media is often created in bursts (a batch of uploads within one millisecond), so the order is
(createdAt, document id), both descending, and the cursor is the last item's time and id: the
next page starts right after that document with a Firestore cursor (`start_after`), and items
of the same instant are neither lost nor repeated. Filters are equalities (`kind`, `tags`
array-contains) and a createdAt range; each combination has its composite index
(firestore.indexes.json).
"""

from __future__ import annotations

import base64
import json
from datetime import datetime, timezone

from google.cloud import firestore
from google.cloud.firestore_v1.field_path import FieldPath

from shared.adapters.gcp import firestore_client
from shared.errors import ValidationError
from shared.services.media.library import MEDIA_ID, document_view


def list_media(user_id: str, *, limit: int = 20, cursor: str | None = None, kind: str | None = None,
               tag: str | None = None, created_after: datetime | None = None,
               created_before: datetime | None = None) -> dict:
    media = firestore_client().collection("media")
    query = media.where(filter=firestore.FieldFilter("userId", "==", user_id))
    if kind is not None:
        query = query.where(filter=firestore.FieldFilter("kind", "==", kind))
    if tag is not None:
        query = query.where(filter=firestore.FieldFilter("tags", "array_contains", tag))
    if created_after is not None:
        query = query.where(filter=firestore.FieldFilter("createdAt", ">", _utc("createdAfter", created_after)))
    if created_before is not None:
        query = query.where(filter=firestore.FieldFilter("createdAt", "<", _utc("createdBefore", created_before)))
    query = (query.order_by("createdAt", direction=firestore.Query.DESCENDING)
             .order_by(FieldPath.document_id(), direction=firestore.Query.DESCENDING))
    if cursor:
        at, last_id = decode_cursor(cursor)
        query = query.start_after({"createdAt": at, FieldPath.document_id(): media.document(last_id)})
    snaps = list(query.limit(limit + 1).stream())
    page, more = snaps[:limit], len(snaps) > limit
    next_cursor = encode_cursor(page[-1].get("createdAt"), page[-1].id) if more else None
    return {"data": [document_view(s.to_dict()) for s in page], "hasMore": more, "nextCursor": next_cursor}


def _utc(name: str, value: datetime) -> datetime:
    """`value` in UTC; a time that has no UTC date (0001-01-01T00:00+01:00) is refused, naming it."""
    try:
        return value.astimezone(timezone.utc)
    except OverflowError:
        raise ValidationError(details=[{"field": f"query.{name}", "code": "invalid_date", "received": value.isoformat(),
                                        "message": "The time is out of range in UTC"}]) from None


def encode_cursor(at: datetime, media_id: str) -> str:
    # Microseconds, as Firestore stores them: a time cut to milliseconds would skip the media
    # created later in the same millisecond.
    when = at.astimezone(timezone.utc).isoformat(timespec="microseconds")
    raw = json.dumps({"of": "media", "t": when, "id": media_id}).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[datetime, str]:
    try:
        raw = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        if raw.get("of") != "media":
            raise ValueError("a cursor of another listing")
        at = datetime.fromisoformat(raw["t"].replace("Z", "+00:00"))
        media_id = raw["id"]
        if at.tzinfo is None or not isinstance(media_id, str) or not MEDIA_ID.match(media_id):
            raise ValueError("cursor out of range")
        return at.astimezone(timezone.utc), media_id
    except (ValueError, KeyError, TypeError, AttributeError, OverflowError):
        raise ValidationError("Invalid cursor", details=[{
            "field": "query.cursor", "message": "Use the nextCursor value of a previous page",
            "code": "invalid_string", "received": cursor[:100]}]) from None
