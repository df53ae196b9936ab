"""HTTP function `account`: who the API key belongs to and what it can post to.

`GET /v1/me` is Zapier's (and the SDKs') connection test: it exercises the
whole authentication path (key hash lookup, revocation, subscription) and
shows the key, tier and AI credits. `GET /v1/accounts` lists the connected
accounts per platform with the `accountId` a post targets: the dropdown of a
Zapier "Create post" action. `GET /v1/accounts/{id}` adds the account's health
and `DELETE /v1/accounts/{id}` disconnects it (shared/services/connections);
`GET /v1/accounts/{id}/boards` lists a Pinterest account's boards (shared/services/boards.py),
`GET /v1/accounts/{id}/flairs` a subreddit's post flairs for a Reddit account (shared/services/flairs.py);
`PUT/GET /v1/accounts/{id}/schedule` its weekly posting slots, which `"scheduledTime": "next_slot"`
fills (shared/services/posts/slots.py).
`DELETE /v1/me` (the console's signed-in user) deletes the user and everything
they own (shared/services/privacy/users.py).
"""

from __future__ import annotations

from firebase_functions import https_fn

from shared import clock, secrets
from shared.errors import NotFoundError
from shared.models.boards import BoardsQuery, BoardsResponse
from shared.models.flairs import FlairsQuery, FlairsResponse
from shared.models.account import AccountsQuery, AccountsResponse, MeResponse
from shared.models.connections import AccountDetail, AccountQuery, DisconnectResponse
from shared.models.metrics import AccountMetricsQuery, AccountMetricsResponse
from shared.models.platforms import AccountCapabilities
from shared.models.privacy import DeleteMeRequest, DeleteMeResponse
from shared.models.schedule import NextSlotView, PostingSchedule, ScheduleView
from shared.services import accounts, boards, budgets, flairs, key_scopes, platform_catalog
from shared.services.analytics import service as analytics
from shared.services.connections import store as connections
from shared.services.connections.flow import parse_platform
from shared.services.posts import slots
from shared.services.privacy import users
from shared.web.api import Api, Auth, RequestContext
from shared.web.auth import ApiKeyPrincipal
from shared.web.responses import Reply
from shared.web.tiers import caller_tier
from shared.web.validation import parse_body

api = Api("account")


@api.route("GET", "/v1/me", summary="Who this API key belongs to: key, tier, subscription, credits",
           response_model=MeResponse, tags=("account",))
def me(ctx: RequestContext) -> dict:
    principal = ctx.principal
    assert isinstance(principal, ApiKeyPrincipal)
    info = accounts.profile(principal.user_id)
    tier = caller_tier(ctx)
    return {
        "userId": principal.user_id,
        "keyId": principal.key_hash,
        "key": {"id": principal.key_hash, "name": principal.key_name,
                "scopes": key_scopes.ordered(principal.scopes or key_scopes.ALL_SCOPES), "kind": principal.kind},
        "email": info["email"],
        "displayName": info["displayName"],
        "tier": tier.name,
        "rateLimit": {"tier": tier.name, "limit": tier.limit, "burst": tier.burst},
        "subscription": {"status": principal.subscription_status},
        "credits": {"balance": info["creditsBalance"]},
        "usage": budgets.usage_view(principal.user_id, tier.name),
    }


@api.route("DELETE", "/v1/me", auth=Auth.FIREBASE, summary="Delete your Soku account and everything in it "
           "(accounts and tokens, keys, posts, media, webhooks, logs, credits); confirm with your user id",
           request_model=DeleteMeRequest, response_model=DeleteMeResponse, tags=("account",))
def delete_me(ctx: RequestContext) -> dict:
    body = parse_body(DeleteMeRequest, ctx.body if ctx.body is not None else {})
    result = users.delete_user(ctx.user_id, body.confirm)
    # The user is gone: this call is not logged under them (the request log would recreate users/{uid}),
    # and its answer is still the caller's alone.
    ctx.call.principal = None
    ctx.extra_headers["Cache-Control"] = "private, no-store"
    return result


@api.route("GET", "/v1/accounts", summary="Connected accounts per platform (accountId, name, status)",
           auth=Auth.API_KEY_OR_FIREBASE, query_model=AccountsQuery, response_model=AccountsResponse, tags=("account",))
def list_accounts(ctx: RequestContext) -> dict:
    query: AccountsQuery = ctx.query
    return {"accounts": accounts.connected_accounts(ctx.user_id, query.platform, health=query.include == "health")}


def _one(ctx: RequestContext):
    query: AccountQuery = ctx.query
    platform = parse_platform(query.platform) if query.platform else None
    return connections.find(ctx.user_id, ctx.path_params["account_id"], platform)


@api.route("GET", "/v1/accounts/{account_id}", summary="One connected account and its health "
           "(token expiry, last publish, needs_reconnect)", auth=Auth.API_KEY_OR_FIREBASE, query_model=AccountQuery,
           response_model=AccountDetail, tags=("account",))
def get_account(ctx: RequestContext) -> dict:
    platform, snap = _one(ctx)
    return connections.detail(platform, snap)


