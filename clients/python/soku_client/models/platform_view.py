from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.platform_view_platform import PlatformViewPlatform
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.account_type_view import AccountTypeView
    from ..models.capabilities import Capabilities
    from ..models.connection import Connection
    from ..models.media_summary import MediaSummary
    from ..models.metrics_support import MetricsSupport
    from ..models.platform_view_capabilityscopes import PlatformViewCapabilityscopes
    from ..models.platform_view_options import PlatformViewOptions
    from ..models.post_kind_view import PostKindView
    from ..models.text_rule import TextRule


T = TypeVar("T", bound="PlatformView")


@_attrs_define
class PlatformView:
    """
    Attributes:
        platform (PlatformViewPlatform):
        display_name (str):
        aliases (list[str]): Other names `POST /v1/posts` accepts for it
        text (TextRule):
        media (MediaSummary):
        post_kinds (list[PostKindView]):
        options (PlatformViewOptions): JSON Schema of `post.content.options.<platform>`
        connection (Connection):
        capabilities (Capabilities):
        metrics (MetricsSupport):
        publishes_per_second (int): Soku's own pace for the platform: publishing attempts started per second across all
            users, under the platform's app limits
        capability_scopes (PlatformViewCapabilityscopes): Scopes a capability needs beyond publishing; an account that
            did not grant them lacks it
        account_types (list[AccountTypeView] | Unset): The platform's kinds of account where it has several (Instagram
            with or without a Facebook Page; LinkedIn members and Pages); empty otherwise
    """

    platform: PlatformViewPlatform
    display_name: str
    aliases: list[str]
    text: TextRule
    media: MediaSummary
    post_kinds: list[PostKindView]
    options: PlatformViewOptions
    connection: Connection
    capabilities: Capabilities
    metrics: MetricsSupport
    publishes_per_second: int
    capability_scopes: PlatformViewCapabilityscopes
    account_types: list[AccountTypeView] | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        platform = self.platform.value

        display_name = self.display_name

        aliases = self.aliases

        text = self.text.to_dict()

        media = self.media.to_dict()

        post_kinds = []
        for post_kinds_item_data in self.post_kinds:
            post_kinds_item = post_kinds_item_data.to_dict()
            post_kinds.append(post_kinds_item)

        options = self.options.to_dict()

        connection = self.connection.to_dict()

        capabilities = self.capabilities.to_dict()

        metrics = self.metrics.to_dict()

        publishes_per_second = self.publishes_per_second

        capability_scopes = self.capability_scopes.to_dict()

        account_types: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.account_types, Unset):
            account_types = []
            for account_types_item_data in self.account_types:
                account_types_item = account_types_item_data.to_dict()
                account_types.append(account_types_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "platform": platform,
                "displayName": display_name,
                "aliases": aliases,
                "text": text,
                "media": media,
                "postKinds": post_kinds,
                "options": options,
                "connection": connection,
                "capabilities": capabilities,
                "metrics": metrics,
                "publishesPerSecond": publishes_per_second,
                "capabilityScopes": capability_scopes,
            }
        )
        if account_types is not UNSET:
            field_dict["accountTypes"] = account_types

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.account_type_view import AccountTypeView
        from ..models.capabilities import Capabilities
        from ..models.connection import Connection
        from ..models.media_summary import MediaSummary
        from ..models.metrics_support import MetricsSupport
        from ..models.platform_view_capabilityscopes import PlatformViewCapabilityscopes
        from ..models.platform_view_options import PlatformViewOptions
        from ..models.post_kind_view import PostKindView
        from ..models.text_rule import TextRule

        d = dict(src_dict)
        platform = PlatformViewPlatform(d.pop("platform"))

        display_name = d.pop("displayName")

        aliases = cast(list[str], d.pop("aliases"))

        text = TextRule.from_dict(d.pop("text"))

        media = MediaSummary.from_dict(d.pop("media"))

        post_kinds = []
        _post_kinds = d.pop("postKinds")
        for post_kinds_item_data in _post_kinds:
            post_kinds_item = PostKindView.from_dict(post_kinds_item_data)

            post_kinds.append(post_kinds_item)

        options = PlatformViewOptions.from_dict(d.pop("options"))

        connection = Connection.from_dict(d.pop("connection"))

        capabilities = Capabilities.from_dict(d.pop("capabilities"))

        metrics = MetricsSupport.from_dict(d.pop("metrics"))

        publishes_per_second = d.pop("publishesPerSecond")

        capability_scopes = PlatformViewCapabilityscopes.from_dict(
            d.pop("capabilityScopes")
        )

        _account_types = d.pop("accountTypes", UNSET)
        account_types: list[AccountTypeView] | Unset = UNSET
        if _account_types is not UNSET:
            account_types = []
            for account_types_item_data in _account_types:
                account_types_item = AccountTypeView.from_dict(account_types_item_data)

                account_types.append(account_types_item)

        platform_view = cls(
            platform=platform,
            display_name=display_name,
            aliases=aliases,
            text=text,
            media=media,
            post_kinds=post_kinds,
            options=options,
            connection=connection,
            capabilities=capabilities,
            metrics=metrics,
            publishes_per_second=publishes_per_second,
            capability_scopes=capability_scopes,
            account_types=account_types,
        )

        platform_view.additional_properties = d
        return platform_view

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
