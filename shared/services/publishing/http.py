"""The one HTTP layer the publishers share: httpx with explicit timeouts, and one
place that turns platform responses into the error taxonomy.

Each platform supplies a `classify(response)` that knows its error bodies;
this module handles what is common: transport failures and timeouts are
retryable, and any response `classify` lets through must be 2xx.
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
from typing import Callable, Iterator

import httpx

from shared import crashpoints
from shared.services.publishing.errors import PermanentError, PublishError, RetryableError

TIMEOUT = httpx.Timeout(connect=10.0, read=120.0, write=120.0, pool=10.0)
Classifier = Callable[[httpx.Response], PublishError | None]
# True inside PublishContext.create_once's create: the platform calls made there
# may create the post (the crash soak's `create_sent` point sits after their answer).
_creating: contextvars.ContextVar[bool] = contextvars.ContextVar("creating", default=False)


# Set by calls made while a caller waits on the API (publishing/account_calls.with_account): a
# shorter timeout than a publisher's, so the request answers inside its function's 60 s.
_call_timeout: contextvars.ContextVar[httpx.Timeout | None] = contextvars.ContextVar("call_timeout", default=None)


@contextlib.contextmanager
def call_timeout(timeout: httpx.Timeout) -> Iterator[None]:
    token = _call_timeout.set(timeout)
    try:
        yield
    finally:
        _call_timeout.reset(token)


@contextlib.contextmanager
def creating() -> Iterator[None]:
    token = _creating.set(True)
    try:
        yield
    finally:
        _creating.reset(token)


@functools.cache
def shared_client() -> httpx.Client:
    # One pooled client per instance; redirects are never followed for API calls.
    return httpx.Client(timeout=TIMEOUT, follow_redirects=False)


def retry_after_seconds(response: httpx.Response) -> float | None:
    value = response.headers.get("Retry-After")
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        return None


def default_classify(response: httpx.Response) -> PublishError | None:
    """Status-code rules every platform shares; platforms refine them first."""
    status = response.status_code
    if status < 300:
        return None
    snippet = response.text[:300]
    if status == 429:
        return RetryableError(f"Rate limited by the platform: {snippet}", code="rate_limited",
                              retry_after=retry_after_seconds(response))
    if status >= 500 or status in (408, 425):
        return RetryableError(f"Platform error {status}: {snippet}", code="platform_unavailable")
    return PermanentError(f"Platform refused the request ({status}): {snippet}")


class PlatformHttp:
    def __init__(self, classify: Classifier, headers: Callable[[], dict[str, str]] | None = None,
                 client: httpx.Client | None = None) -> None:
        self.classify = classify
        self.headers = headers or (lambda: {})
        self.client = client or shared_client()

    def request(self, method: str, url: str, **kwargs) -> httpx.Response:
        headers = self.headers() | kwargs.pop("headers", {})
        if (timeout := _call_timeout.get()) is not None:
            kwargs.setdefault("timeout", timeout)
        try:
            response = self.client.request(method, url, headers=headers, **kwargs)
        except httpx.TimeoutException as exc:
            raise RetryableError(f"Timed out talking to the platform ({type(exc).__name__})",
                                 code="platform_timeout") from exc
        except httpx.TransportError as exc:
            raise RetryableError(f"Could not reach the platform: {exc}", code="platform_unreachable") from exc
        if _creating.get():
            crashpoints.reached("create_sent")
        error = self.classify(response) or default_classify(response)
        if error is not None:
            raise error
        return response
