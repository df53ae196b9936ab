"""Public delivery of stored media: `GET|HEAD {MEDIA_PUBLIC_BASE}/{id}.{ext}`.

Objects stay private in the bucket; this streams them (shared/services/media/delivery.py
finds them and reads their bytes). Platforms fetch our URLs themselves (Instagram,
Threads, TikTok pull by URL), several of them by byte ranges, so single ranges answer
206 with exact bytes, several ranges a bounded 206 multipart/byteranges
(shared/web/byte_ranges.py), and ETag / Last-Modified make revalidation cheap.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Iterable

from flask import Request, Response
from werkzeug.http import http_date, parse_date

from shared.config import ConfigurationError, get_settings
from shared.errors import InternalError, MethodNotAllowedError, MisconfiguredError, SokuError
from shared.services import rate_limits
from shared.services.media import delivery, delivery_budget, pull_grants
from shared.web import byte_ranges
from shared.web.byte_ranges import RangeNotSatisfiableError  # noqa: F401 - re-exported
from shared.web.request_context import bind, carry, request_id_for
from shared.web.responses import error_response, finish

log = logging.getLogger("soku.media")

# Content under an id never changes (uploads are create-only, ids are never reused), so
# Hosting's CDN and every other cache may keep it for good: repeat fetches never reach the
# function. The price: a deleted file can be served from a cache until it is evicted (a
# Hosting deploy clears Hosting's CDN). Answers for one pull grant are never stored: each
# fetch must reach us to be recorded, and a revoked grant must stop working.
CACHE_CONTROL = "public, max-age=31536000, immutable"
NOT_STORED = "private, no-store"


def _etag_matches(header: str, etag: str) -> bool:
    # If-None-Match uses the weak comparison: W/"x" matches "x".
    candidates = [c.strip() for c in header.split(",")]
    return "*" in candidates or any(c.removeprefix("W/") == etag for c in candidates)


def _not_modified(request: Request, etag: str, updated: datetime | None) -> bool:
    if_none_match = request.headers.get("If-None-Match")
    if if_none_match is not None:
        return _etag_matches(if_none_match, etag)
    since = parse_date(request.headers.get("If-Modified-Since"))
    return bool(since and updated and updated.replace(microsecond=0) <= since)


def _range_applies(request: Request, etag: str, last_modified: str | None) -> bool:
    if_range = request.headers.get("If-Range")
    if if_range is None:
        return True
    if_range = if_range.strip()
    if if_range.startswith(('"', "W/")):
        return if_range == etag  # strong comparison; a weak tag never matches
    return last_modified is not None and if_range == last_modified


def handle(request: Request) -> Response:
    """The whole HTTP exchange: request id, security headers and error envelope as
    in the API pipeline, but deliberately not `Api.handle`'s per-caller rate
    limits and request logs. This is a file server for platforms (the spec's
    storage.mysoku.io host, not an API endpoint): a platform pulling one video
    by dozens of ranges from one address must not hit the 25/min anonymous
    limit, nor cost a Firestore write per range. What bounds it is the bytes
    each client is sent per window (shared/services/media/delivery_budget.py).
    """
    request_id = request_id_for(request)
    with bind(request, request_id):
        return finish(_respond(request, request_id), request_id)


def _respond(request: Request, request_id: str) -> Response:
    try:
        if request.method not in ("GET", "HEAD"):
            raise MethodNotAllowedError(f"Method {request.method} is not allowed on {request.path}; "
                                        "allowed: GET, HEAD", headers={"Allow": "GET, HEAD"})
        # Behind Hosting the function sees the full path (/media/<id>.<ext>); at
        # its own URL or a domain mapped to it (storage.mysoku.io), /<id>.<ext>.
        path = request.path.removeprefix("/media/") if request.path.startswith("/media/") else request.path[1:]
        response = serve(request, path)
    except SokuError as error:
        response = error_response(error, request_id)
    except ConfigurationError as exc:  # 503 naming the setting, as the API pipeline answers
        log.error("media delivery cannot serve %s: %s", request.path, exc)
        response = error_response(MisconfiguredError.of(exc), request_id)
    except Exception as exc:  # noqa: BLE001 - crashes become the 500 envelope, as everywhere
        log.exception("media delivery failed (request %s)", request_id)
        error = InternalError()
        error.__cause__ = exc
        response = error_response(error, request_id)
    return response


def _client(request: Request, grant: str | None) -> str:
    """Whose delivery budget an answer spends: its grant's (checked valid by then), else its
    caller's address, as the rate limiter determines it."""
    if grant is not None:
        return f"grant:{grant}"
    ip = rate_limits.client_ip(request.remote_addr, request.headers.get("X-Forwarded-For"),
                               rate_limits.came_through_hosting(request.headers))
    return f"ip:{ip}"


