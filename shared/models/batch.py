"""Bodies of `POST /v1/posts/batch` and `POST /v1/posts/batch/validate`."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, RootModel, StrictBool

from shared.models.posts import CreatePostRequest

MAX_BATCH = 100


class BatchPostsRequest(BaseModel):
    """Up to 100 posts, each exactly what `POST /v1/posts` takes. Each is checked on its own, so one
    refused post names its place (`body.posts.3.post.content.text`) and the others go on (or, with
    `atomic`, none is stored)."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{
        "atomic": True, "posts": [
            {"post": {"content": {"text": "Monday's tip", "platform": ["x", "threads"]}},
             "scheduledTime": "2099-06-01T09:00:00Z"},
            {"post": {"content": {"text": "Tuesday's tip", "platform": ["x", "threads"]}},
             "scheduledTime": "2099-06-02T09:00:00Z"}]}]})

    posts: list[CreatePostRequest] = Field(min_length=1, max_length=MAX_BATCH)
    atomic: StrictBool = Field(default=False, description=(
        "Check every post first and store none unless all pass (one 400 listing each refused post)"))


class BatchCsv(RootModel[str]):
    """The same batch as `text/csv` (UTF-8, a header row, one post per row). Columns: `text`;
    `platforms` (targets separated by spaces or `;`: `x`, or `instagram:acct-b` for one account);
    `scheduledTime` (ISO 8601); `mediaUrls` (separated by spaces); `mediaType`; `draft` (`true`/`false`).
    Only `platforms` is required; `?atomic=true` makes it atomic. Row 1 after the header is post 0."""


class BatchQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    atomic: bool | None = Field(default=None, description="For a `text/csv` body: the JSON body's `atomic`")


class BatchItemResult(BaseModel):
    index: int = Field(description="The post's place in `posts` (for CSV: the data row, from 0)")
    status: int = Field(description="201 made (or, replayed, made before), else the error's HTTP status")
    postSubmissionId: str | None = None
    idempotencyKey: str | None = Field(default=None, description="The post's own key, derived from the batch's")
    error: dict[str, Any] | None = Field(default=None, description="The error envelope's `error`, as "
                                                                   "POST /v1/posts would have answered")


class BatchPostsResponse(BaseModel):
    atomic: bool
    created: int
    failed: int
    results: list[BatchItemResult]


class BatchValidateItem(BaseModel):
    index: int
    valid: bool
    error: dict[str, Any] | None = None


class BatchValidateResponse(BaseModel):
    valid: bool
    results: list[BatchValidateItem]
