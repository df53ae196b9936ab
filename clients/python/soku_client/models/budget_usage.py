from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.budget_usage_unit import BudgetUsageUnit

T = TypeVar("T", bound="BudgetUsage")


@_attrs_define
class BudgetUsage:
    """
    Attributes:
        used (int): Used today (UTC)
        limit (int): The tier's daily ceiling
        unit (BudgetUsageUnit):
        resets_at (datetime.datetime): Next UTC midnight, when `used` starts again from 0
    """

    used: int
    limit: int
    unit: BudgetUsageUnit
    resets_at: datetime.datetime
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        used = self.used

        limit = self.limit

        unit = self.unit.value

        resets_at = self.resets_at.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "used": used,
                "limit": limit,
                "unit": unit,
                "resetsAt": resets_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        used = d.pop("used")

        limit = d.pop("limit")

        unit = BudgetUsageUnit(d.pop("unit"))

        resets_at = datetime.datetime.fromisoformat(d.pop("resetsAt"))

        budget_usage = cls(
            used=used,
            limit=limit,
            unit=unit,
            resets_at=resets_at,
        )

        budget_usage.additional_properties = d
        return budget_usage

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
