"""The account's own Mastodon server: its URL, vetted by the SSRF rules; the HTTP client every
call to it goes through; the limits it publishes.

Unlike every other platform, the host is not configuration: the user names it
(`POST /v1/connections/mastodon/start {"instanceUrl": ...}`), so it is a URL a caller gave us,
with the risks `shared/adapters/safe_http.py` guards media fetches and webhooks against (a name
that resolves to the metadata server, a private service, loopback). So:

- the URL given at start is normalised to the server's root (`https://host[:port]`, and a path
  prefix if one was given) and checked with `safe_http.check_url` (http(s) only, no
  credentials, ports 80/443, every address public); it must be https, since the client secret
  and the tokens travel to it, unless `SOKU_FETCH_ALLOWLIST` admits it (the local stack's and the
  tests' loopback sandbox, as webhook URLs: shared/services/webhooks/endpoints.py `cleartext`);
- every later call (app registration, token exchange, publishing, metrics, revocation) goes
  through `client()`, whose transport vets the host again on each request and connects to the
  address it just checked (URL rewritten to the IP, `Host` and TLS SNI kept, as safe_http pins
  its fetches): a DNS answer that changes after the connect (rebinding) cannot turn a stored
  server into a door to our network. Redirects are never followed.
"""

from __future__ import annotations

import functools
import threading
import time
from dataclasses import dataclass
from typing import Any

import httpx

from shared.adapters import safe_http
from shared.platforms.mastodon.manifest import (
    MAX_CHARACTERS,
    MAX_IMAGE_BYTES,
    MAX_IMAGES,
    MAX_VIDEO_BYTES,
    URL_CHARACTERS,
)
from shared.services.publishing.errors import PermanentError, RetryableError
from shared.services.publishing.http import TIMEOUT, default_classify

HTTPS_REQUIRED = ("the server's address must be https (Soku sends it its client secret and your account's "
                  "access token)")


class InstanceRefused(PermanentError):
    """A server address Soku will not call: `message` says why, for humans (never what a name
    resolved to)."""

    code = "instance_refused"


def normalise(value: Any) -> str:
    """The server's root URL as Soku stores it: scheme, lower-case host, port when not the
    default, and the path prefix without its trailing slash. `mastodon.social` alone means
    `https://mastodon.social`. Raises InstanceRefused."""
    if not isinstance(value, str) or not value.strip():
        raise InstanceRefused("give your Mastodon server's address, e.g. https://mastodon.social")
    origin, path = safe_http.server_root(value, "the server's address", InstanceRefused,
                                         alone="the server's address is its root URL alone, without a query, a fragment "
                                               "or credentials")
    return origin + path


def checked(value: Any) -> str:
    """`normalise`d and vetted now (DNS resolved, every address public, https). InstanceRefused."""
    root = normalise(value)
    try:
        safe_http.check_server(root, HTTPS_REQUIRED)
    except safe_http.FetchRefused as refused:
        raise InstanceRefused(refused.reason) from None
    return root


def host_of(root: str) -> str:
    """`mastodon.social` (with `:port` when not the default): the server's name in handles and ids."""
    return httpx.URL(root).netloc.decode("ascii")


@functools.cache
def client() -> httpx.Client:
    """The one client for Mastodon servers: pinned to the addresses checked, no redirects (safe_http)."""
    return safe_http.pinned_client(
        lambda reason: InstanceRefused(f"Soku will not call this Mastodon server: {reason}"), TIMEOUT)


# -- the server's limits ----------------------------------------------------------------------

@dataclass(frozen=True)
class Limits:
    """What one server accepts (`GET /api/v2/instance` → `configuration`), the stock figures
    (manifest.py) where it says nothing."""

    max_characters: int = MAX_CHARACTERS
    characters_per_url: int = URL_CHARACTERS
    max_media: int = MAX_IMAGES
    image_bytes: int = MAX_IMAGE_BYTES
    video_bytes: int = MAX_VIDEO_BYTES
    mime_types: tuple[str, ...] = ()  # empty: the server did not say


def limits_of(body: Any) -> Limits:
    """`GET /api/v2/instance` → `configuration.statuses.{max_characters, max_media_attachments,
    characters_reserved_per_url}` and `configuration.media_attachments.{image_size_limit,
    video_size_limit, supported_mime_types}` (docs.joinmastodon.org/entities/Instance/#configuration);
    `GET /api/v1/instance` of servers before 4.0 has the same `configuration` (since 3.4), and
    Pleroma/Akkoma's `max_toot_chars`."""
    body = body if isinstance(body, dict) else {}
    configuration = body.get("configuration") if isinstance(body.get("configuration"), dict) else {}
    statuses = configuration.get("statuses") if isinstance(configuration.get("statuses"), dict) else {}
    media = (configuration.get("media_attachments")
             if isinstance(configuration.get("media_attachments"), dict) else {})

    def number(value: Any, default: int) -> int:
        return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else default

    defaults = Limits()
    types = media.get("supported_mime_types")
    return Limits(
        max_characters=number(statuses.get("max_characters", body.get("max_toot_chars")), defaults.max_characters),
        characters_per_url=number(statuses.get("characters_reserved_per_url"), defaults.characters_per_url),
        max_media=number(statuses.get("max_media_attachments"), defaults.max_media),
        image_bytes=number(media.get("image_size_limit"), defaults.image_bytes),
        video_bytes=number(media.get("video_size_limit"), defaults.video_bytes),
        mime_types=tuple(str(t) for t in types) if isinstance(types, list) else ())


# A server's limits change when its admin reconfigures it, rarely: read once per process per
# LIMITS_TTL_S, so a burst of runs to one server costs it one request.
LIMITS_TTL_S = 600.0
_limits: dict[str, tuple[float, Limits]] = {}
_limits_lock = threading.Lock()


def limits(root: str, classify) -> Limits:
    """The server's limits (public: no token), its refusals sorted by `classify` (the publisher's
    taxonomy). `/api/v2/instance` (Mastodon 4.0+), else, where that is 404, `/api/v1/instance`."""
    with _limits_lock:
        cached = _limits.get(root)
    if cached and cached[0] > time.monotonic():
        return cached[1]
    try:
        response = client().get(f"{root}/api/v2/instance")
        if response.status_code == 404:  # a server older than 4.0: no v2, its v1 has the same figures
            response = client().get(f"{root}/api/v1/instance")
    except httpx.HTTPError as exc:
        raise RetryableError(f"Could not reach the Mastodon server {root} ({type(exc).__name__})",
                             code="platform_unreachable") from exc
    error = classify(response) or default_classify(response)
    if error is not None:
        raise error
    try:
        found = limits_of(response.json())
    except ValueError:
        raise PermanentError(f"{root} answered /api/v2/instance with something that is not JSON: is it a "
                             "Mastodon server?", code="publish_rejected") from None
    with _limits_lock:
        _limits[root] = (time.monotonic() + LIMITS_TTL_S, found)
    return found
