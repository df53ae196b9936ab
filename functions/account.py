"""HTTP function `account`: who the API key belongs to (`GET /v1/me`).

Zapier and SDKs call this as their connection test: it exercises the whole
authentication path (key hash lookup, revocation, subscription) and nothing else.
"""

from __future__ import annotations

from firebase_functions import https_fn

from shared.web.api import Api, RequestContext
from shared.web.auth import ApiKeyPrincipal

api = Api("account")


@api.route("GET", "/v1/me")
def me(ctx: RequestContext) -> dict:
    principal = ctx.principal
    assert isinstance(principal, ApiKeyPrincipal)
    return {
        "userId": principal.user_id,
        "keyId": principal.key_hash,
        "subscription": {"status": principal.subscription_status},
    }


@https_fn.on_request()
def account(request: https_fn.Request) -> https_fn.Response:
    return api.handle(request)
