from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.board import Board


T = TypeVar("T", bound="BoardsResponse")


@_attrs_define
class BoardsResponse:
    """
    Attributes:
        account_id (str):
        platform (str):
        boards (list[Board]):
        fetched_at (str): When Soku asked the platform (the list is kept a few minutes)
        cached (bool): Served from Soku's copy rather than asked again
    """

    account_id: str
    platform: str
    boards: list[Board]
    fetched_at: str
    cached: bool
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        account_id = self.account_id

        platform = self.platform

        boards = []
        for boards_item_data in self.boards:
            boards_item = boards_item_data.to_dict()
            boards.append(boards_item)

        fetched_at = self.fetched_at

        cached = self.cached

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "accountId": account_id,
                "platform": platform,
                "boards": boards,
                "fetchedAt": fetched_at,
                "cached": cached,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.board import Board

        d = dict(src_dict)
        account_id = d.pop("accountId")

        platform = d.pop("platform")

        boards = []
        _boards = d.pop("boards")
        for boards_item_data in _boards:
            boards_item = Board.from_dict(boards_item_data)

            boards.append(boards_item)

        fetched_at = d.pop("fetchedAt")

        cached = d.pop("cached")

        boards_response = cls(
            account_id=account_id,
            platform=platform,
            boards=boards,
            fetched_at=fetched_at,
            cached=cached,
        )

        boards_response.additional_properties = d
        return boards_response

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
