"""HTTP function `posts`: submit, read, list, cancel, reschedule, retry, validate, take down."""

from __future__ import annotations

from firebase_functions import https_fn

from shared import secrets

from shared.models.common import ErrorEnvelope
from shared.models.post_views import (
    ListPostsQuery,
    PostListResponse,
    PostView,
    RetryPostResponse,
    RunView,
    UnpublishResponse,
    ValidatePostResponse,
)
from shared.models.metrics import MetricsQuery, PostMetricsResponse
from shared.models.posts import CreatePostRequest, CreatePostResponse, EditPostRequest
from shared.services import budgets
from shared.services.analytics import service as analytics
from shared.errors import ValidationError
from shared.models.batch import BatchCsv, BatchPostsRequest, BatchPostsResponse, BatchQuery, BatchValidateResponse
from shared.services.posts import batch, batch_csv, edit, manage, submission, takedown, views
from shared.web.api import Api, Auth, RequestContext
from shared.web.auth import ApiKeyPrincipal
from shared.web.responses import Reply, idempotent_reply
from shared.web.tiers import caller_tier
from shared.web.validation import parse_body

api = Api("posts")


@api.route("POST", "/v1/posts", summary="Create a post and publish it to one or more platforms",
           request_model=CreatePostRequest, response_model=CreatePostResponse, success_status=201,
           tags=("posts",), reads_while_counting=True)
def create(ctx: RequestContext) -> Reply:
    request = parse_body(CreatePostRequest, ctx.body)
    principal = ctx.principal
    assert isinstance(principal, ApiKeyPrincipal)
    # The tier is known once the gate is passed (ctx.admit()), before the meter charges.
    meter = budgets.Meter(principal.user_id, lambda: caller_tier(ctx).name, "posts")
    return idempotent_reply(submission.create_post(principal.user_id, principal.key_hash, request, ctx.body,
                                                   ctx.request.headers.get("Idempotency-Key"), gate=ctx,
                                                   meter=meter))


@api.route("POST", "/v1/posts/validate", summary="Check a post without creating it",
           request_model=CreatePostRequest, response_model=ValidatePostResponse, tags=("posts",))
def validate(ctx: RequestContext) -> dict:
    return submission.validate_post(ctx.user_id, parse_body(CreatePostRequest, ctx.body))


@api.route("POST", "/v1/posts/batch", summary="Create up to 100 posts in one request (JSON or CSV); with "
           "`atomic`, all or none", request_model=BatchPostsRequest, form_model=BatchCsv, form_media_type="text/csv",
           query_model=BatchQuery, response_model=BatchPostsResponse, tags=("posts",))
def create_batch(ctx: RequestContext) -> Reply:
    raw_posts, posts, atomic, raw_body = _batch_body(ctx)
    principal = ctx.principal
    assert isinstance(principal, ApiKeyPrincipal)
    meter_for = lambda: budgets.Meter(principal.user_id, lambda: caller_tier(ctx).name, "posts")  # noqa: E731
    answer = batch.create(principal.user_id, principal.key_hash, raw_body, raw_posts, posts, atomic,
                          ctx.request.headers.get("Idempotency-Key"), meter=meter_for(), meter_for=meter_for)
    return Reply(answer, headers={"Idempotency-Key": ctx.request.headers["Idempotency-Key"]}
                 if ctx.request.headers.get("Idempotency-Key") else None)


@api.route("POST", "/v1/posts/batch/validate", summary="Check up to 100 posts (JSON or CSV) as a batch would, "
           "storing nothing", request_model=BatchPostsRequest, form_model=BatchCsv, form_media_type="text/csv",
           query_model=BatchQuery, response_model=BatchValidateResponse, tags=("posts",))
def validate_batch(ctx: RequestContext) -> dict:
    _, posts, _, _ = _batch_body(ctx)
    return batch.validate(ctx.user_id, posts)


def _batch_body(ctx: RequestContext) -> tuple[list, list[CreatePostRequest], bool, dict]:
    """The posts as sent and as parsed, whether atomic, and the body the idempotency key is bound
    to: a CSV body is read here (the pipeline leaves a `form_model` body unread)."""
    if ctx.request.mimetype == "text/csv":
        raw = ctx.request.stream.read(batch_csv.MAX_BYTES + 1)
        posts = batch_csv.posts_from_csv(raw)
        atomic = bool(ctx.query.atomic) if ctx.query is not None else False
        return posts, _well_formed(posts), atomic, {"posts": posts, "atomic": atomic}
    body = ctx.body if isinstance(ctx.body, dict) else None
    if body is None or not isinstance(body.get("posts"), list) or not 1 <= len(body["posts"]) <= batch.MAX_POSTS:
        raise ValidationError(details=[{"field": "body.posts", "code": "invalid_type",
                                        "message": f"posts must be a list of 1 to {batch.MAX_POSTS} posts"}])
    unknown = sorted(set(body) - {"posts", "atomic"})
    if unknown:
        raise ValidationError(details=[{"field": f"body.{unknown[0]}", "code": "unrecognized_keys",
                                        "message": "Unrecognized key; a batch takes posts and atomic"}])
    atomic = body.get("atomic", False)
    if not isinstance(atomic, bool):
        raise ValidationError(details=[{"field": "body.atomic", "code": "invalid_type", "message": "Expected boolean"}])
    return body["posts"], _well_formed(body["posts"]), atomic, body


