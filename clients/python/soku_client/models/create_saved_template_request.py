from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define

from ..models.create_saved_template_request_aspect_ratio_type_0 import (
    CreateSavedTemplateRequestAspectRatioType0,
)
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.create_saved_template_request_config_type_0 import (
        CreateSavedTemplateRequestConfigType0,
    )


T = TypeVar("T", bound="CreateSavedTemplateRequest")


@_attrs_define
class CreateSavedTemplateRequest:
    """
    Attributes:
        name (str): Your name for it, e.g. 'Brand card'
        template_slug (str): The built-in template it configures
        config (CreateSavedTemplateRequestConfigType0 | None | Unset): Defaults for the template's fields (GET
            /v1/templates); the post's text fills the main text field
        aspect_ratio (CreateSavedTemplateRequestAspectRatioType0 | None | Unset): 1:1, 4:5 or 9:16; when omitted, chosen
            for the target platform
    """

    name: str
    template_slug: str
    config: CreateSavedTemplateRequestConfigType0 | None | Unset = UNSET
    aspect_ratio: CreateSavedTemplateRequestAspectRatioType0 | None | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        from ..models.create_saved_template_request_config_type_0 import (
            CreateSavedTemplateRequestConfigType0,
        )

        name = self.name

        template_slug = self.template_slug

        config: dict[str, Any] | None | Unset
        if isinstance(self.config, Unset):
            config = UNSET
        elif isinstance(self.config, CreateSavedTemplateRequestConfigType0):
            config = self.config.to_dict()
        else:
            config = self.config

        aspect_ratio: None | str | Unset
        if isinstance(self.aspect_ratio, Unset):
            aspect_ratio = UNSET
        elif isinstance(self.aspect_ratio, CreateSavedTemplateRequestAspectRatioType0):
            aspect_ratio = self.aspect_ratio.value
        else:
            aspect_ratio = self.aspect_ratio

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "name": name,
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
        from ..models.create_saved_template_request_config_type_0 import (
            CreateSavedTemplateRequestConfigType0,
        )

        d = dict(src_dict)
        name = d.pop("name")

        template_slug = d.pop("templateSlug")

        def _parse_config(
            data: object,
        ) -> CreateSavedTemplateRequestConfigType0 | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                config_type_0 = CreateSavedTemplateRequestConfigType0.from_dict(data)

                return config_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(CreateSavedTemplateRequestConfigType0 | None | Unset, data)

        config = _parse_config(d.pop("config", UNSET))

        def _parse_aspect_ratio(
            data: object,
        ) -> CreateSavedTemplateRequestAspectRatioType0 | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                aspect_ratio_type_0 = CreateSavedTemplateRequestAspectRatioType0(data)

                return aspect_ratio_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(CreateSavedTemplateRequestAspectRatioType0 | None | Unset, data)

        aspect_ratio = _parse_aspect_ratio(d.pop("aspectRatio", UNSET))

        create_saved_template_request = cls(
            name=name,
            template_slug=template_slug,
            config=config,
            aspect_ratio=aspect_ratio,
        )

        return create_saved_template_request
