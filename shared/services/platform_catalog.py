"""What each platform takes and what Soku does there, read from the platform packages.

`GET /v1/platforms` and `GET /v1/platforms/{platform}` describe every platform from its
manifest (text limit and unit, post kinds and their media, with sources), its options
model (as JSON Schema), its connector (the scopes Soku asks for) and what its package
implements (delete, metrics, a first comment). The same manifests drive submission's
checks (`shared.platforms.RULES`), so what this says is what `POST /v1/posts` enforces.
`GET /v1/accounts/{id}/capabilities` narrows one platform's capabilities by the scopes
that account granted.
"""

from __future__ import annotations

import functools
from typing import Any

from shared.platforms import ALIASES, RULES, Platform, PlatformRules, account_type_of, loader
from shared.services import budgets, rate_limits
from shared.services.connections import manual
from shared.services.connections.base import scopes_for
from shared.services.connections.registry import provider_for


def _text(rules: PlatformRules) -> dict[str, Any]:
    unit = "weighted characters (twitter-text v3: a URL 23, an emoji or CJK character 2)" if rules.weighted_text \
        else rules.text_unit
    return {"maxLength": rules.max_text, "unit": unit, "required": rules.text_required,
            "source": rules.text_source or None}


def _post_kinds(rules: PlatformRules) -> list[dict[str, Any]]:
    return [{
        "kind": kind.name, "description": kind.description, "minMedia": kind.min_media, "maxMedia": kind.max_media,
        "carriesText": kind.carries_text, "maxText": kind.max_text, "source": kind.source or None,
        "media": [{"type": m.type, "formats": list(m.formats), "maxBytes": m.max_bytes,
                   "minDurationSeconds": m.min_duration_s, "maxDurationSeconds": m.max_duration_s,
                   "source": m.source or None} for m in kind.media],
    } for kind in rules.post_kinds]


def _capabilities(platform: Platform) -> dict[str, bool]:
    """What the platform's package implements: a capability is there when its code is."""
    options = loader.part(platform, "options").OPTIONS
    return {
        "publish": True,
        "schedule": True,
        "delete": callable(getattr(loader.part(platform, "publisher").PUBLISHER, "delete_post", None)),
        "metrics": any(_metrics(platform)[kind]["supported"] for kind in ("posts", "accounts")),
        "firstComment": "firstComment" in options.model_fields,
        "threads": RULES[platform].thread is not None,  # post.content.thread publishes as a chain of replies
    }


def _metrics(platform: Platform) -> dict[str, Any]:
    """Post and account metrics: read or not (the insights module's SUPPORTED, and its per-kind
    `POSTS_UNSUPPORTED` / `ACCOUNTS_UNSUPPORTED` reasons), what they mean where the module says."""
    from shared.services.analytics.base import supports

    insights = loader.part(platform, "insights")
    view = {}
    for kind in ("posts", "accounts"):
        supported = supports(insights, kind)
        reason = None if supported else (getattr(insights, f"{kind.upper()}_UNSUPPORTED", None)
                                         or getattr(insights, "REASON", None))
        view[kind] = {"supported": supported, "reason": reason,
                      "description": getattr(insights, f"{kind.upper()}_DESCRIBED", None) if supported else None}
    return view


@functools.cache
def _static_view(platform: Platform) -> dict[str, Any]:
    """The parts of a platform's view that only a deploy changes."""
    rules = RULES[platform]
    return {
        "platform": platform.value,
        "displayName": rules.display_name,
        "aliases": sorted(alias for alias, target in ALIASES.items() if target is platform and alias != platform.value),
        "text": _text(rules),
        "media": {"required": rules.media_required, "images": rules.accepts_images, "video": rules.accepts_video,
                  "maxImages": rules.max_images},
        "postKinds": _post_kinds(rules),
        "options": loader.part(platform, "options").OPTIONS.model_json_schema(),
        "capabilities": _capabilities(platform),
        "metrics": _metrics(platform),
        "publishesPerSecond": rules.dispatch_per_second,
        "capabilityScopes": {capability: list(scopes) for capability, scopes in rules.scope_needs.items()},
        "accountTypes": _account_types(rules),
    }


