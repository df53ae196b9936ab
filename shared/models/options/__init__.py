"""Per-platform options: `post.content.options.<platform>` and a target's own `options`.

One model per platform, in its package (`shared/platforms/<name>/options.py`, `OPTIONS`);
unknown option names are refused. Options given for a platform apply to every target on it;
a target object's `options` override them for that account.
"""

from __future__ import annotations

from pydantic import ConfigDict, create_model

from shared.models.options_base import Options
from shared.platforms import Platform, loader

OPTION_MODELS: dict[Platform, type[Options]] = {
    platform: loader.part(platform, "options").OPTIONS for platform in Platform
}

# `{"x": XOptions | None, "instagram": ..., ...}` in the enum's order, as the API documents it.
PlatformOptions = create_model(
    "PlatformOptions",
    __config__=ConfigDict(extra="forbid"),
    **{platform.value: (model | None, None) for platform, model in OPTION_MODELS.items()},
)


__all__ = ["OPTION_MODELS", "Options", "PlatformOptions"]
