from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.post import Post


T = TypeVar("T", bound="CreatePostRequest")


@_attrs_define
class CreatePostRequest:
    """
    Attributes:
        post (Post):
        scheduled_time (None | str | Unset):
        enable_repurposing (bool | Unset):  Default: False.
        draft (bool | Unset): Store the post, checked as any post is, without scheduling or publishing it: `status` is
            `draft` until POST /v1/posts/{id}/publish publishes it (a `scheduledTime` it carries places it on the calendar
            only) Default: False.
    """

    post: Post
    scheduled_time: None | str | Unset = UNSET
    enable_repurposing: bool | Unset = False
    draft: bool | Unset = False

    def to_dict(self) -> dict[str, Any]:
        post = self.post.to_dict()

        scheduled_time: None | str | Unset
        if isinstance(self.scheduled_time, Unset):
            scheduled_time = UNSET
        else:
            scheduled_time = self.scheduled_time

        enable_repurposing = self.enable_repurposing

        draft = self.draft

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "post": post,
            }
        )
        if scheduled_time is not UNSET:
            field_dict["scheduledTime"] = scheduled_time
        if enable_repurposing is not UNSET:
            field_dict["enableRepurposing"] = enable_repurposing
        if draft is not UNSET:
            field_dict["draft"] = draft

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.post import Post

        d = dict(src_dict)
        post = Post.from_dict(d.pop("post"))

        def _parse_scheduled_time(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        scheduled_time = _parse_scheduled_time(d.pop("scheduledTime", UNSET))

        enable_repurposing = d.pop("enableRepurposing", UNSET)

        draft = d.pop("draft", UNSET)

        create_post_request = cls(
            post=post,
            scheduled_time=scheduled_time,
            enable_repurposing=enable_repurposing,
            draft=draft,
        )

        return create_post_request
