"""Which connector serves which platform: each platform package's `provider()`."""

from __future__ import annotations

import functools

from shared.platforms import Platform, loader
from shared.services.connections.base import Provider


@functools.cache
def provider_for(platform: Platform, account_type: str | None = None) -> Provider:
    """The platform's connector, loaded on first use: connecting to X imports nothing of the others.

    `account_type`: where the platform's kinds of account are connected through different logins
    (Instagram: Facebook Login or Instagram Login, its manifest's `account_types`), the package's
    `provider(account_type)` gives that login's connector; None (or a platform with one login):
    the default."""
    connector = loader.part(Platform(platform), "connector")
    return connector.provider(account_type) if account_type is not None else connector.provider()
