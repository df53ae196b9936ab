from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.run_view import RunView
    from ..models.takedown_outcome import TakedownOutcome
    from ..models.unpublish_response_content_type_0 import UnpublishResponseContentType0
    from ..models.unpublish_response_runcounts import UnpublishResponseRuncounts
    from ..models.unpublish_response_targets_item import UnpublishResponseTargetsItem


T = TypeVar("T", bound="UnpublishResponse")


@_attrs_define
class UnpublishResponse:
    """
    Attributes:
        id (str):
        post_submission_id (str):
        status (None | str): `draft`, `queued`, `orchestrating`, `dispatched` or `canceled`
        enable_repurposing (bool):
        content (None | UnpublishResponseContentType0):
        targets (list[UnpublishResponseTargetsItem]):
        platforms (list[str]):
        runs (list[RunView]):
        run_counts (UnpublishResponseRuncounts):
        takedown (list[TakedownOutcome]): One entry per run that had published
        created_at (None | str | Unset):
        updated_at (None | str | Unset):
        scheduled_time (None | str | Unset):
        revision (int | Unset): Goes up with each edit (PATCH): the post's `ETag` is `"<revision>"`; send it as `If-
            Match` to refuse an edit made on a stale copy (412) Default: 1.
    """

    id: str
    post_submission_id: str
    status: None | str
    enable_repurposing: bool
    content: None | UnpublishResponseContentType0
    targets: list[UnpublishResponseTargetsItem]
    platforms: list[str]
    runs: list[RunView]
    run_counts: UnpublishResponseRuncounts
    takedown: list[TakedownOutcome]
    created_at: None | str | Unset = UNSET
    updated_at: None | str | Unset = UNSET
    scheduled_time: None | str | Unset = UNSET
    revision: int | Unset = 1
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.unpublish_response_content_type_0 import (
            UnpublishResponseContentType0,
        )

        id = self.id

        post_submission_id = self.post_submission_id

        status: None | str
        status = self.status

        enable_repurposing = self.enable_repurposing

        content: dict[str, Any] | None
        if isinstance(self.content, UnpublishResponseContentType0):
            content = self.content.to_dict()
        else:
            content = self.content

        targets = []
        for targets_item_data in self.targets:
            targets_item = targets_item_data.to_dict()
            targets.append(targets_item)

        platforms = self.platforms

        runs = []
        for runs_item_data in self.runs:
            runs_item = runs_item_data.to_dict()
            runs.append(runs_item)

        run_counts = self.run_counts.to_dict()

        takedown = []
        for takedown_item_data in self.takedown:
            takedown_item = takedown_item_data.to_dict()
            takedown.append(takedown_item)

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

        scheduled_time: None | str | Unset
        if isinstance(self.scheduled_time, Unset):
            scheduled_time = UNSET
        else:
            scheduled_time = self.scheduled_time

        revision = self.revision

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "postSubmissionId": post_submission_id,
                "status": status,
                "enableRepurposing": enable_repurposing,
                "content": content,
                "targets": targets,
                "platforms": platforms,
                "runs": runs,
                "runCounts": run_counts,
                "takedown": takedown,
            }
        )
        if created_at is not UNSET:
            field_dict["createdAt"] = created_at
        if updated_at is not UNSET:
            field_dict["updatedAt"] = updated_at
        if scheduled_time is not UNSET:
            field_dict["scheduledTime"] = scheduled_time
        if revision is not UNSET:
            field_dict["revision"] = revision

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.run_view import RunView
        from ..models.takedown_outcome import TakedownOutcome
        from ..models.unpublish_response_content_type_0 import (
            UnpublishResponseContentType0,
        )
        from ..models.unpublish_response_runcounts import UnpublishResponseRuncounts
        from ..models.unpublish_response_targets_item import (
            UnpublishResponseTargetsItem,
        )

        d = dict(src_dict)
        id = d.pop("id")

        post_submission_id = d.pop("postSubmissionId")

        def _parse_status(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        status = _parse_status(d.pop("status"))

        enable_repurposing = d.pop("enableRepurposing")

        def _parse_content(data: object) -> None | UnpublishResponseContentType0:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                content_type_0 = UnpublishResponseContentType0.from_dict(data)

                return content_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | UnpublishResponseContentType0, data)

        content = _parse_content(d.pop("content"))

        targets = []
        _targets = d.pop("targets")
        for targets_item_data in _targets:
            targets_item = UnpublishResponseTargetsItem.from_dict(targets_item_data)

            targets.append(targets_item)

        platforms = cast(list[str], d.pop("platforms"))

        runs = []
        _runs = d.pop("runs")
        for runs_item_data in _runs:
            runs_item = RunView.from_dict(runs_item_data)

            runs.append(runs_item)

        run_counts = UnpublishResponseRuncounts.from_dict(d.pop("runCounts"))

        takedown = []
        _takedown = d.pop("takedown")
        for takedown_item_data in _takedown:
            takedown_item = TakedownOutcome.from_dict(takedown_item_data)

            takedown.append(takedown_item)

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

        def _parse_scheduled_time(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        scheduled_time = _parse_scheduled_time(d.pop("scheduledTime", UNSET))

        revision = d.pop("revision", UNSET)

        unpublish_response = cls(
            id=id,
            post_submission_id=post_submission_id,
            status=status,
            enable_repurposing=enable_repurposing,
            content=content,
            targets=targets,
            platforms=platforms,
            runs=runs,
            run_counts=run_counts,
            takedown=takedown,
            created_at=created_at,
            updated_at=updated_at,
            scheduled_time=scheduled_time,
            revision=revision,
        )

        unpublish_response.additional_properties = d
        return unpublish_response

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
