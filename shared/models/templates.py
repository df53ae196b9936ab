"""Bodies of the template routes (spec 004 `POST /v1/templates`) and each
template's `config`.

A template's config model is also its field list: `GET /v1/templates` is built
from these models (label = title, help = description, `kind` says how a form
should show the field), so Zapier dropdowns and the web app's forms cannot drift
from what the renderer accepts. Unknown config keys are refused, so a typo
("titel") is a 400 naming the field instead of a silently missing title.
"""

from __future__ import annotations

from typing import Any, ClassVar, Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator
from pydantic_core import PydanticCustomError

AspectRatio = Literal["1:1", "4:5", "9:16"]
HEX_COLOUR = r"^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$"
MEDIA_ID = r"^[A-Za-z0-9_-]{1,128}$"


def _url(value: str | None) -> str | None:
    if value is None:
        return None
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise PydanticCustomError("url_parsing", "Invalid URL format")
    return value


def _text(title: str, max_length: int, description: str, kind: str = "string", **extra: Any) -> Any:
    return Field(default=None, title=title, description=description, max_length=max_length,
                 json_schema_extra={"kind": kind, **extra})


def _image_url(title: str, description: str) -> Any:
    return Field(default=None, title=title, description=description, max_length=2048,
                 json_schema_extra={"kind": "url"})


def _image_media(title: str, description: str) -> Any:
    return Field(default=None, title=title, description=description, pattern=MEDIA_ID,
                 json_schema_extra={"kind": "mediaId"})


