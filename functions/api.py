"""HTTP function `api`: every public route behind the spec's base URL,
`https://<region>-<project>.cloudfunctions.net/api`.

Firebase Hosting reaches each HTTP function through its own rewrite; this
function answers the same paths in-process. Cloud Functions strip `/api` before
calling it (a request for `…/api/v1/me` arrives as `/v1/me`), so it looks the
path up in the routing table Hosting's rewrites are checked against
(shared/web/routes.py) and hands the request to the very function Hosting
would: same pipeline, envelope, auth, rate limits and request ids. Paths the
table does not route get the JSON `not_found` envelope.

Why it exists beside Hosting: Hosting cuts every request at 60 s, so long
routes (media ingest, transcription) are only fully usable here.

Resources: one function carrying every route must fit the most demanding one,
so its options are derived from the functions it routes to: the longest
timeout, the most memory and CPU, the fewest concurrent requests per instance,
and the union of their secrets (today: transcribe's 3600 s, 2 GiB, 2 CPUs and
concurrency 2; all four secrets of shared/secrets.py). Each routed function
keeps its own first-request secrets check (secrets.checked), so a missing
OPENAI_API_KEY still fails only transcription here, as it does behind Hosting. The price: light routes (GET /v1/me) through
this URL run on instances sized for transcription, at most 2 at a time per
instance, so more instances start under load; Hosting's per-function routing
stays the cheaper door for short calls. Importing costs nothing extra: main.py
imports every function module for every instance anyway.
"""

from __future__ import annotations

import os
from typing import Callable

from firebase_functions import https_fn

from functions.account import account
from functions.api_keys import apiKeys
from functions.connections import connections, oauthCallback
from functions.credits import credits
from functions.health import health
from functions.mcp import mcp
from functions.media import media, mediaFiles
from functions.not_found import notFound
from functions.openapi import openapi
from functions.platform_webhooks import platformWebhooks
from functions.posts import posts
from functions.repurpose import repurpose
from functions.templates import templates
from functions.transcribe import transcribe
from functions.webhooks import webhooks
from functions.sizing import combined_options
from shared.config import deployment
from shared.web import routes

FUNCTION_ID = "api"

ROUTED: dict[str, Callable] = {
    fn.__firebase_endpoint__.entryPoint: fn
    for fn in (account, apiKeys, connections, oauthCallback, credits, health, mcp, media, mediaFiles,
               notFound, openapi, platformWebhooks, posts, repurpose, templates, transcribe, webhooks)
}
_unknown = set(routes.function_ids()) - set(ROUTED)
if _unknown:  # a table entry this function could not serve: fail at import, i.e. at deploy
    raise RuntimeError(f"shared/web/routes.py routes to functions functions/api.py does not import: {_unknown}")


def public_root(request: https_fn.Request) -> str:
    """This function's own URL as the caller reached it: the root of every public route."""
    if request.root_path:
        # Mounted by a WSGI gateway that says where (devstack/gateway.py: /{project}/{region}/api).
        return request.url_root
    if request.host.endswith(".cloudfunctions.net"):
        return f"{request.host_url}{FUNCTION_ID}"  # Cloud Functions strip /api before calling us
    if os.environ.get("FUNCTIONS_EMULATOR") == "true":
        # The Firebase CLI's emulator strips /{project}/{region}/api. Not the settings: this
        # runs before any route, and a route that needs none (GET /health) must still answer.
        this = deployment()
        return f"{request.host_url}{this.project_id}/{this.region}/{FUNCTION_ID}"
    return request.host_url  # the function's run.app URL serves the routes at its root


@https_fn.on_request(**combined_options(ROUTED.values()))
def api(request: https_fn.Request) -> https_fn.Response:
    request.environ[routes.PUBLIC_ROOT_KEY] = public_root(request)
    return ROUTED[routes.function_for(request.path) or "notFound"](request)
