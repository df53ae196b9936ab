"""One error root for the whole API (DESIGN.md, decision 6).

Every error a caller can see is a `SokuError`; the web pipeline renders it in
the spec's envelope: `{"error": {type, code, message, timestamp, requestId,
details?}}`. The `type` follows from the HTTP status, as in the spec's table.
"""

from __future__ import annotations

from typing import Any


def error_type_for_status(status: int) -> str:
    if status in (401, 403):
        return "authentication_error"
    if status >= 500:
        return "api_error"
    return "invalid_request_error"


class SokuError(Exception):
    status: int = 500
    code: str = "internal_error"
    message: str = "An unexpected error occurred"

    def __init__(
        self,
        message: str | None = None,
        *,
        code: str | None = None,
        status: int | None = None,
        details: Any = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        self.message = message or self.message
        self.code = code or self.code
        self.status = status or self.status
        self.details = details
        self.headers = headers or {}
        super().__init__(self.message)

    @property
    def type(self) -> str:
        return error_type_for_status(self.status)


class ValidationError(SokuError):
    status = 400
    code = "validation_error"
    message = "Request validation failed"


class UnauthorizedError(SokuError):
    status = 401
    code = "unauthorized"
    message = "Missing or invalid soku-api-key"


class ForbiddenError(SokuError):
    status = 403
    code = "forbidden"
    message = "Subscription required"


class InsufficientScopeError(ForbiddenError):
    """An API key calling outside its scopes (shared/services/key_scopes.py)."""

    code = "insufficient_scope"
    message = "This API key lacks the scope this operation needs"

    @classmethod
    def needs(cls, scope: str, granted: list[str]) -> InsufficientScopeError:
        """A call whose operation needs `scope`, which the key does not hold."""
        return cls(f"This API key lacks the scope {scope}, which this operation needs",
                   details={"requiredScope": scope, "grantedScopes": granted})

    @classmethod
    def cannot_grant(cls, lacking: list[str], granted: list[str]) -> InsufficientScopeError:
        """A key asked to give another key scopes it does not hold itself."""
        noun = "scope" if len(lacking) == 1 else "scopes"
        return cls(f"This API key cannot grant the {noun} {', '.join(lacking)}, which it does not hold",
                   details={"requiredScope": lacking[0], "requiredScopes": lacking, "grantedScopes": granted})


class NotFoundError(SokuError):
    status = 404
    code = "not_found"
    message = "Resource not found"


class MethodNotAllowedError(SokuError):
    status = 405
    code = "method_not_allowed"
    message = "Method not allowed"


class ConflictError(SokuError):
    status = 409
    code = "conflict"
    message = "Conflict"


class PreconditionFailedError(SokuError):
    status = 412
    code = "precondition_failed"


class PayloadTooLargeError(SokuError):
    status = 413
    code = "payload_too_large"
    message = "Request body exceeds the 1 MB limit"


class UnsupportedMediaTypeError(SokuError):
    status = 415
    code = "unsupported_media_type"
    message = "Content-Type must be application/json"


class InternalError(SokuError):
    status = 500
    code = "internal_error"
    message = "An unexpected error occurred"


class ServiceUnavailableError(SokuError):
    status = 503
    code = "service_unavailable"
    message = "A backing service is unavailable"


class MisconfiguredError(SokuError):
    """A setting or secret this request needs is missing, malformed or contradictory
    (shared.config.ConfigurationError): 503, its message naming what to fix, never a 500
    (DESIGN.md, decision 4). Answered by every top-level handler (shared/web/api.py,
    oauth_pages.py, media_files.py) and by the start-up check of secrets (shared/secrets.py)."""

    status = 503
    code = "service_misconfigured"
    message = "This function is not configured"

    @classmethod
    def of(cls, cause: Exception) -> MisconfiguredError:
        error = cls(str(cause))
        error.__cause__ = cause
        return error
