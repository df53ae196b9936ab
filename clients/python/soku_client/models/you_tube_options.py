from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define

from ..models.you_tube_options_privacy import YouTubeOptionsPrivacy
from ..types import UNSET, Unset

T = TypeVar("T", bound="YouTubeOptions")


@_attrs_define
class YouTubeOptions:
    """
    Attributes:
        title (None | str | Unset): Defaults to the first line of the post text
        privacy (YouTubeOptionsPrivacy | Unset):  Default: YouTubeOptionsPrivacy.PUBLIC.
        tags (list[str] | None | Unset):
        category_id (None | str | Unset):
        made_for_kids (bool | Unset):  Default: False.
        first_comment (None | str | Unset): Posted by the channel as the first comment once the video is processed
            (commentThreads.insert); if it fails (YouTube turns comments off on videos made for kids), the video still
            counts as published
    """

    title: None | str | Unset = UNSET
    privacy: YouTubeOptionsPrivacy | Unset = YouTubeOptionsPrivacy.PUBLIC
    tags: list[str] | None | Unset = UNSET
    category_id: None | str | Unset = UNSET
    made_for_kids: bool | Unset = False
    first_comment: None | str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        title: None | str | Unset
        if isinstance(self.title, Unset):
            title = UNSET
        else:
            title = self.title

        privacy: str | Unset = UNSET
        if not isinstance(self.privacy, Unset):
            privacy = self.privacy.value

        tags: list[str] | None | Unset
        if isinstance(self.tags, Unset):
            tags = UNSET
        elif isinstance(self.tags, list):
            tags = self.tags

        else:
            tags = self.tags

        category_id: None | str | Unset
        if isinstance(self.category_id, Unset):
            category_id = UNSET
        else:
            category_id = self.category_id

        made_for_kids = self.made_for_kids

        first_comment: None | str | Unset
        if isinstance(self.first_comment, Unset):
            first_comment = UNSET
        else:
            first_comment = self.first_comment

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if title is not UNSET:
            field_dict["title"] = title
        if privacy is not UNSET:
            field_dict["privacy"] = privacy
        if tags is not UNSET:
            field_dict["tags"] = tags
        if category_id is not UNSET:
            field_dict["categoryId"] = category_id
        if made_for_kids is not UNSET:
            field_dict["madeForKids"] = made_for_kids
        if first_comment is not UNSET:
            field_dict["firstComment"] = first_comment

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)

        def _parse_title(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        title = _parse_title(d.pop("title", UNSET))

        _privacy = d.pop("privacy", UNSET)
        privacy: YouTubeOptionsPrivacy | Unset
        if isinstance(_privacy, Unset):
            privacy = UNSET
        else:
            privacy = YouTubeOptionsPrivacy(_privacy)

        def _parse_tags(data: object) -> list[str] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                tags_type_0 = cast(list[str], data)

                return tags_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[str] | None | Unset, data)

        tags = _parse_tags(d.pop("tags", UNSET))

        def _parse_category_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        category_id = _parse_category_id(d.pop("categoryId", UNSET))

        made_for_kids = d.pop("madeForKids", UNSET)

        def _parse_first_comment(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        first_comment = _parse_first_comment(d.pop("firstComment", UNSET))

        you_tube_options = cls(
            title=title,
            privacy=privacy,
            tags=tags,
            category_id=category_id,
            made_for_kids=made_for_kids,
            first_comment=first_comment,
        )

        return you_tube_options
