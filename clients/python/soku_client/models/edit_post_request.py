from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.post import Post


T = TypeVar("T", bound="EditPostRequest")


@_attrs_define
class EditPostRequest:
    """`PATCH /v1/posts/{id}`: what to change in a draft or a scheduled post that has not started.
    Fields left out stay as they are.

        Attributes:
            post (None | Post | Unset): The post's new content, whole: text, targets, media and options, checked as at
                submission; its runs are made anew from it
            scheduled_time (None | str | Unset): A new time (at least a minute ahead). On a draft, null clears it; a
                scheduled post is published now with POST /v1/posts/{id}/publish
    """

    post: None | Post | Unset = UNSET
    scheduled_time: None | str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        from ..models.post import Post

        post: dict[str, Any] | None | Unset
        if isinstance(self.post, Unset):
            post = UNSET
        elif isinstance(self.post, Post):
            post = self.post.to_dict()
        else:
            post = self.post

        scheduled_time: None | str | Unset
        if isinstance(self.scheduled_time, Unset):
            scheduled_time = UNSET
        else:
            scheduled_time = self.scheduled_time

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if post is not UNSET:
            field_dict["post"] = post
        if scheduled_time is not UNSET:
            field_dict["scheduledTime"] = scheduled_time

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.post import Post

        d = dict(src_dict)

        def _parse_post(data: object) -> None | Post | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                post_type_0 = Post.from_dict(data)

                return post_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Post | Unset, data)

        post = _parse_post(d.pop("post", UNSET))

        def _parse_scheduled_time(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        scheduled_time = _parse_scheduled_time(d.pop("scheduledTime", UNSET))

        edit_post_request = cls(
            post=post,
            scheduled_time=scheduled_time,
        )

        return edit_post_request
