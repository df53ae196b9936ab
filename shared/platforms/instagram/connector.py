"""Connecting Instagram: Meta's login, shared with Facebook (shared/platforms/meta_graph/login.py)."""

from __future__ import annotations

from shared.platforms.meta_graph.login import MetaProvider, instagram


def provider() -> MetaProvider:
    """The connector the registry serves for Instagram (shared/platforms/loader.py)."""
    return instagram()
