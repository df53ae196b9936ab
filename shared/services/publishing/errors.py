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


class NotListedYet(RetryableError):
    """The platform says the post exists (a container reports PUBLISHED) but does not list it
    yet: a lookup keeps looking with backoff (PublishContext.look_for_armed_post) before this
    ends an attempt."""

    code = "reconcile_pending"


class NeedsReconnectError(PublishError):
    """The account's authorization is gone (expired or revoked): the user must reconnect."""

    code = "token_expired"


class PermanentError(PublishError):
    """Retrying cannot help: validation, duplicate content, processing rejected the media."""

    code = "publish_rejected"


class UnconfirmedError(PublishError):
    """Soku cannot confirm a post exists, and must not try again on its own: the platform may
    have made it (an answer lost where the platform offers no lookup) or holds it for the
    creator to finish (TikTok's inbox). The run ends `unconfirmed`, saying which; the user
    checks the account and may retry. `report` adds the platform's handles to the result."""

    code = "publish_outcome_unknown"

    def __init__(self, message: str, *, code: str | None = None, report: dict | None = None) -> None:
        super().__init__(message, code=code)
        self.report = report or {}
