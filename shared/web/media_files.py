"""Public delivery of stored media: `GET|HEAD {MEDIA_PUBLIC_BASE}/{id}.{ext}`.

Objects stay private in the bucket; this streams them (shared/services/media/delivery.py
finds them and reads their bytes). Platforms fetch our URLs themselves (Instagram,
Threads, TikTok pull by URL), several of them by byte ranges, so single ranges answer
206 with exact bytes, and ETag / Last-Modified make revalidation cheap. A request with
several ranges gets the whole file (200), which RFC 9110 section 14.2 allows and every
client handles.
"""

from __future__ import annotations

import logging
from datetime import datetime

from flask import Request, Response
from werkzeug.http import http_date, parse_date

from shared.config import ConfigurationError
from shared.errors import InternalError, MethodNotAllowedError, MisconfiguredError, SokuError
from shared.services.media import delivery, pull_grants
from shared.web.request_context import bind, carry, request_id_for
from shared.web.responses import error_response, finish

log = logging.getLogger("soku.media")

# Content under an id never changes (uploads are create-only), so caches may
# keep it; an hour bounds how long a deleted file can still be served from one.
CACHE_CONTROL = "public, max-age=3600"


class RangeNotSatisfiableError(SokuError):
    status = 416
    code = "range_not_satisfiable"
    message = "Requested range not satisfiable"


def parse_range(header: str | None, size: int) -> tuple[int, int] | None:
    """(first, last) inclusive for a single satisfiable `bytes=` range, None to send
    the whole file; raises RangeNotSatisfiableError for a range past the end."""
    if not header:
        return None
    unit, _, spec = header.partition("=")
    if unit.strip().lower() != "bytes":
        return None
    specs = [s.strip() for s in spec.split(",") if s.strip()]
    if len(specs) != 1:
        return None
    first, dash, last = specs[0].partition("-")
    first, last = first.strip(), last.strip()
    if not dash or (first and not first.isdigit()) or (last and not last.isdigit()) or not (first or last):
        return None  # malformed: RFC 9110 says ignore the header
    if not first:  # suffix range: the last N bytes
        count = int(last)
        if count == 0 or size == 0:
            raise _unsatisfiable(size)
        return max(0, size - count), size - 1
    start = int(first)
    end = int(last) if last else size - 1
    if last and end < start:
        return None  # invalid, so ignored (RFC 9110 14.1.1)
    if start >= size:
        raise _unsatisfiable(size)
    return start, min(end, size - 1)


def _unsatisfiable(size: int) -> RangeNotSatisfiableError:
    return RangeNotSatisfiableError(
        f"The range starts beyond the end of the file ({size} bytes)",
        headers={"Content-Range": f"bytes */{size}", "Accept-Ranges": "bytes"},
    )


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
    limit, nor cost a Firestore write per range.
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


def serve(request: Request, file_name: str) -> Response:
    media = delivery.find(file_name)
    grant = request.args.get("grant")
    if grant is not None:
        # An attempt's own URL (a pull by URL): its first fetch is recorded, a revoked one refused.
        pull_grants.record_fetch(grant, file_name.rsplit(".", 1)[0])
    size, etag, updated = media.size, media.etag, media.updated
    last_modified = http_date(updated) if updated else None
    headers = {"ETag": etag, "Cache-Control": CACHE_CONTROL, "Accept-Ranges": "bytes",
               # Only sniffed media is stored; this keeps a browser from treating it as a page.
               "Content-Security-Policy": "default-src 'none'; sandbox"}
    if last_modified:
        headers["Last-Modified"] = last_modified
    if _not_modified(request, etag, updated):
        return Response(status=304, headers=headers)

    content_type = media.content_type
    byte_range = parse_range(request.headers.get("Range"), size) if _range_applies(
        request, etag, last_modified) else None
    if byte_range is None:
        start, end, status = 0, size - 1, 200
    else:
        start, end = byte_range
        status = 206
        headers["Content-Range"] = f"bytes {start}-{end}/{size}"
    headers["Content-Length"] = str(end - start + 1)
    # The body streams after handle() returned: carry the request's log context into it.
    body = [] if request.method == "HEAD" or size == 0 else carry(delivery.read(media, start, end))
    response = Response(body, status=status, headers=headers, content_type=content_type,
                        direct_passthrough=True)
    # Response() computed a length for the empty HEAD body; the real one is the object's.
    response.headers["Content-Length"] = str(end - start + 1)
    return response
