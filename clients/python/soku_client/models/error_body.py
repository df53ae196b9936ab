from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.error_body_type import ErrorBodyType
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.error_body_debug_type_0 import ErrorBodyDebugType0
    from ..models.error_body_details_type_1 import ErrorBodyDetailsType1
    from ..models.error_detail import ErrorDetail


T = TypeVar("T", bound="ErrorBody")


@_attrs_define
class ErrorBody:
    """
    Attributes:
        type_ (ErrorBodyType): `invalid_request_error` (4xx), `authentication_error` (401/403) or `api_error` (5xx)
        code (str): Machine-readable error code, e.g. `validation_error`, `rate_limit_exceeded`
        message (str):
        timestamp (datetime.datetime): When the error occurred (ISO 8601)
        request_id (str): The request's X-Request-ID
        details (ErrorBodyDetailsType1 | list[ErrorDetail] | None | Unset): Validation problems (array) or context about
            the error (object)
        debug (ErrorBodyDebugType0 | None | Unset): Stack trace; development mode only
    """

    type_: ErrorBodyType
    code: str
    message: str
    timestamp: datetime.datetime
    request_id: str
    details: ErrorBodyDetailsType1 | list[ErrorDetail] | None | Unset = UNSET
    debug: ErrorBodyDebugType0 | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.error_body_debug_type_0 import ErrorBodyDebugType0
        from ..models.error_body_details_type_1 import ErrorBodyDetailsType1

        type_ = self.type_.value

        code = self.code

        message = self.message

        timestamp = self.timestamp.isoformat()

        request_id = self.request_id

        details: dict[str, Any] | list[dict[str, Any]] | None | Unset
        if isinstance(self.details, Unset):
            details = UNSET
        elif isinstance(self.details, list):
            details = []
            for details_type_0_item_data in self.details:
                details_type_0_item = details_type_0_item_data.to_dict()
                details.append(details_type_0_item)

        elif isinstance(self.details, ErrorBodyDetailsType1):
            details = self.details.to_dict()
        else:
            details = self.details

        debug: dict[str, Any] | None | Unset
        if isinstance(self.debug, Unset):
            debug = UNSET
        elif isinstance(self.debug, ErrorBodyDebugType0):
            debug = self.debug.to_dict()
        else:
            debug = self.debug

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "type": type_,
                "code": code,
                "message": message,
                "timestamp": timestamp,
                "requestId": request_id,
            }
        )
        if details is not UNSET:
            field_dict["details"] = details
        if debug is not UNSET:
            field_dict["debug"] = debug

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.error_body_debug_type_0 import ErrorBodyDebugType0
        from ..models.error_body_details_type_1 import ErrorBodyDetailsType1
        from ..models.error_detail import ErrorDetail

        d = dict(src_dict)
        type_ = ErrorBodyType(d.pop("type"))

        code = d.pop("code")

        message = d.pop("message")

        timestamp = datetime.datetime.fromisoformat(d.pop("timestamp"))

        request_id = d.pop("requestId")

        def _parse_details(
            data: object,
        ) -> ErrorBodyDetailsType1 | list[ErrorDetail] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                details_type_0 = []
                _details_type_0 = data
                for details_type_0_item_data in _details_type_0:
                    details_type_0_item = ErrorDetail.from_dict(
                        details_type_0_item_data
                    )

                    details_type_0.append(details_type_0_item)

                return details_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                details_type_1 = ErrorBodyDetailsType1.from_dict(data)

                return details_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(ErrorBodyDetailsType1 | list[ErrorDetail] | None | Unset, data)

        details = _parse_details(d.pop("details", UNSET))

        def _parse_debug(data: object) -> ErrorBodyDebugType0 | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                debug_type_0 = ErrorBodyDebugType0.from_dict(data)

                return debug_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(ErrorBodyDebugType0 | None | Unset, data)

        debug = _parse_debug(d.pop("debug", UNSET))

        error_body = cls(
            type_=type_,
            code=code,
            message=message,
            timestamp=timestamp,
            request_id=request_id,
            details=details,
            debug=debug,
        )

        error_body.additional_properties = d
        return error_body

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
