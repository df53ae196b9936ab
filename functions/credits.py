"""HTTP function `credits`: `GET /v1/credits/balance`, the AI credit balance and its ledger.

Apart from `transcribe` so a balance read never waits behind (or pays for the
memory of) a transcription instance.
"""

from __future__ import annotations

from firebase_functions import https_fn

from shared.models.transcription import BalanceQuery, CreditsBalanceResponse
from shared.services import credits as credit_service
from shared.web.api import Api, Auth, RequestContext

api = Api("credits")


@api.route("GET", "/v1/credits/balance", summary="Your AI credit balance and recent ledger entries",
           auth=Auth.API_KEY_OR_FIREBASE, query_model=BalanceQuery, response_model=CreditsBalanceResponse, tags=("credits",))
def balance(ctx: RequestContext) -> dict:
    query: BalanceQuery = ctx.query
    return credit_service.balance_view(ctx.user_id, query.limit)


@https_fn.on_request()
def credits(request: https_fn.Request) -> https_fn.Response:
    return api.handle(request)
