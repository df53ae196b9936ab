from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.run_metrics import RunMetrics


T = TypeVar("T", bound="PostMetricsResponse")


@_attrs_define
class PostMetricsResponse:
    """
    Attributes:
        post_submission_id (str):
        runs (list[RunMetrics]):
    """

    post_submission_id: str
    runs: list[RunMetrics]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        post_submission_id = self.post_submission_id

        runs = []
        for runs_item_data in self.runs:
            runs_item = runs_item_data.to_dict()
            runs.append(runs_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "postSubmissionId": post_submission_id,
                "runs": runs,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.run_metrics import RunMetrics

        d = dict(src_dict)
        post_submission_id = d.pop("postSubmissionId")

        runs = []
        _runs = d.pop("runs")
        for runs_item_data in _runs:
            runs_item = RunMetrics.from_dict(runs_item_data)

            runs.append(runs_item)

        post_metrics_response = cls(
            post_submission_id=post_submission_id,
            runs=runs,
        )

        post_metrics_response.additional_properties = d
        return post_metrics_response

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
