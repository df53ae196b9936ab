"""What a template is made of: a slug, a config model and a draw function
(`Template`), and what its draw function works with (`Scene`).

Each template module (tweet_image, video_thumbnail, quote_card, announcement)
imports this module and defines a `TEMPLATE`; registry.py imports the template
modules and is the only place that lists them. Nothing here imports the
registry or a template, so there is no import cycle between them.

`Scene` is the canvas, the validated config, the fetched images, a size unit,
and `text()`, which fits, draws and records a text block (the record is the
layout report tests and `make samples` read).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

import pydantic
from PIL import Image

from shared.errors import ValidationError
from shared.models.templates import TemplateConfig, TemplateField, TemplateInfo, TemplateSize
from shared.services.templates import canvas as cv
from shared.services.templates import text as tx
from shared.services.templates import typeset
from shared.validation_details import details_from_pydantic


@dataclass
class Scene:
    image: Image.Image
    config: Any  # the template's TemplateConfig subclass, validated
    images: dict[str, Image.Image]  # role ("avatar", "background", "logo") -> decoded image
    drawn: dict[str, typeset.Drawn] = field(default_factory=dict)

    @property
    def width(self) -> int:
        return self.image.width

    @property
    def height(self) -> int:
        return self.image.height

    @property
    def u(self) -> float:
        """One unit = 1/1080 of the canvas width: sizes are written for 1080 px wide."""
        return self.image.width / 1080

    @property
    def portrait(self) -> bool:
        return self.image.height > self.image.width

    def background(self, image: Image.Image) -> None:
        """Make `image` (canvas-sized, opaque) the canvas: drawn first, it replaces
        the blank canvas rather than being copied onto it."""
        if image.size != self.image.size or image.mode != self.image.mode:
            raise ValueError(f"a background must be {self.image.mode} {self.image.size}, not {image.mode} {image.size}")
        self.image = image

    def fit(self, text: str, style: tx.Style, width: float, height: float, max_size: float,
            min_size: float, max_lines: int | None = None) -> tx.Block:
        return tx.fit(text, style, width, height, max(1, round(max_size)), max(1, round(min_size)), max_lines)

    def draw(self, name: str, block: tx.Block, x: float, y: float, width: float, **kwargs) -> typeset.Drawn:
        drawn = typeset.draw_block(self.image, block, x, y, width, **kwargs)
        self.drawn[name] = drawn
        return drawn

    def text(self, name: str, text: str, style: tx.Style, x: float, y: float, width: float, height: float,
             max_size: float, min_size: float, max_lines: int | None = None, **kwargs) -> typeset.Drawn:
        block = self.fit(text, style, width, height, max_size, min_size, max_lines)
        return self.draw(name, block, x, y, width, **kwargs)


@dataclass(frozen=True)
class Template:
    slug: str
    name: str
    description: str
    config_model: type[TemplateConfig]
    draw: Callable[[Scene], None]

    def validate(self, raw: dict | None) -> TemplateConfig:
        try:
            return self.config_model.model_validate(raw or {})
        except pydantic.ValidationError as exc:
            raise ValidationError(details=details_from_pydantic(exc, "body.config")) from None

    def info(self) -> TemplateInfo:
        return TemplateInfo(
            slug=self.slug, name=self.name, description=self.description,
            fields=describe_fields(self.config_model),
            sizes=[TemplateSize(aspectRatio=ratio, width=w, height=h) for ratio, (w, h) in cv.SIZES.items()],
        )


def describe_fields(model: type[TemplateConfig]) -> list[TemplateField]:
    out = []
    # Template-specific fields first, then the shared look fields.
    common = list(TemplateConfig.model_fields)
    names = [n for n in model.model_fields if n not in common] + common
    for name in names:
        info = model.model_fields[name]
        extra = info.json_schema_extra if isinstance(info.json_schema_extra, dict) else {}
        kind = extra.get("kind", "string")
        max_length = next((m.max_length for m in info.metadata if getattr(m, "max_length", None)), None)
        choices = None
        if kind == "enum":
            choices = list(getattr(info.annotation, "__args__", ()))
        out.append(TemplateField(
            key=name, label=info.title or name, type=kind, required=info.is_required(),
            description=info.description, maxLength=max_length,
            default=None if info.is_required() else info.default, choices=choices,
        ))
    return out
