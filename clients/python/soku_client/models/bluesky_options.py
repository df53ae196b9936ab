from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="BlueskyOptions")


@_attrs_define
class BlueskyOptions:
    """
    Attributes:
        langs (list[str] | None | Unset): Up to 3 BCP-47 language tags of the text, e.g. ["en", "pt-BR"]
        alt_texts (list[str] | None | Unset): Alt text of each image, in the order of the post's media
        link_card (bool | Unset): Add a link preview card for the first link (only when the post has no images) Default:
            False.
    """

    langs: list[str] | None | Unset = UNSET
    alt_texts: list[str] | None | Unset = UNSET
    link_card: bool | Unset = False

    def to_dict(self) -> dict[str, Any]:
        langs: list[str] | None | Unset
        if isinstance(self.langs, Unset):
            langs = UNSET
        elif isinstance(self.langs, list):
            langs = self.langs

        else:
            langs = self.langs

        alt_texts: list[str] | None | Unset
        if isinstance(self.alt_texts, Unset):
            alt_texts = UNSET
        elif isinstance(self.alt_texts, list):
            alt_texts = self.alt_texts

        else:
            alt_texts = self.alt_texts

        link_card = self.link_card

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if langs is not UNSET:
            field_dict["langs"] = langs
        if alt_texts is not UNSET:
            field_dict["altTexts"] = alt_texts
        if link_card is not UNSET:
            field_dict["linkCard"] = link_card

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)

        def _parse_langs(data: object) -> list[str] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                langs_type_0 = cast(list[str], data)

                return langs_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[str] | None | Unset, data)

        langs = _parse_langs(d.pop("langs", UNSET))

        def _parse_alt_texts(data: object) -> list[str] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                alt_texts_type_0 = cast(list[str], data)

                return alt_texts_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[str] | None | Unset, data)

        alt_texts = _parse_alt_texts(d.pop("altTexts", UNSET))

        link_card = d.pop("linkCard", UNSET)

        bluesky_options = cls(
            langs=langs,
            alt_texts=alt_texts,
            link_card=link_card,
        )

        return bluesky_options
