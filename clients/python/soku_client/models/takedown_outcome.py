from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.takedown_outcome_outcome import TakedownOutcomeOutcome
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.takedown_outcome_error_type_0 import TakedownOutcomeErrorType0


T = TypeVar("T", bound="TakedownOutcome")


@_attrs_define
class TakedownOutcome:
    """What `POST /v1/posts/{id}/unpublish` did with one published run.

    Attributes:
        target_id (str):
        platform (None | str):
        outcome (TakedownOutcomeOutcome):
        already_gone (bool | None | Unset): Deleted: the platform no longer had the post
        error (None | TakedownOutcomeErrorType0 | Unset): Otherwise: `code` and `message` (and `retryable` when the
            platform failed)
    """

    target_id: str
    platform: None | str
    outcome: TakedownOutcomeOutcome
    already_gone: bool | None | Unset = UNSET
    error: None | TakedownOutcomeErrorType0 | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.takedown_outcome_error_type_0 import TakedownOutcomeErrorType0

        target_id = self.target_id

        platform: None | str
        platform = self.platform

        outcome = self.outcome.value

        already_gone: bool | None | Unset
        if isinstance(self.already_gone, Unset):
            already_gone = UNSET
        else:
            already_gone = self.already_gone

        error: dict[str, Any] | None | Unset
        if isinstance(self.error, Unset):
            error = UNSET
        elif isinstance(self.error, TakedownOutcomeErrorType0):
            error = self.error.to_dict()
        else:
            error = self.error

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "targetId": target_id,
                "platform": platform,
                "outcome": outcome,
            }
        )
        if already_gone is not UNSET:
            field_dict["alreadyGone"] = already_gone
        if error is not UNSET:
            field_dict["error"] = error

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.takedown_outcome_error_type_0 import TakedownOutcomeErrorType0

        d = dict(src_dict)
        target_id = d.pop("targetId")

        def _parse_platform(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        platform = _parse_platform(d.pop("platform"))

        outcome = TakedownOutcomeOutcome(d.pop("outcome"))

        def _parse_already_gone(data: object) -> bool | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(bool | None | Unset, data)

        already_gone = _parse_already_gone(d.pop("alreadyGone", UNSET))

        def _parse_error(data: object) -> None | TakedownOutcomeErrorType0 | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                error_type_0 = TakedownOutcomeErrorType0.from_dict(data)

                return error_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | TakedownOutcomeErrorType0 | Unset, data)

        error = _parse_error(d.pop("error", UNSET))

        takedown_outcome = cls(
            target_id=target_id,
            platform=platform,
            outcome=outcome,
            already_gone=already_gone,
            error=error,
        )

        takedown_outcome.additional_properties = d
        return takedown_outcome

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
