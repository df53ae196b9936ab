"""What Meta's Graph APIs (Facebook, Instagram, Threads) share on the wire.

The error envelope `{"error": {message, type, code, error_subcode,
error_user_msg, fbtrace_id}}`, the Business Use Case usage header that says
when a throttled app regains access, Graph's timestamp format, and reading a
cursor-paginated edge back to a time.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, Callable, Iterator
from urllib.parse import parse_qs, urlsplit

import httpx

from shared import clock
from shared.services.publishing.deletion import PostGone, for_deletion
from shared.services.publishing.errors import NotListedYet, PermanentError, RetryableError
from shared.services.publishing.reconcile import LOOKUP_PAGES, before_window

if TYPE_CHECKING:
    from shared.services.publishing.http import PlatformHttp


def graph_error(response: httpx.Response) -> dict[str, Any] | None:
    """The `error` object of a Graph response, if it has one."""
    try:
        body = response.json()
    except ValueError:
        return None
    error = body.get("error") if isinstance(body, dict) else None
    return error if isinstance(error, dict) else None


def object_gone(response: httpx.Response) -> bool:
    """Graph's answer about an object that does not exist (any more): code 100 with subcode 33,
    "Unsupported delete request. Object with ID '…' does not exist, cannot be loaded due to
    missing permissions, or does not support this operation" (developers.facebook.com/docs/
    graph-api/guides/error-handling), or a bare 404. The same words also cover a missing
    permission; for a post our own token made, it means the post is gone (a permission Graph
    refuses outright is code 10 / 200, answered with 403)."""
    if response.status_code == 404:
        return True
    error = graph_error(response)
    return error is not None and as_int(error.get("code")) == 100 and as_int(error.get("error_subcode")) == 33


def permission_refused(response: httpx.Response) -> bool:
    """Graph's permission errors: code 10 or 200-299 ("API permission", developers.facebook.com/
    docs/graph-api/guides/error-handling), whatever the HTTP status they come with."""
    if response.status_code == 403:
        return True
    error = graph_error(response)
    code = as_int(error.get("code")) if error is not None else None
    return code == 10 or (code is not None and 200 <= code <= 299)


def delete_object(make_http: Callable[[], "PlatformHttp"], platform_name: str, url: str) -> None:
    """`DELETE {url}` on Graph (a Page post or video, a Threads post) → `{"success": true}`.

    Graph's "no such object" answer (code 100 / subcode 33) also reads "cannot be loaded due to
    missing permissions", so it alone does not prove the post is gone: the object is read once
    with the same token, and only when that read finds nothing either is the post taken as
    already deleted (PostGone). A post the read still finds was refused for lack of a permission
    (an account connected before `threads_delete` was asked for, a Page role taken away).
    `make_http` is the publisher's `http(account)`: a fresh client per call.
    """
    deleting = for_deletion(make_http(), platform_name, object_gone, forbidden=permission_refused)
    try:
        body = deleting.request("DELETE", url).json()
    except PostGone:
        reading = for_deletion(make_http(), platform_name, object_gone, forbidden=lambda _: False)
        reading.request("GET", url, params={"fields": "id"})  # PostGone again: it really is gone
        raise PermanentError(f"{platform_name} refused to delete the post, which still exists: the account "
                             "lacks the permission to delete it; reconnect it", code="missing_permission") from None
    if body.get("success") is not True:
        raise PermanentError(f"{platform_name} did not delete the post: {body}", code="publish_rejected")


def as_int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def graph_message(error: dict[str, Any], platform_name: str) -> str:
    """The platform's own words: the user-facing message when it gives one."""
    return str(error.get("error_user_msg") or error.get("message") or f"Unknown {platform_name} error")


def regain_seconds(response: httpx.Response) -> float | None:
    """`estimated_time_to_regain_access` (minutes) from `X-Business-Use-Case-Usage`, in seconds."""
    raw = response.headers.get("X-Business-Use-Case-Usage")
    if not raw:
        return None
    try:
        usage = json.loads(raw)
    except ValueError:
        return None
    minutes = [entry.get("estimated_time_to_regain_access")
               for entries in (usage.values() if isinstance(usage, dict) else [])
               for entry in (entries if isinstance(entries, list) else []) if isinstance(entry, dict)]
    minutes = [float(m) for m in minutes if isinstance(m, (int, float))]
    return max(minutes) * 60 if minutes else None


def parse_timestamp(value: str | None) -> datetime | None:
    """Graph's `2026-11-25T01:02:03+0000` (with or without fractions), or ISO 8601."""
    if not value:
        return None
    for fmt in ("%Y-%m-%dT%H:%M:%S%z", "%Y-%m-%dT%H:%M:%S.%f%z"):
        try:
            return datetime.strptime(value, fmt)
        except ValueError:
            continue
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return None


# What a time-paged `paging.next` carries that the next request must pass back.
_TIME_PAGING = ("until", "since", "__paging_token", "after")


