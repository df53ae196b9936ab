"""Talking to the account's PDS over XRPC: its URL vetted by the SSRF rules, the one pinned
client every call goes through, and XRPC's errors sorted into the publishing taxonomy.

The PDS is named by the user (`pdsUrl`, https://bsky.social by default: Bluesky's entryway,
which serves every account Bluesky hosts), so it is a URL a caller gave us, with the risks
`shared/adapters/safe_http.py` guards media fetches against. So:
- the URL is normalised to the server's root and checked with `safe_http.check_url` (http(s),
  no credentials, ports 80/443, every address public); it must be https, since the app password
  and the session tokens travel to it, unless `SOKU_FETCH_ALLOWLIST` admits it (the tests' local
  PDS on loopback, as webhook URLs are admitted);
- every call goes through `client()`, whose transport vets the host again on each request and
  connects to the address it just checked (URL rewritten to the IP, `Host` and TLS SNI kept, as
  safe_http pins its fetches): a DNS answer that changes later cannot turn a stored PDS into a
  door to our network. Redirects are never followed.

XRPC errors (atproto.com/specs/xrpc, "Error Responses"): a non-2xx status with a JSON body
`{"error": "<Name>", "message": "..."}`. What the reference PDS (@atproto/pds 0.5.35) answers,
as the tests see it:
- 400 `ExpiredToken` "Token has expired" (an access JWT past its `exp`): the runner refreshes
  the session and tries once more (NeedsReconnectError is what makes it refresh);
- 400 `InvalidToken` "Token could not be verified" (a revoked app password's session, a token
  of another server): the authorization is gone; after one refresh that fails too, reconnect;
- 401 `AuthenticationRequired` / `AuthMissing`, `AccountTakedown`, `AccountDeactivated`: reconnect;
- 429 `RateLimitExceeded`, with `ratelimit-reset` (Unix seconds; also `ratelimit-limit`,
  `-remaining`, `-policy`: docs.bsky.app/docs/advanced-guides/rate-limits): honoured as the
  retry-after, so the runner parks the run until then;
- 400 `InvalidRequest` (a record the lexicon refuses: text over 300 graphemes, a bad rkey, a
  blob too large) and other 4xx: permanent, in the server's own words;
- 5xx: retryable; the outcome of a create is then unknown (the publisher reads its record back).
"""

from __future__ import annotations

import base64
import functools
import json
from datetime import datetime, timezone
from typing import Any

import httpx

from shared import clock
from shared.adapters import safe_http
from shared.config import get_settings
from shared.adapters.log_redaction import redact
from shared.services.connections.base import TIMEOUT as CONNECT_TIMEOUT
from shared.services.connections.errors import ConnectError
from shared.services.publishing.errors import NeedsReconnectError, PermanentError, PublishError, RetryableError
from shared.services.publishing.http import TIMEOUT, retry_after_seconds

# Bluesky's entryway: it serves every account Bluesky hosts (and proxies to the PDS that holds
# it); `SOKU_BLUESKY_PDS_BASE` overrides it (shared/config.py, `bluesky_pds`).
DEFAULT_PDS = "https://bsky.social"
HTTPS_REQUIRED = "the PDS address must be https (Soku sends it your app password and session tokens)"
# Refusals that mean the session, or the account behind it, is gone.
_RECONNECT = ("InvalidToken", "AuthenticationRequired", "AuthMissing", "AccountTakedown",
              "AccountDeactivated", "AccountNotFound")


class PdsRefused(PermanentError):
    """A PDS address Soku will not call: `message` says why, for humans (never what a name
    resolved to)."""

    code = "pds_refused"


def normalise(value: Any) -> str:
    """The PDS's root URL as Soku stores it: scheme, lower-case host, port when not the default,
    no path (XRPC lives at `/xrpc/` of the host). `bsky.social` alone means https://bsky.social."""
    text = (value or "").strip() if isinstance(value, str) else ""
    if not text:
        text = get_settings().platform_hosts.get("bluesky_pds") or DEFAULT_PDS
    alone = "the PDS address is the server's root URL alone, e.g. https://bsky.social"
    origin, path = safe_http.server_root(text, "the PDS address", PdsRefused, alone=alone)
    if path:
        raise PdsRefused(alone)
    return origin


