from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.service_check_error_type_0 import ServiceCheckErrorType0
from ..types import UNSET, Unset

T = TypeVar("T", bound="ServiceCheck")


@_attrs_define
class ServiceCheck:
    """
    Attributes:
        ok (bool):
        latency_ms (float):
        error (None | ServiceCheckErrorType0 | Unset): When not ok, the kind of failure: `timeout`, `unavailable`,
            `not_found` or `error` (the details are logged, never returned)
    """

    ok: bool
    latency_ms: float
    error: None | ServiceCheckErrorType0 | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        ok = self.ok

        latency_ms = self.latency_ms

        error: None | str | Unset
        if isinstance(self.error, Unset):
            error = UNSET
        elif isinstance(self.error, ServiceCheckErrorType0):
            error = self.error.value
        else:
            error = self.error

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "ok": ok,
                "latencyMs": latency_ms,
            }
        )
        if error is not UNSET:
            field_dict["error"] = error

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        ok = d.pop("ok")

        latency_ms = d.pop("latencyMs")

        def _parse_error(data: object) -> None | ServiceCheckErrorType0 | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                error_type_0 = ServiceCheckErrorType0(data)

                return error_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | ServiceCheckErrorType0 | Unset, data)

        error = _parse_error(d.pop("error", UNSET))

        service_check = cls(
            ok=ok,
            latency_ms=latency_ms,
            error=error,
        )

        service_check.additional_properties = d
        return service_check

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
