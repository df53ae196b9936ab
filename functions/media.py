"""HTTP functions `media` (the JSON API) and `mediaFiles` (public delivery).

Two functions because they need different things: ingest holds a request
open for as long as a big download takes (long timeout, few at a time),
delivery serves many concurrent ranged reads, publicly, outside the API's
per-caller rate limits.
"""

from __future__ import annotations

from firebase_functions import https_fn, options

from shared.models.media import CreateMediaRequest, CreateMediaResponse, DeleteMediaResponse, MediaDocument
from shared.services.media import ingest, library
from shared.web import media_files
from shared.web.api import Api, RequestContext
from shared.web.auth import ApiKeyPrincipal
from shared.web.responses import Reply
from shared.web.validation import parse_body

api = Api("media")


@api.route("POST", "/v1/media", summary="Fetch remote media into Cloud Storage; returns a stable URL",
           request_model=CreateMediaRequest, response_model=CreateMediaResponse, success_status=201,
           tags=("media",))
def create(ctx: RequestContext) -> Reply:
    body = parse_body(CreateMediaRequest, ctx.body)
    principal = ctx.principal
    assert isinstance(principal, ApiKeyPrincipal)
    doc = ingest.ingest_remote(principal.user_id, principal.key_hash, body.url)
    return Reply({"id": doc["id"], "url": doc["url"]}, status=201)


@api.route("GET", "/v1/media/{media_id}", summary="One of your media documents",
           response_model=MediaDocument, tags=("media",))
def get_media(ctx: RequestContext) -> dict:
    return library.get_media(ctx.user_id, ctx.path_params["media_id"])


@api.route("DELETE", "/v1/media/{media_id}", summary="Delete the stored file and its document (idempotent)",
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
