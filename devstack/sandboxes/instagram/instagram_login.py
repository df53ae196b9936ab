"""Instagram API with Instagram Login (Business Login for Instagram): an Instagram professional
account without a Facebook Page. Three hosts, each under its own prefix:

- `www.instagram.com` → `/instagram_login/www`: the consent page `GET /oauth/authorize`
  (client_id, redirect_uri, response_type=code, comma-separated scope, state;
  devstack/sandboxes/oauth.py consents at once; `sandbox_user` names the Instagram account);
- `api.instagram.com` → `/instagram_login/api`: `POST /oauth/access_token`, a form with
  client_id, client_secret, grant_type=authorization_code, redirect_uri and code, answering a
  short-lived (1 hour) Instagram User token `{"access_token", "user_id"}` as the reference
  (developers.facebook.com/documentation/instagram-platform/reference/oauth-access-token) shows
  it, or `{"data": [{"access_token", "user_id", "permissions"}]}` as the Business Login guide
  (…/instagram-api-with-instagram-login/business-login) does, when the consent URL carried
  `sandbox_token_shape=data`;
- `graph.instagram.com` → `/instagram_login/graph`: `GET /access_token?grant_type=
  ig_exchange_token&client_secret&access_token=<short-lived>` (→ 60 days, reference/access_token),
  `GET /refresh_access_token?grant_type=ig_refresh_token&access_token=<long-lived>` (the token at
  least 24 hours old and unexpired, no client secret; reference/refresh_access_token),
  `GET /{version}/me?fields=user_id,username,name,account_type,profile_picture_url`, and the
  whole content-publishing API of the Instagram sandbox (containers, media_publish, the quota,
  listings, comments: instagram/__init__.py's graph_routes) with the same faults, so a fault
  injected for ("instagram", op) meets both logins.

No more lenient than Instagram: a wrong grant_type, a wrong or missing client secret, a code
used twice or for another redirect_uri, a short-lived token where a long-lived one is needed
(and the reverse), a token younger than 24 hours at refresh, and a token of the other login
(a Facebook Page token here, or this host's token on graph.facebook.com) are refused. Tokens
are `sbx-at.instagram_login.<ig-user>.<expiry>.<nonce>`; the Instagram account's id is the
`sandbox_user`. Errors of api.instagram.com use its own envelope
`{"error_type", "code", "error_message"}` [shape as the Basic Display era documented it;
unverified for Business Login]; graph.instagram.com uses Graph's.

A long-lived token the sandbox did not issue itself (the demo seed mints them) counts as issued
long ago. Refreshing leaves the previous token valid until its own expiry [Meta does not say].
"""

from __future__ import annotations

import time
from typing import Any

import flask

from devstack.sandboxes import oauth
from devstack.sandboxes.core import SandboxState, mint_tokens
from devstack.sandboxes.meta_graph import bad_version, expired_error, graph_error, revoked_error, unknown_object

TOKEN_PLATFORM = "instagram_login"  # the namespace of this login's tokens
APP_ID = "1000000000000003"  # an Instagram app's own id (Instagram Login apps have their own)
APP_SECRET = "sbx-instagram-login-app-secret"
SHORT_LIVED_S = 3600
LONG_LIVED_S = 60 * 86400
REFRESH_MIN_AGE_S = 24 * 3600
FIELDS = ("user_id", "username", "name", "account_type", "profile_picture_url")


def _api_error(message: str, status: int = 400) -> flask.Response:
    return flask.make_response({"error_type": "OAuthException", "code": status, "error_message": message}, status)


class InstagramLoginTokens:
    """This login's tokens: who each acts for, and which are short- or long-lived."""

    def __init__(self, state: SandboxState) -> None:
        self.state = state

    def _issued(self) -> dict[str, dict[str, Any]]:
        with self.state.lock:
            return self.state.oauth.setdefault("instagramLoginTokens", {})

    def mint(self, subject: str, kind: str) -> tuple[str, int]:
        lifetime = SHORT_LIVED_S if kind == "short" else LONG_LIVED_S
        token = mint_tokens(TOKEN_PLATFORM, subject, lifetime)[0]
        with self.state.lock:
            self._issued()[token] = {"kind": kind, "issuedAt": time.time()}
        return token, lifetime

    def kind(self, token: str) -> str:
        return (self._issued().get(token) or {}).get("kind", "long")  # the seed's: long-lived

    def age(self, token: str) -> float:
        issued = (self._issued().get(token) or {}).get("issuedAt")
        return time.time() - issued if issued is not None else float("inf")

    def raw(self) -> str | None:
        header = flask.request.headers.get("Authorization")
        if header:
            return header.split(" ", 1)[-1].strip()
        return flask.request.args.get("access_token") or flask.request.form.get("access_token")

    def subject(self, token: str | None) -> str | None:
        return self.state.subject_of(TOKEN_PLATFORM, f"Bearer {token}") if token else None

    def refusal(self, token: str | None) -> flask.Response:
        """Graph's answer to a token it does not take here."""
        if not token:
            return graph_error(400, 104, "An access token is required to request this resource.")
        parts = token.split(".")
        if len(parts) != 5 or parts[0] != "sbx-at" or parts[1] != TOKEN_PLATFORM:
            # A Facebook Login (Page or user) token on graph.instagram.com, or garbage.
            return graph_error(400, 190, "Invalid OAuth access token - Cannot parse access token")
        if (TOKEN_PLATFORM, parts[2]) in self.state.revoked:
            return revoked_error()
        return expired_error()

    def authorized(self, ig_user: str | None = None) -> tuple[str | None, flask.Response | None]:
        token = self.raw()
        who = self.subject(token)
        if who is None:
            return None, self.refusal(token)
        if ig_user is not None and ig_user not in (who, "me"):
            return None, unknown_object(ig_user)
        return who, None


