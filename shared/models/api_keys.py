"""Request and response bodies of the API-key management routes."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class CreateApiKeyRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: str = Field(default="Default key", min_length=1, max_length=100)


class CreateApiKeyResponse(BaseModel):
    apiKey: str = Field(description="The key itself: shown this once, never stored")
    id: str = Field(description="The key's id: the one `GET /v1/api-keys` lists and "
                                "`DELETE /v1/api-keys/{id}` takes")


class ApiKeySummary(BaseModel):
    id: str
    name: str | None
    createdAt: str | None
    revokedAt: str | None
    lastUsedAt: str | None
    tokenPreview: str | None


class ListApiKeysResponse(BaseModel):
    keys: list[ApiKeySummary]


class RevokeApiKeyResponse(BaseModel):
    revoked: bool
