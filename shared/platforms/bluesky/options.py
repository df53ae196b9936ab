"""Options for Bluesky posts (`post.content.options.bluesky`).

- `langs`: the post record's `langs`, "Indicates human language of post primary text content"
  (lexicons/app/bsky/feed/post.json: at most 3, format `language`, a BCP-47 tag). Bluesky's app
  filters feeds by it; without it the post carries none.
- `altTexts`: each image's `alt` (lexicons/app/bsky/embed/images.json, required: "Alt text
  description of the image, for accessibility"), in the order of the post's media. Soku's media
  items carry no description of their own, so the text is given here; an image without one
  gets `""`, which the lexicon allows and which Bluesky shows as an image without alt text.
- `linkCard`: a link preview (`app.bsky.embed.external`: uri, title, description, thumb) for the
  first link of the text, when the post has no images (a post has one embed). Bluesky's app
  builds one client-side from the page's Open Graph tags; a post made through the API has none
  unless the client adds it, so Soku reads the page (through the SSRF-safe fetcher) and adds it.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from shared.models.options_base import Options
from shared.platforms.bluesky.manifest import MAX_IMAGES, MAX_LANGS

# BCP-47 as the lexicon's `language` format checks it (@atproto/syntax isValidLanguage): a
# primary subtag of 2-3 letters (or i-/x- grandfathered and private forms) and optional subtags.
LANGUAGE_TAG = r"^([a-zA-Z]{2,3}|[ix])(-[a-zA-Z0-9]{1,8})*$"


class BlueskyOptions(Options):
    langs: list[Annotated[str, Field(pattern=LANGUAGE_TAG)]] | None = Field(
        default=None, max_length=MAX_LANGS,
        description="Up to 3 BCP-47 language tags of the text, e.g. [\"en\", \"pt-BR\"]")
    altTexts: list[str] | None = Field(
        default=None, max_length=MAX_IMAGES,
        description="Alt text of each image, in the order of the post's media")
    linkCard: bool = Field(
        default=False,
        description="Add a link preview card for the first link (only when the post has no images)")


OPTIONS = BlueskyOptions  # post.content.options.bluesky (shared/models/options)