def edge_page(body: dict[str, Any]) -> tuple[list[dict[str, Any]], dict[str, str] | None]:
    """One page of an edge: (its `data`, the parameters that ask for the next page, or None on
    the last page: no `paging.next`).

    Cursor-paged pages carry `paging.cursors.after`. Feeds may page by time instead: `next` with
    `until` and `__paging_token` and no cursors (python-facebook's recording of a real answer,
    testdata/facebook/apidata/posts/feed_fields_p1.json; tests/test_recorded_answers.py); those
    parameters (the non-empty ones) are taken from `next`."""
    paging = body.get("paging") or {}
    data = body.get("data") or []
    if not paging.get("next"):
        return data, None
    after = (paging.get("cursors") or {}).get("after")
    if after:
        return data, {"after": after}
    query = parse_qs(urlsplit(str(paging["next"])).query)
    following = {name: query[name][0] for name in _TIME_PAGING if query.get(name) and query[name][0]}
    return data, following or None


def listed_since(http: "PlatformHttp", url: str, params: dict[str, Any], armed_at: datetime, *,
                 time_field: str, limit: int) -> Iterator[dict[str, Any]]:
    """A newest-first edge's entries, page after page, until one is older than the window of a
    create armed at `armed_at` or LOOKUP_PAGES were read: a busy account can have more posts
    in the window than one page holds.

    Cursor-based paging (developers.facebook.com/docs/graph-api/results, "Cursor-based
    Pagination"; Threads and Instagram edges page the same way): `limit` objects a page, then
    pass `paging.cursors.after` back as `after`. No `paging.next` means the last page; a page
    shorter than `limit` does not (Graph may filter some objects out of a page)."""
    params = params | {"limit": limit}
    for _ in range(LOOKUP_PAGES):
        body = http.request("GET", url, params=params).json()
        entries, following = edge_page(body)
        for entry in entries:
            if before_window(parse_timestamp(entry.get(time_field)), armed_at):
                return
            yield entry
        if not following:
            return
        params = params | following


def await_containers(ctx, makers: dict[str, Callable[[], dict]], *,
                     create: Callable[[str, dict], None],
                     status: Callable[[str], tuple[str, str | None]],
                     on_error: Callable[[str, str | None], None],
                     limits, platform_name: str) -> dict[str, str]:
    """Ensure a media container per key exists and is FINISHED; return their ids.

    Instagram and Threads publish through containers that the platform fills by
    pulling our media: each is created once (its id kept in the checkpoint, so a
    retry re-checks it rather than making another), polled with backoff until
    FINISHED, recreated when EXPIRED (unpublished for 24 h), and handed to
    `on_error` (which raises) on ERROR. Past `limits.processing_timeout_s` the
    attempt ends retryable, to check again later.
    """
    containers: dict[str, Any] = ctx.checkpoint["containers"]
    for key, make in makers.items():
        if key not in containers:
            create(key, make())
    pending = list(makers)
    delay = limits.first_poll_interval_s
    deadline = clock.now() + timedelta(seconds=limits.processing_timeout_s)
    while True:
        changed = False
        for key in list(pending):
            entry = containers[key]
            state, detail = status(entry["id"])
            if state != entry.get("status"):
                entry["status"] = state
                changed = True
            if state in ("FINISHED", "PUBLISHED"):
                pending.remove(key)
            elif state == "ERROR":
                on_error(key, detail)
            elif state == "EXPIRED":
                create(key, makers[key]())  # the platform dropped it: make a fresh one and wait
        if changed:
            ctx.save(containers=containers)
        if not pending:
            return {key: containers[key]["id"] for key in makers}
        if clock.now() > deadline:
            raise RetryableError(f"{platform_name} is still processing the media; will check again",
                                 code="media_processing")
        ctx.sleep(delay)
        delay = min(delay * 2, limits.max_poll_interval_s)


def find_after_container(checkpoint: dict, status_of: Callable[[str], tuple[str | None, Any]],
                         find_listed: Callable[[dict], Any], missing: str) -> Any:
    """Instagram's and Threads' lookup for an armed create: what the post's container says first.

    No container made: nothing can have been published. A container that says it was never
    published: nor was the post. Otherwise (published, or a container the platform no longer
    knows) the account's listing decides; a container that says PUBLISHED while the listing
    does not show the post yet is NotListedYet (`missing` says where), so the run looks again
    rather than creating it a second time."""
    post = (checkpoint.get("containers") or {}).get("post")
    if not post:
        return None
    try:
        status, _ = status_of(post["id"])
    except PermanentError:
        status = None  # the container is unknown to the platform now: the listing decides
    if status is not None and status != "PUBLISHED":
        return None
    found = find_listed(post)
    if found is None and status == "PUBLISHED":
        raise NotListedYet(f"{missing}; checking again")
    return found
