"""A real self-hosted WordPress (Debian's package, MariaDB, `php -S`) for the tests and the local
stack: `install()`, then `start() -> LocalWordPress`. See server.py."""

from devstack.wordpress.server import (
    PACKAGES,
    LocalWordPress,
    SiteUser,
    WordPressError,
    WordPressUnavailable,
    install,
    missing,
    start,
)

__all__ = ["PACKAGES", "LocalWordPress", "SiteUser", "WordPressError", "WordPressUnavailable", "install",
           "missing", "start"]
