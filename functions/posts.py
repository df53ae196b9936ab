"""HTTP function `posts`: submit, read, list, cancel, reschedule, retry, validate."""

from __future__ import annotations

from firebase_functions import https_fn

from shared.models.posts import CreatePostRequest, ReschedulePostRequest
from shared.services.posts import manage, submission, views
from shared.web.api import Api, RequestContext
from shared.web.auth import ApiKeyPrincipal
from shared.web.validation import parse_body

api = Api("posts")


@api.route("POST", "/v1/posts")
def create(ctx: RequestContext):
    request = parse_body(CreatePostRequest, ctx.body)
    principal = ctx.principal
    assert isinstance(principal, ApiKeyPrincipal)
    return submission.create_post(principal.user_id, principal.key_hash, request, ctx.body,
                                  ctx.request.headers.get("Idempotency-Key"))


@api.route("POST", "/v1/posts/validate")
def validate(ctx: RequestContext) -> dict:
    return submission.validate_post(ctx.user_id, parse_body(CreatePostRequest, ctx.body))


@api.route("GET", "/v1/posts")
def list_posts(ctx: RequestContext) -> dict:
    return views.list_posts(ctx.user_id, ctx.request.args.to_dict())


@api.route("GET", "/v1/posts/{post_id}")
def get_post(ctx: RequestContext) -> dict:
    return views.post_view(ctx.user_id, ctx.path_params["post_id"])


@api.route("DELETE", "/v1/posts/{post_id}")
def cancel(ctx: RequestContext) -> dict:
    return manage.cancel_post(ctx.user_id, ctx.path_params["post_id"])


@api.route("PATCH", "/v1/posts/{post_id}")
def reschedule(ctx: RequestContext) -> dict:
    body = parse_body(ReschedulePostRequest, ctx.body)
    return manage.reschedule_post(ctx.user_id, ctx.path_params["post_id"], body.scheduledTime)


@api.route("POST", "/v1/posts/{post_id}/retry")
def retry(ctx: RequestContext) -> dict:
    return manage.retry_post(ctx.user_id, ctx.path_params["post_id"])


@https_fn.on_request()
def posts(request: https_fn.Request) -> https_fn.Response:
    return api.handle(request)
