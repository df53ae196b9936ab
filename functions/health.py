"""HTTP function `health`: liveness (`GET /health`) and readiness (`GET /health/ready`)."""

from __future__ import annotations

from firebase_functions import https_fn

from shared.models.health import HealthResponse, ReadinessResponse
from shared.services import health as health_service
from shared.web.api import Api, Auth, RequestContext
from shared.web.responses import Reply

api = Api("health")


@api.route("GET", "/health", auth=Auth.NONE, summary="Liveness", response_model=HealthResponse,
           tags=("health",))
def live(ctx: RequestContext) -> dict:
    return health_service.liveness()


@api.route("GET", "/health/ready", auth=Auth.NONE, summary="Readiness of Firestore, Storage and Cloud Tasks",
           response_model=ReadinessResponse, responses={503: ReadinessResponse}, tags=("health",))
def ready(ctx: RequestContext) -> Reply:
    body, is_ready = health_service.readiness()
    return Reply(body, status=200 if is_ready else 503)


@https_fn.on_request()
def health(request: https_fn.Request) -> https_fn.Response:
    return api.handle(request)
