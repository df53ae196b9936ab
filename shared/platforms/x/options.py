"""Options for X posts (`post.content.options.x`)."""

from typing import Literal

from shared.models.options_base import Options


class XOptions(Options):
    replySettings: Literal["following", "mentionedUsers", "subscribers", "verified"] | None = None


OPTIONS = XOptions  # post.content.options.x (shared/models/options)