def _redirect(media: delivery.StoredMedia) -> Response | None:
    """302 to a short-lived signed URL of the object, for files above what Hosting's CDN caches
    (SOKU_MEDIA_REDIRECT_BYTES): Cloud Storage serves the bytes, ranges included, and the
    function's instances stay free. None when no URL can be signed: the function serves it."""
    try:
        url = delivery.signed_url(media, get_settings().media_signed_url_ttl_s)
    except Exception:  # noqa: BLE001 - e.g. no signBlob permission: serve it ourselves, loudly
        log.exception("cannot sign a URL for %s; serving it through the function", media.blob.name)
        return None
    # Not stored by any cache: the URL expires, and the budget counts each redirect.
    return Response(status=302, headers={"Location": url, "Cache-Control": NOT_STORED})


def serve(request: Request, file_name: str) -> Response:
    media = delivery.find(file_name)
    grant = request.args.get("grant")
    if grant is not None:
        # An attempt's own URL (a pull by URL): its first fetch is recorded, a revoked one refused.
        pull_grants.record_fetch(grant, file_name.rsplit(".", 1)[0])
    size, etag, updated = media.size, media.etag, media.updated
    last_modified = http_date(updated) if updated else None
    headers = {"ETag": etag, "Cache-Control": CACHE_CONTROL if grant is None else NOT_STORED, "Accept-Ranges": "bytes",
               # Only sniffed media is stored; this keeps a browser from treating it as a page.
               "Content-Security-Policy": "default-src 'none'; sandbox"}
    if last_modified:
        headers["Last-Modified"] = last_modified
    if _not_modified(request, etag, updated):
        return Response(status=304, headers=headers)

    content_type = media.content_type
    ranges = byte_ranges.parse_ranges(request.headers.get("Range"), size) if _range_applies(
        request, etag, last_modified) else None
    multipart = None
    if ranges is None:
        start, end, status = 0, size - 1, 200
        length = size
    elif len(ranges) == 1:
        (start, end), status = ranges[0], 206
        headers["Content-Range"] = f"bytes {start}-{end}/{size}"
        length = end - start + 1
    else:
        multipart = byte_ranges.Multipart.of(ranges, size, content_type)
        status, content_type, length = 206, multipart.media_type, multipart.length()
    headers["Content-Length"] = str(length)
    if request.method == "GET":
        delivery_budget.charge(_client(request, grant), length)
        if grant is None and multipart is None and 0 < get_settings().media_redirect_bytes < size:
            redirect = _redirect(media)
            if redirect is not None:
                return redirect
    # The body streams after handle() returned: carry the request's log context into it.
    if request.method == "HEAD" or size == 0:
        body: Iterable[bytes] = []
    elif multipart is not None:
        body = carry(multipart.body(lambda first, last: delivery.read(media, first, last)))
    else:
        body = carry(delivery.read(media, start, end))
    response = Response(body, status=status, headers=headers, content_type=content_type,
                        direct_passthrough=True)
    # Response() computed a length for the empty HEAD body; the real one is the answer's.
    response.headers["Content-Length"] = str(length)
    return response
