from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="NextSlotView")


@_attrs_define
class NextSlotView:
    """
    Attributes:
        account_id (str):
        platform (str):
        next_slot (None | str): The next free slot, or null when none is free in the next 8 weeks
    """

    account_id: str
    platform: str
    next_slot: None | str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        account_id = self.account_id

        platform = self.platform

        next_slot: None | str
        next_slot = self.next_slot

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "accountId": account_id,
                "platform": platform,
                "nextSlot": next_slot,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        account_id = d.pop("accountId")

        platform = d.pop("platform")

        def _parse_next_slot(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        next_slot = _parse_next_slot(d.pop("nextSlot"))

        next_slot_view = cls(
            account_id=account_id,
            platform=platform,
            next_slot=next_slot,
        )

        next_slot_view.additional_properties = d
        return next_slot_view

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
