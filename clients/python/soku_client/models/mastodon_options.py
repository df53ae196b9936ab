from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define

from ..models.mastodon_options_visibility_type_0 import MastodonOptionsVisibilityType0
from ..types import UNSET, Unset

T = TypeVar("T", bound="MastodonOptions")


@_attrs_define
class MastodonOptions:
    """
    Attributes:
        spoiler_text (None | str | Unset): A content warning: shown instead of the text until the reader opens the
            status (`spoiler_text`). It counts toward the server's character limit
        visibility (MastodonOptionsVisibilityType0 | None | Unset): public (everyone, timelines), unlisted (everyone,
            kept off public timelines), private (followers only), direct (only the people mentioned). Default: the account's
            own default visibility
        sensitive (bool | None | Unset): Mark the media as sensitive (hidden behind a warning); a content warning marks
            it so on its own
        language (None | str | Unset): The status's language, an ISO 639 code such as en or de (default: the server
            guesses)
    """

    spoiler_text: None | str | Unset = UNSET
    visibility: MastodonOptionsVisibilityType0 | None | Unset = UNSET
    sensitive: bool | None | Unset = UNSET
    language: None | str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        spoiler_text: None | str | Unset
        if isinstance(self.spoiler_text, Unset):
            spoiler_text = UNSET
        else:
            spoiler_text = self.spoiler_text

        visibility: None | str | Unset
        if isinstance(self.visibility, Unset):
            visibility = UNSET
        elif isinstance(self.visibility, MastodonOptionsVisibilityType0):
            visibility = self.visibility.value
        else:
            visibility = self.visibility

        sensitive: bool | None | Unset
        if isinstance(self.sensitive, Unset):
            sensitive = UNSET
        else:
            sensitive = self.sensitive

        language: None | str | Unset
        if isinstance(self.language, Unset):
            language = UNSET
        else:
            language = self.language

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if spoiler_text is not UNSET:
            field_dict["spoilerText"] = spoiler_text
        if visibility is not UNSET:
            field_dict["visibility"] = visibility
        if sensitive is not UNSET:
            field_dict["sensitive"] = sensitive
        if language is not UNSET:
            field_dict["language"] = language

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)

        def _parse_spoiler_text(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        spoiler_text = _parse_spoiler_text(d.pop("spoilerText", UNSET))

        def _parse_visibility(
            data: object,
        ) -> MastodonOptionsVisibilityType0 | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                visibility_type_0 = MastodonOptionsVisibilityType0(data)

                return visibility_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(MastodonOptionsVisibilityType0 | None | Unset, data)

        visibility = _parse_visibility(d.pop("visibility", UNSET))

        def _parse_sensitive(data: object) -> bool | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(bool | None | Unset, data)

        sensitive = _parse_sensitive(d.pop("sensitive", UNSET))

        def _parse_language(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        language = _parse_language(d.pop("language", UNSET))

        mastodon_options = cls(
            spoiler_text=spoiler_text,
            visibility=visibility,
            sensitive=sensitive,
            language=language,
        )

        return mastodon_options
