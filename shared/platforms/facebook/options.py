"""Options for Facebook Page posts (`post.content.options.facebook`)."""

from pydantic import Field

from shared.models.options_base import Options


class FacebookOptions(Options):
    reel: bool | None = Field(default=None, description="Publish a video as a reel")
    link: str | None = Field(default=None, max_length=2048, description="Link attached to a text post")


OPTIONS = FacebookOptions  # post.content.options.facebook (shared/models/options)
