from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define

from ..models.snapchat_options_kind import SnapchatOptionsKind
from ..types import UNSET, Unset

T = TypeVar("T", bound="SnapchatOptions")


@_attrs_define
class SnapchatOptions:
    """
    Attributes:
        kind (SnapchatOptionsKind | Unset): story: the image or video is posted to the Public Profile's Story (the text
            is not sent; the Story API takes no caption); spotlight: the video is posted to Spotlight (video only) Default:
            SnapchatOptionsKind.STORY.
        locale (str | Unset): Spotlight: the locale Snap requires, e.g. en_US Default: 'en_US'.
        skip_save_to_profile (bool | Unset): Spotlight: do not also save the Snap to the Public Profile Default: False.
        description (None | str | Unset): Spotlight: the description (hashtags included, at most 160 characters);
            defaults to the post text
    """

    kind: SnapchatOptionsKind | Unset = SnapchatOptionsKind.STORY
    locale: str | Unset = "en_US"
    skip_save_to_profile: bool | Unset = False
    description: None | str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        kind: str | Unset = UNSET
        if not isinstance(self.kind, Unset):
            kind = self.kind.value

        locale = self.locale

        skip_save_to_profile = self.skip_save_to_profile

        description: None | str | Unset
        if isinstance(self.description, Unset):
            description = UNSET
        else:
            description = self.description

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if kind is not UNSET:
            field_dict["kind"] = kind
        if locale is not UNSET:
            field_dict["locale"] = locale
        if skip_save_to_profile is not UNSET:
            field_dict["skipSaveToProfile"] = skip_save_to_profile
        if description is not UNSET:
            field_dict["description"] = description

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        _kind = d.pop("kind", UNSET)
        kind: SnapchatOptionsKind | Unset
        if isinstance(_kind, Unset):
            kind = UNSET
        else:
            kind = SnapchatOptionsKind(_kind)

        locale = d.pop("locale", UNSET)

        skip_save_to_profile = d.pop("skipSaveToProfile", UNSET)

        def _parse_description(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        description = _parse_description(d.pop("description", UNSET))

        snapchat_options = cls(
            kind=kind,
            locale=locale,
            skip_save_to_profile=skip_save_to_profile,
            description=description,
        )

        return snapchat_options
