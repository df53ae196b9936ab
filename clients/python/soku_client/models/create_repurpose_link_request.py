from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define

from ..models.create_repurpose_link_request_type import CreateRepurposeLinkRequestType
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.link_settings import LinkSettings


T = TypeVar("T", bound="CreateRepurposeLinkRequest")


@_attrs_define
class CreateRepurposeLinkRequest:
    """
    Attributes:
        platform (str): Platform of the account the derived posts go to
        type_ (CreateRepurposeLinkRequestType): Which source posts trigger the link: text, image or video posts
        template_id (str): A built-in template slug (`tweetImage`, …) or the id of a saved template (`tmpl_…`)
        account_id (None | str | Unset): Required when several accounts are connected on the platform
        settings (LinkSettings | None | Unset):
    """

    platform: str
    type_: CreateRepurposeLinkRequestType
    template_id: str
    account_id: None | str | Unset = UNSET
    settings: LinkSettings | None | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        from ..models.link_settings import LinkSettings

        platform = self.platform

        type_ = self.type_.value

        template_id = self.template_id

        account_id: None | str | Unset
        if isinstance(self.account_id, Unset):
            account_id = UNSET
        else:
            account_id = self.account_id

        settings: dict[str, Any] | None | Unset
        if isinstance(self.settings, Unset):
            settings = UNSET
        elif isinstance(self.settings, LinkSettings):
            settings = self.settings.to_dict()
        else:
            settings = self.settings

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "platform": platform,
                "type": type_,
                "templateId": template_id,
            }
        )
        if account_id is not UNSET:
            field_dict["accountId"] = account_id
        if settings is not UNSET:
            field_dict["settings"] = settings

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.link_settings import LinkSettings

        d = dict(src_dict)
        platform = d.pop("platform")

        type_ = CreateRepurposeLinkRequestType(d.pop("type"))

        template_id = d.pop("templateId")

        def _parse_account_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        account_id = _parse_account_id(d.pop("accountId", UNSET))

        def _parse_settings(data: object) -> LinkSettings | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                settings_type_0 = LinkSettings.from_dict(data)

                return settings_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(LinkSettings | None | Unset, data)

        settings = _parse_settings(d.pop("settings", UNSET))

        create_repurpose_link_request = cls(
            platform=platform,
            type_=type_,
            template_id=template_id,
            account_id=account_id,
            settings=settings,
        )

        return create_repurpose_link_request
