"""Bodies of the media routes (spec 004 `POST /v1/media`, 002's `media/{id}` document)."""

from __future__ import annotations

from typing import Literal
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
    originalUrl: str | None  # as the caller sent it; null for an uploaded file
    finalUrl: str | None  # what was actually fetched, after Drive conversion and redirects
    ext: str
    size: int  # bytes
    createdAt: str | None  # ISO 8601
    # Where the file came from when not fetched from `originalUrl`: an uploaded file (multipart or
    # an upload session), a rendered template, or a repurpose link's card.
    source: Literal["upload", "template", "repurpose"] | None = None
    # Uploaded files only:
    filename: str | None = None  # as the client named it, for display
    uploadId: str | None = None  # the upload session it came from


class DeleteMediaResponse(BaseModel):
    deleted: bool


class UploadMediaForm(BaseModel):
    """`POST /v1/media` as `multipart/form-data`: one part, the file (at most 30 MiB with the
    multipart overhead; bigger files go through `POST /v1/media/uploads`)."""

    file: bytes = Field(description="The file. Its type is read from its bytes, not from the part's "
                                    "Content-Type or name")


class CreateUploadRequest(BaseModel):
    """`POST /v1/media/uploads`: announce a file the client will PUT to Cloud Storage itself."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    size: int = Field(ge=1, description="Exact size in bytes (at most the media cap, 1 GiB by default)")
    # Given to Cloud Storage as the staged object's type, so it must be one (`type/subtype`,
    # parameters allowed); informative only: the stored type is read from the bytes.
    contentType: str | None = Field(default=None, max_length=255,
                                    pattern=r"^[A-Za-z0-9][\w!#$&^.+-]*/[A-Za-z0-9][\w!#$&^.+-]*(;[\x20-\x7e]*)?$",
                                    description="Informative: the stored type is read from the bytes")
    filename: str | None = Field(default=None, min_length=1, max_length=1024)


class UploadError(BaseModel):
    code: str
    message: str


class UploadSession(BaseModel):
    """An upload session, as `POST /v1/media/uploads` and `GET /v1/media/uploads/{id}` return it."""

    id: str
    status: Literal["pending", "completed", "failed", "expired"]
    size: int
    contentType: str | None
    filename: str | None
    method: Literal["PUT"]
    uploadUrl: str | None  # the Cloud Storage resumable session URI; while pending only
    expiresAt: str
    createdAt: str
    mediaId: str | None  # once completed
    error: UploadError | None  # once failed
