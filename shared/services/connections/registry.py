"""Which connector serves which platform: each platform package's `provider()`."""

from __future__ import annotations

import functools

from shared.platforms import Platform, loader
from shared.services.connections.base import Provider


@functools.cache
def provider_for(platform: Platform) -> Provider:
    """The platform's connector, loaded on first use: connecting to X imports nothing of the others."""
    return loader.part(Platform(platform), "connector").provider()