@api.route("DELETE", "/v1/accounts/{account_id}", summary="Disconnect an account (revoked at the platform "
           "where it offers that)", auth=Auth.API_KEY_OR_FIREBASE, query_model=AccountQuery, response_model=DisconnectResponse,
           tags=("account",))
def disconnect_account(ctx: RequestContext) -> dict:
    platform, snap = _one(ctx)
    return connections.disconnect(ctx.user_id, platform, snap)


@api.route("GET", "/v1/accounts/{account_id}/capabilities", summary="What this account can do: the platform's "
           "capabilities (GET /v1/platforms) less those whose scopes it did not grant, and the scopes to grant",
           auth=Auth.API_KEY_OR_FIREBASE, query_model=AccountQuery, response_model=AccountCapabilities,
           tags=("account",))
def account_capabilities(ctx: RequestContext) -> dict:
    platform, snap = _one(ctx)
    return platform_catalog.account_capabilities(platform, snap.id, snap.to_dict() or {})


@api.route("GET", "/v1/accounts/{account_id}/metrics", summary="The account's followers (and following and "
           "post counts where the platform gives them), cached a few minutes", query_model=AccountMetricsQuery,
           response_model=AccountMetricsResponse, tags=("account",))
def account_metrics(ctx: RequestContext) -> Reply:
    query: AccountMetricsQuery = ctx.query
    platform = parse_platform(query.platform) if query.platform else None
    body, max_age = analytics.account_metrics(ctx.user_id, ctx.path_params["account_id"], platform, query.refresh)
    return Reply(body, headers={"Cache-Control": analytics.cache_control(max_age)})


@api.route("PUT", "/v1/accounts/{account_id}/schedule", summary="Set the account's weekly posting slots, "
           "which posts sent with \"scheduledTime\": \"next_slot\" fill", request_model=PostingSchedule,
           query_model=AccountQuery, response_model=ScheduleView, tags=("account",))
def put_schedule(ctx: RequestContext) -> dict:
    schedule = parse_body(PostingSchedule, ctx.body)
    platform, snap = _one(ctx)
    slots.put_schedule(snap.reference, schedule.model_dump())
    return _schedule_view(ctx.user_id, platform.value, snap.id, schedule.model_dump())


@api.route("GET", "/v1/accounts/{account_id}/schedule", summary="The account's weekly posting slots and its "
           "next free one", auth=Auth.API_KEY_OR_FIREBASE, query_model=AccountQuery, response_model=ScheduleView,
           tags=("account",))
def get_schedule(ctx: RequestContext) -> dict:
    platform, snap = _one(ctx)
    schedule = (snap.to_dict() or {}).get("postingSchedule")
    if not schedule:
        raise NotFoundError(f"The account {snap.id} has no posting schedule: PUT /v1/accounts/{snap.id}/schedule",
                            details={"accountId": snap.id, "platform": platform.value})
    return _schedule_view(ctx.user_id, platform.value, snap.id, schedule)


@api.route("GET", "/v1/accounts/{account_id}/schedule/next", summary="The account's next free posting slot "
           "(what next_slot would take now)", auth=Auth.API_KEY_OR_FIREBASE, query_model=AccountQuery,
           response_model=NextSlotView, tags=("account",))
def next_slot(ctx: RequestContext) -> dict:
    platform, snap = _one(ctx)
    when = slots.next_free(ctx.user_id, [(platform.value, snap.id)])
    return {"accountId": snap.id, "platform": platform.value, "nextSlot": clock.iso(when)}


def _schedule_view(user_id: str, platform: str, account_id: str, schedule: dict) -> dict:
    when = slots.next_free(user_id, [(platform, account_id)])
    return schedule | {"accountId": account_id, "platform": platform, "nextSlot": clock.iso(when)}


@api.route("GET", "/v1/accounts/{account_id}/boards", summary="The boards a Pinterest account can pin to "
           "(post.content.options.pinterest.boardId), asked of Pinterest and kept 5 minutes",
           query_model=BoardsQuery, response_model=BoardsResponse, tags=("account",))
def account_boards(ctx: RequestContext) -> Reply:
    query: BoardsQuery = ctx.query
    platform = parse_platform(query.platform) if query.platform else None
    body, max_age = boards.account_boards(ctx.user_id, ctx.path_params["account_id"], platform, query.refresh)
    return Reply(body, headers={"Cache-Control": f"private, max-age={max_age}"})


@api.route("GET", "/v1/accounts/{account_id}/flairs", summary="A subreddit's post flairs for a Reddit account "
           "(post.content.options.reddit.flairId) and whether it requires one, asked of Reddit and kept 5 minutes",
           query_model=FlairsQuery, response_model=FlairsResponse, tags=("account",))
def account_flairs(ctx: RequestContext) -> Reply:
    query: FlairsQuery = ctx.query
    platform = parse_platform(query.platform) if query.platform else None
    body, max_age = flairs.account_flairs(ctx.user_id, ctx.path_params["account_id"], platform, query.subreddit,
                                          query.refresh)
    return Reply(body, headers={"Cache-Control": f"private, max-age={max_age}"})


@secrets.checked
@https_fn.on_request(secrets=secrets.ACCOUNT)
def account(request: https_fn.Request) -> https_fn.Response:
    return api.handle(request)
