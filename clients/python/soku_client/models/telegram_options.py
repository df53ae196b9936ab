from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="TelegramOptions")


@_attrs_define
class TelegramOptions:
    """
    Attributes:
        disable_notification (bool | Unset): Send silently: members get a notification without sound
            (`disable_notification`). Default: False.
        protect_content (bool | Unset): Protect the message from forwarding and saving (`protect_content`). Default:
            False.
        disable_link_preview (bool | Unset): Text messages: show no preview of the first link
            (`link_preview_options.is_disabled`). Default: False.
        message_thread_id (int | None | Unset): Forum supergroups: the topic to post in (`message_thread_id`).
    """

    disable_notification: bool | Unset = False
    protect_content: bool | Unset = False
    disable_link_preview: bool | Unset = False
    message_thread_id: int | None | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        disable_notification = self.disable_notification

        protect_content = self.protect_content

        disable_link_preview = self.disable_link_preview

        message_thread_id: int | None | Unset
        if isinstance(self.message_thread_id, Unset):
            message_thread_id = UNSET
        else:
            message_thread_id = self.message_thread_id

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if disable_notification is not UNSET:
            field_dict["disableNotification"] = disable_notification
        if protect_content is not UNSET:
            field_dict["protectContent"] = protect_content
        if disable_link_preview is not UNSET:
            field_dict["disableLinkPreview"] = disable_link_preview
        if message_thread_id is not UNSET:
            field_dict["messageThreadId"] = message_thread_id

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        disable_notification = d.pop("disableNotification", UNSET)

        protect_content = d.pop("protectContent", UNSET)

        disable_link_preview = d.pop("disableLinkPreview", UNSET)

        def _parse_message_thread_id(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        message_thread_id = _parse_message_thread_id(d.pop("messageThreadId", UNSET))

        telegram_options = cls(
            disable_notification=disable_notification,
            protect_content=protect_content,
            disable_link_preview=disable_link_preview,
            message_thread_id=message_thread_id,
        )

        return telegram_options
