from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.soku_limits_dailyceilings_additional_property import (
        SokuLimitsDailyceilingsAdditionalProperty,
    )


T = TypeVar("T", bound="SokuLimitsDailyceilings")


@_attrs_define
class SokuLimitsDailyceilings:
    """Per-account daily ceilings by tier"""

    additional_properties: dict[str, SokuLimitsDailyceilingsAdditionalProperty] = (
        _attrs_field(init=False, factory=dict)
    )

    def to_dict(self) -> dict[str, Any]:

        field_dict: dict[str, Any] = {}
        for prop_name, prop in self.additional_properties.items():
            field_dict[prop_name] = prop.to_dict()

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.soku_limits_dailyceilings_additional_property import (
            SokuLimitsDailyceilingsAdditionalProperty,
        )

        d = dict(src_dict)
        soku_limits_dailyceilings = cls()

        additional_properties = {}
        for prop_name, prop_dict in d.items():
            additional_property = SokuLimitsDailyceilingsAdditionalProperty.from_dict(
                prop_dict
            )

            additional_properties[prop_name] = additional_property

        soku_limits_dailyceilings.additional_properties = additional_properties
        return soku_limits_dailyceilings

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> SokuLimitsDailyceilingsAdditionalProperty:
        return self.additional_properties[key]

    def __setitem__(
        self, key: str, value: SokuLimitsDailyceilingsAdditionalProperty
    ) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
