"""The connect flow: start (a one-time begin link), begin (bind a browser, then the
platform's authorize URL with an opaque state) and complete (the callback)."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any, Mapping

from shared import clock
from shared.config import get_settings
from shared.errors import SokuError, ValidationError
from shared.platforms import ALIASES, RULES, Platform
from shared.services.connections import manual, store
from shared.services.connections import state as states
from shared.adapters.gcp import firestore_client
from shared.services.connections.base import account_id_for, client_id, client_secret, scopes_for, with_query
from shared.services.connections.errors import ConnectError
from shared.services.connections.registry import provider_for

log = logging.getLogger("soku.connections")

# What platforms answer in `error` when the user says no (OAuth's access_denied, and LinkedIn's words).
DENIED = {"access_denied", "user_cancelled_login", "user_cancelled_authorize", "user_denied"}


class PlatformNotConfiguredError(SokuError):
    status = 503
    code = "platform_not_configured"
    message = "Connecting accounts of this platform is not enabled in this deployment"


@dataclass
class Connected:
    user_id: str
    platform: Platform
    accounts: list[dict[str, Any]] = field(default_factory=list)


def parse_platform(value: str) -> Platform:
    platform = ALIASES.get((value or "").lower())
    if platform is None:
        raise ValidationError(details=[{
            "field": "path.platform", "code": "invalid_enum_value", "received": value,
            "message": f"Unsupported platform; expected one of: {', '.join(p.value for p in Platform)}"}])
    return platform


def _configured(platform: Platform) -> bool:
    own_id = client_id(platform.value) or (platform is Platform.INSTAGRAM and client_id("facebook"))
    own_secret = client_secret(platform.value) or (platform is Platform.INSTAGRAM and client_secret("facebook"))
    # X allows public clients (PKCE without a secret); every other platform needs the secret.
    return bool(own_id) and (bool(own_secret) or platform is Platform.X)


def account_type_for(platform: Platform, body: Any, called_as: str | None = None) -> str | None:
    """The login a start chose, for a platform whose kinds of account go through different logins
    (its manifest's selectable `account_types`: Instagram's `facebook_login`, the default, and
    `instagram_login`): the body's `accountType`, else what the alias the route was called by
    stands for (`instagram_business`: facebook_login), else the default. None for the others,
    which take no `accountType`. An unknown value, or one the alias contradicts, is a 400 naming
    `body.accountType` with the choices."""
    rules = RULES[platform]
    choices = [t for t in rules.account_types if t.selectable]
    raw = body.get("accountType") if isinstance(body, dict) else None
    by_alias = rules.account_type(called_as) if called_as and called_as != platform.value else None
    by_alias = by_alias if by_alias is not None and by_alias.selectable else None
    if raw is None:
        return (by_alias or choices[0]).id if choices else None
    chosen = next((t for t in choices if isinstance(raw, str) and raw.lower() in (t.id, *t.aliases)), None)
    if chosen is None or (by_alias is not None and chosen is not by_alias):
        expected = ", ".join(t.id for t in ([by_alias] if by_alias else choices))
        why = (f"{rules.display_name}'s accounts all connect through one login: send no accountType" if not choices else
               f"Unknown account type for {rules.display_name}; expected one of: {expected}" if chosen is None else
               f"/v1/connections/{called_as}/start connects {by_alias.id} accounts; expected: {expected}")
        raise ValidationError(details=[{"field": "body.accountType", "code": "invalid_enum_value",
                                        "received": raw, "message": why,
                                        "choices": [t.id for t in ([by_alias] if by_alias else choices)]}])
    return chosen.id


def start(user_id: str, platform: Platform, request_origin: str, body: Any = None,
          called_as: str | None = None) -> dict[str, Any]:
    """`body`: the start request's JSON body. A platform whose users each name their own
    server reads it (Mastodon: `{"instanceUrl": ...}`), and one whose kinds of account go through
    different logins (Instagram: `{"accountType": "instagram_login"}`); the others take no body.
    `called_as`: the platform as the route named it (an alias such as `instagram_business`)."""
    settings = get_settings()
    name = RULES[platform].display_name
    account_type = account_type_for(platform, body, called_as)
    provider = provider_for(platform, account_type)
    # Mastodon-like platforms (`per_instance`): every user names their own server, and Soku
    # registers its OAuth app there (the connector's `prepare`), so no client is configured.
    per_instance = bool(getattr(provider, "per_instance", False))
    if manual.is_manual(provider):
        raise manual.ConnectionKindError(
            f"{name} accounts are connected with credentials, not a consent page: "
            f"POST /v1/connections/{platform.value} with them (GET /v1/platforms/{platform.value} lists the fields)",
            details={"platform": platform.value, "connection": "manual"})
    own_check = getattr(provider, "configured", None)  # a login with its own app (Instagram Login)
    if own_check is not None and not own_check():
        raise PlatformNotConfiguredError(provider.not_configured_message)
    if own_check is None and not per_instance and not _configured(platform):
        raise PlatformNotConfiguredError(f"Connecting {name} accounts is not enabled in this deployment "
                                         "(no OAuth client configured)")
    # The redirect URI must be registered with the platform, so production names it;
    # elsewhere the origin the caller reached us at works (the local gateway, tests).
    base = settings.oauth_redirect_base or ("" if settings.environment == "production" else request_origin)
    if not base:
        raise PlatformNotConfiguredError("Connecting accounts is not enabled in this deployment "
                                         "(SOKU_OAUTH_REDIRECT_BASE is not set)")
    root = f"{base.rstrip('/')}/oauth/{platform.value}"
    # Per-instance: the server named in the body, vetted (400 naming body.instanceUrl) and with
    # Soku's app registered on it for this callback (once per server); the flow remembers it.
    instance = provider.prepare(body, f"{root}/callback") if per_instance else None
    # The default login is not written down: a flow without `accountType` is the default's.
    default = RULES[platform].account_type(None)
    kept = account_type if account_type and default is not None and account_type != default.id else None
    state, begin_secret = states.issue(user_id, platform.value, f"{root}/callback", instance, kept)
    # Not the platform's authorize URL: Soku's one-time begin page on the callback's origin,
    # which binds the flow to the browser that confirms there and then sends it on.
    return {"platform": platform.value,
            "authorizeUrl": with_query(f"{root}/begin", {"flow": f"{state.flow_id}.{begin_secret}"}),
            "redirectUri": state.redirect_uri, "expiresAt": clock.iso(state.expires_at),
            **({"accountType": account_type} if account_type else {})}


@dataclass
class Pending:
    """What the begin page shows: which Soku account the connection joins."""

    platform: Platform
    user_id: str
    email: str | None
    display_name: str | None
    expires_at: Any
    # The kind of account the flow connects where the start chose one other than the default
    # (Instagram Login's "Instagram professional account without a Facebook Page"), else None.
    account_type: str | None = None


def pending(platform: Platform, begin_token: str | None) -> Pending:
    flow_id, begin_secret = states.split_begin_token(begin_token)
    flow = states.lookup_begin(flow_id, begin_secret, platform.value)
    snap = firestore_client().collection("users").document(flow.state.user_id).get()
    user = (snap.to_dict() or {}) if snap.exists else {}
    text = lambda v: v.strip()[:200] if isinstance(v, str) and v.strip() else None  # noqa: E731
    kind = RULES[platform].account_type(flow.state.account_type) if flow.state.account_type else None
    return Pending(platform, flow.state.user_id, text(user.get("email")), text(user.get("displayName")),
                   flow.state.expires_at, kind.display_name if kind else None)


def proceed(platform: Platform, begin_token: str | None, browser_secret: str) -> tuple[states.OAuthState, str]:
    """Bind the flow to this browser (once); the platform's authorize URL to send it to."""
    flow_id, begin_secret = states.split_begin_token(begin_token)
    state = states.bind(flow_id, begin_secret, platform.value, browser_secret)
    provider = provider_for(platform, state.account_type)  # the login chosen at start
    return state, provider.authorize_url(state, state.token, scopes_for(provider))


