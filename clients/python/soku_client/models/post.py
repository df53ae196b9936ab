from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define

if TYPE_CHECKING:
    from ..models.post_content import PostContent


T = TypeVar("T", bound="Post")


@_attrs_define
class Post:
    """
    Attributes:
        content (PostContent):
    """

    content: PostContent

    def to_dict(self) -> dict[str, Any]:
        content = self.content.to_dict()

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "content": content,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.post_content import PostContent

        d = dict(src_dict)
        content = PostContent.from_dict(d.pop("content"))

        post = cls(
            content=content,
        )

        return post
