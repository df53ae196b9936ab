from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="MediaRuleView")


@_attrs_define
class MediaRuleView:
    """
    Attributes:
        type_ (str): `image` or `video`
        formats (list[str]): MIME types
        max_bytes (int | None | Unset):
        min_duration_seconds (float | None | Unset):
        max_duration_seconds (float | None | Unset):
        source (None | str | Unset):
    """

    type_: str
    formats: list[str]
    max_bytes: int | None | Unset = UNSET
    min_duration_seconds: float | None | Unset = UNSET
    max_duration_seconds: float | None | Unset = UNSET
    source: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        type_ = self.type_

        formats = self.formats

        max_bytes: int | None | Unset
        if isinstance(self.max_bytes, Unset):
            max_bytes = UNSET
        else:
            max_bytes = self.max_bytes

        min_duration_seconds: float | None | Unset
        if isinstance(self.min_duration_seconds, Unset):
            min_duration_seconds = UNSET
        else:
            min_duration_seconds = self.min_duration_seconds

        max_duration_seconds: float | None | Unset
        if isinstance(self.max_duration_seconds, Unset):
            max_duration_seconds = UNSET
        else:
            max_duration_seconds = self.max_duration_seconds

        source: None | str | Unset
        if isinstance(self.source, Unset):
            source = UNSET
        else:
            source = self.source

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "type": type_,
                "formats": formats,
            }
        )
        if max_bytes is not UNSET:
            field_dict["maxBytes"] = max_bytes
        if min_duration_seconds is not UNSET:
            field_dict["minDurationSeconds"] = min_duration_seconds
        if max_duration_seconds is not UNSET:
            field_dict["maxDurationSeconds"] = max_duration_seconds
        if source is not UNSET:
            field_dict["source"] = source

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        type_ = d.pop("type")

        formats = cast(list[str], d.pop("formats"))

        def _parse_max_bytes(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        max_bytes = _parse_max_bytes(d.pop("maxBytes", UNSET))

        def _parse_min_duration_seconds(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        min_duration_seconds = _parse_min_duration_seconds(
            d.pop("minDurationSeconds", UNSET)
        )

        def _parse_max_duration_seconds(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        max_duration_seconds = _parse_max_duration_seconds(
            d.pop("maxDurationSeconds", UNSET)
        )

        def _parse_source(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        source = _parse_source(d.pop("source", UNSET))

        media_rule_view = cls(
            type_=type_,
            formats=formats,
            max_bytes=max_bytes,
            min_duration_seconds=min_duration_seconds,
            max_duration_seconds=max_duration_seconds,
            source=source,
        )

        media_rule_view.additional_properties = d
        return media_rule_view

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
