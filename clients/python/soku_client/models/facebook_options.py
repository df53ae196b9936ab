from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="FacebookOptions")


@_attrs_define
class FacebookOptions:
    """
    Attributes:
        reel (bool | None | Unset): Publish a video as a reel
        link (None | str | Unset): Link attached to a text post
        first_comment (None | str | Unset): Posted by the Page as the first comment once the post is published (`POST
            /{post-id}/comments`); if it fails, the post still counts as published
    """

    reel: bool | None | Unset = UNSET
    link: None | str | Unset = UNSET
    first_comment: None | str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        reel: bool | None | Unset
        if isinstance(self.reel, Unset):
            reel = UNSET
        else:
            reel = self.reel

        link: None | str | Unset
        if isinstance(self.link, Unset):
            link = UNSET
        else:
            link = self.link

        first_comment: None | str | Unset
        if isinstance(self.first_comment, Unset):
            first_comment = UNSET
        else:
            first_comment = self.first_comment

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if reel is not UNSET:
            field_dict["reel"] = reel
        if link is not UNSET:
            field_dict["link"] = link
        if first_comment is not UNSET:
            field_dict["firstComment"] = first_comment

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)

        def _parse_reel(data: object) -> bool | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(bool | None | Unset, data)

        reel = _parse_reel(d.pop("reel", UNSET))

        def _parse_link(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        link = _parse_link(d.pop("link", UNSET))

        def _parse_first_comment(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        first_comment = _parse_first_comment(d.pop("firstComment", UNSET))

        facebook_options = cls(
            reel=reel,
            link=link,
            first_comment=first_comment,
        )

        return facebook_options
