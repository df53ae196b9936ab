from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="RenderTemplateResponse")


@_attrs_define
class RenderTemplateResponse:
    """
    Attributes:
        url (str): Public URL of the PNG (served by the media delivery function)
        raw_url (str): Direct Firebase Storage URL with a download token
        id (str): Id of the rendered_media document (also a media id)
        width (int):
        height (int):
    """

    url: str
    raw_url: str
    id: str
    width: int
    height: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        url = self.url

        raw_url = self.raw_url

        id = self.id

        width = self.width

        height = self.height

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "url": url,
                "rawUrl": raw_url,
                "id": id,
                "width": width,
                "height": height,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        url = d.pop("url")

        raw_url = d.pop("rawUrl")

        id = d.pop("id")

        width = d.pop("width")

        height = d.pop("height")

        render_template_response = cls(
            url=url,
            raw_url=raw_url,
            id=id,
            width=width,
            height=height,
        )

        render_template_response.additional_properties = d
        return render_template_response

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
