"""What every platform's OAuth module provides, and the HTTP it shares.

A `Provider` builds the authorize URL, exchanges the code for tokens (a
`Grant`), turns the grant into the accounts it can publish to (one per
Facebook Page, Instagram business account, LinkedIn person or organization,
…) and revokes a grant where the platform offers that. Hosts come from
`Settings.platform_hosts`, client ids and secrets from
`Settings.platform_client_ids/_secrets`, so tests and the local stack use the
sandboxes and production uses the platforms.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from typing import Any, Protocol
from urllib.parse import urlencode

import httpx

from shared.adapters.log_redaction import redact
from shared.config import get_settings
from shared.platforms import RULES, Platform
from shared.services.connections.errors import ConnectError
from shared.services.connections.state import OAuthState
from shared.services.publishing.base import Tokens

TIMEOUT = httpx.Timeout(connect=10.0, read=20.0, write=20.0, pool=10.0)
_ID_UNSAFE = re.compile(r"[^A-Za-z0-9_.-]+")


@dataclass
class Grant:
    """What the token endpoint gave the authorizing user."""

    tokens: Tokens
    scopes: list[str] = field(default_factory=list)
    raw: dict[str, Any] = field(default_factory=dict)  # non-secret extras (open_id, user_id, …)


@dataclass
class NewAccount:
    """One account the grant lets Soku publish to, ready to store."""

    platform_user_id: str
    display_name: str | None
    tokens: Tokens
    grant_id: str  # accounts sharing a grant share its revocation (a Meta user, a LinkedIn member)
    account_id: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


class Provider(Protocol):
    platform: Platform
    default_scopes: tuple[str, ...]
    scope_separator: str
    pkce: bool  # whether the platform's web flow takes PKCE (S256); each module cites its source

    def authorize_url(self, state: OAuthState, state_token: str, scopes: list[str]) -> str: ...

    def exchange(self, code: str, state: OAuthState) -> Grant: ...

    def accounts(self, grant: Grant) -> list[NewAccount]: ...

    def revoke(self, tokens: Tokens, data: dict[str, Any]) -> bool:
        """True when the platform revoked the grant; False when it offers no revocation."""


def account_id_for(platform: Platform, platform_user_id: str, kind: str = "") -> str:
    """Stable and readable (`x_1234`, `linkedin_org_5678`): reconnecting updates the same account."""
    safe = _ID_UNSAFE.sub("-", platform_user_id).strip("-.")[:120] or "account"
    return f"{platform.value}_{kind + '_' if kind else ''}{safe}"


def host(name: str) -> str:
    return get_settings().platform_hosts[name]


def client_id(platform: str) -> str:
    return get_settings().platform_client_ids.get(platform, "")


def client_secret(platform: str) -> str:
    return get_settings().platform_client_secrets.get(platform, "")


def scopes_for(provider: Provider) -> list[str]:
    """SOKU_<PLATFORM>_SCOPES (comma or space separated) overrides the provider's defaults; a
    connector of one account type's own login names its variable (`scopes_name`:
    SOKU_INSTAGRAM_LOGIN_SCOPES)."""
    name = getattr(provider, "scopes_name", None) or provider.platform.value
    override = get_settings().platform_scopes.get(name, "")
    chosen = [s for s in re.split(r"[,\s]+", override) if s] if override else list(provider.default_scopes)
    return chosen


def pkce_challenge(provider: Provider, state: OAuthState) -> dict[str, str]:
    """The authorize URL's PKCE parameters, for platforms that take them."""
    return {"code_challenge": state.code_challenge, "code_challenge_method": "S256"} if provider.pkce else {}


def pkce_verifier(provider: Provider, state: OAuthState) -> dict[str, str]:
    """The token request's PKCE parameter, for platforms that take it."""
    return {"code_verifier": state.code_verifier} if provider.pkce else {}


def with_query(url: str, params: dict[str, Any]) -> str:
    return f"{url}{'&' if '?' in url else '?'}{urlencode({k: v for k, v in params.items() if v is not None})}"


@functools.cache
def _client() -> httpx.Client:
    # Redirects are never followed: an OAuth endpoint that redirects is misconfigured.
    return httpx.Client(timeout=TIMEOUT, follow_redirects=False)


def _platform_words(response: httpx.Response) -> str:
    """The platform's own description of a refusal, from whichever envelope it uses."""
    try:
        body = response.json()
    except ValueError:
        return response.text[:200] or f"HTTP {response.status_code}"
    if isinstance(body, dict):
        error = body.get("error")
        if isinstance(error, dict):  # Graph, Google APIs, TikTok
            words = error.get("message") or error.get("code")
        else:
            # api.instagram.com (Instagram Login's code exchange): {"error_type", "code", "error_message"}
            words = (body.get("error_description") or error or body.get("message") or body.get("detail")
                     or body.get("error_message"))
        if words:
            return str(words)[:200]
    return f"HTTP {response.status_code}"


def call(platform: Platform, method: str, url: str, *, failure: str, **kwargs) -> dict[str, Any]:
    """One OAuth or identity call; its JSON body, or ConnectError.

    `failure` is the code a refusal (4xx) becomes; 429, 5xx and transport errors
    are `platform_unavailable`. Messages are redacted: no token survives into them.
    """
    name = RULES[platform].display_name
    try:
        response = _client().request(method, url, **kwargs)
    except httpx.HTTPError as exc:
        raise ConnectError("platform_unavailable", f"{name} could not be reached ({type(exc).__name__}). "
                           "Try again in a moment.", platform=platform.value) from None
    if response.status_code == 429 or response.status_code >= 500:
        raise ConnectError("platform_unavailable", f"{name} is not answering right now "
                           f"(HTTP {response.status_code}). Try again in a moment.", platform=platform.value)
    if response.status_code >= 400:
        raise ConnectError(failure, f"{name} refused: {redact(_platform_words(response))}",
                           platform=platform.value)
    try:
        body = response.json() if response.content else {}
    except ValueError:
        raise ConnectError(failure, f"{name} answered something that is not JSON",
                           platform=platform.value) from None
    return body if isinstance(body, dict) else {"data": body}


def scopes_of(value: Any) -> list[str]:
    """Granted scopes as platforms report them: a list, or one string (space or comma separated)."""
    if isinstance(value, list):
        return [str(v) for v in value]
    return [s for s in re.split(r"[,\s]+", str(value or "")) if s] if value else []


def expiry(seconds: Any, default: int | None = None):
    """When a token given `expires_in` seconds ago expires; None when it does not."""
    from datetime import timedelta

    from shared import clock

    try:
        value = int(seconds) if seconds is not None else default
    except (TypeError, ValueError):
        value = default
    return clock.now() + timedelta(seconds=value) if value else None
