from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.platform_target_options_type_0 import PlatformTargetOptionsType0


T = TypeVar("T", bound="PlatformTarget")


@_attrs_define
class PlatformTarget:
    """
    Attributes:
        platform (str):
        account_id (None | str | Unset):
        target_id (None | str | Unset):
        options (None | PlatformTargetOptionsType0 | Unset):
    """

    platform: str
    account_id: None | str | Unset = UNSET
    target_id: None | str | Unset = UNSET
    options: None | PlatformTargetOptionsType0 | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        from ..models.platform_target_options_type_0 import PlatformTargetOptionsType0

        platform = self.platform

        account_id: None | str | Unset
        if isinstance(self.account_id, Unset):
            account_id = UNSET
        else:
            account_id = self.account_id

        target_id: None | str | Unset
        if isinstance(self.target_id, Unset):
            target_id = UNSET
        else:
            target_id = self.target_id

        options: dict[str, Any] | None | Unset
        if isinstance(self.options, Unset):
            options = UNSET
        elif isinstance(self.options, PlatformTargetOptionsType0):
            options = self.options.to_dict()
        else:
            options = self.options

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "platform": platform,
            }
        )
        if account_id is not UNSET:
            field_dict["accountId"] = account_id
        if target_id is not UNSET:
            field_dict["targetId"] = target_id
        if options is not UNSET:
            field_dict["options"] = options

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.platform_target_options_type_0 import PlatformTargetOptionsType0

        d = dict(src_dict)
        platform = d.pop("platform")

        def _parse_account_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        account_id = _parse_account_id(d.pop("accountId", UNSET))

        def _parse_target_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        target_id = _parse_target_id(d.pop("targetId", UNSET))

        def _parse_options(data: object) -> None | PlatformTargetOptionsType0 | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                options_type_0 = PlatformTargetOptionsType0.from_dict(data)

                return options_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | PlatformTargetOptionsType0 | Unset, data)

        options = _parse_options(d.pop("options", UNSET))

        platform_target = cls(
            platform=platform,
            account_id=account_id,
            target_id=target_id,
            options=options,
        )

        return platform_target