def _account_types(rules: PlatformRules) -> list[dict[str, Any]]:
    """The platform's kinds of account (empty where it has one): what each is, how it is
    connected, what differs, and the scopes its capabilities need where its login names them
    its own way."""
    return [{"id": t.id, "displayName": t.display_name, "description": t.description, "login": t.login,
             "aliases": list(t.aliases), "differences": list(t.differences), "default": i == 0,
             "selectableAtStart": t.selectable,
             "capabilityScopes": {c: list(s) for c, s in (t.scope_needs if t.scope_needs is not None
                                                          else rules.scope_needs).items()}}
            for i, t in enumerate(rules.account_types)]


def _connection(platform: Platform, account_type: str | None = None) -> dict[str, Any]:
    provider = provider_for(platform, account_type)
    if manual.is_manual(provider):
        return {"type": "manual", "scopes": [], "fields": provider.credentials.model_json_schema()}
    # Scopes may be overridden per deployment (SOKU_<PLATFORM>_SCOPES): read them each time.
    view: dict[str, Any] = {"type": "oauth", "scopes": scopes_for(provider)}
    if getattr(provider, "per_instance", False):
        # Mastodon: the user's own server, named in the start request's body.
        view["fields"] = _INSTANCE_FIELDS
    return view


_INSTANCE_FIELDS = {
    "type": "object", "title": "StartOnServer", "required": ["instanceUrl"],
    "properties": {"instanceUrl": {
        "type": "string", "title": "Instance URL", "examples": ["https://mastodon.social"],
        "description": "The server the account is on (`mastodon.social` means https://mastodon.social): "
                       "send it as the body of POST /v1/connections/{platform}/start"}},
}


def platform_view(platform: Platform) -> dict[str, Any]:
    view = _static_view(platform) | {"connection": _connection(platform)}
    if view["accountTypes"]:
        # What each type's login asks for (read each time, as SOKU_<...>_SCOPES may change them):
        # its own connector's where the start can choose it, else the platform's one login's.
        view["accountTypes"] = [t | {"scopes": _connection(platform, t["id"])["scopes"] if t["selectableAtStart"]
                                     else view["connection"]["scopes"]} for t in view["accountTypes"]]
    return view


def catalog() -> dict[str, Any]:
    limits = rate_limits.limits()
    return {
        "platforms": [platform_view(platform) for platform in Platform],
        "limits": {
            "rateLimits": {name: {"perMinute": tier.limit, "burst": tier.burst} for name, tier in limits.tiers.items()},
            "endpointLimits": dict(limits.endpoints),
            "dailyCeilings": {tier: budgets.limits_for(tier) for tier in budgets.DEFAULT_LIMITS},
        },
    }


def account_capabilities(platform: Platform, account_id: str, data: dict[str, Any]) -> dict[str, Any]:
    """The platform's capabilities, less those whose scopes the account did not grant."""
    view = platform_view(platform)
    granted = data.get("scopes") if isinstance(data.get("scopes"), list) else None
    capabilities = dict(view["capabilities"])
    missing: dict[str, list[str]] = {}
    # An account type whose login names its scopes its own way (Instagram Login) is held to those.
    kind = account_type_of(platform, data)
    needs = view["capabilityScopes"] if kind is None or kind.scope_needs is None else \
        {c: list(s) for c, s in kind.scope_needs.items()}
    default_scopes = view["connection"]["scopes"] if kind is None or not kind.selectable else \
        _connection(platform, kind.id)["scopes"]
    held = set(granted) if granted is not None else set(default_scopes)
    for capability, needed in needs.items():
        lacking = [scope for scope in needed if scope not in held]
        if lacking and capabilities.get(capability):
            capabilities[capability] = False
            missing[capability] = lacking
    from shared.services.posts.targets import own_text_limit

    return {"accountId": account_id, "platform": platform.value, "accountType": kind.id if kind else None,
            "grantedScopes": granted,
            "capabilities": capabilities, "missingScopes": missing,
            "maxText": own_text_limit(data) or view["text"]["maxLength"],
            "postKinds": [kind["kind"] for kind in view["postKinds"]]}
