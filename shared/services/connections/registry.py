"""Which OAuth module serves which platform: the one table to extend."""

from __future__ import annotations

import functools

from shared.platforms import Platform
from shared.services.connections.base import Provider


@functools.cache
def providers() -> dict[Platform, Provider]:
    from shared.services.connections import google, linkedin, meta, snapchat, threads, tiktok, x

    return {
        Platform.X: x.XProvider(),
        Platform.INSTAGRAM: meta.instagram(),
        Platform.FACEBOOK: meta.facebook(),
        Platform.THREADS: threads.ThreadsProvider(),
        Platform.TIKTOK: tiktok.TikTokProvider(),
        Platform.YOUTUBE: google.YouTubeProvider(),
        Platform.LINKEDIN: linkedin.LinkedInProvider(),
        Platform.SNAPCHAT: snapchat.SnapchatProvider(),
    }


def provider_for(platform: Platform) -> Provider:
    return providers()[platform]
