from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.budget_usage import BudgetUsage


T = TypeVar("T", bound="DailyUsage")


@_attrs_define
class DailyUsage:
    """Today's use of each daily ceiling (docs/limits-and-errors.md, "Daily ceilings").

    Attributes:
        posts (BudgetUsage):
        media_bytes (BudgetUsage):
        renders (BudgetUsage):
        transcription_minutes (BudgetUsage):
    """

    posts: BudgetUsage
    media_bytes: BudgetUsage
    renders: BudgetUsage
    transcription_minutes: BudgetUsage
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        posts = self.posts.to_dict()

        media_bytes = self.media_bytes.to_dict()

        renders = self.renders.to_dict()

        transcription_minutes = self.transcription_minutes.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "posts": posts,
                "mediaBytes": media_bytes,
                "renders": renders,
                "transcriptionMinutes": transcription_minutes,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.budget_usage import BudgetUsage

        d = dict(src_dict)
        posts = BudgetUsage.from_dict(d.pop("posts"))

        media_bytes = BudgetUsage.from_dict(d.pop("mediaBytes"))

        renders = BudgetUsage.from_dict(d.pop("renders"))

        transcription_minutes = BudgetUsage.from_dict(d.pop("transcriptionMinutes"))

        daily_usage = cls(
            posts=posts,
            media_bytes=media_bytes,
            renders=renders,
            transcription_minutes=transcription_minutes,
        )

        daily_usage.additional_properties = d
        return daily_usage

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
