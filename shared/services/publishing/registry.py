"""Which publisher serves which platform: each platform package's `PUBLISHER`."""

from __future__ import annotations

import functools

from shared.platforms import Platform, loader
from shared.services.publishing.base import Publisher


@functools.cache
def publishers() -> dict[Platform, Publisher]:
    # Loaded on first use (shared/platforms/loader.py): nothing platform-specific loads at
    # deploy discovery.
    return {platform: loader.part(platform, "publisher").PUBLISHER() for platform in Platform}


def publisher_for(platform: Platform) -> Publisher | None:
    return publishers().get(platform)
