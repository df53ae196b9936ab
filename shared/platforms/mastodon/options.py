"""Options for Mastodon statuses (`post.content.options.mastodon`): the parameters of
`POST /api/v1/statuses` (docs.joinmastodon.org/methods/statuses/#create) Soku passes on."""

from typing import Literal

from pydantic import Field

from shared.models.options_base import Options
from shared.platforms.mastodon.manifest import MAX_CHARACTERS


class MastodonOptions(Options):
    spoilerText: str | None = Field(
        default=None, min_length=1, max_length=MAX_CHARACTERS,
        description="A content warning: shown instead of the text until the reader opens the status "
                    "(`spoiler_text`). It counts toward the server's character limit")
    visibility: Literal["public", "unlisted", "private", "direct"] | None = Field(
        default=None,
        description="public (everyone, timelines), unlisted (everyone, kept off public timelines), private "
                    "(followers only), direct (only the people mentioned). Default: the account's own "
                    "default visibility")
    sensitive: bool | None = Field(
        default=None, description="Mark the media as sensitive (hidden behind a warning); a content warning "
                                  "marks it so on its own")
    language: str | None = Field(
        default=None, pattern=r"^[a-z]{2,3}$",
        description="The status's language, an ISO 639 code such as en or de (default: the server guesses)")


OPTIONS = MastodonOptions  # post.content.options.mastodon (shared/models/options)
