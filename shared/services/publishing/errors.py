"""The one taxonomy every platform failure is sorted into (DESIGN.md, decision 6)."""

from __future__ import annotations


class PublishError(Exception):
    """A platform refused or failed. `message` is the platform's own words where it gave any."""

    code = "publish_failed"

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code:
            self.code = code


class RetryableError(PublishError):
    """Try again later: rate limits (with the platform's retry-after), 5xx, timeouts."""

    code = "platform_unavailable"

    def __init__(self, message: str, *, code: str | None = None, retry_after: float | None = None) -> None:
        super().__init__(message, code=code)
        self.retry_after = retry_after


class NeedsReconnectError(PublishError):
    """The account's authorization is gone (expired or revoked): the user must reconnect."""

    code = "token_expired"


class PermanentError(PublishError):
    """Retrying cannot help: validation, duplicate content, processing rejected the media."""

    code = "publish_rejected"
