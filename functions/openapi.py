"""HTTP function `openapi`: the API's description of itself, public and cacheable.

- `GET /v1/openapi.json`: the checked-in `openapi.json` (deployed with the bundle), which
  `make openapi` generates from the routes' own models; a test fails when that file and
  the code disagree. SDK generators, Zapier and schemathesis fetch it.
- `GET /v1/platforms` and `GET /v1/platforms/{platform}`: what each platform takes and what
  Soku does there, read from the platform packages' manifests
  (shared/services/platform_catalog.py), the same ones submission checks against.

No authentication: nothing here is anyone's own.
"""

from __future__ import annotations

import functools
from pathlib import Path

from firebase_functions import https_fn
from flask import Response

from shared.errors import NotFoundError, ServiceUnavailableError
from shared.models.platforms import PlatformsResponse, PlatformView
from shared.platforms import ALIASES, Platform
from shared.services import platform_catalog
from shared.web.api import Api, Auth, RequestContext
from shared.web.responses import Reply

DOCUMENT = Path(__file__).resolve().parent.parent / "openapi.json"

api = Api("openapi")


@functools.cache
def _document() -> bytes:
    return DOCUMENT.read_bytes()


@api.route("GET", "/v1/openapi.json", auth=Auth.NONE, summary="This API's OpenAPI 3.1 document",
           tags=("meta",))
def document(ctx: RequestContext) -> Response:
    try:
        body = _document()
    except OSError:
        raise ServiceUnavailableError("The API description is not available in this deployment") from None
    response = Response(body, status=200, mimetype="application/json")
    response.headers["Cache-Control"] = "public, max-age=300"
    return response


# The catalog changes only with a deploy (or a scope setting): callers and Hosting's CDN may keep it.
CATALOG_CACHE = {"Cache-Control": "public, max-age=300"}


@api.route("GET", "/v1/platforms", auth=Auth.NONE, summary="Every platform: text limit and how it is counted, "
           "post kinds and their media, options, connection scopes, capabilities; and the limits Soku applies",
           response_model=PlatformsResponse, tags=("meta",))
def platforms(ctx: RequestContext) -> Reply:
    return Reply(platform_catalog.catalog(), headers=CATALOG_CACHE)


@api.route("GET", "/v1/platforms/{platform}", auth=Auth.NONE, summary="One platform: what it takes and what "
           "Soku does there (an alias such as `facebook_pages` names its platform)", response_model=PlatformView,
           tags=("meta",))
def one_platform(ctx: RequestContext) -> Reply:
    name = ctx.path_params["platform"]
    platform = ALIASES.get(name.lower())
    if platform is None:
        raise NotFoundError(f"No platform {name!r}; Soku publishes to: {', '.join(p.value for p in Platform)}",
                            details=[{"field": "path.platform", "code": "not_found", "received": name}])
    return Reply(platform_catalog.platform_view(platform), headers=CATALOG_CACHE)


@https_fn.on_request()
def openapi(request: https_fn.Request) -> https_fn.Response:
    return api.handle(request)
