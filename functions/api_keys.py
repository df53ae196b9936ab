"""HTTP function `apiKeys`: key management for the web app (Firebase ID token)."""

from __future__ import annotations

from firebase_functions import https_fn

from shared.models.api_keys import (
    CreateApiKeyRequest,
    CreateApiKeyResponse,
    ListApiKeysResponse,
    RevokeApiKeyResponse,
)
from shared.services import api_keys as keys
from shared.web.api import Api, Auth, RequestContext
from shared.web.responses import Reply
from shared.web.validation import parse_body

api = Api("apiKeys")


@api.route("POST", "/v1/api-keys", auth=Auth.FIREBASE, summary="Create an API key (shown once)",
           request_model=CreateApiKeyRequest, response_model=CreateApiKeyResponse, success_status=201,
           tags=("api-keys",))
def create_key(ctx: RequestContext) -> Reply:
    body = parse_body(CreateApiKeyRequest, ctx.body if ctx.body is not None else {})
    raw = keys.create_key(ctx.user_id, body.name)
    return Reply({"apiKey": raw, "id": keys.hash_key(raw)}, status=201)


@api.route("GET", "/v1/api-keys", auth=Auth.FIREBASE, summary="List your API keys",
           response_model=ListApiKeysResponse, tags=("api-keys",))
def list_keys(ctx: RequestContext) -> dict:
    return {"keys": keys.list_keys(ctx.user_id)}


@api.route("DELETE", "/v1/api-keys/{key_id}", auth=Auth.FIREBASE, summary="Revoke an API key",
           response_model=RevokeApiKeyResponse, tags=("api-keys",))
def revoke_key(ctx: RequestContext) -> dict:
    keys.revoke_key(ctx.user_id, ctx.path_params["key_id"])
    return {"revoked": True}


@https_fn.on_request()
def apiKeys(request: https_fn.Request) -> https_fn.Response:
    return api.handle(request)
