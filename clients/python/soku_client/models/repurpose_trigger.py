from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.repurpose_trigger_status import RepurposeTriggerStatus
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.repurpose_trigger_reason_type_0 import RepurposeTriggerReasonType0


T = TypeVar("T", bound="RepurposeTrigger")


@_attrs_define
class RepurposeTrigger:
    """One source post meeting one link: the derived post it made, or why it made none.

    Attributes:
        id (str):
        link_id (str):
        status (RepurposeTriggerStatus):
        source_post_submission_id (str):
        source_target_id (None | str | Unset):
        derived_post_submission_id (None | str | Unset):
        scheduled_time (None | str | Unset):
        card_media_id (None | str | Unset): The rendered template, as a media id
        reason (None | RepurposeTriggerReasonType0 | Unset): `code` and `message` of a skip
        created_at (None | str | Unset):
        updated_at (None | str | Unset):
    """

    id: str
    link_id: str
    status: RepurposeTriggerStatus
    source_post_submission_id: str
    source_target_id: None | str | Unset = UNSET
    derived_post_submission_id: None | str | Unset = UNSET
    scheduled_time: None | str | Unset = UNSET
    card_media_id: None | str | Unset = UNSET
    reason: None | RepurposeTriggerReasonType0 | Unset = UNSET
    created_at: None | str | Unset = UNSET
    updated_at: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.repurpose_trigger_reason_type_0 import RepurposeTriggerReasonType0

        id = self.id

        link_id = self.link_id

        status = self.status.value

        source_post_submission_id = self.source_post_submission_id

        source_target_id: None | str | Unset
        if isinstance(self.source_target_id, Unset):
            source_target_id = UNSET
        else:
            source_target_id = self.source_target_id

        derived_post_submission_id: None | str | Unset
        if isinstance(self.derived_post_submission_id, Unset):
            derived_post_submission_id = UNSET
        else:
            derived_post_submission_id = self.derived_post_submission_id

        scheduled_time: None | str | Unset
        if isinstance(self.scheduled_time, Unset):
            scheduled_time = UNSET
        else:
            scheduled_time = self.scheduled_time

        card_media_id: None | str | Unset
        if isinstance(self.card_media_id, Unset):
            card_media_id = UNSET
        else:
            card_media_id = self.card_media_id

        reason: dict[str, Any] | None | Unset
        if isinstance(self.reason, Unset):
            reason = UNSET
        elif isinstance(self.reason, RepurposeTriggerReasonType0):
            reason = self.reason.to_dict()
        else:
            reason = self.reason

        created_at: None | str | Unset
        if isinstance(self.created_at, Unset):
            created_at = UNSET
        else:
            created_at = self.created_at

        updated_at: None | str | Unset
        if isinstance(self.updated_at, Unset):
            updated_at = UNSET
        else:
            updated_at = self.updated_at

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "linkId": link_id,
                "status": status,
                "sourcePostSubmissionId": source_post_submission_id,
            }
        )
        if source_target_id is not UNSET:
            field_dict["sourceTargetId"] = source_target_id
        if derived_post_submission_id is not UNSET:
            field_dict["derivedPostSubmissionId"] = derived_post_submission_id
        if scheduled_time is not UNSET:
            field_dict["scheduledTime"] = scheduled_time
        if card_media_id is not UNSET:
            field_dict["cardMediaId"] = card_media_id
        if reason is not UNSET:
            field_dict["reason"] = reason
        if created_at is not UNSET:
            field_dict["createdAt"] = created_at
        if updated_at is not UNSET:
            field_dict["updatedAt"] = updated_at

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.repurpose_trigger_reason_type_0 import RepurposeTriggerReasonType0

        d = dict(src_dict)
        id = d.pop("id")

        link_id = d.pop("linkId")

        status = RepurposeTriggerStatus(d.pop("status"))

        source_post_submission_id = d.pop("sourcePostSubmissionId")

        def _parse_source_target_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        source_target_id = _parse_source_target_id(d.pop("sourceTargetId", UNSET))

        def _parse_derived_post_submission_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        derived_post_submission_id = _parse_derived_post_submission_id(
            d.pop("derivedPostSubmissionId", UNSET)
        )

        def _parse_scheduled_time(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        scheduled_time = _parse_scheduled_time(d.pop("scheduledTime", UNSET))

        def _parse_card_media_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        card_media_id = _parse_card_media_id(d.pop("cardMediaId", UNSET))

        def _parse_reason(data: object) -> None | RepurposeTriggerReasonType0 | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                reason_type_0 = RepurposeTriggerReasonType0.from_dict(data)

                return reason_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | RepurposeTriggerReasonType0 | Unset, data)

        reason = _parse_reason(d.pop("reason", UNSET))

        def _parse_created_at(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        created_at = _parse_created_at(d.pop("createdAt", UNSET))

        def _parse_updated_at(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        updated_at = _parse_updated_at(d.pop("updatedAt", UNSET))

        repurpose_trigger = cls(
            id=id,
            link_id=link_id,
            status=status,
            source_post_submission_id=source_post_submission_id,
            source_target_id=source_target_id,
            derived_post_submission_id=derived_post_submission_id,
            scheduled_time=scheduled_time,
            card_media_id=card_media_id,
            reason=reason,
            created_at=created_at,
            updated_at=updated_at,
        )

        repurpose_trigger.additional_properties = d
        return repurpose_trigger

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
