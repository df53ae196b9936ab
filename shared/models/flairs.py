"""Body of `GET /v1/accounts/{account_id}/flairs`: the post flairs of a subreddit a Reddit account
posts to (shared/services/flairs.py), for a client's flair dropdown
(`post.content.options.reddit.flairId`)."""

from __future__ import annotations

from pydantic import BaseModel, Field

from shared.models.connections import AccountQuery


class FlairsQuery(AccountQuery):
    subreddit: str | None = Field(default=None, pattern=r"^(u_)?[A-Za-z0-9][A-Za-z0-9_-]{1,22}$",
                                  description="The subreddit, without `r/`; default the account's own profile "
                                              "(`u_<username>`)")
    refresh: bool = Field(default=False, description="Ask the platform again unless the list is younger "
                                                     "than 60 seconds")


class Flair(BaseModel):
    id: str = Field(description="What `post.content.options.reddit.flairId` takes")
    text: str = ""
    textEditable: bool = Field(default=False, description="Whether `options.reddit.flairText` may replace its text")


class FlairsResponse(BaseModel):
    accountId: str
    platform: str
    subreddit: str
    flairRequired: bool = Field(description="The subreddit refuses posts without flair (its post_requirements)")
    flairs: list[Flair]
    fetchedAt: str = Field(description="When Soku asked the platform (the list is kept a few minutes)")
    cached: bool = Field(description="Served from Soku's copy rather than asked again")
