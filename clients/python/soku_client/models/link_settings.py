from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="LinkSettings")


@_attrs_define
class LinkSettings:
    """
    Attributes:
        delay_hours (int | Unset): Hours between the source post publishing and the derived post (0: about a minute
            later) Default: 0.
    """

    delay_hours: int | Unset = 0

    def to_dict(self) -> dict[str, Any]:
        delay_hours = self.delay_hours

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if delay_hours is not UNSET:
            field_dict["delayHours"] = delay_hours

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        delay_hours = d.pop("delayHours", UNSET)

        link_settings = cls(
            delay_hours=delay_hours,
        )

        return link_settings
