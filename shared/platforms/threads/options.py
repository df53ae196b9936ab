"""Options for Threads posts (`post.content.options.threads`)."""

from pydantic import Field

from shared.models.options_base import Options


class ThreadsOptions(Options):
    topicTag: str | None = Field(default=None, max_length=50)


OPTIONS = ThreadsOptions  # post.content.options.threads (shared/models/options)
