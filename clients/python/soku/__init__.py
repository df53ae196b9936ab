"""The hand-written layer over the generated `soku_client` (make sdks never touches this package).

    from soku import Soku
    from soku_client.api.posts import posts_create

    soku = Soku("sk_live_…", base_url="https://your-project.web.app")
    created = soku.call(posts_create, body={"post": {"content": {"text": "Hi", "platform": ["x"]}}})
    post = soku.wait_for_post(created.post_submission_id)

- `Soku(api_key, base_url)`: a generated `AuthenticatedClient` sending the key as `soku-api-key`.
- `Soku.call(operation, ...)`: any generated operation module; answers its parsed 2xx body or
  raises `SokuError`. An operation that takes `Idempotency-Key` gets a fresh key per call unless
  you pass `idempotency_key=`, and the client's own retries (429; 5xx and lost connections when
  the request is safe to repeat) reuse it, so a retried create is never a second post.
- `Soku.iter_posts(...)`, `Soku.iter_media(...)`: every item, page by page (`nextCursor`).
- `Soku.wait_for_post(post_id, timeout=...)`: polls until every run is terminal.
- `verify_webhook(secret, body, headers)`: a delivery's Standard Webhooks signature.
"""

from __future__ import annotations

import inspect
import json
import random
import time
import typing
import uuid
from collections.abc import Iterator, Mapping
from enum import Enum
from types import ModuleType
from typing import Any

import httpx
from standardwebhooks import Webhook, WebhookVerificationError

from soku_client import AuthenticatedClient
from soku_client.api.media import media_list_media
from soku_client.api.posts import posts_get_post, posts_list_posts
from soku_client.models import MediaDocument, PostSummary, PostView

__all__ = ["Soku", "SokuError", "WaitTimeout", "WebhookVerificationError", "TERMINAL_RUN_STATUSES",
           "verify_webhook"]

# A run in one of these states changes no more on its own (docs/posts.md, Lifecycle).
TERMINAL_RUN_STATUSES = frozenset({"succeeded", "failed", "canceled", "unconfirmed"})
_SAFE_METHODS = frozenset({"get", "head", "put", "delete", "options"})
_RETRY_STATUSES = frozenset({500, 502, 503, 504})


class SokuError(Exception):
    """A non-2xx answer: the error envelope's `code`, `message` and `requestId` when it has one."""

    def __init__(self, status: int, code: str, message: str, request_id: str | None, body: Any):
        super().__init__(f"{status} {code}: {message}" + (f" (request {request_id})" if request_id else ""))
        self.status, self.code, self.message, self.request_id, self.body = status, code, message, request_id, body

    @classmethod
    def from_response(cls, response: httpx.Response) -> SokuError:
        try:
            body = response.json()
            error = body.get("error") or {}
            return cls(response.status_code, error.get("code", "unknown"), error.get("message", ""),
                       error.get("requestId") or response.headers.get("x-request-id"), body)
        except (ValueError, AttributeError):
            return cls(response.status_code, "unknown", response.text[:200], response.headers.get("x-request-id"),
                       response.text)


class WaitTimeout(TimeoutError):
    """`wait_for_post` gave up; `post` is the last state it read."""

    def __init__(self, message: str, post: PostView | None):
        super().__init__(message)
        self.post = post


