from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.batch_item_result_error_type_0 import BatchItemResultErrorType0


T = TypeVar("T", bound="BatchItemResult")


@_attrs_define
class BatchItemResult:
    """
    Attributes:
        index (int): The post's place in `posts` (for CSV: the data row, from 0)
        status (int): 201 made (or, replayed, made before), else the error's HTTP status
        post_submission_id (None | str | Unset):
        idempotency_key (None | str | Unset): The post's own key, derived from the batch's
        error (BatchItemResultErrorType0 | None | Unset): The error envelope's `error`, as POST /v1/posts would have
            answered
    """

    index: int
    status: int
    post_submission_id: None | str | Unset = UNSET
    idempotency_key: None | str | Unset = UNSET
    error: BatchItemResultErrorType0 | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.batch_item_result_error_type_0 import BatchItemResultErrorType0

        index = self.index

        status = self.status

        post_submission_id: None | str | Unset
        if isinstance(self.post_submission_id, Unset):
            post_submission_id = UNSET
        else:
            post_submission_id = self.post_submission_id

        idempotency_key: None | str | Unset
        if isinstance(self.idempotency_key, Unset):
            idempotency_key = UNSET
        else:
            idempotency_key = self.idempotency_key

        error: dict[str, Any] | None | Unset
        if isinstance(self.error, Unset):
            error = UNSET
        elif isinstance(self.error, BatchItemResultErrorType0):
            error = self.error.to_dict()
        else:
            error = self.error

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "index": index,
                "status": status,
            }
        )
        if post_submission_id is not UNSET:
            field_dict["postSubmissionId"] = post_submission_id
        if idempotency_key is not UNSET:
            field_dict["idempotencyKey"] = idempotency_key
        if error is not UNSET:
            field_dict["error"] = error

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.batch_item_result_error_type_0 import BatchItemResultErrorType0

        d = dict(src_dict)
        index = d.pop("index")

        status = d.pop("status")

        def _parse_post_submission_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        post_submission_id = _parse_post_submission_id(d.pop("postSubmissionId", UNSET))

        def _parse_idempotency_key(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        idempotency_key = _parse_idempotency_key(d.pop("idempotencyKey", UNSET))

        def _parse_error(data: object) -> BatchItemResultErrorType0 | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                error_type_0 = BatchItemResultErrorType0.from_dict(data)

                return error_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(BatchItemResultErrorType0 | None | Unset, data)

        error = _parse_error(d.pop("error", UNSET))

        batch_item_result = cls(
            index=index,
            status=status,
            post_submission_id=post_submission_id,
            idempotency_key=idempotency_key,
            error=error,
        )

        batch_item_result.additional_properties = d
        return batch_item_result

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