def cancel(platform: Platform, begin_token: str | None) -> None:
    flow_id, begin_secret = states.split_begin_token(begin_token)
    states.bind(flow_id, begin_secret, platform.value, None)


def flow_of(platform: Platform, args: Mapping[str, str]) -> str:
    """The flow id the callback's state names; forged or altered: refused before any I/O."""
    return states.verify(args.get("state"), platform.value)


def complete(platform_value: str, args: Mapping[str, str], browser_secret: str | None) -> Connected:
    """Handle the platform's redirect back; raises ConnectError with the reason.

    `browser_secret` is the cookie the begin page gave the browser that confirmed the flow:
    without it (another browser, another person) nothing is exchanged or linked."""
    platform = ALIASES.get(platform_value)
    if platform is None or platform.value != platform_value:
        raise ConnectError("invalid_state", "This is not a connection link Soku made.")
    name = RULES[platform].display_name
    flow_id = flow_of(platform, args)
    # Single use and bound to the browser, also when the answer is a refusal.
    state = states.claim(flow_id, platform.value, browser_secret)
    error = args.get("error")
    if error:
        if error in DENIED or args.get("error_reason") == "user_denied":
            raise ConnectError("access_denied", f"You did not allow Soku to post to your {name} account, "
                               "so nothing was connected.", platform=platform.value)
        detail = (args.get("error_description") or "")[:200]
        raise ConnectError("authorization_failed", f"{name} did not authorize the connection: "
                           f"{error}{' - ' + detail if detail else ''}", platform=platform.value)
    code = args.get("code")
    if not code:
        raise ConnectError("missing_code", f"{name} sent no authorization code back.", platform=platform.value)
    provider = provider_for(platform, state.account_type)  # the login chosen at start
    grant = provider.exchange(code, state)
    found = provider.accounts(grant)
    if not found:
        what = {Platform.FACEBOOK: "Facebook Pages", Platform.INSTAGRAM: "Instagram business accounts linked "
                "to a Facebook Page", Platform.SNAPCHAT: "Snapchat Public Profiles"}.get(platform, f"{name} accounts")
        if state.account_type == "instagram_login":
            what = "Instagram professional (business or creator) account"
        raise ConnectError("no_accounts", f"This login gives access to no {what}, so nothing was connected.",
                           platform=platform.value)
    for account in found:
        account.account_id = account.account_id or account_id_for(platform, account.platform_user_id)
    stored = store.upsert(state.user_id, platform, found, grant.scopes)
    log.info("connected %d %s account(s) for user %s", len(stored), platform.value, state.user_id)
    return Connected(state.user_id, platform, stored)
