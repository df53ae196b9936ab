from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="TemplateSize")


@_attrs_define
class TemplateSize:
    """
    Attributes:
        aspect_ratio (None | str):
        width (int):
        height (int):
    """

    aspect_ratio: None | str
    width: int
    height: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        aspect_ratio: None | str
        aspect_ratio = self.aspect_ratio

        width = self.width

        height = self.height

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "aspectRatio": aspect_ratio,
                "width": width,
                "height": height,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)

        def _parse_aspect_ratio(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        aspect_ratio = _parse_aspect_ratio(d.pop("aspectRatio"))

        width = d.pop("width")

        height = d.pop("height")

        template_size = cls(
            aspect_ratio=aspect_ratio,
            width=width,
            height=height,
        )

        template_size.additional_properties = d
        return template_size

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
