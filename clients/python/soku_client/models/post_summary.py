from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.post_summary_content_type_0 import PostSummaryContentType0
    from ..models.post_summary_targets_item import PostSummaryTargetsItem


T = TypeVar("T", bound="PostSummary")


@_attrs_define
class PostSummary:
    """
    Attributes:
        id (str):
        post_submission_id (str):
        status (None | str): `draft`, `queued`, `orchestrating`, `dispatched` or `canceled`
        enable_repurposing (bool):
        content (None | PostSummaryContentType0):
        targets (list[PostSummaryTargetsItem]):
        platforms (list[str]):
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
    content: None | PostSummaryContentType0
    targets: list[PostSummaryTargetsItem]
    platforms: list[str]
    created_at: None | str | Unset = UNSET
    updated_at: None | str | Unset = UNSET
    scheduled_time: None | str | Unset = UNSET
    revision: int | Unset = 1
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.post_summary_content_type_0 import PostSummaryContentType0

        id = self.id

        post_submission_id = self.post_submission_id

        status: None | str
        status = self.status

        enable_repurposing = self.enable_repurposing

        content: dict[str, Any] | None
        if isinstance(self.content, PostSummaryContentType0):
            content = self.content.to_dict()
        else:
            content = self.content

        targets = []
        for targets_item_data in self.targets:
            targets_item = targets_item_data.to_dict()
            targets.append(targets_item)

        platforms = self.platforms

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
        from ..models.post_summary_content_type_0 import PostSummaryContentType0
        from ..models.post_summary_targets_item import PostSummaryTargetsItem

        d = dict(src_dict)
        id = d.pop("id")

        post_submission_id = d.pop("postSubmissionId")

        def _parse_status(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        status = _parse_status(d.pop("status"))

        enable_repurposing = d.pop("enableRepurposing")

        def _parse_content(data: object) -> None | PostSummaryContentType0:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                content_type_0 = PostSummaryContentType0.from_dict(data)

                return content_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | PostSummaryContentType0, data)

        content = _parse_content(d.pop("content"))

        targets = []
        _targets = d.pop("targets")
        for targets_item_data in _targets:
            targets_item = PostSummaryTargetsItem.from_dict(targets_item_data)

            targets.append(targets_item)

        platforms = cast(list[str], d.pop("platforms"))

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

        post_summary = cls(
            id=id,
            post_submission_id=post_submission_id,
            status=status,
            enable_repurposing=enable_repurposing,
            content=content,
            targets=targets,
            platforms=platforms,
            created_at=created_at,
            updated_at=updated_at,
            scheduled_time=scheduled_time,
            revision=revision,
        )

        post_summary.additional_properties = d
        return post_summary

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
