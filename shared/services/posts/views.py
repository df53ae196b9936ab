"""What `GET /v1/posts[/{id}]` shows: a submission with its runs, in API shape."""

from __future__ import annotations

import base64
import json
from datetime import datetime, timezone
from typing import Any

from google.cloud import firestore
from google.cloud.firestore_v1.field_path import FieldPath

from shared import clock
from shared.adapters.gcp import firestore_client
from shared.errors import NotFoundError, ValidationError
from shared.services.posts.dispatch import SUBMISSIONS
from shared.services.posts.shape import post_shape, run_view, summary

__all__ = ["SUBMISSION_STATUSES", "list_posts", "load_owned", "post_view", "run_view"]

SUBMISSION_STATUSES = ("draft", "queued", "orchestrating", "dispatched", "canceled")
MAX_PAGE = 100


def load_owned(user_id: str, submission_id: str) -> tuple[firestore.DocumentReference, dict]:
    ref = firestore_client().collection(SUBMISSIONS).document(submission_id)
    snap = ref.get()
    data = snap.to_dict() if snap.exists else None
    if data is None or data.get("userId") != user_id:
        # Another user's post answers exactly like a missing one.
        raise NotFoundError(f"Post {submission_id} not found")
    return ref, data


def post_view(user_id: str, submission_id: str) -> dict:
    ref, data = load_owned(user_id, submission_id)
    return post_shape(submission_id, data, [r.to_dict() for r in ref.collection("runs").stream()])


def _encode_cursor(created_at: datetime, submission_id: str) -> str:
    raw = json.dumps({"t": clock.iso(created_at), "id": submission_id}).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode_cursor(cursor: str) -> datetime:
    try:
        raw = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        if "sort" in raw:
            raise ValueError("a cursor of another sort")
        when = datetime.fromisoformat(raw["t"].replace("Z", "+00:00"))
        if when.tzinfo is None:
            raise ValueError("cursor time has no zone")
        return when
    except (ValueError, KeyError, TypeError, AttributeError):
        raise ValidationError("Invalid cursor", details=[{
            "field": "query.cursor", "message": "Use the nextCursor value of a previous page",
            "code": "invalid_string", "received": cursor[:100]}]) from None


