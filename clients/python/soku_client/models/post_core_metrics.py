from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="PostCoreMetrics")


@_attrs_define
class PostCoreMetrics:
    """
    Attributes:
        views (int | None): Views or impressions, as the platform counts them
        likes (int | None): Likes or reactions
        comments (int | None): Comments or replies
        shares (int | None): Shares, retweets or reposts
    """

    views: int | None
    likes: int | None
    comments: int | None
    shares: int | None
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        views: int | None
        views = self.views

        likes: int | None
        likes = self.likes

        comments: int | None
        comments = self.comments

        shares: int | None
        shares = self.shares

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "views": views,
                "likes": likes,
                "comments": comments,
                "shares": shares,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)

        def _parse_views(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        views = _parse_views(d.pop("views"))

        def _parse_likes(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        likes = _parse_likes(d.pop("likes"))

        def _parse_comments(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        comments = _parse_comments(d.pop("comments"))

        def _parse_shares(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        shares = _parse_shares(d.pop("shares"))

        post_core_metrics = cls(
            views=views,
            likes=likes,
            comments=comments,
            shares=shares,
        )

        post_core_metrics.additional_properties = d
        return post_core_metrics

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
