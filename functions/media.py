"""HTTP functions `media` (the JSON API) and `mediaFiles` (public delivery).

Two functions because they need different things: ingest holds a request
open for as long as a big download takes (long timeout, few at a time),
delivery serves many concurrent ranged reads, publicly, outside the API's
per-caller rate limits.
"""

from __future__ import annotations

from firebase_functions import https_fn, options

from shared.errors import SokuError
from shared.models.media import (
    CreateMediaRequest,
    CreateMediaResponse,
    CreateUploadRequest,
    DeleteMediaResponse,
    MediaDocument,
    MediaListQuery,
    MediaListResponse,
    UpdateMediaRequest,
    UploadMediaForm,
    UploadSession,
)
from shared.services import budgets
from shared.services.media import ingest, library, listing, quotas, upload_sessions, uploads
from shared.web import media_files, multipart
from shared.web.api import Api, RequestContext
from shared.web.auth import ApiKeyPrincipal
from shared.web.responses import Reply
from shared.web.tiers import caller_tier
from shared.web.validation import parse_body

api = Api("media")


@api.route("POST", "/v1/media", summary="Store media: fetch a remote URL (JSON) or take a file (multipart, "
           "up to 30 MiB); returns a stable URL",
           request_model=CreateMediaRequest, form_model=UploadMediaForm, response_model=CreateMediaResponse,
           success_status=201, tags=("media",))
def create(ctx: RequestContext) -> Reply:
    principal = ctx.principal
    assert isinstance(principal, ApiKeyPrincipal)
    if ctx.request.mimetype == "multipart/form-data":  # left unread by the pipeline (form_model)
        doc = _store_multipart(ctx, principal)
    else:
        body = parse_body(CreateMediaRequest, ctx.body)
        quotas.check_storage(principal.user_id, _tier(ctx))
        meter = _bytes_meter(ctx)
        meter.check()  # nothing left today: refused before the download
        doc = ingest.ingest_remote(principal.user_id, principal.key_hash, body.url, meter=meter)
    return Reply({"id": doc["id"], "url": doc["url"]}, status=201)


def _store_multipart(ctx: RequestContext, principal: ApiKeyPrincipal) -> dict:
    try:
        quotas.check_storage(principal.user_id, _tier(ctx))
        meter = _bytes_meter(ctx)
        meter.check()  # nothing left today: refused before the body is read
        part = multipart.open_file_part(ctx.request, uploads.DIRECT_UPLOAD_MAX_BYTES)
        return uploads.store_upload(principal.user_id, principal.key_hash, part.filename, part.chunks,
                                    meter=meter)
    except SokuError:
        # Refused before the body was read to its end: read the rest so that the client,
        # still sending, gets this answer rather than a reset connection.
        multipart.drain(ctx.request)
        raise


def _tier(ctx: RequestContext) -> str:
    """The caller's rate-limit tier, which also sets its media quotas and daily limits."""
    return caller_tier(ctx).name


def _bytes_meter(ctx: RequestContext) -> budgets.Meter:
    return budgets.Meter(ctx.user_id, lambda: _tier(ctx), "mediaBytes")


# Literal paths: the pipeline never reads them as a {media_id} (shared/web/api.py _match).
@api.route("POST", "/v1/media/uploads", summary="Open an upload session: PUT a large file straight to "
           "Cloud Storage, then complete it", request_model=CreateUploadRequest, response_model=UploadSession,
           success_status=201, tags=("media",))
def create_upload(ctx: RequestContext) -> Reply:
    body = parse_body(CreateUploadRequest, ctx.body)
    principal = ctx.principal
    assert isinstance(principal, ApiKeyPrincipal)
    upload_sessions.check_size(body.size)
    quotas.check_new_upload(principal.user_id, _tier(ctx), body.size)
    _bytes_meter(ctx).check(body.size)  # charged on complete; refused now if it could not fit today
    view = upload_sessions.create_upload(principal.user_id, principal.key_hash, body.size, body.contentType,
                                         body.filename, origin=ctx.request.headers.get("Origin"))
    return Reply(view, status=201)


@api.route("GET", "/v1/media/uploads/{upload_id}", summary="One of your upload sessions",
           response_model=UploadSession, tags=("media",))
def get_upload(ctx: RequestContext) -> dict:
    return upload_sessions.get_upload(ctx.user_id, ctx.path_params["upload_id"])


@api.route("POST", "/v1/media/uploads/{upload_id}/complete", summary="Turn an uploaded file into media "
           "(idempotent); returns its stable URL", response_model=CreateMediaResponse, tags=("media",))
def complete_upload(ctx: RequestContext) -> dict:
    doc = upload_sessions.complete_upload(ctx.user_id, ctx.path_params["upload_id"], meter=_bytes_meter(ctx))
    return {"id": doc["id"], "url": doc["url"]}


@api.route("GET", "/v1/media", summary="Your media library, newest first: filter by type, tag and creation "
           "time; page with cursor", query_model=MediaListQuery, response_model=MediaListResponse,
           tags=("media",))
def list_media(ctx: RequestContext) -> dict:
    query: MediaListQuery = ctx.query
    return listing.list_media(ctx.user_id, limit=query.limit, cursor=query.cursor, kind=query.type,
                              tag=query.tag.strip().casefold() if query.tag else None,
                              created_after=query.createdAfter, created_before=query.createdBefore)


@api.route("PATCH", "/v1/media/{media_id}", summary="Tag your media and give it alt text",
           request_model=UpdateMediaRequest, response_model=MediaDocument, tags=("media",))
def update_media(ctx: RequestContext) -> dict:
    body = parse_body(UpdateMediaRequest, ctx.body)
    return library.update_media(ctx.user_id, ctx.path_params["media_id"], body.changes())


@api.route("GET", "/v1/media/{media_id}", summary="One of your media documents",
           response_model=MediaDocument, tags=("media",))
def get_media(ctx: RequestContext) -> dict:
    return library.get_media(ctx.user_id, ctx.path_params["media_id"])


@api.route("DELETE", "/v1/media/{media_id}", summary="Delete the stored file and its document",
           response_model=DeleteMediaResponse, tags=("media",))
def delete_media(ctx: RequestContext) -> dict:
    library.delete_media(ctx.user_id, ctx.path_params["media_id"])
    return {"deleted": True}


@https_fn.on_request(timeout_sec=540, memory=options.MemoryOption.MB_512, cpu=1, concurrency=8)
def media(request: https_fn.Request) -> https_fn.Response:
    return api.handle(request)


@https_fn.on_request(timeout_sec=300, memory=options.MemoryOption.MB_512, cpu=1, concurrency=40)
def mediaFiles(request: https_fn.Request) -> https_fn.Response:
    # Public, no API key; not through Api.handle (see media_files.handle for why).
    return media_files.handle(request)
