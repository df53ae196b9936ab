from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="TextRule")


@_attrs_define
class TextRule:
    """
    Attributes:
        max_length (int): The most the platform takes, counted in `unit`
        unit (str): What `maxLength` counts, as the platform counts it (X: weighted characters; YouTube: UTF-8 bytes;
            Threads: characters with an emoji as its UTF-8 bytes)
        required (bool): A post without text is refused
        source (None | str | Unset): The platform's page that states the limit
    """

    max_length: int
    unit: str
    required: bool
    source: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        max_length = self.max_length

        unit = self.unit

        required = self.required

        source: None | str | Unset
        if isinstance(self.source, Unset):
            source = UNSET
        else:
            source = self.source

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "maxLength": max_length,
                "unit": unit,
                "required": required,
            }
        )
        if source is not UNSET:
            field_dict["source"] = source

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        max_length = d.pop("maxLength")

        unit = d.pop("unit")

        required = d.pop("required")

        def _parse_source(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        source = _parse_source(d.pop("source", UNSET))

        text_rule = cls(
            max_length=max_length,
            unit=unit,
            required=required,
            source=source,
        )

        text_rule.additional_properties = d
        return text_rule

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
