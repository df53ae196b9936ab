from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.disconnect_response_platform import DisconnectResponsePlatform
from ..models.disconnect_response_revocation import DisconnectResponseRevocation
from ..types import UNSET, Unset

T = TypeVar("T", bound="DisconnectResponse")


@_attrs_define
class DisconnectResponse:
    """
    Attributes:
        account_id (str):
        platform (DisconnectResponsePlatform):
        disconnected (bool):
        revocation (DisconnectResponseRevocation): What happened at the platform: `not_supported` where it offers no
            revocation, `kept_for_other_accounts` when another connected account uses the same login
        revocation_error (None | str | Unset):
    """

    account_id: str
    platform: DisconnectResponsePlatform
    disconnected: bool
    revocation: DisconnectResponseRevocation
    revocation_error: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        account_id = self.account_id

        platform = self.platform.value

        disconnected = self.disconnected

        revocation = self.revocation.value

        revocation_error: None | str | Unset
        if isinstance(self.revocation_error, Unset):
            revocation_error = UNSET
        else:
            revocation_error = self.revocation_error

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "accountId": account_id,
                "platform": platform,
                "disconnected": disconnected,
                "revocation": revocation,
            }
        )
        if revocation_error is not UNSET:
            field_dict["revocationError"] = revocation_error

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        account_id = d.pop("accountId")

        platform = DisconnectResponsePlatform(d.pop("platform"))

        disconnected = d.pop("disconnected")

        revocation = DisconnectResponseRevocation(d.pop("revocation"))

        def _parse_revocation_error(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        revocation_error = _parse_revocation_error(d.pop("revocationError", UNSET))

        disconnect_response = cls(
            account_id=account_id,
            platform=platform,
            disconnected=disconnected,
            revocation=revocation,
            revocation_error=revocation_error,
        )

        disconnect_response.additional_properties = d
        return disconnect_response

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
