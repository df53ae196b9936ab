"""Mastodon: the user names their server, Soku registers its app there once, then OAuth on that
server (docs.joinmastodon.org/spec/oauth/ and methods/oauth/):

1. `POST /v1/connections/mastodon/start {"instanceUrl": "https://mastodon.social"}`: the URL is
   vetted (instance.py: the SSRF rules, https) and Soku's app is registered on the server, or the
   one registered before is reused (apps.py); the flow record keeps the server (`instance`).
2. The begin page sends the browser to `GET {server}/oauth/authorize?client_id&redirect_uri&
   response_type=code&scope&state&code_challenge&code_challenge_method=S256`.
3. The callback: `POST {server}/oauth/token` (grant_type=authorization_code, code, client_id,
   client_secret, redirect_uri, code_verifier) → `{access_token, token_type, scope, created_at}`:
   no `expires_in` and no refresh token, since Mastodon's access tokens are valid until revoked
   (docs.joinmastodon.org/entities/Token/ has no expiry).
4. `GET {server}/api/v1/accounts/verify_credentials` → the account (`id`, `username`, `acct`,
   `display_name`, `url`; docs.joinmastodon.org/methods/accounts/#verify_credentials).
5. Disconnect: `POST {server}/oauth/revoke` (client_id, client_secret, token;
   docs.joinmastodon.org/methods/oauth/#revoke).

Ids: a Mastodon account id is unique only on its server, and a username cannot be changed there,
so the Soku account id is `mastodon_<username>-<server>` (`mastodon_alice-mastodon.social`) and
its `username` the full handle `alice@mastodon.social`; the account keeps `instanceUrl` (where
the publisher goes) and `mastodonApp` (the app whose client revokes it).
"""

from __future__ import annotations

import logging
from typing import Any

from shared.errors import SokuError, ValidationError
from shared.platforms import Platform
from shared.platforms.mastodon import apps
from shared.platforms.mastodon import instance as servers
from shared.platforms.mastodon.http import connect_call
from shared.services.connections.base import (
    Grant,
    NewAccount,
    account_id_for,
    pkce_challenge,
    pkce_verifier,
    scopes_for,
    scopes_of,
    with_query,
)
from shared.services.connections.errors import ConnectError
from shared.services.connections.state import OAuthState
from shared.services.publishing.base import Tokens
from shared.services.publishing.errors import PublishError

log = logging.getLogger(__name__)

FIELD = "body.instanceUrl"


class InstanceUnavailableError(SokuError):
    """The named server is down or overloaded (5xx, 429, no answer): the start can be tried again."""

    status = 502
    code = "platform_unavailable"
    message = "The Mastodon server could not be reached; try again in a moment"


