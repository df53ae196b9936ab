from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.readiness_response_services import ReadinessResponseServices


T = TypeVar("T", bound="ReadinessResponse")


@_attrs_define
class ReadinessResponse:
    """`status` is `ok` (200) or `degraded` (503) with the failing services.

    Attributes:
        status (str): `ok`
        version (str):
        timestamp (datetime.datetime):
        services (ReadinessResponseServices):
        dead_outbox_entries (int | None | Unset): Events Soku gave up dispatching after retrying them for 3 days (each
            logged at ERROR, kept for an operator); null when they could not be counted. Reported, never a reason for
            `degraded`
    """

    status: str
    version: str
    timestamp: datetime.datetime
    services: ReadinessResponseServices
    dead_outbox_entries: int | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        status = self.status

        version = self.version

        timestamp = self.timestamp.isoformat()

        services = self.services.to_dict()

        dead_outbox_entries: int | None | Unset
        if isinstance(self.dead_outbox_entries, Unset):
            dead_outbox_entries = UNSET
        else:
            dead_outbox_entries = self.dead_outbox_entries

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "status": status,
                "version": version,
                "timestamp": timestamp,
                "services": services,
            }
        )
        if dead_outbox_entries is not UNSET:
            field_dict["deadOutboxEntries"] = dead_outbox_entries

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.readiness_response_services import ReadinessResponseServices

        d = dict(src_dict)
        status = d.pop("status")

        version = d.pop("version")

        timestamp = datetime.datetime.fromisoformat(d.pop("timestamp"))

        services = ReadinessResponseServices.from_dict(d.pop("services"))

        def _parse_dead_outbox_entries(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        dead_outbox_entries = _parse_dead_outbox_entries(
            d.pop("deadOutboxEntries", UNSET)
        )

        readiness_response = cls(
            status=status,
            version=version,
            timestamp=timestamp,
            services=services,
            dead_outbox_entries=dead_outbox_entries,
        )

        readiness_response.additional_properties = d
        return readiness_response

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
