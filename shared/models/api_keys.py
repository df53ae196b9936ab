"""Request and response bodies of the API-key management routes."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

ScopeName = str  # one of shared/services/key_scopes.SCOPES (checked by the handler: models sit below services)
KeyKind = Literal["personal", "agent"]
# Rotation: how long the old secret keeps working beside the new one, by default and at most.
DEFAULT_GRACE_HOURS = 24
MAX_GRACE_HOURS = 168


class CreateApiKeyRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: str = Field(default="Default key", min_length=1, max_length=100)
    scopes: list[ScopeName] | None = Field(
        default=None, max_length=50,
        description="What the key may do (the scopes: docs/authentication.md, and the ApiKey security "
                    "scheme). Left out: every scope; created with an API key, that key's scopes (a key "
                    "never grants what it does not hold). An unknown scope is a 400 naming it")
    kind: KeyKind = Field(default="personal", description="What the key is for: `personal` (your scripts "
                                                          "and integrations) or `agent` (an AI agent acting "
                                                          "for you); it grants nothing by itself")


class CreateApiKeyResponse(BaseModel):
    apiKey: str = Field(description="The key itself: shown this once, never stored")
    id: str = Field(description="The key's id: the one `GET /v1/api-keys` lists and "
                                "`DELETE /v1/api-keys/{id}` takes")


class ApiKeySummary(BaseModel):
    id: str
    name: str | None
    kind: KeyKind
    scopes: list[ScopeName] = Field(description="What the key may do (a key created before scopes holds all)")
    createdAt: str | None
    revokedAt: str | None
    expiresAt: str | None = Field(description="A rotated key: when it stops working (null: never)")
    rotatedTo: str | None = Field(description="A rotated key: the id of the key that replaced it")
    lastUsedAt: str | None
    tokenPreview: str | None


class ListApiKeysResponse(BaseModel):
    keys: list[ApiKeySummary]


class RevokeApiKeyResponse(BaseModel):
    revoked: bool


class RotateApiKeyRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    gracePeriodHours: float = Field(
        default=DEFAULT_GRACE_HOURS, ge=0, le=MAX_GRACE_HOURS,
        description="How long the old secret keeps working beside the new one (0: it stops now)")


class RotateApiKeyResponse(BaseModel):
    apiKey: str = Field(description="The new key: shown this once, never stored")
    id: str = Field(description="The new key's id")
    rotatedFrom: str = Field(description="The old key's id")
    oldKeyExpiresAt: str = Field(description="When the old key stops working",
                                 json_schema_extra={"format": "date-time"})
