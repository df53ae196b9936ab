"""Connecting Facebook Pages: Meta's login, shared with Instagram (shared/platforms/meta_graph/login.py)."""

from __future__ import annotations

from shared.platforms.meta_graph.login import MetaProvider, facebook


def provider() -> MetaProvider:
    """The connector the registry serves for Facebook Pages (shared/platforms/loader.py)."""
    return facebook()
