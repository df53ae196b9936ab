from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.metrics_kind_support import MetricsKindSupport


T = TypeVar("T", bound="MetricsSupport")


@_attrs_define
class MetricsSupport:
    """
    Attributes:
        posts (MetricsKindSupport):
        accounts (MetricsKindSupport):
    """

    posts: MetricsKindSupport
    accounts: MetricsKindSupport
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        posts = self.posts.to_dict()

        accounts = self.accounts.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "posts": posts,
                "accounts": accounts,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.metrics_kind_support import MetricsKindSupport

        d = dict(src_dict)
        posts = MetricsKindSupport.from_dict(d.pop("posts"))

        accounts = MetricsKindSupport.from_dict(d.pop("accounts"))

        metrics_support = cls(
            posts=posts,
            accounts=accounts,
        )

        metrics_support.additional_properties = d
        return metrics_support

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
