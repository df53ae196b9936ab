"""HTTP function `transcribe`: `POST /v1/ai/transcribe` (spec 004), paid in AI credits.

A function of its own because a job holds its request open while it copies,
decodes and uploads media: it gets a long timeout, 2 GiB (Cloud Functions'
/tmp is memory, and the media is copied there) and few requests per instance.
The OpenAI key is the Secret Manager secret OPENAI_API_KEY (shared/secrets.py).
"""

from __future__ import annotations

from firebase_functions import https_fn, options

from shared import secrets
from shared.models.common import ErrorEnvelope
from shared.models.transcription import TranscribeRequest, TranscribeResponse
from shared.services import budgets
from shared.services.transcription import service
from shared.web.api import Api, RequestContext
from shared.web.auth import ApiKeyPrincipal
from shared.web.responses import Reply, idempotent_reply
from shared.web.tiers import caller_tier
from shared.web.validation import parse_body

api = Api("transcribe")


@api.route("POST", "/v1/ai/transcribe", summary="Transcribe audio or video media (costs AI credits)",
           request_model=TranscribeRequest, response_model=TranscribeResponse, tags=("ai",),
           # The spec's own errors of this route: MEDIA_NOT_FOUND, insufficient_credits, upstream failure.
           responses={404: ErrorEnvelope, 402: ErrorEnvelope, 502: ErrorEnvelope})
def create(ctx: RequestContext) -> Reply:
    request = parse_body(TranscribeRequest, ctx.body)
    principal = ctx.principal
    assert isinstance(principal, ApiKeyPrincipal)
    meter = budgets.Meter(principal.user_id, lambda: caller_tier(ctx).name, "transcriptionMinutes")
    return idempotent_reply(service.transcribe(principal.user_id, principal.key_hash, request, ctx.body,
                                               ctx.request.headers.get("Idempotency-Key"), meter=meter))


@secrets.checked
@https_fn.on_request(timeout_sec=3600, memory=options.MemoryOption.GB_2, cpu=2, concurrency=2,
                     secrets=secrets.TRANSCRIBE)
def transcribe(request: https_fn.Request) -> https_fn.Response:
    return api.handle(request)
