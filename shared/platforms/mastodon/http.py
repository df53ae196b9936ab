"""Talking to a Mastodon server: Mastodon's error envelope, sorted into the connect errors and
the publishing taxonomy, over the pinned client of instance.py.

Errors: "Error: {"error": "..."}" for every API refusal, `error_description` beside `error` on
the OAuth endpoints (docs.joinmastodon.org/entities/Error/). Statuses (docs.joinmastodon.org/
methods/statuses/#create and api/rate-limits/):
- 401 "The access token is invalid" / "...was revoked": the authorization is gone (reconnect);
  Mastodon's tokens do not expire, so there is nothing to refresh;
- 403 "This action is outside the authorized scopes", or "Your login is currently disabled":
  the account cannot do this with this grant;
- 404 "Record not found"; 410 the account is gone;
- 422 "Validation failed: Text character limit of 500 exceeded", or "Cannot attach files that
  have not finished processing. Try again in a moment!" (app/services/post_status_service.rb),
  the second retryable;
- 429 "Too many requests", with `X-RateLimit-Reset`: "Timestamp when your rate limit will reset",
  an ISO 8601 time (docs.joinmastodon.org/api/rate-limits/): honoured as the retry-after;
- 5xx / 503: the server is down or overloaded.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import httpx

from shared import clock
from shared.adapters.log_redaction import redact
from shared.platforms.mastodon.instance import InstanceRefused, client
from shared.services.connections.base import TIMEOUT as CONNECT_TIMEOUT
from shared.services.connections.errors import ConnectError
from shared.services.publishing.errors import NeedsReconnectError, PermanentError, PublishError, RetryableError
from shared.services.publishing.http import retry_after_seconds

_STILL_PROCESSING = "not finished processing"


def words(response: httpx.Response) -> str:
    """Mastodon's own description of a refusal."""
    try:
        body = response.json()
    except ValueError:
        return response.text[:300] or f"HTTP {response.status_code}"
    if isinstance(body, dict):
        for key in ("error_description", "error"):
            if isinstance(body.get(key), str) and body[key]:
                return body[key][:300]
    return response.text[:300] or f"HTTP {response.status_code}"


def reset_after(response: httpx.Response) -> float | None:
    """Seconds until `X-RateLimit-Reset` (an ISO 8601 time), else `Retry-After`, else None."""
    value = response.headers.get("X-RateLimit-Reset")
    if value:
        try:
            reset = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        except ValueError:
            reset = None
        if reset is not None and reset.tzinfo is not None:
            return max(0.0, (reset - clock.now()).total_seconds())
    return retry_after_seconds(response)


def classify(response: httpx.Response) -> PublishError | None:
    status = response.status_code
    if status < 300:
        return None
    text = words(response)
    if status == 429:
        return RetryableError(f"Mastodon rate limit: {text}", code="rate_limited", retry_after=reset_after(response))
    if status == 401:
        return NeedsReconnectError(f"The Mastodon server rejected the account's authorization: {text}")
    if status == 403:
        if "disabled" in text.lower() or "suspended" in text.lower():
            return NeedsReconnectError(f"The Mastodon server refused the account: {text}")
        return PermanentError(f"The Mastodon server refused: {text}", code="missing_permission")
    if status == 410:
        return NeedsReconnectError(f"The Mastodon account is gone: {text}")
    if status == 422 and _STILL_PROCESSING in text:
        return RetryableError(f"The Mastodon server is still processing the media: {text}", code="media_processing")
    if status == 422 and "character limit" in text.lower():
        return PermanentError(f"The Mastodon server refused the status: {text}", code="text_too_long")
    if status >= 500 or status in (408, 425):
        return RetryableError(f"The Mastodon server is unavailable ({status}): {text}", code="platform_unavailable")
    return PermanentError(f"The Mastodon server refused the request ({status}): {text}", code="publish_rejected")


def connect_call(method: str, url: str, *, failure: str, **kwargs: Any) -> dict[str, Any]:
    """One call of the connect flow (app registration, token, identity, revocation): its JSON
    body, or ConnectError, as shared/services/connections/base.py `call` answers for the other
    platforms, over the pinned client (that one's client cannot reach a user-named server)."""
    try:
        response = client().request(method, url, timeout=CONNECT_TIMEOUT, **kwargs)
    except InstanceRefused as refused:
        raise ConnectError(failure, refused.message, platform="mastodon") from None
    except httpx.HTTPError as exc:
        raise ConnectError("platform_unavailable", f"The Mastodon server could not be reached "
                           f"({type(exc).__name__}). Try again in a moment.", platform="mastodon") from None
    if response.status_code == 429 or response.status_code >= 500:
        raise ConnectError("platform_unavailable", f"The Mastodon server is not answering right now "
                           f"(HTTP {response.status_code}). Try again in a moment.", platform="mastodon")
    if response.status_code >= 400:
        raise ConnectError(failure, f"The Mastodon server refused: {redact(words(response))} "
                           f"(HTTP {response.status_code})", platform="mastodon")
    try:
        body = response.json() if response.content else {}
    except ValueError:
        raise ConnectError(failure, "The Mastodon server answered something that is not JSON: is it a Mastodon "
                           "server?", platform="mastodon") from None
    return body if isinstance(body, dict) else {"data": body}