class Soku:
    """A Soku API client: `client` is the generated `AuthenticatedClient`, usable with any
    `soku_client.api` operation directly; `call` adds idempotency keys, retries and errors."""

    def __init__(self, api_key: str, base_url: str = "http://127.0.0.1:8080", *, timeout: float = 30.0,
                 max_retries: int = 3, httpx_args: dict[str, Any] | None = None):
        self.client = AuthenticatedClient(base_url=base_url.rstrip("/"), token=api_key, prefix="",
                                          auth_header_name="soku-api-key", timeout=httpx.Timeout(timeout),
                                          httpx_args=httpx_args or {})
        self.max_retries = max_retries

    def call(self, operation: ModuleType, *args: Any, **kwargs: Any) -> Any:
        """Run a generated operation (e.g. `soku_client.api.posts.posts_create`): its parsed 2xx
        body, or `SokuError`. A `body` may be the generated model or a plain dict."""
        params = inspect.signature(operation.sync_detailed).parameters
        if "idempotency_key" in params and not kwargs.get("idempotency_key"):
            kwargs["idempotency_key"] = str(uuid.uuid4())  # one per call, the same on every retry
        body_type = params["body"].annotation if "body" in params else None
        if isinstance(kwargs.get("body"), Mapping):
            kwargs["body"] = _model_from_dict(operation, body_type, kwargs["body"])
        for name, value in kwargs.items():  # "x" for a generated enum parameter (platform=, status=, …)
            if isinstance(value, str) and name in params:
                kwargs[name] = _enum_from_str(operation, params[name].annotation, value)
        request = operation._get_kwargs(*args, **kwargs)
        repeatable = request["method"].lower() in _SAFE_METHODS or "idempotency_key" in kwargs
        httpx_client = self.client.get_httpx_client()
        for attempt in range(self.max_retries + 1):
            last = attempt == self.max_retries
            try:
                response = httpx_client.request(**request)
            except httpx.TransportError:
                if last or not repeatable:
                    raise
                time.sleep(_backoff(attempt))
                continue
            if not last and (response.status_code == 429
                             or (repeatable and response.status_code in _RETRY_STATUSES)):
                time.sleep(_retry_after(response) or _backoff(attempt))
                continue
            if response.status_code >= 300:
                raise SokuError.from_response(response)
            return operation._build_response(client=self.client, response=response).parsed
        raise AssertionError("unreachable")

    def get_post(self, post_id: str) -> PostView:
        return self.call(posts_get_post, post_id)

    def iter_posts(self, *, page_size: int = 50, **filters: Any) -> Iterator[PostSummary]:
        """Every post `GET /v1/posts` lists with these filters (status, platform, created_after, …),
        newest first, following `nextCursor` until `hasMore` is false."""
        return self._pages(posts_list_posts, page_size, filters)

    def iter_media(self, *, page_size: int = 50, **filters: Any) -> Iterator[MediaDocument]:
        """Every item of your media library `GET /v1/media` lists with these filters."""
        return self._pages(media_list_media, page_size, filters)

    def _pages(self, operation: ModuleType, page_size: int, filters: dict[str, Any]) -> Iterator[Any]:
        cursor: str | None = None
        while True:
            page = self.call(operation, limit=page_size, **filters, **({"cursor": cursor} if cursor else {}))
            yield from page.data
            if not page.has_more or not page.next_cursor:
                return
            cursor = page.next_cursor

    def wait_for_post(self, post_id: str, *, timeout: float = 120.0, interval: float = 1.0) -> PostView:
        """Poll `GET /v1/posts/{id}` until the post is dispatched and every run is terminal
        (succeeded, failed, canceled, unconfirmed), or canceled; `WaitTimeout` after `timeout` s.
        Answers the post: check each run's `status` (a wait that ends is not a success)."""
        deadline = time.monotonic() + timeout
        post: PostView | None = None
        while True:
            post = self.get_post(post_id)
            if post.status == "canceled" or (post.status == "dispatched" and post.runs
                                             and all(run.status in TERMINAL_RUN_STATUSES for run in post.runs)):
                return post
            if time.monotonic() + interval > deadline:
                runs = ", ".join(f"{run.platform}:{run.status}" for run in post.runs) if post else ""
                raise WaitTimeout(f"post {post_id} not finished after {timeout} s: {post.status} [{runs}]", post)
            time.sleep(interval)


def verify_webhook(secret: str, body: bytes | str, headers: Mapping[str, str]) -> dict:
    """A delivery's parsed event if its `webhook-signature` is one of `secret`'s (`whsec_…`) over
    the raw body, `webhook-id` and a `webhook-timestamp` within 5 minutes; else raises
    `WebhookVerificationError`. Pass the body's bytes as received, before parsing."""
    lowered = {key.lower(): value for key, value in headers.items()}
    event = Webhook(secret).verify(body, lowered)
    return event if isinstance(event, dict) else json.loads(event)


def _model_from_dict(operation: ModuleType, annotation: Any, data: Mapping[str, Any]) -> Any:
    if isinstance(annotation, str):  # a postponed annotation: the names, resolved in the module
        kinds = [getattr(operation, part.strip(), None) for part in annotation.split("|")]
    else:
        kinds = list(typing.get_args(annotation)) or [annotation]
    model = next((kind for kind in kinds if hasattr(kind, "from_dict")), None)
    if model is None:
        raise TypeError(f"{operation.__name__} takes a body the client cannot build from a dict: pass its model")
    return model.from_dict(data)


def _enum_from_str(operation: ModuleType, annotation: Any, value: str) -> Any:
    if isinstance(annotation, str):  # a postponed annotation: the names, resolved in the module
        kinds = [getattr(operation, part.strip(), None) for part in annotation.split("|")]
    else:
        kinds = list(typing.get_args(annotation)) or [annotation]
    for kind in kinds:
        if isinstance(kind, type) and issubclass(kind, Enum):
            return kind(value)
    return value


def _backoff(attempt: int) -> float:
    return min(8.0, 0.5 * 2 ** attempt) * (0.5 + random.random() / 2)


def _retry_after(response: httpx.Response) -> float | None:
    try:
        return min(30.0, max(0.0, float(response.headers.get("retry-after", ""))))
    except ValueError:
        return None
