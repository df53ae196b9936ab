from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="RotateApiKeyRequest")


@_attrs_define
class RotateApiKeyRequest:
    """
    Attributes:
        grace_period_hours (float | Unset): How long the old secret keeps working beside the new one (0: it stops now)
            Default: 24.0.
    """

    grace_period_hours: float | Unset = 24.0

    def to_dict(self) -> dict[str, Any]:
        grace_period_hours = self.grace_period_hours

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if grace_period_hours is not UNSET:
            field_dict["gracePeriodHours"] = grace_period_hours

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        grace_period_hours = d.pop("gracePeriodHours", UNSET)

        rotate_api_key_request = cls(
            grace_period_hours=grace_period_hours,
        )

        return rotate_api_key_request
