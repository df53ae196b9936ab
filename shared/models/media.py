"""Bodies of the media routes (spec 004 `POST /v1/media`, 002's `media/{id}` document)."""

from __future__ import annotations

from typing import Annotated, Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator
from pydantic_core import PydanticCustomError

from shared.models.common import IsoDateTime


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


MediaKind = Literal["image", "video", "audio"]
MAX_TAGS = 20
MAX_ALT_TEXT = 1000
# A tag: 1-50 letters (any script), digits, spaces, `-`, `_` or `.`; case-folded when stored.
TAG_PATTERN = r"^[\w .-]{1,50}$"


class MediaUse(BaseModel):
    postSubmissionId: str
    at: str  # when the post was submitted (ISO 8601)


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
    kind: MediaKind | None = None  # read from contentType
    tags: list[str] = Field(default_factory=list, description="Your labels (PATCH /v1/media/{id}); "
                                                              "filter the library with `?tag=`")
    altText: str | None = Field(default=None, description="Description of the media for people who cannot see "
                                "it; sent as alt text to the platforms that take one when the post gives none")
    updatedAt: str | None = None  # ISO 8601, once tags or alt text were set
    usedBy: list[MediaUse] = Field(default_factory=list, description="The newest 20 posts submitted with this "
                                   "media, newest first")


class MediaListQuery(BaseModel):
    """`GET /v1/media`: newest first; page with `cursor`."""

    limit: int = Field(default=20, ge=1, le=100)
    cursor: str | None = Field(default=None, max_length=512, description="`nextCursor` of the previous page")
    type: MediaKind | None = Field(default=None, description="Only images, videos or audio")
    tag: str | None = Field(default=None, pattern=TAG_PATTERN, description="Only media with this tag "
                                                                          "(compared case-folded)")
    createdAfter: IsoDateTime | None = Field(default=None, description="Created strictly after this time")
    createdBefore: IsoDateTime | None = Field(default=None, description="Created strictly before this time")


class MediaListResponse(BaseModel):
    data: list[MediaDocument]
    hasMore: bool
    nextCursor: str | None = Field(description="Pass as `cursor` to get the next page")


def _fold_tags(tags: list[str] | None) -> list[str] | None:
    if tags is None:
        return None
    return list(dict.fromkeys(tag.strip().casefold() for tag in tags))


class UpdateMediaRequest(BaseModel):
    """`PATCH /v1/media/{id}`: the fields given are replaced; `altText` `""` or null clears it,
    `tags` `[]` or null clears them."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={
        "examples": [{"tags": ["launch", "Summer 2026"], "altText": "A red bicycle leaning on a white wall"}]})

    tags: list[Annotated[str, Field(pattern=TAG_PATTERN)]] | None = Field(
        default=None, max_length=MAX_TAGS,
        description=f"Up to {MAX_TAGS} tags of 1-50 letters, digits, spaces, `-`, `_` or `.`; stored "
                    "case-folded, duplicates dropped")
    altText: str | None = Field(default=None, max_length=MAX_ALT_TEXT,
                                description=f"Alt text, up to {MAX_ALT_TEXT} characters")

    @field_validator("tags")
    @classmethod
    def _folded(cls, tags: list[str] | None) -> list[str] | None:
        folded = _fold_tags(tags)
        if folded is not None and any(not tag for tag in folded):
            raise PydanticCustomError("string_too_short", "A tag cannot be only spaces")
        return folded

    @model_validator(mode="after")
    def _something(self) -> "UpdateMediaRequest":
        if not self.model_fields_set:
            raise PydanticCustomError("missing", "Give tags, altText or both")
        return self

    def changes(self) -> dict:
        return {name: getattr(self, name) for name in self.model_fields_set}


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
