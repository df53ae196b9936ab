"""Body of `GET /v1/accounts/{account_id}/boards`: the boards a Pinterest account may pin to
(shared/services/boards.py), for a client's board dropdown (`post.content.options.pinterest.boardId`)."""

from __future__ import annotations

from pydantic import BaseModel, Field

from shared.models.connections import AccountQuery


class BoardsQuery(AccountQuery):
    refresh: bool = Field(default=False, description="Ask the platform again unless the list is younger "
                                                     "than 60 seconds")


class Board(BaseModel):
    id: str = Field(description="What `post.content.options.pinterest.boardId` takes")
    name: str | None = None
    privacy: str | None = Field(default=None, description="PUBLIC, PROTECTED or SECRET, as Pinterest says")


class BoardsResponse(BaseModel):
    accountId: str
    platform: str
    boards: list[Board]
    fetchedAt: str = Field(description="When Soku asked the platform (the list is kept a few minutes)")
    cached: bool = Field(description="Served from Soku's copy rather than asked again")
