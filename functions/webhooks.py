"""HTTP function `webhooks` (endpoint management) and task function `deliverWebhook`."""

from __future__ import annotations

from firebase_functions import https_fn, tasks_fn
from firebase_functions.options import RateLimits, RetryConfig

from shared import secrets
from shared.models.webhooks import (
    CreatedWebhook,
    CreateWebhookRequest,
    DeletedWebhook,
    DeliveryList,
    RotatedWebhook,
    UpdateWebhookRequest,
    Webhook,
    WebhookList,
    WebhookTest,
)
from shared.services.webhooks import delivery, endpoints, ping
from shared.services.webhooks.events import DELIVERY_QUEUE
from shared.web.api import Api, Auth, RequestContext
from shared.web.internal import cloud_tasks_only
from shared.web.responses import Reply
from shared.web.validation import parse_body

api = Api("webhooks")


@api.route("POST", "/v1/webhooks", request_model=CreateWebhookRequest, response_model=CreatedWebhook,
           success_status=201, tags=("webhooks",), summary="Register a webhook endpoint (secret shown once)")
def create(ctx: RequestContext) -> Reply:
    body = parse_body(CreateWebhookRequest, ctx.body)
    return Reply(endpoints.create(ctx.user_id, body), status=201)


@api.route("GET", "/v1/webhooks", auth=Auth.API_KEY_OR_FIREBASE, response_model=WebhookList, tags=("webhooks",),
           summary="List webhook endpoints")
def list_endpoints(ctx: RequestContext) -> dict:
    return {"data": endpoints.list_endpoints(ctx.user_id)}


@api.route("GET", "/v1/webhooks/{webhook_id}", auth=Auth.API_KEY_OR_FIREBASE, response_model=Webhook,
           tags=("webhooks",), summary="One webhook endpoint")
def get_endpoint(ctx: RequestContext) -> dict:
    return endpoints.get(ctx.user_id, ctx.path_params["webhook_id"])


@api.route("PATCH", "/v1/webhooks/{webhook_id}", request_model=UpdateWebhookRequest, response_model=Webhook,
           tags=("webhooks",), summary="Change an endpoint's url, events or description, or disable and "
                                       "re-enable it; what is left out stays")
def update_endpoint(ctx: RequestContext) -> dict:
    body = parse_body(UpdateWebhookRequest, ctx.body)
    return endpoints.update(ctx.user_id, ctx.path_params["webhook_id"], body)


@api.route("POST", "/v1/webhooks/{webhook_id}/test", response_model=WebhookTest, tags=("webhooks",),
           summary="Send the endpoint a signed `ping` event now and say what it answered (not queued, "
                   "retried or listed in /deliveries)")
def test_endpoint(ctx: RequestContext) -> dict:
    return ping.ping(ctx.user_id, ctx.path_params["webhook_id"])


@api.route("GET", "/v1/webhooks/{webhook_id}/deliveries", auth=Auth.API_KEY_OR_FIREBASE,
           response_model=DeliveryList, tags=("webhooks",),
           summary="An endpoint's 50 newest deliveries, newest first: one per event, with its attempt "
                   "count and the last attempt's status")
def deliveries(ctx: RequestContext) -> dict:
    return {"data": delivery.list_deliveries(ctx.user_id, ctx.path_params["webhook_id"])}


@api.route("POST", "/v1/webhooks/{webhook_id}/rotate-secret", response_model=RotatedWebhook,
           tags=("webhooks",), summary="Issue a new signing secret (shown once); the previous one "
                                       f"keeps signing for {endpoints.ROTATION_OVERLAP.total_seconds() / 3600:g} hours")
def rotate_secret(ctx: RequestContext) -> dict:
    return endpoints.rotate_secret(ctx.user_id, ctx.path_params["webhook_id"])


@api.route("DELETE", "/v1/webhooks/{webhook_id}", response_model=DeletedWebhook, tags=("webhooks",),
           summary="Delete a webhook endpoint")
def delete(ctx: RequestContext) -> dict:
    endpoints.delete(ctx.user_id, ctx.path_params["webhook_id"])
    return {"deleted": True}


@secrets.checked
@https_fn.on_request(secrets=secrets.WEBHOOKS)
def webhooks(request: https_fn.Request) -> https_fn.Response:
    return api.handle(request)


@tasks_fn.on_task_dispatched(
    # Each attempt is a task of its own, created for its time (delivery.py: Svix's schedule,
    # which Cloud Tasks' backoff cannot express). The queue's retries only bring back a task
    # whose handler crashed, whose next attempt could not be queued, or that came early (the
    # CLI's emulator ignores schedule times): for as long as the schedule's longest wait, so
    # an early task is retried until due, however many deliveries that takes.
    retry_config=RetryConfig(max_attempts=5, max_retry_seconds=delivery.QUEUE_RETRY_S,
                             min_backoff_seconds=10, max_backoff_seconds=600),
    rate_limits=RateLimits(max_concurrent_dispatches=50, max_dispatches_per_second=50),
    secrets=secrets.WEBHOOKS,
)
def deliverWebhook(request: tasks_fn.CallableRequest) -> dict:
    data = request.data or {}
    ids = (str(data["userId"]), str(data["endpointId"]), str(data["deliveryId"]))
    try:
        # The emission's task (events.py) names no attempt: it is attempt 1.
        outcome = delivery.deliver(*ids, attempt=int(data.get("attempt") or 1))
    except delivery.RetryDelivery as later:
        # Non-2xx: Cloud Tasks delivers this task again after the queue's backoff.
        raise https_fn.HttpsError(https_fn.FunctionsErrorCode.UNAVAILABLE, str(later)) from later
    return {"outcome": outcome}


# The caller is checked first: only Cloud Tasks learns that a secret is missing.
deliverWebhook = cloud_tasks_only(DELIVERY_QUEUE, secrets.checked(deliverWebhook))
