from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.repurpose_link_type import RepurposeLinkType
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.last_trigger import LastTrigger
    from ..models.repurpose_link_settings import RepurposeLinkSettings


T = TypeVar("T", bound="RepurposeLink")


@_attrs_define
class RepurposeLink:
    """
    Attributes:
        id (str):
        platform (str):
        account_id (str):
        type_ (RepurposeLinkType):
        template_id (str):
        settings (RepurposeLinkSettings): `delayHours`
        created_at (None | str | Unset):
        updated_at (None | str | Unset):
        last_trigger (LastTrigger | None | Unset): What the link last did, if anything
    """

    id: str
    platform: str
    account_id: str
    type_: RepurposeLinkType
    template_id: str
    settings: RepurposeLinkSettings
    created_at: None | str | Unset = UNSET
    updated_at: None | str | Unset = UNSET
    last_trigger: LastTrigger | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.last_trigger import LastTrigger

        id = self.id

        platform = self.platform

        account_id = self.account_id

        type_ = self.type_.value

        template_id = self.template_id

        settings = self.settings.to_dict()

        created_at: None | str | Unset
        if isinstance(self.created_at, Unset):
            created_at = UNSET
        else:
            created_at = self.created_at

        updated_at: None | str | Unset
        if isinstance(self.updated_at, Unset):
            updated_at = UNSET
        else:
            updated_at = self.updated_at

        last_trigger: dict[str, Any] | None | Unset
        if isinstance(self.last_trigger, Unset):
            last_trigger = UNSET
        elif isinstance(self.last_trigger, LastTrigger):
            last_trigger = self.last_trigger.to_dict()
        else:
            last_trigger = self.last_trigger

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "platform": platform,
                "accountId": account_id,
                "type": type_,
                "templateId": template_id,
                "settings": settings,
            }
        )
        if created_at is not UNSET:
            field_dict["createdAt"] = created_at
        if updated_at is not UNSET:
            field_dict["updatedAt"] = updated_at
        if last_trigger is not UNSET:
            field_dict["lastTrigger"] = last_trigger

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.last_trigger import LastTrigger
        from ..models.repurpose_link_settings import RepurposeLinkSettings

        d = dict(src_dict)
        id = d.pop("id")

        platform = d.pop("platform")

        account_id = d.pop("accountId")

        type_ = RepurposeLinkType(d.pop("type"))

        template_id = d.pop("templateId")

        settings = RepurposeLinkSettings.from_dict(d.pop("settings"))

        def _parse_created_at(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        created_at = _parse_created_at(d.pop("createdAt", UNSET))

        def _parse_updated_at(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        updated_at = _parse_updated_at(d.pop("updatedAt", UNSET))

        def _parse_last_trigger(data: object) -> LastTrigger | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                last_trigger_type_0 = LastTrigger.from_dict(data)

                return last_trigger_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(LastTrigger | None | Unset, data)

        last_trigger = _parse_last_trigger(d.pop("lastTrigger", UNSET))

        repurpose_link = cls(
            id=id,
            platform=platform,
            account_id=account_id,
            type_=type_,
            template_id=template_id,
            settings=settings,
            created_at=created_at,
            updated_at=updated_at,
            last_trigger=last_trigger,
        )

        repurpose_link.additional_properties = d
        return repurpose_link

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
