"""Which publisher serves which platform: the one table to extend."""

from __future__ import annotations

import functools

from shared.platforms import Platform
from shared.services.publishing.base import Publisher


@functools.cache
def publishers() -> dict[Platform, Publisher]:
    # Imported lazily: nothing platform-specific loads at deploy discovery.
    from shared.services.publishing.platforms import linkedin, threads, x
    from shared.services.publishing.platforms import facebook
    from shared.services.publishing.platforms import youtube
    from shared.services.publishing.platforms import instagram
    from shared.services.publishing.platforms import snapchat
    from shared.services.publishing.platforms import tiktok

    return {
        Platform.X: x.XPublisher(),
        Platform.LINKEDIN: linkedin.LinkedInPublisher(),
        Platform.THREADS: threads.ThreadsPublisher(),
        Platform.FACEBOOK: facebook.FacebookPublisher(),
        Platform.YOUTUBE: youtube.YouTubePublisher(),
        Platform.INSTAGRAM: instagram.InstagramPublisher(),
        Platform.SNAPCHAT: snapchat.SnapchatPublisher(),
        Platform.TIKTOK: tiktok.TikTokPublisher(),
    }


def publisher_for(platform: Platform) -> Publisher | None:
    return publishers().get(platform)
