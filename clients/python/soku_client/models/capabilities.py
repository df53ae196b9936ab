from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="Capabilities")


@_attrs_define
class Capabilities:
    """
    Attributes:
        publish (bool):
        schedule (bool): `scheduledTime`: Soku holds the post and publishes it then
        delete (bool): `DELETE /v1/posts/{id}` takes a published post down there
        metrics (bool): `GET /v1/posts/{id}/metrics` or `GET /v1/accounts/{id}/metrics` reads the platform (either: the
            platform view's `metrics` says which, and why not)
        first_comment (bool): `options.<platform>.firstComment` posts a comment once published
        threads (bool): `post.content.thread` publishes as a chain of posts, each replying to the last
    """

    publish: bool
    schedule: bool
    delete: bool
    metrics: bool
    first_comment: bool
    threads: bool
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        publish = self.publish

        schedule = self.schedule

        delete = self.delete

        metrics = self.metrics

        first_comment = self.first_comment

        threads = self.threads

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "publish": publish,
                "schedule": schedule,
                "delete": delete,
                "metrics": metrics,
                "firstComment": first_comment,
                "threads": threads,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        publish = d.pop("publish")

        schedule = d.pop("schedule")

        delete = d.pop("delete")

        metrics = d.pop("metrics")

        first_comment = d.pop("firstComment")

        threads = d.pop("threads")

        capabilities = cls(
            publish=publish,
            schedule=schedule,
            delete=delete,
            metrics=metrics,
            first_comment=first_comment,
            threads=threads,
        )

        capabilities.additional_properties = d
        return capabilities

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
