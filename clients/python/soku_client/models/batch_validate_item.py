from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.batch_validate_item_error_type_0 import BatchValidateItemErrorType0


T = TypeVar("T", bound="BatchValidateItem")


@_attrs_define
class BatchValidateItem:
    """
    Attributes:
        index (int):
        valid (bool):
        error (BatchValidateItemErrorType0 | None | Unset):
    """

    index: int
    valid: bool
    error: BatchValidateItemErrorType0 | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.batch_validate_item_error_type_0 import (
            BatchValidateItemErrorType0,
        )

        index = self.index

        valid = self.valid

        error: dict[str, Any] | None | Unset
        if isinstance(self.error, Unset):
            error = UNSET
        elif isinstance(self.error, BatchValidateItemErrorType0):
            error = self.error.to_dict()
        else:
            error = self.error

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "index": index,
                "valid": valid,
            }
        )
        if error is not UNSET:
            field_dict["error"] = error

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.batch_validate_item_error_type_0 import (
            BatchValidateItemErrorType0,
        )

        d = dict(src_dict)
        index = d.pop("index")

        valid = d.pop("valid")

        def _parse_error(data: object) -> BatchValidateItemErrorType0 | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                error_type_0 = BatchValidateItemErrorType0.from_dict(data)

                return error_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(BatchValidateItemErrorType0 | None | Unset, data)

        error = _parse_error(d.pop("error", UNSET))

        batch_validate_item = cls(
            index=index,
            valid=valid,
            error=error,
        )

        batch_validate_item.additional_properties = d
        return batch_validate_item

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
