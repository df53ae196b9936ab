from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define

from ..models.slot_day import SlotDay

T = TypeVar("T", bound="Slot")


@_attrs_define
class Slot:
    """
    Attributes:
        day (SlotDay):
        time (str): `HH:MM`, 24-hour, in the schedule's timezone
    """

    day: SlotDay
    time: str

    def to_dict(self) -> dict[str, Any]:
        day = self.day.value

        time = self.time

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "day": day,
                "time": time,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        day = SlotDay(d.pop("day"))

        time = d.pop("time")

        slot = cls(
            day=day,
            time=time,
        )

        return slot
