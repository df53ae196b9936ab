"""Options for Pinterest Pins (`post.content.options.pinterest`): the fields of `POST /v5/pins`
(PinCreate in Pinterest's v5 OpenAPI) that are not the description or the media."""

from pydantic import Field

from shared.models.options_base import Options
from shared.platforms.pinterest.manifest import MAX_ALT_TEXT, MAX_LINK, MAX_TITLE


class PinterestOptions(Options):
    boardId: str | None = Field(
        default=None, pattern=r"^\d{1,32}$",
        description="The board the Pin goes on (`board_id`; GET /v1/accounts/{accountId}/boards lists "
                    "them). Without it the Pin goes on the account's only board; an account with "
                    "several boards must name one")
    title: str | None = Field(default=None, min_length=1, max_length=MAX_TITLE,
                              description="The Pin's title (`title`, up to 100 characters)")
    link: str | None = Field(default=None, max_length=MAX_LINK, pattern=r"^https?://\S+$",
                             description="Where the Pin leads (`link`, an http(s) URL)")
    altText: str | None = Field(default=None, min_length=1, max_length=MAX_ALT_TEXT,
                                description="The image's alternative text (`alt_text`, up to 500 characters)")
    dominantColor: str | None = Field(default=None, pattern=r"^#[0-9A-Fa-f]{6}$",
                                      description="The Pin's dominant colour shown while it loads "
                                                  "(`dominant_color`, e.g. #6E7874)")


OPTIONS = PinterestOptions  # post.content.options.pinterest (shared/models/options)
