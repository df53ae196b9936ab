"""Which connector serves which platform: each platform package's `provider()`."""

from __future__ import annotations

import functools

from shared.platforms import Platform, loader
from shared.services.connections.base import Provider


@functools.cache
def providers() -> dict[Platform, Provider]:
    return {platform: loader.part(platform, "connector").provider() for platform in Platform}


def provider_for(platform: Platform) -> Provider:
    return providers()[platform]
