from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="Flair")


@_attrs_define
class Flair:
    """
    Attributes:
        id (str): What `post.content.options.reddit.flairId` takes
        text (str | Unset):  Default: ''.
        text_editable (bool | Unset): Whether `options.reddit.flairText` may replace its text Default: False.
    """

    id: str
    text: str | Unset = ""
    text_editable: bool | Unset = False
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        text = self.text

        text_editable = self.text_editable

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
            }
        )
        if text is not UNSET:
            field_dict["text"] = text
        if text_editable is not UNSET:
            field_dict["textEditable"] = text_editable

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        id = d.pop("id")

        text = d.pop("text", UNSET)

        text_editable = d.pop("textEditable", UNSET)

        flair = cls(
            id=id,
            text=text,
            text_editable=text_editable,
        )

        flair.additional_properties = d
        return flair

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
