from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="Event")


@_attrs_define
class Event:
    """An event's title and period (LocalPost.event: title, schedule {startDate, startTime, endDate,
    endTime}); also an offer's title and validity period.

        Attributes:
            title (str):
            start_time (str):
            end_time (str):
    """

    title: str
    start_time: str
    end_time: str

    def to_dict(self) -> dict[str, Any]:
        title = self.title

        start_time = self.start_time

        end_time = self.end_time

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "title": title,
                "startTime": start_time,
                "endTime": end_time,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        title = d.pop("title")

        start_time = d.pop("startTime")

        end_time = d.pop("endTime")

        event = cls(
            title=title,
            start_time=start_time,
            end_time=end_time,
        )

        return event
