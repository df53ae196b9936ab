from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="MediaSummary")


@_attrs_define
class MediaSummary:
    """
    Attributes:
        required (bool): A post needs at least one image or video
        images (bool):
        video (bool):
        max_images (int): Images in one post at the most
    """

    required: bool
    images: bool
    video: bool
    max_images: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        required = self.required

        images = self.images

        video = self.video

        max_images = self.max_images

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "required": required,
                "images": images,
                "video": video,
                "maxImages": max_images,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        required = d.pop("required")

        images = d.pop("images")

        video = d.pop("video")

        max_images = d.pop("maxImages")

        media_summary = cls(
            required=required,
            images=images,
            video=video,
            max_images=max_images,
        )

        media_summary.additional_properties = d
        return media_summary

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
