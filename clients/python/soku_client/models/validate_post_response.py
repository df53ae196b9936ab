from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.validate_post_response_media_item import ValidatePostResponseMediaItem
    from ..models.validate_post_response_targets_item import (
        ValidatePostResponseTargetsItem,
    )


T = TypeVar("T", bound="ValidatePostResponse")


@_attrs_define
class ValidatePostResponse:
    """
    Attributes:
        valid (bool):
        media_type (None | str):
        media (list[ValidatePostResponseMediaItem]):
        targets (list[ValidatePostResponseTargetsItem]):
        scheduled_time (None | str | Unset):
    """

    valid: bool
    media_type: None | str
    media: list[ValidatePostResponseMediaItem]
    targets: list[ValidatePostResponseTargetsItem]
    scheduled_time: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        valid = self.valid

        media_type: None | str
        media_type = self.media_type

        media = []
        for media_item_data in self.media:
            media_item = media_item_data.to_dict()
            media.append(media_item)

        targets = []
        for targets_item_data in self.targets:
            targets_item = targets_item_data.to_dict()
            targets.append(targets_item)

        scheduled_time: None | str | Unset
        if isinstance(self.scheduled_time, Unset):
            scheduled_time = UNSET
        else:
            scheduled_time = self.scheduled_time

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "valid": valid,
                "mediaType": media_type,
                "media": media,
                "targets": targets,
            }
        )
        if scheduled_time is not UNSET:
            field_dict["scheduledTime"] = scheduled_time

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.validate_post_response_media_item import (
            ValidatePostResponseMediaItem,
        )
        from ..models.validate_post_response_targets_item import (
            ValidatePostResponseTargetsItem,
        )

        d = dict(src_dict)
        valid = d.pop("valid")

        def _parse_media_type(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        media_type = _parse_media_type(d.pop("mediaType"))

        media = []
        _media = d.pop("media")
        for media_item_data in _media:
            media_item = ValidatePostResponseMediaItem.from_dict(media_item_data)

            media.append(media_item)

        targets = []
        _targets = d.pop("targets")
        for targets_item_data in _targets:
            targets_item = ValidatePostResponseTargetsItem.from_dict(targets_item_data)

            targets.append(targets_item)

        def _parse_scheduled_time(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        scheduled_time = _parse_scheduled_time(d.pop("scheduledTime", UNSET))

        validate_post_response = cls(
            valid=valid,
            media_type=media_type,
            media=media,
            targets=targets,
            scheduled_time=scheduled_time,
        )

        validate_post_response.additional_properties = d
        return validate_post_response

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
