from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define

from ..models.x_options_reply_settings_type_0 import XOptionsReplySettingsType0
from ..types import UNSET, Unset

T = TypeVar("T", bound="XOptions")


@_attrs_define
class XOptions:
    """
    Attributes:
        reply_settings (None | Unset | XOptionsReplySettingsType0):
    """

    reply_settings: None | Unset | XOptionsReplySettingsType0 = UNSET

    def to_dict(self) -> dict[str, Any]:
        reply_settings: None | str | Unset
        if isinstance(self.reply_settings, Unset):
            reply_settings = UNSET
        elif isinstance(self.reply_settings, XOptionsReplySettingsType0):
            reply_settings = self.reply_settings.value
        else:
            reply_settings = self.reply_settings

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if reply_settings is not UNSET:
            field_dict["replySettings"] = reply_settings

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)

        def _parse_reply_settings(
            data: object,
        ) -> None | Unset | XOptionsReplySettingsType0:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                reply_settings_type_0 = XOptionsReplySettingsType0(data)

                return reply_settings_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Unset | XOptionsReplySettingsType0, data)

        reply_settings = _parse_reply_settings(d.pop("replySettings", UNSET))

        x_options = cls(
            reply_settings=reply_settings,
        )

        return x_options
