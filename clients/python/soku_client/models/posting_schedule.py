from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define

if TYPE_CHECKING:
    from ..models.slot import Slot


T = TypeVar("T", bound="PostingSchedule")


@_attrs_define
class PostingSchedule:
    """An account's weekly posting slots, in its own timezone (a 09:00 slot stays 09:00 across
    daylight saving).

        Attributes:
            timezone (str): An IANA timezone name (`Europe/Berlin`, `America/New_York`, `UTC`)
            slots (list[Slot]):
    """

    timezone: str
    slots: list[Slot]

    def to_dict(self) -> dict[str, Any]:
        timezone = self.timezone

        slots = []
        for slots_item_data in self.slots:
            slots_item = slots_item_data.to_dict()
            slots.append(slots_item)

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "timezone": timezone,
                "slots": slots,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.slot import Slot

        d = dict(src_dict)
        timezone = d.pop("timezone")

        slots = []
        _slots = d.pop("slots")
        for slots_item_data in _slots:
            slots_item = Slot.from_dict(slots_item_data)

            slots.append(slots_item)

        posting_schedule = cls(
            timezone=timezone,
            slots=slots,
        )

        return posting_schedule
