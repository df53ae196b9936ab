"""HTTP functions `connections` (start connecting an account) and `oauthCallback`
(where the platforms send the user back; public, browser-facing).

Two functions because they face different callers: the start route is an API
call (API key or the web app's Firebase ID token), the begin page and the
callback are browser pages that carry no Soku credential at all (the flow
record says whose flow it is; a cookie set on the begin page says which browser
may finish it). The callback answers HTML or a redirect, so it stays out of the
JSON API's OpenAPI document, as the media downloads do.
"""

from __future__ import annotations

from firebase_functions import https_fn

from shared import secrets
from shared.models.common import ErrorEnvelope
from shared.models.connections import ConnectStartRequest, ConnectStartResponse, ManualConnectResponse
from shared.services.connections import flow, manual
from shared.web import oauth_pages, routes
from shared.web.api import Api, Auth, RequestContext
from shared.web.responses import Reply
from shared.web.validation import parse_body

api = Api("connections")


# API key (integrations) or Firebase ID token (the web app), checked by the pipeline before
# the rate limiter counts, so the call counts against its user, not its address (a shared
# egress is not one caller); a web-app user may connect accounts before subscribing.
@api.route("POST", "/v1/connections/{platform}/start", auth=Auth.API_KEY_OR_SIGNED_IN,
           summary="Start connecting an account (API key or Firebase ID token): a one-time link for the user's browser",
           request_model=ConnectStartRequest, response_model=ConnectStartResponse, tags=("account",),
           responses={401: ErrorEnvelope, 403: ErrorEnvelope, 503: ErrorEnvelope})
def start(ctx: RequestContext) -> dict:
    user_id = ctx.user_id
    platform = flow.parse_platform(ctx.path_params["platform"])
    # Where this caller reaches the callback: the origin (Hosting), or `…/api` through the api function.
    # The body is optional: only Mastodon reads one (`{"instanceUrl": "https://mastodon.social"}`,
    # the user's server); the other platforms' starts send none and ignore one.
    # Instagram's body may choose its login (`{"accountType": "instagram_login"}`: no Facebook Page).
    return flow.start(user_id, platform, routes.public_root(ctx.request), ctx.body,
                      called_as=ctx.path_params["platform"].lower())


# Platforms connected with credentials (Telegram, Discord, Bluesky): checked with the platform, then stored
# sealed; nothing is written when the platform refuses them. The body is the platform's own
# credentials model (`GET /v1/platforms/{platform}` shows it under `connection.fields`).
@api.route("POST", "/v1/connections/{platform}", auth=Auth.API_KEY_OR_SIGNED_IN,
           summary="Connect an account with credentials (Telegram, Discord, Bluesky): verified with the platform, then stored",
           response_model=ManualConnectResponse, success_status=201, tags=("account",),
           responses={200: ManualConnectResponse, 401: ErrorEnvelope, 403: ErrorEnvelope, 502: ErrorEnvelope})
def connect_with_credentials(ctx: RequestContext) -> Reply:
    platform = flow.parse_platform(ctx.path_params["platform"])
    credentials = parse_body(manual.credentials_model(platform), ctx.body)
    body, created = manual.connect(ctx.user_id, platform, credentials)
    return Reply(body, status=201 if created else 200)


@secrets.checked
@https_fn.on_request(secrets=secrets.CONNECT_START)
def connections(request: https_fn.Request) -> https_fn.Response:
    return api.handle(request)


@secrets.checked
@https_fn.on_request(secrets=secrets.OAUTH_CALLBACK)
def oauthCallback(request: https_fn.Request) -> https_fn.Response:
    return oauth_pages.handle(request)
