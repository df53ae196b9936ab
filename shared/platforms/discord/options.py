"""Options for Discord posts (`post.content.options.discord`).

They map onto Execute Webhook's JSON params (discord.com/developers/docs/resources/webhook#execute-webhook):
`username`, `avatar_url`, `thread_name`, `flags` (SUPPRESS_EMBEDS, SUPPRESS_NOTIFICATIONS) and one
`embeds` entry. Discord fetches the avatar and shows the links itself, so Soku never requests
them; they must still be https URLs, as Discord's clients load them.
"""

from __future__ import annotations

from pydantic import Field, field_validator, model_validator

from shared.models.options_base import Options
from shared.platforms.discord.manifest import (
    MAX_AVATAR_URL,
    MAX_EMBED_DESCRIPTION,
    MAX_EMBED_TITLE,
    MAX_THREAD_NAME,
    MAX_USERNAME,
)

_HTTPS = r"^https://[^\s]+$"


class DiscordEmbed(Options):
    title: str | None = Field(default=None, min_length=1, max_length=MAX_EMBED_TITLE,
                              description=f"The embed's title (up to {MAX_EMBED_TITLE} characters)")
    description: str | None = Field(default=None, min_length=1, max_length=MAX_EMBED_DESCRIPTION,
                                    description=f"The embed's text (up to {MAX_EMBED_DESCRIPTION} characters)")
    url: str | None = Field(default=None, max_length=2048, pattern=_HTTPS,
                            description="Where the title links to (https)")
    color: int | None = Field(default=None, ge=0, le=0xFFFFFF,
                              description="The stripe's colour as an RGB integer (0xRRGGBB, e.g. 5793266)")

    @model_validator(mode="after")
    def _not_empty(self) -> "DiscordEmbed":
        if self.title is None and self.description is None:
            raise ValueError("an embed needs a title or a description")
        return self


class DiscordOptions(Options):
    username: str | None = Field(
        default=None, min_length=1, max_length=MAX_USERNAME,
        description="Post under this name instead of the webhook's own (`username`, 1-80 characters; Discord "
                    "refuses names containing \"discord\" or \"clyde\")")
    avatarUrl: str | None = Field(default=None, max_length=MAX_AVATAR_URL, pattern=_HTTPS,
                                  description="Post with this avatar instead of the webhook's own (`avatar_url`, https)")
    threadName: str | None = Field(
        default=None, min_length=1, max_length=MAX_THREAD_NAME,
        description="Forum and media channels: the post starts a thread of this name (`thread_name`); such a "
                    "channel needs one, and a text channel refuses it")
    suppressEmbeds: bool = Field(default=False,
                                 description="Do not show link previews in the message (`SUPPRESS_EMBEDS` flag)")
    suppressNotifications: bool = Field(
        default=False, description="Send without push and desktop notifications (`SUPPRESS_NOTIFICATIONS` flag)")
    embed: DiscordEmbed | None = Field(default=None, description="One rich embed under the text")

    @field_validator("username")
    @classmethod
    def _allowed_name(cls, name: str | None) -> str | None:
        # A webhook name is valid if "it does not contain the substrings clyde or discord
        # (case-insensitive)" (discord.com/developers/docs/resources/webhook#create-webhook); Discord
        # refuses an Execute Webhook `username` the same way (400 50035), so it is refused here first.
        if name is not None and any(word in name.lower() for word in ("clyde", "discord")):
            raise ValueError('Discord refuses names containing "discord" or "clyde"')
        return name


OPTIONS = DiscordOptions  # post.content.options.discord (shared/models/options)
