from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define

if TYPE_CHECKING:
    from ..models.slot import Slot


T = TypeVar("T", bound="ScheduleView")


@_attrs_define
class ScheduleView:
    """
    Attributes:
        timezone (str): An IANA timezone name (`Europe/Berlin`, `America/New_York`, `UTC`)
        slots (list[Slot]):
        account_id (str):
        platform (str):
        next_slot (None | str): The next slot no post has taken (what `next_slot` would get now)
    """

    timezone: str
    slots: list[Slot]
    account_id: str
    platform: str
    next_slot: None | str

    def to_dict(self) -> dict[str, Any]:
        timezone = self.timezone

        slots = []
        for slots_item_data in self.slots:
            slots_item = slots_item_data.to_dict()
            slots.append(slots_item)

        account_id = self.account_id

        platform = self.platform

        next_slot: None | str
        next_slot = self.next_slot

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "timezone": timezone,
                "slots": slots,
                "accountId": account_id,
                "platform": platform,
                "nextSlot": next_slot,
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

        account_id = d.pop("accountId")

        platform = d.pop("platform")

        def _parse_next_slot(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        next_slot = _parse_next_slot(d.pop("nextSlot"))

        schedule_view = cls(
            timezone=timezone,
            slots=slots,
            account_id=account_id,
            platform=platform,
            next_slot=next_slot,
        )

        return schedule_view
