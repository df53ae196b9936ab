"""Options for WordPress posts (`post.content.options.wordpress`).

They map onto `POST /wp/v2/posts` (developer.wordpress.org/rest-api/reference/posts/#create-a-post):
`title`, `status`, `slug`, `excerpt`, and `categories` / `tags` given by NAME (the publisher
looks their ids up, and creates missing ones only with `createTerms`).

`status` is publish, draft, pending or private, not `future`: Soku schedules posts itself
(`scheduledTime`), so a WordPress-side schedule would be a second clock; a post is sent when it
is due and published then.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, StringConstraints

from shared.models.options_base import Options
from shared.platforms.wordpress.manifest import DEFAULT_TITLE_CHARS, MAX_TITLE

# WordPress slugs: sanitize_title keeps lower-case letters, digits and hyphens (it would rewrite
# anything else silently; refusing says so).
_SLUG = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
_TERM = Annotated[str, StringConstraints(min_length=1, max_length=200, strip_whitespace=True)]  # wp_terms.name: varchar(200)


class WordPressOptions(Options):
    title: str | None = Field(
        default=None, min_length=1, max_length=MAX_TITLE,
        description=f"The post's title (default: the text's first line, cut to {DEFAULT_TITLE_CHARS} characters)")
    status: Literal["publish", "draft", "pending", "private"] = Field(
        default="publish",
        description="publish (default), draft, pending (awaiting review) or private. Scheduling is Soku's "
                    "scheduledTime, not WordPress's `future`")
    slug: str | None = Field(default=None, max_length=200, pattern=_SLUG,
                             description="The post's address name (lower-case letters, digits and hyphens)")
    excerpt: str | None = Field(default=None, min_length=1, max_length=5000,
                                description="The post's excerpt (plain text)")
    categories: list[_TERM] | None = Field(
        default=None, max_length=20,
        description="Category names; each must exist on the site unless createTerms is true")
    tags: list[_TERM] | None = Field(
        default=None, max_length=50, description="Tag names; each must exist on the site unless createTerms is true")
    createTerms: bool = Field(default=False,
                              description="Create the categories and tags the site does not have yet")


OPTIONS = WordPressOptions  # post.content.options.wordpress (shared/models/options)
