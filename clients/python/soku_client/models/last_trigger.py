from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.last_trigger_status import LastTriggerStatus
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.last_trigger_reason_type_0 import LastTriggerReasonType0


T = TypeVar("T", bound="LastTrigger")


@_attrs_define
class LastTrigger:
    """
    Attributes:
        status (LastTriggerStatus):
        source_post_submission_id (str):
        at (None | str | Unset):
        derived_post_submission_id (None | str | Unset):
        reason (LastTriggerReasonType0 | None | Unset):
    """

    status: LastTriggerStatus
    source_post_submission_id: str
    at: None | str | Unset = UNSET
    derived_post_submission_id: None | str | Unset = UNSET
    reason: LastTriggerReasonType0 | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.last_trigger_reason_type_0 import LastTriggerReasonType0

        status = self.status.value

        source_post_submission_id = self.source_post_submission_id

        at: None | str | Unset
        if isinstance(self.at, Unset):
            at = UNSET
        else:
            at = self.at

        derived_post_submission_id: None | str | Unset
        if isinstance(self.derived_post_submission_id, Unset):
            derived_post_submission_id = UNSET
        else:
            derived_post_submission_id = self.derived_post_submission_id

        reason: dict[str, Any] | None | Unset
        if isinstance(self.reason, Unset):
            reason = UNSET
        elif isinstance(self.reason, LastTriggerReasonType0):
            reason = self.reason.to_dict()
        else:
            reason = self.reason

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "status": status,
                "sourcePostSubmissionId": source_post_submission_id,
            }
        )
        if at is not UNSET:
            field_dict["at"] = at
        if derived_post_submission_id is not UNSET:
            field_dict["derivedPostSubmissionId"] = derived_post_submission_id
        if reason is not UNSET:
            field_dict["reason"] = reason

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.last_trigger_reason_type_0 import LastTriggerReasonType0

        d = dict(src_dict)
        status = LastTriggerStatus(d.pop("status"))

        source_post_submission_id = d.pop("sourcePostSubmissionId")

        def _parse_at(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        at = _parse_at(d.pop("at", UNSET))

        def _parse_derived_post_submission_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        derived_post_submission_id = _parse_derived_post_submission_id(
            d.pop("derivedPostSubmissionId", UNSET)
        )

        def _parse_reason(data: object) -> LastTriggerReasonType0 | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                reason_type_0 = LastTriggerReasonType0.from_dict(data)

                return reason_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(LastTriggerReasonType0 | None | Unset, data)

        reason = _parse_reason(d.pop("reason", UNSET))

        last_trigger = cls(
            status=status,
            source_post_submission_id=source_post_submission_id,
            at=at,
            derived_post_submission_id=derived_post_submission_id,
            reason=reason,
        )

        last_trigger.additional_properties = d
        return last_trigger

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
