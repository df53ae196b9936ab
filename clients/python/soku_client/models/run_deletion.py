from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.run_deletion_status import RunDeletionStatus
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.run_deletion_error_type_0 import RunDeletionErrorType0


T = TypeVar("T", bound="RunDeletion")


@_attrs_define
class RunDeletion:
    """Taking a run's published post down at its platform.

    Attributes:
        status (RunDeletionStatus):
        at (None | str | Unset): When it was claimed (`deleting`), done (`deleted`) or refused (`failed`)
        error (None | RunDeletionErrorType0 | Unset): When `failed`: the platform's refusal, `code` (the publishing
            error taxonomy: `missing_permission`, `token_expired`, `rate_limited`, `platform_unavailable`, …), `message`
            (the platform's words) and `retryable`
        already_gone (bool | None | Unset): True when the platform no longer had the post (deleted there first)
    """

    status: RunDeletionStatus
    at: None | str | Unset = UNSET
    error: None | RunDeletionErrorType0 | Unset = UNSET
    already_gone: bool | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.run_deletion_error_type_0 import RunDeletionErrorType0

        status = self.status.value

        at: None | str | Unset
        if isinstance(self.at, Unset):
            at = UNSET
        else:
            at = self.at

        error: dict[str, Any] | None | Unset
        if isinstance(self.error, Unset):
            error = UNSET
        elif isinstance(self.error, RunDeletionErrorType0):
            error = self.error.to_dict()
        else:
            error = self.error

        already_gone: bool | None | Unset
        if isinstance(self.already_gone, Unset):
            already_gone = UNSET
        else:
            already_gone = self.already_gone

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "status": status,
            }
        )
        if at is not UNSET:
            field_dict["at"] = at
        if error is not UNSET:
            field_dict["error"] = error
        if already_gone is not UNSET:
            field_dict["alreadyGone"] = already_gone

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.run_deletion_error_type_0 import RunDeletionErrorType0

        d = dict(src_dict)
        status = RunDeletionStatus(d.pop("status"))

        def _parse_at(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        at = _parse_at(d.pop("at", UNSET))

        def _parse_error(data: object) -> None | RunDeletionErrorType0 | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                error_type_0 = RunDeletionErrorType0.from_dict(data)

                return error_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | RunDeletionErrorType0 | Unset, data)

        error = _parse_error(d.pop("error", UNSET))

        def _parse_already_gone(data: object) -> bool | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(bool | None | Unset, data)

        already_gone = _parse_already_gone(d.pop("alreadyGone", UNSET))

        run_deletion = cls(
            status=status,
            at=at,
            error=error,
            already_gone=already_gone,
        )

        run_deletion.additional_properties = d
        return run_deletion

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
