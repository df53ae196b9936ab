from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="TikTokEvent")


@_attrs_define
class TikTokEvent:
    """What TikTok posts to the app's webhook callback URL (JSON, signed: `TikTok-Signature`).

    Attributes:
        client_key (str):
        event (str): `authorization.removed` is acted on; other events are acknowledged
        create_time (int):
        user_openid (str):
        content (str): A JSON string: for `authorization.removed`, `{"reason": <int>}`
    """

    client_key: str
    event: str
    create_time: int
    user_openid: str
    content: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        client_key = self.client_key

        event = self.event

        create_time = self.create_time

        user_openid = self.user_openid

        content = self.content

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "client_key": client_key,
                "event": event,
                "create_time": create_time,
                "user_openid": user_openid,
                "content": content,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        client_key = d.pop("client_key")

        event = d.pop("event")

        create_time = d.pop("create_time")

        user_openid = d.pop("user_openid")

        content = d.pop("content")

        tik_tok_event = cls(
            client_key=client_key,
            event=event,
            create_time=create_time,
            user_openid=user_openid,
            content=content,
        )

        tik_tok_event.additional_properties = d
        return tik_tok_event

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
