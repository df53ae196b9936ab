"""Which publisher serves which platform: each platform package's `PUBLISHER`."""

from __future__ import annotations

import functools

from shared.platforms import Platform, loader
from shared.services.publishing.base import Publisher


@functools.cache
def publisher_for(platform: Platform) -> Publisher | None:
    """The platform's publisher, loaded on first use (shared/platforms/loader.py): a function
    publishing to X imports nothing of the other platforms, and nothing loads at deploy discovery."""
    try:
        platform = Platform(platform)
    except ValueError:
        return None
    return loader.part(platform, "publisher").PUBLISHER()
