from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="PinterestOptions")


@_attrs_define
class PinterestOptions:
    """
    Attributes:
        board_id (None | str | Unset): The board the Pin goes on (`board_id`; GET /v1/accounts/{accountId}/boards lists
            them). Without it the Pin goes on the account's only board; an account with several boards must name one
        title (None | str | Unset): The Pin's title (`title`, up to 100 characters)
        link (None | str | Unset): Where the Pin leads (`link`, an http(s) URL)
        alt_text (None | str | Unset): The image's alternative text (`alt_text`, up to 500 characters)
        dominant_color (None | str | Unset): The Pin's dominant colour shown while it loads (`dominant_color`, e.g.
            #6E7874)
    """

    board_id: None | str | Unset = UNSET
    title: None | str | Unset = UNSET
    link: None | str | Unset = UNSET
    alt_text: None | str | Unset = UNSET
    dominant_color: None | str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        board_id: None | str | Unset
        if isinstance(self.board_id, Unset):
            board_id = UNSET
        else:
            board_id = self.board_id

        title: None | str | Unset
        if isinstance(self.title, Unset):
            title = UNSET
        else:
            title = self.title

        link: None | str | Unset
        if isinstance(self.link, Unset):
            link = UNSET
        else:
            link = self.link

        alt_text: None | str | Unset
        if isinstance(self.alt_text, Unset):
            alt_text = UNSET
        else:
            alt_text = self.alt_text

        dominant_color: None | str | Unset
        if isinstance(self.dominant_color, Unset):
            dominant_color = UNSET
        else:
            dominant_color = self.dominant_color

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if board_id is not UNSET:
            field_dict["boardId"] = board_id
        if title is not UNSET:
            field_dict["title"] = title
        if link is not UNSET:
            field_dict["link"] = link
        if alt_text is not UNSET:
            field_dict["altText"] = alt_text
        if dominant_color is not UNSET:
            field_dict["dominantColor"] = dominant_color

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)

        def _parse_board_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        board_id = _parse_board_id(d.pop("boardId", UNSET))

        def _parse_title(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        title = _parse_title(d.pop("title", UNSET))

        def _parse_link(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        link = _parse_link(d.pop("link", UNSET))

        def _parse_alt_text(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        alt_text = _parse_alt_text(d.pop("altText", UNSET))

        def _parse_dominant_color(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        dominant_color = _parse_dominant_color(d.pop("dominantColor", UNSET))

        pinterest_options = cls(
            board_id=board_id,
            title=title,
            link=link,
            alt_text=alt_text,
            dominant_color=dominant_color,
        )

        return pinterest_options
