"""Google's OAuth token endpoint (`POST oauth2.googleapis.com/token`) as the YouTube and Google
Business Profile sandboxes serve it: both platforms sign in through the same Google endpoint.

Modelled on developers.google.com/identity/protocols/oauth2/web-server (exchange and refresh):
the client is checked first (`invalid_request` without a client id, `invalid_client` for an
unknown one or a wrong secret, 401), then the grant; a refused or revoked refresh token is
`invalid_grant` ("Token has been expired or revoked."); Google does not rotate refresh tokens,
so a refresh answers no `refresh_token`. Faults: `server_error` (503), `expired_token` and
`revoked` (invalid_grant).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import flask

from devstack.sandboxes import oauth
from devstack.sandboxes.core import SandboxState, mint_tokens


def token(state: SandboxState, platform: str, *, client_id: str, client_secret: str, scope: str,
          lifetime_s: int, on_grant: Callable[[dict[str, Any]], None] | None = None) -> Any:
    """Answer one token request. `on_grant(grant)` runs for a redeemed authorization code (the
    sandbox records what the user chose at consent). Refreshed tokens last `lifetime_s`, or the
    sandbox's `token_lifetime_s` when that is shorter (the crash soak forces refreshes so)."""
    fault = state.take_fault(platform, "token")
    if fault is not None and fault.kind == "server_error":
        return {"error": "internal_failure", "error_description": "Backend Error"}, 503
    if fault is not None and fault.kind in ("expired_token", "revoked"):
        return {"error": "invalid_grant", "error_description": "Token has been expired or revoked."}, 400
    form = flask.request.form
    if not form.get("client_id"):
        return {"error": "invalid_request", "error_description": "Could not determine client ID from request."}, 400
    if form.get("client_id") != client_id:
        return {"error": "invalid_client", "error_description": "The OAuth client was not found."}, 401
    if form.get("client_secret") != client_secret:
        return {"error": "invalid_client", "error_description": "Unauthorized"}, 401
    if form.get("grant_type") == "authorization_code":
        grant, why = oauth.redeem(state, platform, form.get("code"), client_id=form.get("client_id"),
                                  redirect_uri=form.get("redirect_uri"), code_verifier=form.get("code_verifier"))
        if grant is None:
            return {"error": "invalid_grant", "error_description": why}, 400
        if on_grant is not None:
            on_grant(grant)
        access, refresh, _ = mint_tokens(platform, grant["subject"], lifetime_s)
        return {"access_token": access, "expires_in": lifetime_s, "refresh_token": refresh,
                "scope": grant["scope"] or scope, "token_type": "Bearer"}
    if form.get("grant_type") != "refresh_token":
        return {"error": "unsupported_grant_type",
                "error_description": "Invalid grant_type: " + str(form.get("grant_type"))}, 400
    parts = (form.get("refresh_token") or "").split(".")
    if len(parts) != 4 or parts[0] != "sbx-rt" or parts[1] != platform or (platform, parts[2]) in state.revoked:
        return {"error": "invalid_grant", "error_description": "Token has been expired or revoked."}, 400
    lifetime = min(lifetime_s, state.token_lifetime_s or lifetime_s)
    access, _, _ = mint_tokens(platform, parts[2], lifetime)
    return {"access_token": access, "expires_in": lifetime, "scope": scope, "token_type": "Bearer"}
