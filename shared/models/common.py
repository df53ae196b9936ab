"""Shapes every route shares: the error envelope (spec 004, "Errors")."""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import AwareDatetime, BaseModel, BeforeValidator, ConfigDict, Field

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}")


def _iso_only(value: Any) -> Any:
    """pydantic reads a number (and a numeric query string, `0.5`) as Unix seconds; the API
    documents ISO 8601 (`format: date-time`), so anything else is refused, never guessed."""
    if isinstance(value, (int, float)) or (isinstance(value, str) and not _ISO_DATE.match(value)):
        raise ValueError("Expected an ISO 8601 date-time with a zone, e.g. 2026-12-01T08:00:00Z")
    return value


# A query's or body's time: ISO 8601 with a zone, as the API writes its own.
IsoDateTime = Annotated[AwareDatetime, BeforeValidator(_iso_only)]


class ErrorDetail(BaseModel):
    """One problem, e.g. one invalid field. Entries may carry more keys (`platform`, …)."""

    model_config = ConfigDict(extra="allow")

    field: str | None = Field(default=None, description="Path of the offending input, e.g. `body.post.content.platform`")
    message: str | None = None
    code: str | None = Field(default=None, description="`invalid_type`, `invalid_string`, `too_big`, …")
    received: Any = Field(default=None, description="The value received (truncated; objects and arrays are named, not echoed)")


class ErrorBody(BaseModel):
    type: Literal["invalid_request_error", "authentication_error", "api_error"] = Field(
        description="`invalid_request_error` (4xx), `authentication_error` (401/403) or `api_error` (5xx)")
    code: str = Field(description="Machine-readable error code, e.g. `validation_error`, `rate_limit_exceeded`")
    message: str
    timestamp: str = Field(json_schema_extra={"format": "date-time"}, description="When the error occurred (ISO 8601)")
    requestId: str = Field(description="The request's X-Request-ID")
    details: list[ErrorDetail] | dict[str, Any] | None = Field(
        default=None, description="Validation problems (array) or context about the error (object)")
    debug: dict[str, Any] | None = Field(default=None, description="Stack trace; development mode only")


class ErrorEnvelope(BaseModel):
    """Every error, on every route."""

    error: ErrorBody
