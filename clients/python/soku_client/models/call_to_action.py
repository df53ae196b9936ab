from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define

from ..models.call_to_action_actiontype import CallToActionActiontype
from ..types import UNSET, Unset

T = TypeVar("T", bound="CallToAction")


@_attrs_define
class CallToAction:
    """The post's button (LocalPost.callToAction). CALL dials the location's phone number: it takes
    no url (Google: "url: The URL the user will be directed to upon clicking. This field should be
    left unset for Call CTA"); every other action needs one.

        Attributes:
            action_type (CallToActionActiontype):
            url (None | str | Unset):
    """

    action_type: CallToActionActiontype
    url: None | str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        action_type = self.action_type.value

        url: None | str | Unset
        if isinstance(self.url, Unset):
            url = UNSET
        else:
            url = self.url

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "actionType": action_type,
            }
        )
        if url is not UNSET:
            field_dict["url"] = url

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        action_type = CallToActionActiontype(d.pop("actionType"))

        def _parse_url(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        url = _parse_url(d.pop("url", UNSET))

        call_to_action = cls(
            action_type=action_type,
            url=url,
        )

        return call_to_action
