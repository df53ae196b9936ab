"""HTTP function `repurpose` (links, saved templates, trigger history) and task function
`repurposePost` (the automation, run when a post with `enableRepurposing` publishes).

`/v1/templates/saved` is served here, not by the `templates` function: saved templates
exist for links. Its Hosting rewrites sit before the templates function's `/v1/templates/**`.
"""

from __future__ import annotations

from firebase_functions import https_fn, options, tasks_fn
from firebase_functions.options import RateLimits, RetryConfig

from shared.models.repurpose import (
    CreateRepurposeLinkRequest,
    CreateRepurposeLinkResponse,
    CreateSavedTemplateRequest,
    DeletedResponse,
    DeletedTemplateResponse,
    ListRepurposeLinksQuery,
    RepurposeLinkList,
    RepurposeTriggerList,
    SavedTemplate,
    SavedTemplateList,
)
from shared.services.repurpose import links, templates
from shared.services.repurpose.hook import QUEUE
from shared.web.api import Api, RequestContext
from shared.web.internal import cloud_tasks_only
from shared.web.responses import Reply
from shared.web.validation import parse_body

api = Api("repurpose")


@api.route("GET", "/v1/repurposeLinks", summary="Your repurpose links, filtered by platform, account or type",
           query_model=ListRepurposeLinksQuery, response_model=RepurposeLinkList, tags=("repurpose",))
def list_links(ctx: RequestContext) -> dict:
    return {"links": links.list_links(ctx.user_id, ctx.query)}


@api.route("POST", "/v1/repurposeLinks", summary="Link an account: published posts of a type are repurposed to it",
           request_model=CreateRepurposeLinkRequest, response_model=CreateRepurposeLinkResponse,
           success_status=201, tags=("repurpose",))
def create_link(ctx: RequestContext) -> Reply:
    return Reply(links.create(ctx.user_id, parse_body(CreateRepurposeLinkRequest, ctx.body)), status=201)


@api.route("DELETE", "/v1/repurposeLinks/{link_id}", summary="Delete a repurpose link",
           response_model=DeletedResponse, tags=("repurpose",))
def delete_link(ctx: RequestContext) -> dict:
    links.delete(ctx.user_id, ctx.path_params["link_id"])
    return {"deleted": True}


@api.route("GET", "/v1/repurposeLinks/{link_id}/triggers",
           summary="What a link did with each post: the derived post, or why it skipped",
           response_model=RepurposeTriggerList, tags=("repurpose",))
def list_triggers(ctx: RequestContext) -> dict:
    from shared.services.repurpose import automation  # imports the renderer: only when asked

    link = links.get(ctx.user_id, ctx.path_params["link_id"])
    return {"triggers": automation.list_for_link(ctx.user_id, link["id"])}


@api.route("POST", "/v1/templates/saved", summary="Save a template with your defaults, for repurpose links",
           request_model=CreateSavedTemplateRequest, response_model=SavedTemplate, success_status=201,
           tags=("repurpose",))
def create_template(ctx: RequestContext) -> Reply:
    return Reply(templates.create(ctx.user_id, parse_body(CreateSavedTemplateRequest, ctx.body)), status=201)


@api.route("GET", "/v1/templates/saved", summary="Your saved templates", response_model=SavedTemplateList,
           tags=("repurpose",))
def list_templates(ctx: RequestContext) -> dict:
    return {"templates": templates.list_saved(ctx.user_id)}


@api.route("DELETE", "/v1/templates/saved/{template_id}", summary="Delete a saved template",
           response_model=DeletedTemplateResponse, tags=("repurpose",))
def delete_template(ctx: RequestContext) -> dict:
    return {"deleted": True, "referencedBy": templates.delete(ctx.user_id, ctx.path_params["template_id"])}


@https_fn.on_request()
def repurpose(request: https_fn.Request) -> https_fn.Response:
    return api.handle(request)


# Renders cards like the templates function does: same memory.
@tasks_fn.on_task_dispatched(
    retry_config=RetryConfig(max_attempts=8, min_backoff_seconds=10, max_backoff_seconds=600),
    rate_limits=RateLimits(max_concurrent_dispatches=20, max_dispatches_per_second=20),
    memory=options.MemoryOption.GB_1, timeout_sec=300,
)
def repurposePost(request: tasks_fn.CallableRequest) -> dict:
    from shared.services.repurpose import automation

    data = request.data or {}
    try:
        return automation.process(str(data["postSubmissionId"]), str(data["targetId"]))
    except automation.RetryLater as later:
        # Non-2xx: Cloud Tasks delivers the task again with backoff.
        raise https_fn.HttpsError(https_fn.FunctionsErrorCode.UNAVAILABLE, str(later)) from later


repurposePost = cloud_tasks_only(QUEUE, repurposePost)
