"""Options for LinkedIn posts (`post.content.options.linkedin`)."""

from typing import Literal

from shared.models.options_base import Options


class LinkedInOptions(Options):
    visibility: Literal["PUBLIC", "CONNECTIONS"] | None = None


OPTIONS = LinkedInOptions  # post.content.options.linkedin (shared/models/options)
