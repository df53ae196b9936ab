"""Options for LinkedIn posts (`post.content.options.linkedin`)."""

from typing import Literal

from pydantic import Field

from shared.models.options_base import Options

# A comment's text: 1,250 characters, LinkedIn's comment box (LinkedIn Help); the Comments API
# page (learn.microsoft.com/linkedin/marketing/community-management/shares/comments-api) states
# no figure of its own [unverified]. A longer one is refused by LinkedIn, not cut.
MAX_COMMENT = 1250


class LinkedInOptions(Options):
    visibility: Literal["PUBLIC", "CONNECTIONS"] | None = None
    firstComment: str | None = Field(
        default=None, max_length=MAX_COMMENT,
        description="Posted by the post's author (the member or the Page) as the first comment once the "
                    "post is published (the Comments API); if it fails, the post still counts as published")


OPTIONS = LinkedInOptions  # post.content.options.linkedin (shared/models/options)
