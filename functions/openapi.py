"""HTTP function `openapi`: the API's OpenAPI 3.1 document at `GET /v1/openapi.json`.

Serves the checked-in `openapi.json` (deployed with the bundle), which
`make openapi` generates from the routes' own models; a test fails when that
file and the code disagree. No authentication: SDK generators, Zapier and
schemathesis fetch it.
"""

from __future__ import annotations

import functools
from pathlib import Path

from firebase_functions import https_fn
from flask import Response

from shared.errors import ServiceUnavailableError
from shared.web.api import Api, Auth, RequestContext

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


@https_fn.on_request()
def openapi(request: https_fn.Request) -> https_fn.Response:
    return api.handle(request)
