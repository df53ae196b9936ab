from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define

from ..models.render_template_request_aspect_ratio_type_0 import (
    RenderTemplateRequestAspectRatioType0,
)
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.render_template_request_config_type_0 import (
        RenderTemplateRequestConfigType0,
    )


T = TypeVar("T", bound="RenderTemplateRequest")


@_attrs_define
class RenderTemplateRequest:
    """
    Attributes:
        template_slug (str): Template identifier, e.g. tweetImage
        config (None | RenderTemplateRequestConfigType0 | Unset): Template-specific fields (GET /v1/templates)
        aspect_ratio (None | RenderTemplateRequestAspectRatioType0 | Unset): 1:1, 4:5 or 9:16; the Open Graph size
            1200x630 when omitted
    """

    template_slug: str
    config: None | RenderTemplateRequestConfigType0 | Unset = UNSET
    aspect_ratio: None | RenderTemplateRequestAspectRatioType0 | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        from ..models.render_template_request_config_type_0 import (
            RenderTemplateRequestConfigType0,
        )

        template_slug = self.template_slug

        config: dict[str, Any] | None | Unset
        if isinstance(self.config, Unset):
            config = UNSET
        elif isinstance(self.config, RenderTemplateRequestConfigType0):
            config = self.config.to_dict()
        else:
            config = self.config

        aspect_ratio: None | str | Unset
        if isinstance(self.aspect_ratio, Unset):
            aspect_ratio = UNSET
        elif isinstance(self.aspect_ratio, RenderTemplateRequestAspectRatioType0):
            aspect_ratio = self.aspect_ratio.value
        else:
            aspect_ratio = self.aspect_ratio

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "templateSlug": template_slug,
            }
        )
        if config is not UNSET:
            field_dict["config"] = config
        if aspect_ratio is not UNSET:
            field_dict["aspectRatio"] = aspect_ratio

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.render_template_request_config_type_0 import (
            RenderTemplateRequestConfigType0,
        )

        d = dict(src_dict)
        template_slug = d.pop("templateSlug")

        def _parse_config(
            data: object,
        ) -> None | RenderTemplateRequestConfigType0 | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                config_type_0 = RenderTemplateRequestConfigType0.from_dict(data)

                return config_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | RenderTemplateRequestConfigType0 | Unset, data)

        config = _parse_config(d.pop("config", UNSET))

        def _parse_aspect_ratio(
            data: object,
        ) -> None | RenderTemplateRequestAspectRatioType0 | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                aspect_ratio_type_0 = RenderTemplateRequestAspectRatioType0(data)

                return aspect_ratio_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | RenderTemplateRequestAspectRatioType0 | Unset, data)

        aspect_ratio = _parse_aspect_ratio(d.pop("aspectRatio", UNSET))

        render_template_request = cls(
            template_slug=template_slug,
            config=config,
            aspect_ratio=aspect_ratio,
        )

        return render_template_request
