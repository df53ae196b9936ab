"""Bodies of the media routes (spec 004 `POST /v1/media`, 002's `media/{id}` document)."""

from __future__ import annotations

from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, field_validator
from pydantic_core import PydanticCustomError


class CreateMediaRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    url: str = Field(min_length=1, max_length=2048)

    @field_validator("url")
    @classmethod
    def _looks_like_a_url(cls, value: str) -> str:
        # Only "is this a URL at all" is a validation error (the spec's example:
        # "not-a-url" -> body.url "Invalid URL format"). A well-formed URL we
        # will not fetch (ftp:, file:, a private host) is refused later as
        # 400 upload_failed, with the reason.
        try:
            parts = urlsplit(value)
        except ValueError:
            parts = None
        if parts is None or not parts.scheme or (parts.scheme in ("http", "https") and not parts.hostname):
            raise PydanticCustomError("url_parsing", "Invalid URL format")
        return value


class CreateMediaResponse(BaseModel):
    id: str
    url: str


class MediaDocument(BaseModel):
    """`media/{id}`, as stored and as `GET /v1/media/{id}` returns it."""

    id: str
    userId: str
    keyHash: str | None
    url: str  # {MEDIA_PUBLIC_BASE}/{id}.{ext}: streams the object, public
    contentType: str  # detected from the bytes
    objectPath: str  # media/{id}.{ext} in MEDIA_BUCKET
    downloadToken: str  # Firebase Storage download token (object stays private)
    originalUrl: str  # as the caller sent it
    finalUrl: str  # what was actually fetched, after Drive conversion and redirects
    ext: str
    size: int  # bytes
    createdAt: str | None  # ISO 8601


class DeleteMediaResponse(BaseModel):
    deleted: bool
