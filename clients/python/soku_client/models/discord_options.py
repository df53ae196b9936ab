from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.discord_embed import DiscordEmbed


T = TypeVar("T", bound="DiscordOptions")


@_attrs_define
class DiscordOptions:
    """
    Attributes:
        username (None | str | Unset): Post under this name instead of the webhook's own (`username`, 1-80 characters;
            Discord refuses names containing "discord" or "clyde")
        avatar_url (None | str | Unset): Post with this avatar instead of the webhook's own (`avatar_url`, https)
        thread_name (None | str | Unset): Forum and media channels: the post starts a thread of this name
            (`thread_name`); such a channel needs one, and a text channel refuses it
        suppress_embeds (bool | Unset): Do not show link previews in the message (`SUPPRESS_EMBEDS` flag) Default:
            False.
        suppress_notifications (bool | Unset): Send without push and desktop notifications (`SUPPRESS_NOTIFICATIONS`
            flag) Default: False.
        embed (DiscordEmbed | None | Unset): One rich embed under the text
    """

    username: None | str | Unset = UNSET
    avatar_url: None | str | Unset = UNSET
    thread_name: None | str | Unset = UNSET
    suppress_embeds: bool | Unset = False
    suppress_notifications: bool | Unset = False
    embed: DiscordEmbed | None | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        from ..models.discord_embed import DiscordEmbed

        username: None | str | Unset
        if isinstance(self.username, Unset):
            username = UNSET
        else:
            username = self.username

        avatar_url: None | str | Unset
        if isinstance(self.avatar_url, Unset):
            avatar_url = UNSET
        else:
            avatar_url = self.avatar_url

        thread_name: None | str | Unset
        if isinstance(self.thread_name, Unset):
            thread_name = UNSET
        else:
            thread_name = self.thread_name

        suppress_embeds = self.suppress_embeds

        suppress_notifications = self.suppress_notifications

        embed: dict[str, Any] | None | Unset
        if isinstance(self.embed, Unset):
            embed = UNSET
        elif isinstance(self.embed, DiscordEmbed):
            embed = self.embed.to_dict()
        else:
            embed = self.embed

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if username is not UNSET:
            field_dict["username"] = username
        if avatar_url is not UNSET:
            field_dict["avatarUrl"] = avatar_url
        if thread_name is not UNSET:
            field_dict["threadName"] = thread_name
        if suppress_embeds is not UNSET:
            field_dict["suppressEmbeds"] = suppress_embeds
        if suppress_notifications is not UNSET:
            field_dict["suppressNotifications"] = suppress_notifications
        if embed is not UNSET:
            field_dict["embed"] = embed

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.discord_embed import DiscordEmbed

        d = dict(src_dict)

        def _parse_username(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        username = _parse_username(d.pop("username", UNSET))

        def _parse_avatar_url(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        avatar_url = _parse_avatar_url(d.pop("avatarUrl", UNSET))

        def _parse_thread_name(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        thread_name = _parse_thread_name(d.pop("threadName", UNSET))

        suppress_embeds = d.pop("suppressEmbeds", UNSET)

        suppress_notifications = d.pop("suppressNotifications", UNSET)

        def _parse_embed(data: object) -> DiscordEmbed | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                embed_type_0 = DiscordEmbed.from_dict(data)

                return embed_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(DiscordEmbed | None | Unset, data)

        embed = _parse_embed(d.pop("embed", UNSET))

        discord_options = cls(
            username=username,
            avatar_url=avatar_url,
            thread_name=thread_name,
            suppress_embeds=suppress_embeds,
            suppress_notifications=suppress_notifications,
            embed=embed,
        )

        return discord_options
