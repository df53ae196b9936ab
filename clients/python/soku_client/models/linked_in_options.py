from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define

from ..models.linked_in_options_visibility_type_0 import LinkedInOptionsVisibilityType0
from ..types import UNSET, Unset

T = TypeVar("T", bound="LinkedInOptions")


@_attrs_define
class LinkedInOptions:
    """
    Attributes:
        visibility (LinkedInOptionsVisibilityType0 | None | Unset):
        first_comment (None | str | Unset): Posted by the post's author (the member or the Page) as the first comment
            once the post is published (the Comments API); if it fails, the post still counts as published
    """

    visibility: LinkedInOptionsVisibilityType0 | None | Unset = UNSET
    first_comment: None | str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        visibility: None | str | Unset
        if isinstance(self.visibility, Unset):
            visibility = UNSET
        elif isinstance(self.visibility, LinkedInOptionsVisibilityType0):
            visibility = self.visibility.value
        else:
            visibility = self.visibility

        first_comment: None | str | Unset
        if isinstance(self.first_comment, Unset):
            first_comment = UNSET
        else:
            first_comment = self.first_comment

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if visibility is not UNSET:
            field_dict["visibility"] = visibility
        if first_comment is not UNSET:
            field_dict["firstComment"] = first_comment

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)

        def _parse_visibility(
            data: object,
        ) -> LinkedInOptionsVisibilityType0 | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                visibility_type_0 = LinkedInOptionsVisibilityType0(data)

                return visibility_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(LinkedInOptionsVisibilityType0 | None | Unset, data)

        visibility = _parse_visibility(d.pop("visibility", UNSET))

        def _parse_first_comment(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        first_comment = _parse_first_comment(d.pop("firstComment", UNSET))

        linked_in_options = cls(
            visibility=visibility,
            first_comment=first_comment,
        )

        return linked_in_options
