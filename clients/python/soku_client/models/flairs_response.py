from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.flair import Flair


T = TypeVar("T", bound="FlairsResponse")


@_attrs_define
class FlairsResponse:
    """
    Attributes:
        account_id (str):
        platform (str):
        subreddit (str):
        flair_required (bool): The subreddit refuses posts without flair (its post_requirements)
        flairs (list[Flair]):
        fetched_at (str): When Soku asked the platform (the list is kept a few minutes)
        cached (bool): Served from Soku's copy rather than asked again
    """

    account_id: str
    platform: str
    subreddit: str
    flair_required: bool
    flairs: list[Flair]
    fetched_at: str
    cached: bool
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        account_id = self.account_id

        platform = self.platform

        subreddit = self.subreddit

        flair_required = self.flair_required

        flairs = []
        for flairs_item_data in self.flairs:
            flairs_item = flairs_item_data.to_dict()
            flairs.append(flairs_item)

        fetched_at = self.fetched_at

        cached = self.cached

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "accountId": account_id,
                "platform": platform,
                "subreddit": subreddit,
                "flairRequired": flair_required,
                "flairs": flairs,
                "fetchedAt": fetched_at,
                "cached": cached,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.flair import Flair

        d = dict(src_dict)
        account_id = d.pop("accountId")

        platform = d.pop("platform")

        subreddit = d.pop("subreddit")

        flair_required = d.pop("flairRequired")

        flairs = []
        _flairs = d.pop("flairs")
        for flairs_item_data in _flairs:
            flairs_item = Flair.from_dict(flairs_item_data)

            flairs.append(flairs_item)

        fetched_at = d.pop("fetchedAt")

        cached = d.pop("cached")

        flairs_response = cls(
            account_id=account_id,
            platform=platform,
            subreddit=subreddit,
            flair_required=flair_required,
            flairs=flairs,
            fetched_at=fetched_at,
            cached=cached,
        )

        flairs_response.additional_properties = d
        return flairs_response

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
