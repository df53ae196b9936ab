from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define

from ..models.instagram_options_kind_type_0 import InstagramOptionsKindType0
from ..types import UNSET, Unset

T = TypeVar("T", bound="InstagramOptions")


@_attrs_define
class InstagramOptions:
    """
    Attributes:
        kind (InstagramOptionsKindType0 | None | Unset): What to publish. `feed`: an image, or a carousel of 2-10
            images/videos (a single video in the feed is published as a reel shared to the feed); `reel`: the video as a
            reel; `story`: one image or video as a story (stories carry no caption). Default: images → feed, a video → reel
        share_to_feed (bool | None | Unset): Reels: also show the reel in the profile's feed (Instagram's default: yes)
        first_comment (None | str | Unset): Posted as the first comment once the post is published; if it fails, the
            post still counts as published
        thumb_offset_ms (int | None | Unset): Reels: the cover frame, in milliseconds from the video's start
    """

    kind: InstagramOptionsKindType0 | None | Unset = UNSET
    share_to_feed: bool | None | Unset = UNSET
    first_comment: None | str | Unset = UNSET
    thumb_offset_ms: int | None | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        kind: None | str | Unset
        if isinstance(self.kind, Unset):
            kind = UNSET
        elif isinstance(self.kind, InstagramOptionsKindType0):
            kind = self.kind.value
        else:
            kind = self.kind

        share_to_feed: bool | None | Unset
        if isinstance(self.share_to_feed, Unset):
            share_to_feed = UNSET
        else:
            share_to_feed = self.share_to_feed

        first_comment: None | str | Unset
        if isinstance(self.first_comment, Unset):
            first_comment = UNSET
        else:
            first_comment = self.first_comment

        thumb_offset_ms: int | None | Unset
        if isinstance(self.thumb_offset_ms, Unset):
            thumb_offset_ms = UNSET
        else:
            thumb_offset_ms = self.thumb_offset_ms

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if kind is not UNSET:
            field_dict["kind"] = kind
        if share_to_feed is not UNSET:
            field_dict["shareToFeed"] = share_to_feed
        if first_comment is not UNSET:
            field_dict["firstComment"] = first_comment
        if thumb_offset_ms is not UNSET:
            field_dict["thumbOffsetMs"] = thumb_offset_ms

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)

        def _parse_kind(data: object) -> InstagramOptionsKindType0 | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                kind_type_0 = InstagramOptionsKindType0(data)

                return kind_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(InstagramOptionsKindType0 | None | Unset, data)

        kind = _parse_kind(d.pop("kind", UNSET))

        def _parse_share_to_feed(data: object) -> bool | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(bool | None | Unset, data)

        share_to_feed = _parse_share_to_feed(d.pop("shareToFeed", UNSET))

        def _parse_first_comment(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        first_comment = _parse_first_comment(d.pop("firstComment", UNSET))

        def _parse_thumb_offset_ms(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        thumb_offset_ms = _parse_thumb_offset_ms(d.pop("thumbOffsetMs", UNSET))

        instagram_options = cls(
            kind=kind,
            share_to_feed=share_to_feed,
            first_comment=first_comment,
            thumb_offset_ms=thumb_offset_ms,
        )

        return instagram_options
