from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="ThreadsOptions")


@_attrs_define
class ThreadsOptions:
    """
    Attributes:
        topic_tag (None | str | Unset):
    """

    topic_tag: None | str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        topic_tag: None | str | Unset
        if isinstance(self.topic_tag, Unset):
            topic_tag = UNSET
        else:
            topic_tag = self.topic_tag

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if topic_tag is not UNSET:
            field_dict["topicTag"] = topic_tag

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)

        def _parse_topic_tag(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        topic_tag = _parse_topic_tag(d.pop("topicTag", UNSET))

        threads_options = cls(
            topic_tag=topic_tag,
        )

        return threads_options
