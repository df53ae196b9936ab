"""Bodies of `GET /health` and `GET /health/ready`."""

from __future__ import annotations

from pydantic import BaseModel, Field


class HealthResponse(BaseModel):
    status: str = Field(description="`ok`")
    version: str
    timestamp: str = Field(json_schema_extra={"format": "date-time"})


class ServiceCheck(BaseModel):
    ok: bool
    latencyMs: float
    error: str | None = None


class ReadinessResponse(HealthResponse):
    """`status` is `ok` (200) or `degraded` (503) with the failing services."""

    services: dict[str, ServiceCheck]
