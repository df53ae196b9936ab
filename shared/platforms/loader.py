"""The one registry of platform packages: `shared/platforms/<name>/`, found by name.

As Home Assistant's loader imports `homeassistant.components.<domain>` by name, the core
never imports a platform package itself (tests/test_layers.py holds it to that): it asks
here, and this module imports `shared.platforms.<platform>.<part>` on first use, so a
function that publishes to X loads nothing of the other platforms. The `Platform` enum
(shared/platforms/__init__.py) is the list of names: adding a platform is its package, its
sandbox, its tests and one line there.

Each package holds, under these names:
- `manifest.py`  `MANIFEST`: limits and media rules (`PlatformRules`), each with its source;
- `options.py`   `OPTIONS`: the pydantic model of `post.content.options.<platform>`;
- `connector.py` `provider()`: the OAuth connector (shared/services/connections/base.py);
- `publisher.py` `PUBLISHER`: the Publisher class (shared/services/publishing/base.py);
- `insights.py`  `post()`, `account()`, `SUPPORTED`: metrics (shared/services/analytics/base.py);
- `preflight.py` `check(request)`, optional (`PlatformRules.preflight`): submission checks that
  ask the platform (shared/services/posts/preflight.py).
"""

from __future__ import annotations

import importlib
from enum import Enum
from types import ModuleType


def part(platform: Enum | str, name: str) -> ModuleType:
    """One module of a platform's package (`manifest`, `options`, `connector`, `publisher`,
    `insights`), by `Platform` or its name. (No import of shared.platforms here: that module
    asks this one for its manifests.)"""
    value = platform.value if isinstance(platform, Enum) else platform
    return importlib.import_module(f"{__package__}.{value}.{name}")