class TemplateConfig(BaseModel):
    """Fields every template has."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    theme: Literal["dark", "light"] = Field(default="dark", title="Theme", description="Dark or light card",
                                            json_schema_extra={"kind": "enum"})
    accentColor: str | None = Field(default=None, title="Accent colour", pattern=HEX_COLOUR,
                                    description="Brand colour as #RRGGBB; the template's own colour when empty",
                                    json_schema_extra={"kind": "color"})

    # Image pairs: a URL (fetched with the media rules) or one of your media ids.
    image_pairs: ClassVar[tuple[tuple[str, str], ...]] = ()

    @field_validator("*", mode="after")
    @classmethod
    def _urls(cls, value: Any, info) -> Any:
        if info.field_name and info.field_name.endswith("Url"):
            return _url(value)
        return value

    @model_validator(mode="after")
    def _one_image_source(self) -> "TemplateConfig":
        for url_field, media_field in self.image_pairs:
            if getattr(self, url_field) and getattr(self, media_field):
                raise PydanticCustomError(
                    "image_source", f"Give {url_field} or {media_field}, not both")
        return self

    def image_sources(self) -> dict[str, tuple[str, str]]:
        """Role -> (kind, value) for the images this config asks for."""
        out: dict[str, tuple[str, str]] = {}
        for url_field, media_field in self.image_pairs:
            role = url_field.removesuffix("Url")
            if getattr(self, url_field):
                out[role] = ("url", getattr(self, url_field))
            elif getattr(self, media_field):
                out[role] = ("mediaId", getattr(self, media_field))
        return out


class TweetImageConfig(TemplateConfig):
    image_pairs: ClassVar[tuple[tuple[str, str], ...]] = (("avatarUrl", "avatarMediaId"),)

    title: str | None = _text("Title", 200, "Bold headline above the post text")
    content: str | None = _text("Content", 1000, "The post text; emoji and any script welcome", kind="text")
    author: str | None = _text("Author", 80, "Handle shown under the name, e.g. @mybrand")
    name: str | None = _text("Name", 80, "Display name; taken from the author when empty")
    verified: bool = Field(default=False, title="Verified badge", description="Show a check mark by the name",
                           json_schema_extra={"kind": "boolean"})
    date: str | None = _text("Date", 40, "Shown in the card's footer, e.g. 'Nov 25, 2026'")
    avatarUrl: str | None = _image_url("Avatar URL", "Square-ish picture; initials are drawn when empty")
    avatarMediaId: str | None = _image_media("Avatar media id", "One of your uploads, instead of avatarUrl")

    @model_validator(mode="after")
    def _has_text(self) -> "TweetImageConfig":
        if not (self.title or self.content):
            raise PydanticCustomError("missing_text", "Give a title or content")
        return self


class VideoThumbnailConfig(TemplateConfig):
    image_pairs: ClassVar[tuple[tuple[str, str], ...]] = (("backgroundUrl", "backgroundMediaId"),)

    title: str = Field(min_length=1, max_length=200, title="Title", description="Big title on the thumbnail",
                       json_schema_extra={"kind": "string"})
    subtitle: str | None = _text("Subtitle", 300, "Smaller line under the title", kind="text")
    badge: str | None = _text("Badge", 30, "Small label in the corner, e.g. NEW VIDEO")
    duration: str | None = Field(default=None, title="Duration", description="Shown bottom right, e.g. 12:34",
                                 pattern=r"^\d{1,2}(?::\d{2}){1,2}$", json_schema_extra={"kind": "string"})
    showPlayButton: bool = Field(default=True, title="Play button", description="Draw a play button",
                                 json_schema_extra={"kind": "boolean"})
    backgroundUrl: str | None = _image_url("Background URL", "Photo or video frame behind the title")
    backgroundMediaId: str | None = _image_media("Background media id", "One of your uploaded images")


class QuoteCardConfig(TemplateConfig):
    image_pairs: ClassVar[tuple[tuple[str, str], ...]] = (("avatarUrl", "avatarMediaId"),)

    quote: str = Field(min_length=1, max_length=600, title="Quote", description="The quotation",
                       json_schema_extra={"kind": "text"})
    author: str | None = _text("Author", 80, "Who said it")
    role: str | None = _text("Role", 100, "Their title or company, e.g. CEO, Acme")
    brand: str | None = _text("Brand", 60, "Your brand or handle, shown in the corner")
    avatarUrl: str | None = _image_url("Avatar URL", "Portrait of the author")
    avatarMediaId: str | None = _image_media("Avatar media id", "One of your uploads, instead of avatarUrl")


class AnnouncementConfig(TemplateConfig):
    image_pairs: ClassVar[tuple[tuple[str, str], ...]] = (("logoUrl", "logoMediaId"),)

    headline: str = Field(min_length=1, max_length=200, title="Headline", description="What you announce",
                          json_schema_extra={"kind": "string"})
    body: str | None = _text("Body", 500, "One or two sentences of detail", kind="text")
    label: str | None = _text("Label", 40, "Small label above the headline; 'Announcement' when empty")
    cta: str | None = _text("Call to action", 60, "Button text, e.g. Read more at soku.dev")
    brand: str | None = _text("Brand", 60, "Your brand name, shown by the logo")
    date: str | None = _text("Date", 40, "Shown in the footer")
    logoUrl: str | None = _image_url("Logo URL", "Your logo (transparent PNG works best)")
    logoMediaId: str | None = _image_media("Logo media id", "One of your uploads, instead of logoUrl")


# -- routes --------------------------------------------------------------------------------

class RenderTemplateRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    templateSlug: str = Field(min_length=1, max_length=64, description="Template identifier, e.g. tweetImage")
    config: dict[str, Any] | None = Field(default=None, description="Template-specific fields (GET /v1/templates)")
    aspectRatio: AspectRatio | None = Field(
        default=None, description="1:1, 4:5 or 9:16; the Open Graph size 1200x630 when omitted")


class RenderTemplateResponse(BaseModel):
    url: str = Field(description="Public URL of the PNG (served by the media delivery function)")
    rawUrl: str = Field(description="Direct Firebase Storage URL with a download token")
    id: str = Field(description="Id of the rendered_media document (also a media id)")
    width: int
    height: int


class TemplateField(BaseModel):
    key: str
    label: str
    type: Literal["string", "text", "color", "url", "mediaId", "boolean", "enum"]
    required: bool
    description: str | None = None
    maxLength: int | None = None
    default: Any = None
    choices: list[str] | None = None


class TemplateSize(BaseModel):
    aspectRatio: str | None
    width: int
    height: int


class TemplateInfo(BaseModel):
    slug: str
    name: str
    description: str
    fields: list[TemplateField]
    sizes: list[TemplateSize]


class TemplateListResponse(BaseModel):
    templates: list[TemplateInfo]