def checked(value: Any) -> str:
    """`normalise`d and vetted now (DNS resolved, every address public, https). PdsRefused."""
    root = normalise(value)
    try:
        safe_http.check_server(root, HTTPS_REQUIRED)
    except safe_http.FetchRefused as refused:
        raise PdsRefused(refused.reason) from None
    return root


# How long an idle connection is kept for reuse: under Node's default `keepAliveTimeout` (5 s; the
# reference PDS is an express app on Node's http server). A connection the server has just closed
# for idleness, reused, fails with "Server disconnected without sending a response", which would
# make a create's outcome unknown for nothing.
KEEPALIVE_S = 2.0


@functools.cache
def client() -> httpx.Client:
    """The one client for PDSes: pinned to the addresses checked, no redirects (safe_http)."""
    return safe_http.pinned_client(lambda reason: PdsRefused(f"Soku will not call this PDS: {reason}"), TIMEOUT,
                                   keepalive_s=KEEPALIVE_S)


def url(root: str, method: str) -> str:
    return f"{root}/xrpc/{method}"


# -- errors ------------------------------------------------------------------------------------

def error_of(response: httpx.Response) -> tuple[str, str]:
    """XRPC's (error name, message); ("", a snippet) when the body is not XRPC's."""
    try:
        body = response.json()
    except ValueError:
        return "", response.text[:300] or f"HTTP {response.status_code}"
    if not isinstance(body, dict):
        return "", response.text[:300]
    return str(body.get("error") or ""), str(body.get("message") or body.get("error") or "")[:300]


def reset_after(response: httpx.Response) -> float | None:
    """Seconds until `ratelimit-reset` (Unix seconds), else `Retry-After`, else None."""
    value = response.headers.get("ratelimit-reset")
    if value and value.strip().isdigit():
        return max(0.0, int(value.strip()) - clock.now().timestamp())
    return retry_after_seconds(response)


def classify(response: httpx.Response) -> PublishError | None:
    status = response.status_code
    if status < 300:
        return None
    name, message = error_of(response)
    words = f"{name}: {message}" if name else message
    if status == 429 or name == "RateLimitExceeded":
        return RetryableError(f"Bluesky rate limit: {words}", code="rate_limited", retry_after=reset_after(response))
    if name == "ExpiredToken":
        return NeedsReconnectError(f"The Bluesky session expired: {words}", code="token_expired")
    if name in _RECONNECT or status == 401:
        return NeedsReconnectError(f"The Bluesky server rejected the account's session: {words}")
    if status >= 500 or status in (408, 425):
        return RetryableError(f"The Bluesky server is unavailable ({status}): {words}", code="platform_unavailable")
    return PermanentError(f"Bluesky refused the request: {words}", code="publish_rejected")


def connect_call(method: str, root: str, xrpc_method: str, *, failure: str, **kwargs: Any) -> httpx.Response:
    """One call of the connect flow: the response when it is an answer the caller judges (2xx or
    4xx), ConnectError `platform_unavailable` when the PDS cannot be reached, is rate limiting
    or failing, and `failure` when it is a PDS Soku will not call."""
    try:
        response = client().request(method, url(root, xrpc_method), timeout=CONNECT_TIMEOUT, **kwargs)
    except PdsRefused as refused:
        raise ConnectError(failure, refused.message, platform="bluesky") from None
    except httpx.HTTPError as exc:
        raise ConnectError("platform_unavailable", f"The Bluesky server {root} could not be reached "
                           f"({type(exc).__name__}). Try again in a moment.", platform="bluesky") from None
    if response.status_code == 429 or response.status_code >= 500:
        name, message = error_of(response)
        raise ConnectError("platform_unavailable", f"The Bluesky server is not answering right now (HTTP "
                           f"{response.status_code}: {redact(message)}). Try again in a moment.", platform="bluesky")
    return response


# -- sessions ----------------------------------------------------------------------------------

def jwt_expiry(token: str) -> datetime | None:
    """The `exp` of a session JWT, read (not verified: the PDS verifies its own tokens) so the
    runner refreshes before it passes. The reference PDS gives access JWTs 120 minutes and
    refresh JWTs 90 days (@atproto/pds account-manager/helpers/auth.js `createTokens`)."""
    try:
        payload = token.split(".")[1]
        claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
        return datetime.fromtimestamp(int(claims["exp"]), tz=timezone.utc)
    except (IndexError, ValueError, KeyError, TypeError):
        return None
