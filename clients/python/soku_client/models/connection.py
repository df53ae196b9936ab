from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.connection_fields_type_0 import ConnectionFieldsType0


T = TypeVar("T", bound="Connection")


@_attrs_define
class Connection:
    """
    Attributes:
        type_ (str): `oauth`: connect through `POST /v1/connections/{platform}/start` (the platform's consent page);
            `manual`: `POST /v1/connections/{platform}` with the credentials in `fields`
        scopes (list[str]): What Soku asks the platform for when connecting (none for `manual`)
        fields (ConnectionFieldsType0 | None | Unset): JSON Schema of the body to send: `manual`, the credentials;
            `oauth` on a server of the user's choosing (Mastodon), the start request's
    """

    type_: str
    scopes: list[str]
    fields: ConnectionFieldsType0 | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.connection_fields_type_0 import ConnectionFieldsType0

        type_ = self.type_

        scopes = self.scopes

        fields: dict[str, Any] | None | Unset
        if isinstance(self.fields, Unset):
            fields = UNSET
        elif isinstance(self.fields, ConnectionFieldsType0):
            fields = self.fields.to_dict()
        else:
            fields = self.fields

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "type": type_,
                "scopes": scopes,
            }
        )
        if fields is not UNSET:
            field_dict["fields"] = fields

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.connection_fields_type_0 import ConnectionFieldsType0

        d = dict(src_dict)
        type_ = d.pop("type")

        scopes = cast(list[str], d.pop("scopes"))

        def _parse_fields(data: object) -> ConnectionFieldsType0 | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                fields_type_0 = ConnectionFieldsType0.from_dict(data)

                return fields_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(ConnectionFieldsType0 | None | Unset, data)

        fields = _parse_fields(d.pop("fields", UNSET))

        connection = cls(
            type_=type_,
            scopes=scopes,
            fields=fields,
        )

        connection.additional_properties = d
        return connection

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