class MastodonProvider:
    platform = Platform.MASTODON
    # Granular scopes (docs.joinmastodon.org/api/oauth-scopes/): posting statuses and uploading
    # their media, reading statuses back (reconciling a create, metrics) and the account
    # (identity, followers). Narrower than "read write", which would also let Soku read the
    # user's notifications, lists and direct messages.
    default_scopes = ("write:statuses", "write:media", "read:statuses", "read:accounts")
    scope_separator = " "
    # PKCE (S256) since Mastodon 4.3.0: `code_challenge` and `code_challenge_method` ("Must be
    # `S256`, as this is the only code challenge method that is supported by Mastodon for PKCE") on
    # /oauth/authorize, `code_verifier` on /oauth/token (docs.joinmastodon.org/methods/oauth/,
    # "4.3.0 - added support for PKCE parameters"; the server's /.well-known/oauth-authorization-server
    # lists `code_challenge_methods_supported: ["S256"]`). A server before 4.3.0 does not know the
    # parameters [unverified: that it ignores them, as Doorkeeper does without its PKCE columns];
    # the confidential client (client_secret) is what authenticates the exchange there.
    pkce = True
    # The user names the server; Soku's OAuth client is its app registered there (flow.start).
    per_instance = True

    def prepare(self, body: Any, redirect_uri: str) -> str:
        """The start request's server, vetted, with Soku's app registered there: 400 naming
        body.instanceUrl when it is missing or refused, 502 when the server cannot be reached."""
        value = body.get("instanceUrl") if isinstance(body, dict) else None
        if value is None:
            raise _invalid("Mastodon accounts live on a server of their own: send its address as "
                           '{"instanceUrl": "https://mastodon.social"}', "required", value)
        try:
            root = servers.checked(value)
        except servers.InstanceRefused as refused:
            raise _invalid(f"Mastodon server refused: {refused.message}", "invalid_url", value) from None
        try:
            apps.app_for(root, redirect_uri, scopes_for(self))
        except ConnectError as error:
            if error.code == "platform_unavailable":
                raise InstanceUnavailableError(error.message, details={"platform": self.platform.value,
                                                                       "instanceUrl": root}) from None
            raise _invalid(f"{servers.host_of(root)} did not register Soku's app: {error.message}",
                           "not_mastodon", value) from None
        return root

    def _app(self, state: OAuthState) -> apps.App:
        if not state.instance:
            raise ConnectError("invalid_state", "This connection was started without a Mastodon server. "
                               "Start connecting again.", platform=self.platform.value)
        return apps.app_for(state.instance, state.redirect_uri, scopes_for(self))

    def authorize_url(self, state: OAuthState, state_token: str, scopes: list[str]) -> str:
        app = self._app(state)
        return with_query(f"{app.instance}/oauth/authorize", {
            "client_id": app.client_id, "redirect_uri": state.redirect_uri, "response_type": "code",
            "scope": " ".join(scopes), "state": state_token, **pkce_challenge(self, state)})

    def exchange(self, code: str, state: OAuthState) -> Grant:
        app = self._app(state)
        body = connect_call("POST", f"{app.instance}/oauth/token", failure="token_exchange_failed", data={
            "grant_type": "authorization_code", "code": code, "redirect_uri": state.redirect_uri,
            "client_id": app.client_id, "client_secret": app.client_secret, **pkce_verifier(self, state)})
        if not body.get("access_token"):
            raise ConnectError("token_exchange_failed", "The Mastodon server answered without an access token.",
                               platform=self.platform.value)
        return Grant(Tokens(str(body["access_token"])), scopes_of(body.get("scope")),
                     raw={"instance": app.instance, "app": app.id})

    def accounts(self, grant: Grant) -> list[NewAccount]:
        root = grant.raw["instance"]
        me = connect_call("GET", f"{root}/api/v1/accounts/verify_credentials", failure="identity_failed",
                          headers={"Authorization": f"Bearer {grant.tokens.access_token}"})
        if not me.get("id") or not me.get("username"):
            raise ConnectError("identity_failed", "The Mastodon server did not say whose account this is.",
                               platform=self.platform.value)
        server = servers.host_of(root)
        handle = f"{me['username']}@{server}"
        extra = {"username": handle, "instanceUrl": root, "mastodonApp": grant.raw["app"], "profileUrl": me.get("url")}
        limit = _server_text_limit(root)
        if limit is not None:
            extra["maxText"] = limit  # submission checks posts to this account against it (posts/checks.py)
        return [NewAccount(str(me["id"]), me.get("display_name") or f"@{handle}", grant.tokens,
                           grant_id=f"mastodon:{server}:{me['id']}",
                           account_id=account_id_for(self.platform, handle), extra=extra)]

    def revoke(self, tokens: Tokens, data: dict[str, Any]) -> bool:
        app = apps.stored(str(data.get("mastodonApp") or ""))
        if app is None:
            raise ConnectError("platform_unavailable", "Soku no longer holds the app this account was connected "
                               "with, so it could not revoke the access at the server: revoke Soku under "
                               "Preferences > Account > Authorized apps there.", platform=self.platform.value)
        connect_call("POST", f"{app.instance}/oauth/revoke", failure="authorization_failed", data={
            "client_id": app.client_id, "client_secret": app.client_secret, "token": tokens.access_token})
        return True


def _server_text_limit(root: str) -> int | None:
    """The server's `max_characters` (500 on a stock server; many raise it), so a post longer than
    the stock limit is taken at submission for an account whose server allows it. None when the
    server does not answer: the account connects all the same, and the stock limit applies until
    it is connected again (the publisher checks the server's current limits before every status)."""
    try:
        return servers.limits(root, lambda response: None).max_characters
    except (PublishError, servers.InstanceRefused) as exc:
        log.warning("could not read the limits of the Mastodon server %s: %s", root, exc)
        return None


def _invalid(message: str, code: str, received: Any) -> ValidationError:
    return ValidationError(message, details=[{"field": FIELD, "code": code, "message": message,
                                              "received": received if isinstance(received, str) else None}])


def provider() -> MastodonProvider:
    """The connector the registry serves for Mastodon (shared/platforms/loader.py)."""
    return MastodonProvider()