def _parse_time(name: str, value: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        parsed = None
    if parsed is None or parsed.tzinfo is None:
        raise ValidationError(details=[{"field": f"query.{name}", "code": "invalid_date", "received": value,
                                        "message": "Expected an ISO 8601 date-time with a zone"}])
    return parsed


def _filtered(user_id: str, args: dict[str, Any]) -> firestore.Query:
    """The user's submissions, narrowed by `status` and `platform` (equality filters: each sort
    has an index with and without them, firestore.indexes.json)."""
    from shared.platforms import ALIASES

    query = firestore_client().collection(SUBMISSIONS).where(filter=firestore.FieldFilter("userId", "==", user_id))
    status = args.get("status")
    if status is not None:
        if status not in SUBMISSION_STATUSES:
            raise ValidationError(details=[{"field": "query.status", "code": "invalid_enum_value", "received": status,
                                            "message": f"Expected one of: {', '.join(SUBMISSION_STATUSES)}"}])
        query = query.where(filter=firestore.FieldFilter("status", "==", status))
    platform = args.get("platform")
    if platform is not None:
        if platform not in ALIASES:
            raise ValidationError(details=[{"field": "query.platform", "code": "invalid_enum_value",
                                            "received": platform, "message": "Unknown platform"}])
        query = query.where(filter=firestore.FieldFilter("platforms", "array_contains", ALIASES[platform].value))
    return query


def _sort(args: dict[str, Any]) -> str:
    """`createdAt` or `scheduledTime`; a filter of the other kind is refused, naming it, rather
    than silently ignored."""
    scheduled = [name for name in ("scheduledAfter", "scheduledBefore") if args.get(name) is not None]
    created = [name for name in ("createdAfter", "createdBefore") if args.get(name) is not None]
    sort = args.get("sort") or ("scheduledTime" if scheduled else "createdAt")
    if sort not in ("createdAt", "scheduledTime"):
        raise ValidationError(details=[{"field": "query.sort", "code": "invalid_enum_value", "received": sort,
                                        "message": "Expected one of: createdAt, scheduledTime"}])
    wrong = scheduled if sort == "createdAt" else created
    if wrong:
        raise ValidationError(details=[{"field": f"query.{wrong[0]}", "code": "invalid_combination",
                                        "received": args.get(wrong[0]),
                                        "message": f"{wrong[0]} does not apply when sorting by {sort}: "
                                                   + ("use sort=scheduledTime" if sort == "createdAt"
                                                      else "use scheduledAfter/scheduledBefore")}])
    return sort


def _limit(args: dict[str, Any]) -> int:
    try:
        limit = int(args.get("limit", 20))
    except ValueError:
        limit = -1
    if not 1 <= limit <= MAX_PAGE:
        raise ValidationError(details=[{"field": "query.limit", "code": "too_big" if limit > MAX_PAGE else "too_small",
                                        "message": f"limit must be between 1 and {MAX_PAGE}",
                                        "received": args.get("limit")}])
    return limit


def list_posts(user_id: str, args: dict[str, Any]) -> dict:
    """Newest first (filters: status, platform, createdAfter, createdBefore), or with
    `sort=scheduledTime` the calendar (scheduledAfter, scheduledBefore); cursor paging."""
    limit = _limit(args)
    sort = _sort(args)
    query = _filtered(user_id, args)
    if sort == "scheduledTime":
        return _calendar(query, args, limit)
    after = _parse_time("createdAfter", args.get("createdAfter"))
    before = _parse_time("createdBefore", args.get("createdBefore"))
    cursor = args.get("cursor")
    if cursor:
        cursor_time = _decode_cursor(cursor)
        before = min(before, cursor_time) if before else cursor_time
    if after is not None:
        query = query.where(filter=firestore.FieldFilter("createdAt", ">", after))
    if before is not None:
        query = query.where(filter=firestore.FieldFilter("createdAt", "<", before))
    query = query.order_by("createdAt", direction=firestore.Query.DESCENDING).limit(limit + 1)
    snaps = list(query.stream())
    page, more = snaps[:limit], len(snaps) > limit
    data = [summary(s.id, s.to_dict()) for s in page]
    next_cursor = _encode_cursor(page[-1].get("createdAt"), page[-1].id) if more else None
    return {"data": data, "hasMore": more, "nextCursor": next_cursor}


# Posts without a scheduled time store null, which a range filter leaves out: the calendar is
# every post scheduled after this (long before Soku existed).
_NO_EARLIER = datetime(2000, 1, 1, tzinfo=timezone.utc)


def _calendar(query: firestore.Query, args: dict[str, Any], limit: int) -> dict:
    """Scheduled posts, earliest first. Many posts share a scheduled minute (a week's batch), so
    posts of one time are ordered by their id and the cursor is the last post's time and id:
    the next page starts right after that post, ties included."""
    after = _parse_time("scheduledAfter", args.get("scheduledAfter"))
    before = _parse_time("scheduledBefore", args.get("scheduledBefore"))
    query = query.where(filter=firestore.FieldFilter("scheduledTime", ">", after or _NO_EARLIER))
    if before is not None:
        query = query.where(filter=firestore.FieldFilter("scheduledTime", "<", before))
    query = query.order_by("scheduledTime").order_by(FieldPath.document_id())
    cursor = args.get("cursor")
    if cursor:
        at, last_id = _decode_calendar_cursor(cursor)
        query = query.start_after({"scheduledTime": at,
                                   FieldPath.document_id(): firestore_client().collection(SUBMISSIONS).document(last_id)})
    snaps = list(query.limit(limit + 1).stream())
    page, more = snaps[:limit], len(snaps) > limit
    next_cursor = _encode_calendar_cursor(page[-1].get("scheduledTime"), page[-1].id) if more else None
    return {"data": [summary(s.id, s.to_dict()) for s in page], "hasMore": more, "nextCursor": next_cursor}


def _encode_calendar_cursor(at: datetime, submission_id: str) -> str:
    raw = json.dumps({"sort": "scheduledTime", "t": clock.iso(at), "id": submission_id}).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode_calendar_cursor(cursor: str) -> tuple[datetime, str]:
    try:
        raw = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        if raw.get("sort") != "scheduledTime":
            raise ValueError("a cursor of another sort")
        at = datetime.fromisoformat(raw["t"].replace("Z", "+00:00"))
        submission_id = raw["id"]
        if at.tzinfo is None or not isinstance(submission_id, str) or not submission_id or "/" in submission_id:
            raise ValueError("cursor out of range")
        return at, submission_id
    except (ValueError, KeyError, TypeError, AttributeError):
        raise ValidationError("Invalid cursor", details=[{
            "field": "query.cursor", "message": "Use the nextCursor value of a previous page with the same sort",
            "code": "invalid_string", "received": cursor[:100]}]) from None
