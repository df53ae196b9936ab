from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.create_post_request import CreatePostRequest


T = TypeVar("T", bound="BatchPostsRequest")


@_attrs_define
class BatchPostsRequest:
    """Up to 100 posts, each exactly what `POST /v1/posts` takes. Each is checked on its own, so one
    refused post names its place (`body.posts.3.post.content.text`) and the others go on (or, with
    `atomic`, none is stored).

        Attributes:
            posts (list[CreatePostRequest]):
            atomic (bool | Unset): Check every post first and store none unless all pass (one 400 listing each refused post)
                Default: False.
    """

    posts: list[CreatePostRequest]
    atomic: bool | Unset = False

    def to_dict(self) -> dict[str, Any]:
        posts = []
        for posts_item_data in self.posts:
            posts_item = posts_item_data.to_dict()
            posts.append(posts_item)

        atomic = self.atomic

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "posts": posts,
            }
        )
        if atomic is not UNSET:
            field_dict["atomic"] = atomic

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.create_post_request import CreatePostRequest

        d = dict(src_dict)
        posts = []
        _posts = d.pop("posts")
        for posts_item_data in _posts:
            posts_item = CreatePostRequest.from_dict(posts_item_data)

            posts.append(posts_item)

        atomic = d.pop("atomic", UNSET)

        batch_posts_request = cls(
            posts=posts,
            atomic=atomic,
        )

        return batch_posts_request
