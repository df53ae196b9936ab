"""Connecting Instagram, by account type (manifest.py `account_types`):

- `facebook_login` (the default): Meta's Facebook Login, shared with Facebook
  (shared/platforms/meta_graph/login.py); an Instagram account linked to a Page;
- `instagram_login`: Business Login for Instagram (instagram_login.py); no Page.
"""

from __future__ import annotations

from shared.platforms.meta_graph.login import MetaProvider, instagram


def provider(account_type: str | None = None) -> MetaProvider:
    """The connector the registry serves for Instagram (shared/platforms/loader.py) and the
    account type's login (shared/services/connections/registry.py)."""
    if account_type == "instagram_login":
        from shared.platforms.instagram.instagram_login import InstagramLoginProvider

        return InstagramLoginProvider()  # type: ignore[return-value]
    if account_type not in (None, "facebook_login", "instagram_business"):
        raise ValueError(f"Instagram has no account type {account_type!r}")
    return instagram()
