"""Options for Facebook Page posts (`post.content.options.facebook`)."""

from pydantic import Field

from shared.models.options_base import Options

MAX_COMMENT = 8000


class FacebookOptions(Options):
    reel: bool | None = Field(default=None, description="Publish a video as a reel")
    link: str | None = Field(default=None, max_length=2048, description="Link attached to a text post")
    # 8,000 characters: Facebook's comment box caps a comment there; the Graph API's Comment
    # reference (developers.facebook.com/docs/graph-api/reference/object/comments) states no
    # limit of its own [unverified], and a longer one is refused by Facebook, not cut.
    firstComment: str | None = Field(
        default=None, max_length=MAX_COMMENT,
        description="Posted by the Page as the first comment once the post is published "
                    "(`POST /{post-id}/comments`); if it fails, the post still counts as published")


OPTIONS = FacebookOptions  # post.content.options.facebook (shared/models/options)
