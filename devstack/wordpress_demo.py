"""The local stack's WordPress: a real site (devstack/wordpress) connected to the demo user the way
a user connects one (the administrator's application password, checked by the connector with
the site), so `make run` can post to it."""

from __future__ import annotations

import sys


def start_connected(user_id: str, port: int = 0):
    """The running site with its administrator connected to `user_id`; None (and why, on stderr)
    when the packages are missing or the site will not start: the rest of the stack runs without it."""
    from devstack.wordpress import WordPressError, WordPressUnavailable, start
    from shared.platforms import Platform
    from shared.services.connections import manual

    try:
        site = start(port)
    except (WordPressUnavailable, WordPressError) as exc:
        print(f"No local WordPress ({exc}); WordPress posts will fail to connect.", file=sys.stderr)
        return None
    admin = site.users["admin"]
    try:
        manual.connect(user_id, Platform.WORDPRESS,
                       {"siteUrl": site.url, "username": admin.login, "applicationPassword": admin.password})
    except Exception as exc:  # a demo convenience: the stack runs without it, saying why
        print(f"The local WordPress at {site.url} could not be connected ({exc}); it is stopped.", file=sys.stderr)
        site.stop()
        return None
    return site


def env(site) -> dict[str, str]:
    """What `.local/dev.env` exports for it: the site, and the administrator's application password
    (a local site's, made by seed.php) for calling its REST API yourself."""
    admin = site.users["admin"]
    return {"SOKU_WORDPRESS_URL": site.url, "SOKU_WORDPRESS_USER": admin.login,
            "SOKU_WORDPRESS_APP_PASSWORD": f"'{admin.password}'"}