def _well_formed(raw_posts: list) -> list[CreatePostRequest]:
    """A post that is no post at all (wrong types, unknown fields: what the schema refuses) makes
    the whole batch a 400 naming each one, as any request's body does; what only checking
    reveals (accounts, media, limits, a platform's rules) is answered per post."""
    details, posts = [], []
    for index, raw in enumerate(raw_posts):
        try:
            posts.append(parse_body(CreatePostRequest, raw, prefix=f"body.posts.{index}"))
        except ValidationError as error:
            details += [d | {"index": index} for d in error.details or [] if isinstance(d, dict)]
    if details:
        raise ValidationError(f"{len({d['index'] for d in details})} of {len(raw_posts)} posts are not valid posts; "
                              "nothing was stored", details=details)
    return posts


@api.route("GET", "/v1/posts", summary="List your posts, newest first", auth=Auth.API_KEY_OR_FIREBASE,
           query_model=ListPostsQuery, response_model=PostListResponse, tags=("posts",))
def list_posts(ctx: RequestContext) -> dict:
    return views.list_posts(ctx.user_id, ctx.request.args.to_dict())


@api.route("GET", "/v1/posts/{post_id}", summary="A post with every run", auth=Auth.API_KEY_OR_FIREBASE,
           response_model=PostView, tags=("posts",))
def get_post(ctx: RequestContext) -> Reply:
    view = views.post_view(ctx.user_id, ctx.path_params["post_id"])
    return Reply(view, headers={"ETag": edit.etag(view["revision"])})


@api.route("DELETE", "/v1/posts/{post_id}", summary="Cancel a post before it starts publishing",
           response_model=PostView, tags=("posts",))
def cancel(ctx: RequestContext) -> dict:
    return manage.cancel_post(ctx.user_id, ctx.path_params["post_id"])


@api.route("PATCH", "/v1/posts/{post_id}", summary="Edit a draft or a scheduled post that has not started: its "
           "content (checked as at submission; its runs made anew) and scheduled time",
           request_model=EditPostRequest, response_model=PostView, tags=("posts",),
           responses={404: ErrorEnvelope, 409: ErrorEnvelope, 412: ErrorEnvelope})
def edit_post(ctx: RequestContext) -> Reply:
    body = parse_body(EditPostRequest, ctx.body)
    principal = ctx.principal
    meter = budgets.Meter(principal.user_id, lambda: caller_tier(ctx).name, "posts") \
        if isinstance(principal, ApiKeyPrincipal) else None
    view = edit.edit_post(ctx.user_id, ctx.path_params["post_id"], body, ctx.request.headers.get("If-Match"), meter)
    return Reply(view, headers={"ETag": edit.etag(view["revision"])})


@api.route("POST", "/v1/posts/{post_id}/publish", summary="Publish a draft, or a scheduled post that has not "
           "started, now (exactly once, also when it races its scheduled time)", response_model=PostView,
           tags=("posts",), responses={404: ErrorEnvelope, 409: ErrorEnvelope})
def publish_now(ctx: RequestContext) -> dict:
    return manage.publish_now(ctx.user_id, ctx.path_params["post_id"])


@api.route("POST", "/v1/posts/{post_id}/retry", summary="Queue a post's failed runs again",
           auth=Auth.API_KEY_OR_FIREBASE, response_model=RetryPostResponse, tags=("posts",))
def retry(ctx: RequestContext) -> dict:
    return manage.retry_post(ctx.user_id, ctx.path_params["post_id"])


@api.route("DELETE", "/v1/posts/{post_id}/runs/{target_id}/published",
           summary="Take a published post down at its platform", response_model=RunView, tags=("posts",),
           responses={404: ErrorEnvelope, 409: ErrorEnvelope, 422: ErrorEnvelope, 502: ErrorEnvelope})
def take_down(ctx: RequestContext) -> dict:
    return takedown.take_down(ctx.user_id, ctx.path_params["post_id"], ctx.path_params["target_id"])


@api.route("POST", "/v1/posts/{post_id}/unpublish", summary="Take down every run's published post",
           response_model=UnpublishResponse, tags=("posts",), responses={404: ErrorEnvelope, 409: ErrorEnvelope})
def unpublish(ctx: RequestContext) -> dict:
    return takedown.take_down_all(ctx.user_id, ctx.path_params["post_id"])


@api.route("GET", "/v1/posts/{post_id}/metrics", summary="Each run's metrics on its platform "
           "(views, likes, comments, shares and the platform's own), cached a few minutes",
           query_model=MetricsQuery, response_model=PostMetricsResponse, tags=("posts",))
def metrics(ctx: RequestContext) -> Reply:
    query: MetricsQuery = ctx.query
    body, max_age = analytics.post_metrics(ctx.user_id, ctx.path_params["post_id"], query.refresh)
    return Reply(body, headers={"Cache-Control": analytics.cache_control(max_age)})


@secrets.checked
@https_fn.on_request(secrets=secrets.POSTS)
def posts(request: https_fn.Request) -> https_fn.Response:
    return api.handle(request)