def blueprint(state: SandboxState, base_url: str) -> flask.Blueprint:
    from devstack.sandboxes.instagram import graph_routes, instagram_gate

    bp = flask.Blueprint("instagram_login", __name__, url_prefix="/instagram_login")
    tokens = InstagramLoginTokens(state)
    gate = instagram_gate(state, tokens.authorized)

    def find_post(post_id: str) -> dict[str, Any] | None:
        return next((p for p in state.posts if p["platform"] == "instagram" and p["id"] == post_id), None)

    # -- www.instagram.com: the consent page ----------------------------------------------
    @bp.get("/www/oauth/authorize")
    def authorize():
        scopes = [s for s in (flask.request.args.get("scope") or "").split(",") if s]
        if "instagram_business_basic" not in scopes:
            # "instagram_basic or instagram_business_basic is required" (reference/oauth-authorize).
            return flask.make_response("<h1>Invalid scope</h1><p>instagram_business_basic is required</p>", 400)
        return oauth.consent(state, TOKEN_PLATFORM, APP_ID, pkce="none")

    # -- api.instagram.com: the code exchange ---------------------------------------------
    @bp.post("/api/oauth/access_token")
    def exchange_code():
        _, faulted = gate.fault("token")
        if faulted is not None:
            return faulted
        form = flask.request.form  # a form, as the reference's `-F` fields
        if form.get("grant_type") != "authorization_code":
            return _api_error("Invalid grant_type: authorization_code is required")
        if form.get("client_id") != APP_ID:
            return _api_error("Invalid platform app")
        if not form.get("client_secret"):
            return _api_error("Missing required field client_secret")
        if form.get("client_secret") != APP_SECRET:
            return _api_error("Error validating client secret")
        grant, why = oauth.redeem(state, TOKEN_PLATFORM, form.get("code"), client_id=form.get("client_id"),
                                  redirect_uri=form.get("redirect_uri"))
        if grant is None:
            return _api_error(f"Error validating verification code. {why}")
        user = grant["subject"]
        token, _ = tokens.mint(user, "short")
        granted = grant.get("scope") or ""
        if grant["options"].get("sandbox_token_shape") == "data":
            return {"data": [{"access_token": token, "user_id": user, "permissions": granted}]}
        return {"access_token": token, "user_id": user}

    # -- graph.instagram.com: long-lived tokens, renewal, the account ---------------------
    def new_long_lived(grant_type: str, kind: str, check) -> flask.Response | dict:
        """The two token grants of graph.instagram.com: a fault, the grant type, `check(args)`
        (None: passed), then a valid (unexpired) token of `kind`; a fresh 60-day token."""
        _, faulted = gate.fault("token")
        if faulted is not None:
            return faulted
        args = flask.request.args
        if args.get("grant_type") != grant_type:
            return graph_error(400, 100, f"Invalid grant_type: {grant_type} is required")
        if (refused := check(args)) is not None:
            return refused
        current = args.get("access_token")
        who = tokens.subject(current)
        if who is None:
            return tokens.refusal(current)  # an expired token is neither exchanged nor refreshed
        if tokens.kind(current) != kind:
            return graph_error(400, 100, f"The access token is not a {kind}-lived Instagram User access token")
        if kind == "long" and tokens.age(current) < REFRESH_MIN_AGE_S:
            return graph_error(400, 100, "The access token must be at least 24 hours old to be refreshed")
        token, lifetime = tokens.mint(who, "long")
        return {"access_token": token, "token_type": "bearer", "expires_in": lifetime}

    @bp.get("/graph/access_token")
    def long_lived():
        return new_long_lived("ig_exchange_token", "short", lambda args: None if args.get("client_secret") == APP_SECRET
                              else graph_error(400, 1, "Error validating client secret."))

    @bp.get("/graph/refresh_access_token")
    def refresh():
        return new_long_lived("ig_refresh_token", "long", lambda args: None)  # no client secret

    @bp.get("/graph/<version>/me")
    def me(version: str):
        if (bad := bad_version(version)) is not None:
            return bad
        fault, who, refused = gate("token")
        if refused is not None:
            return refused
        wanted = {f.strip() for f in (flask.request.args.get("fields") or "user_id,username").split(",")}
        row = {"id": f"app-scoped-{who}", "user_id": who, "username": f"{who}_ig",
               "name": f"Instagram account {who}", "account_type": "BUSINESS",
               "profile_picture_url": f"{base_url}/instagram/web/{who}/picture.jpg"}
        return {k: v for k, v in row.items() if k in wanted or k == "id"}

    graph_routes(bp, state, gate, find_post, f"{base_url}/instagram/web", prefix="/graph")
    return bp
