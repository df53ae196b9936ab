"""Bodies of `GET /health` and `GET /health/ready`."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field


class HealthResponse(BaseModel):
    status: str = Field(description="`ok`")
    version: str
    timestamp: str = Field(json_schema_extra={"format": "date-time"})


class ServiceCheck(BaseModel):
    ok: bool
    latencyMs: float
    error: Literal["timeout", "unavailable", "not_found", "error"] | None = Field(
        default=None, description="When not ok, the kind of failure: `timeout`, `unavailable`, `not_found` "
                                  "or `error` (the details are logged, never returned)")


class ReadinessResponse(HealthResponse):
    """`status` is `ok` (200) or `degraded` (503) with the failing services."""

    services: dict[str, ServiceCheck]
    deadOutboxEntries: int | None = Field(
        default=None, description="Events Soku gave up dispatching after retrying them for 3 days (each "
                                  "logged at ERROR, kept for an operator); null when they could not be "
                                  "counted. Reported, never a reason for `degraded`")
