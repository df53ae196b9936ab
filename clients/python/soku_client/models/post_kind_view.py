from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.media_rule_view import MediaRuleView


T = TypeVar("T", bound="PostKindView")


@_attrs_define
class PostKindView:
    """
    Attributes:
        kind (str): How `post.content.options.<platform>` selects it, where it does
        description (str):
        min_media (int):
        max_media (int):
        carries_text (bool): The post shows the text (Instagram stories, for one, do not)
        media (list[MediaRuleView]):
        max_text (int | None | Unset): This kind's own text limit where it is below the platform's (a Telegram caption:
            1024), in the same unit
        source (None | str | Unset):
    """

    kind: str
    description: str
    min_media: int
    max_media: int
    carries_text: bool
    media: list[MediaRuleView]
    max_text: int | None | Unset = UNSET
    source: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        kind = self.kind

        description = self.description

        min_media = self.min_media

        max_media = self.max_media

        carries_text = self.carries_text

        media = []
        for media_item_data in self.media:
            media_item = media_item_data.to_dict()
            media.append(media_item)

        max_text: int | None | Unset
        if isinstance(self.max_text, Unset):
            max_text = UNSET
        else:
            max_text = self.max_text

        source: None | str | Unset
        if isinstance(self.source, Unset):
            source = UNSET
        else:
            source = self.source

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "kind": kind,
                "description": description,
                "minMedia": min_media,
                "maxMedia": max_media,
                "carriesText": carries_text,
                "media": media,
            }
        )
        if max_text is not UNSET:
            field_dict["maxText"] = max_text
        if source is not UNSET:
            field_dict["source"] = source

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.media_rule_view import MediaRuleView

        d = dict(src_dict)
        kind = d.pop("kind")

        description = d.pop("description")

        min_media = d.pop("minMedia")

        max_media = d.pop("maxMedia")

        carries_text = d.pop("carriesText")

        media = []
        _media = d.pop("media")
        for media_item_data in _media:
            media_item = MediaRuleView.from_dict(media_item_data)

            media.append(media_item)

        def _parse_max_text(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        max_text = _parse_max_text(d.pop("maxText", UNSET))

        def _parse_source(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        source = _parse_source(d.pop("source", UNSET))

        post_kind_view = cls(
            kind=kind,
            description=description,
            min_media=min_media,
            max_media=max_media,
            carries_text=carries_text,
            media=media,
            max_text=max_text,
            source=source,
        )

        post_kind_view.additional_properties = d
        return post_kind_view

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
