"""One metrics fetcher per platform, by platform: `post(publisher, account, result)` and
`account(publisher, account)`; `SUPPORTED` is False where Soku makes no call at all."""

from __future__ import annotations

from types import ModuleType

from shared.platforms import Platform
from shared.services.analytics.platforms import (
    facebook,
    instagram,
    linkedin,
    snapchat,
    threads,
    tiktok,
    x,
    youtube,
)

FETCHERS: dict[Platform, ModuleType] = {
    Platform.X: x, Platform.FACEBOOK: facebook, Platform.INSTAGRAM: instagram, Platform.THREADS: threads,
    Platform.LINKEDIN: linkedin, Platform.YOUTUBE: youtube, Platform.TIKTOK: tiktok, Platform.SNAPCHAT: snapchat,
}
