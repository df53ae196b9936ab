"""HTTP function `templates`: render social images from templates, list the templates.

`POST /v1/media/render-og` is the spec's alias of `POST /v1/templates`; it is
routed here by its own Hosting rewrite, placed before the media function's
`/v1/media/**`. The listing routes take no key: they describe the product
(Zapier's dropdowns and the web app's forms read them) and hold no user data.
"""

from __future__ import annotations

from firebase_functions import https_fn, options

from shared.models.templates import RenderTemplateRequest, RenderTemplateResponse, TemplateInfo, TemplateListResponse
from shared.services import budgets
from shared.services.templates import registry, service
from shared.web.api import Api, Auth, RequestContext
from shared.web.auth import ApiKeyPrincipal
from shared.web.responses import Reply
from shared.web.tiers import caller_tier
from shared.web.validation import parse_body

api = Api("templates")


def _render(ctx: RequestContext) -> Reply:
    body = parse_body(RenderTemplateRequest, ctx.body)
    principal = ctx.principal
    assert isinstance(principal, ApiKeyPrincipal)
    meter = budgets.Meter(principal.user_id, lambda: caller_tier(ctx).name, "renders")
    result, from_cache = service.render_template(principal.user_id, principal.key_hash, body, meter=meter)
    return Reply(result, headers={"X-Soku-Render-Cache": "hit" if from_cache else "miss"})


@api.route("POST", "/v1/templates", summary="Render a template to a PNG; returns its hosted URL",
           request_model=RenderTemplateRequest, response_model=RenderTemplateResponse, tags=("templates",))
def render(ctx: RequestContext) -> Reply:
    return _render(ctx)


@api.route("POST", "/v1/media/render-og", summary="Alias of POST /v1/templates",
           request_model=RenderTemplateRequest, response_model=RenderTemplateResponse, tags=("templates",))
def render_og(ctx: RequestContext) -> Reply:
    return _render(ctx)


@api.route("GET", "/v1/templates", auth=Auth.NONE, summary="Every template with its config fields and sizes",
           response_model=TemplateListResponse, tags=("templates",))
def list_templates(ctx: RequestContext) -> dict:
    return {"templates": [info.model_dump() for info in registry.describe()]}


@api.route("GET", "/v1/templates/{slug}", auth=Auth.NONE, summary="One template with its config fields",
           response_model=TemplateInfo, tags=("templates",))
def get_template(ctx: RequestContext) -> dict:
    return registry.get(ctx.path_params["slug"], field="path.slug").info().model_dump()


# Rendering is CPU-bound and serialised per instance (renderer._lock), so few
# requests share an instance; 1 GiB leaves room for a 9:16 canvas, its layers
# and a decoded 2048 px background.
@https_fn.on_request(timeout_sec=60, memory=options.MemoryOption.GB_1, cpu=1, concurrency=4)
def templates(request: https_fn.Request) -> https_fn.Response:
    return api.handle(request)
