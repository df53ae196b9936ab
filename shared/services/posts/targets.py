"""Resolve `post.content.platform` into concrete (platform, account) targets.

Rules from the spec: an omitted accountId resolves when exactly one account
is connected on that platform; several -> 400 `missing_account`; an unknown
account or an unconnected platform -> 400 `missing_integrations` listing
`platform:accountId`. Targets are de-duplicated by targetId, which defaults
to `platform:accountId`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pydantic

from shared.errors import SokuError, ValidationError
from shared.models.options import OPTION_MODELS, PlatformOptions
from shared.models.posts import PlatformTarget, canonical_platform
from shared.validation_details import details_from_pydantic
from shared.platforms import RULES, Platform


# What resolving a target reads of an account document; nothing else (tokens least of all)
# is needed to accept a post.
ACCOUNT_FIELDS = ("status", "displayName")


@dataclass(frozen=True)
class Target:
    target_id: str
    platform: Platform
    account_id: str
    display_name: str | None = None
    options: dict = field(default_factory=dict)
    # The account's own text limit where its platform's varies by account (a Mastodon server's
    # `max_characters`, stored when the account connected); None: the platform's applies.
    max_text: int | None = None

    def as_dict(self) -> dict:
        return {
            "targetId": self.target_id,
            "platform": self.platform.value,
            "accountId": self.account_id,
            "options": self.options,
        }


class MissingIntegrationsError(SokuError):
    status = 400
    code = "missing_integrations"


class MissingAccountError(SokuError):
    status = 400
    code = "missing_account"


class AccountNeedsReconnectError(SokuError):
    status = 400
    code = "account_needs_reconnect"


def _entries(platform_field) -> list[PlatformTarget]:
    raw = platform_field if isinstance(platform_field, list) else [platform_field]
    return [PlatformTarget(platform=e) if isinstance(e, str) else e for e in raw]


def accounts_to_read(platform_field) -> tuple[list[tuple[Platform, str]], set[Platform]]:
    """The accounts a post names by id, and the platforms it names without an account
    (whose accounts must all be listed to resolve them)."""
    named: list[tuple[Platform, str]] = []
    listed: set[Platform] = set()
    for entry in _entries(platform_field):
        platform = canonical_platform(entry.platform)
        if entry.accountId is None:
            listed.add(platform)
        else:
            named.append((platform, entry.accountId))
    return named, listed


def _options_for(platform: Platform, shared: PlatformOptions | None, entry: PlatformTarget,
                 field_path: str) -> dict:
    """The platform-wide options overlaid with this target's own, validated together."""
    merged: dict = {}
    common = getattr(shared, platform.value, None) if shared is not None else None
    if common is not None:
        merged.update(common.model_dump(exclude_unset=True))
    merged.update(entry.options or {})
    try:
        return OPTION_MODELS[platform].model_validate(merged).model_dump(exclude_none=True)
    except pydantic.ValidationError as exc:
        raise ValidationError(details=details_from_pydantic(exc, field_path)) from None


def resolve_targets(platform_field, options: PlatformOptions | None,
                    connected: dict[Platform, dict[str, dict]]) -> list[Target]:
    """`connected`: per platform, the accounts `accounts_to_read` asked for (posts/reads.py)."""
    entries = _entries(platform_field)

    targets: dict[str, Target] = {}
    missing: list[str] = []
    ambiguous: list[Platform] = []
    needs_reconnect: list[str] = []
    single = not isinstance(platform_field, list)
    for index, entry in enumerate(entries):
        platform = canonical_platform(entry.platform)
        path = "body.post.content.platform" + ("" if single else f".{index}")
        target_options = _options_for(platform, options, entry, f"{path}.options")
        accounts = connected.get(platform, {})
        account_id = entry.accountId
        if account_id is None:
            if not accounts:
                missing.append(platform.value)
                continue
            if len(accounts) > 1:
                if platform not in ambiguous:
                    ambiguous.append(platform)
                continue
            account_id = next(iter(accounts))
        elif account_id not in accounts:
            missing.append(f"{platform.value}:{account_id}")
            continue
        account = accounts[account_id]
        if account.get("status") == "needs_reconnect":
            needs_reconnect.append(f"{platform.value}:{account_id}")
            continue
        target_id = entry.targetId or f"{platform.value}:{account_id}"
        # Duplicates (same targetId) collapse into one run: the first wins.
        targets.setdefault(target_id, Target(target_id, platform, account_id, account.get("displayName"),
                                             target_options, own_text_limit(account)))

    if missing:
        missing = list(dict.fromkeys(missing))
        raise MissingIntegrationsError(
            f"Missing integrations for platforms: {', '.join(missing)}",
            details={"missing": missing},
        )
    if ambiguous:
        names = [RULES[p].display_name for p in ambiguous]
        first = ambiguous[0]
        message = (
            f"Multiple {names[0]} accounts connected. Please specify accountId."
            if len(ambiguous) == 1
            else f"Multiple accounts connected on {', '.join(names)}. Please specify accountId."
        )
        raise MissingAccountError(message, details={
            "platforms": [p.value for p in ambiguous],
            "accounts": {p.value: sorted(connected[p]) for p in ambiguous},
            "example": {"platform": first.value, "accountId": sorted(connected[first])[0]},
        })
    if needs_reconnect:
        raise AccountNeedsReconnectError(
            f"Reconnect these accounts before posting: {', '.join(needs_reconnect)}",
            details={"accounts": needs_reconnect},
        )
    if not targets:
        raise ValidationError(details=[{"field": "body.post.content.platform", "message": "No targets", "code": "too_small"}])
    return list(targets.values())


def own_text_limit(account: dict) -> int | None:
    """The account document's `maxText` (see Target.max_text), if it holds a usable one."""
    value = account.get("maxText")
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else None
