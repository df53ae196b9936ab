"""HTTP function `apiKeys`: key management, for the web app (Firebase ID token) and for a key
holding `keys:manage` (which never grants scopes it does not hold)."""

from __future__ import annotations

from firebase_functions import https_fn

from shared import clock
from shared.errors import InsufficientScopeError, ValidationError
from shared.models.api_keys import (
    CreateApiKeyRequest,
    CreateApiKeyResponse,
    ListApiKeysResponse,
    RevokeApiKeyResponse,
    RotateApiKeyRequest,
    RotateApiKeyResponse,
)
from shared.services import api_keys as keys
from shared.services import key_scopes
from shared.web.api import Api, Auth, RequestContext
from shared.web.auth import ApiKeyPrincipal
from shared.web.responses import Reply
from shared.web.validation import parse_body

api = Api("apiKeys")

# A signed-in user needs no subscription to manage keys (as before); a key needs one, as everywhere.
KEY_OR_USER = Auth.API_KEY_OR_SIGNED_IN


def _granted(ctx: RequestContext) -> frozenset[str] | None:
    """The scopes the caller may hand on: a key's own (None: a signed-in user, who holds all)."""
    principal = ctx.principal
    if isinstance(principal, ApiKeyPrincipal):
        return principal.scopes if principal.scopes is not None else key_scopes.ALL_SCOPES
    return None


@api.route("POST", "/v1/api-keys", auth=KEY_OR_USER, summary="Create an API key (shown once)",
           request_model=CreateApiKeyRequest, response_model=CreateApiKeyResponse, success_status=201,
           tags=("api-keys",))
def create_key(ctx: RequestContext) -> Reply:
    body = parse_body(CreateApiKeyRequest, ctx.body if ctx.body is not None else {})
    requested = body.scopes
    if requested is not None:
        unknown = key_scopes.unknown(requested)
        if unknown:
            raise ValidationError(f"Unknown scope {unknown[0]}", details=[
                {"field": f"body.scopes.{requested.index(name)}", "code": "unknown_scope", "received": name,
                 "message": f"Unknown scope {name}; the scopes are: {', '.join(key_scopes.SCOPES)}"}
                for name in unknown])
    granted = _granted(ctx)
    if granted is not None:
        if requested is None:  # a key's key holds at most what the key holds
            requested = None if granted == key_scopes.ALL_SCOPES else list(granted)
        else:
            lacking = set(requested) - granted
            if lacking:
                raise InsufficientScopeError.cannot_grant(key_scopes.ordered(lacking), key_scopes.ordered(granted))
    raw = keys.create_key(ctx.user_id, body.name, requested, body.kind)
    return Reply({"apiKey": raw, "id": keys.hash_key(raw)}, status=201)


@api.route("GET", "/v1/api-keys", auth=KEY_OR_USER, summary="List your API keys",
           response_model=ListApiKeysResponse, tags=("api-keys",))
def list_keys(ctx: RequestContext) -> dict:
    return {"keys": keys.list_keys(ctx.user_id)}


@api.route("DELETE", "/v1/api-keys/{key_id}", auth=KEY_OR_USER, summary="Revoke an API key",
           response_model=RevokeApiKeyResponse, tags=("api-keys",))
def revoke_key(ctx: RequestContext) -> dict:
    keys.revoke_key(ctx.user_id, ctx.path_params["key_id"])
    return {"revoked": True}


@api.route("POST", "/v1/api-keys/{key_id}/rotate", auth=KEY_OR_USER,
           summary="Rotate an API key: a new secret with its name, scopes and kind; the old one works for a "
                   "grace period",
           request_model=RotateApiKeyRequest, response_model=RotateApiKeyResponse, success_status=201,
           tags=("api-keys",))
def rotate_key(ctx: RequestContext) -> Reply:
    body = parse_body(RotateApiKeyRequest, ctx.body if ctx.body is not None else {})
    rotated = keys.rotate_key(ctx.user_id, ctx.path_params["key_id"], body.gracePeriodHours, _granted(ctx))
    return Reply({"apiKey": rotated.raw_key, "id": rotated.key_id, "rotatedFrom": rotated.old_key_id,
                  "oldKeyExpiresAt": clock.iso(rotated.old_expires_at)}, status=201)


@https_fn.on_request()
def apiKeys(request: https_fn.Request) -> https_fn.Response:
    return api.handle(request)
