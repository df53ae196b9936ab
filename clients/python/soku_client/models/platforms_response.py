from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.platform_view import PlatformView
    from ..models.soku_limits import SokuLimits


T = TypeVar("T", bound="PlatformsResponse")


@_attrs_define
class PlatformsResponse:
    """
    Attributes:
        platforms (list[PlatformView]):
        limits (SokuLimits):
    """

    platforms: list[PlatformView]
    limits: SokuLimits
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        platforms = []
        for platforms_item_data in self.platforms:
            platforms_item = platforms_item_data.to_dict()
            platforms.append(platforms_item)

        limits = self.limits.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "platforms": platforms,
                "limits": limits,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.platform_view import PlatformView
        from ..models.soku_limits import SokuLimits

        d = dict(src_dict)
        platforms = []
        _platforms = d.pop("platforms")
        for platforms_item_data in _platforms:
            platforms_item = PlatformView.from_dict(platforms_item_data)

            platforms.append(platforms_item)

        limits = SokuLimits.from_dict(d.pop("limits"))

        platforms_response = cls(
            platforms=platforms,
            limits=limits,
        )

        platforms_response.additional_properties = d
        return platforms_response

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
