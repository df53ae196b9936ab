from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define

from ..models.tik_tok_options_privacy_level_type_0 import TikTokOptionsPrivacyLevelType0
from ..types import UNSET, Unset

T = TypeVar("T", bound="TikTokOptions")


@_attrs_define
class TikTokOptions:
    """
    Attributes:
        privacy_level (None | TikTokOptionsPrivacyLevelType0 | Unset): Who can see the post (`post_info.privacy_level`).
            Must be one of the account's `privacy_level_options` (checked at publish time). Default: SELF_ONLY, the only
            level unaudited TikTok apps may use.
        disable_comment (bool | Unset): Turn comments off (`disable_comment`); forced on when the creator has comments
            off in TikTok. Default: False.
        disable_duet (bool | Unset): Video posts: turn duets off (`disable_duet`); forced on when the creator has duets
            off. Default: False.
        disable_stitch (bool | Unset): Video posts: turn stitches off (`disable_stitch`); forced on when the creator has
            stitches off. Default: False.
        video_cover_timestamp_ms (int | None | Unset): Video posts: the frame used as cover, in milliseconds from the
            start (`video_cover_timestamp_ms`).
        title (None | str | Unset): Photo posts: title (`post_info.title`, up to 90 characters); the post's text becomes
            the description.
        photo_cover_index (int | None | Unset): Photo posts: which image (0-based) is the cover (`photo_cover_index`).
            Default 0.
        auto_add_music (bool | Unset): Photo posts: let TikTok add recommended music (`auto_add_music`). Default: False.
        brand_content_toggle (bool | Unset): Paid partnership promoting a third-party brand (`brand_content_toggle`).
            TikTok does not allow branded content to be private (SELF_ONLY). Default: False.
        brand_organic_toggle (bool | Unset): Promotes the creator's own business (`brand_organic_toggle`). Default:
            False.
        is_aigc (bool | Unset): Video posts: label the video as AI-generated (`is_aigc`). Default: False.
    """

    privacy_level: None | TikTokOptionsPrivacyLevelType0 | Unset = UNSET
    disable_comment: bool | Unset = False
    disable_duet: bool | Unset = False
    disable_stitch: bool | Unset = False
    video_cover_timestamp_ms: int | None | Unset = UNSET
    title: None | str | Unset = UNSET
    photo_cover_index: int | None | Unset = UNSET
    auto_add_music: bool | Unset = False
    brand_content_toggle: bool | Unset = False
    brand_organic_toggle: bool | Unset = False
    is_aigc: bool | Unset = False

    def to_dict(self) -> dict[str, Any]:
        privacy_level: None | str | Unset
        if isinstance(self.privacy_level, Unset):
            privacy_level = UNSET
        elif isinstance(self.privacy_level, TikTokOptionsPrivacyLevelType0):
            privacy_level = self.privacy_level.value
        else:
            privacy_level = self.privacy_level

        disable_comment = self.disable_comment

        disable_duet = self.disable_duet

        disable_stitch = self.disable_stitch

        video_cover_timestamp_ms: int | None | Unset
        if isinstance(self.video_cover_timestamp_ms, Unset):
            video_cover_timestamp_ms = UNSET
        else:
            video_cover_timestamp_ms = self.video_cover_timestamp_ms

        title: None | str | Unset
        if isinstance(self.title, Unset):
            title = UNSET
        else:
            title = self.title

        photo_cover_index: int | None | Unset
        if isinstance(self.photo_cover_index, Unset):
            photo_cover_index = UNSET
        else:
            photo_cover_index = self.photo_cover_index

        auto_add_music = self.auto_add_music

        brand_content_toggle = self.brand_content_toggle

        brand_organic_toggle = self.brand_organic_toggle

        is_aigc = self.is_aigc

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if privacy_level is not UNSET:
            field_dict["privacyLevel"] = privacy_level
        if disable_comment is not UNSET:
            field_dict["disableComment"] = disable_comment
        if disable_duet is not UNSET:
            field_dict["disableDuet"] = disable_duet
        if disable_stitch is not UNSET:
            field_dict["disableStitch"] = disable_stitch
        if video_cover_timestamp_ms is not UNSET:
            field_dict["videoCoverTimestampMs"] = video_cover_timestamp_ms
        if title is not UNSET:
            field_dict["title"] = title
        if photo_cover_index is not UNSET:
            field_dict["photoCoverIndex"] = photo_cover_index
        if auto_add_music is not UNSET:
            field_dict["autoAddMusic"] = auto_add_music
        if brand_content_toggle is not UNSET:
            field_dict["brandContentToggle"] = brand_content_toggle
        if brand_organic_toggle is not UNSET:
            field_dict["brandOrganicToggle"] = brand_organic_toggle
        if is_aigc is not UNSET:
            field_dict["isAigc"] = is_aigc

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)

        def _parse_privacy_level(
            data: object,
        ) -> None | TikTokOptionsPrivacyLevelType0 | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                privacy_level_type_0 = TikTokOptionsPrivacyLevelType0(data)

                return privacy_level_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | TikTokOptionsPrivacyLevelType0 | Unset, data)

        privacy_level = _parse_privacy_level(d.pop("privacyLevel", UNSET))

        disable_comment = d.pop("disableComment", UNSET)

        disable_duet = d.pop("disableDuet", UNSET)

        disable_stitch = d.pop("disableStitch", UNSET)

        def _parse_video_cover_timestamp_ms(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        video_cover_timestamp_ms = _parse_video_cover_timestamp_ms(
            d.pop("videoCoverTimestampMs", UNSET)
        )

        def _parse_title(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        title = _parse_title(d.pop("title", UNSET))

        def _parse_photo_cover_index(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        photo_cover_index = _parse_photo_cover_index(d.pop("photoCoverIndex", UNSET))

        auto_add_music = d.pop("autoAddMusic", UNSET)

        brand_content_toggle = d.pop("brandContentToggle", UNSET)

        brand_organic_toggle = d.pop("brandOrganicToggle", UNSET)

        is_aigc = d.pop("isAigc", UNSET)

        tik_tok_options = cls(
            privacy_level=privacy_level,
            disable_comment=disable_comment,
            disable_duet=disable_duet,
            disable_stitch=disable_stitch,
            video_cover_timestamp_ms=video_cover_timestamp_ms,
            title=title,
            photo_cover_index=photo_cover_index,
            auto_add_music=auto_add_music,
            brand_content_toggle=brand_content_toggle,
            brand_organic_toggle=brand_organic_toggle,
            is_aigc=is_aigc,
        )

        return tik_tok_options
