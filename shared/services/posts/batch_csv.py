"""A batch of posts as CSV (`POST /v1/posts/batch` with `Content-Type: text/csv`): the import
asked for most in the peers' trackers. Each row becomes the JSON post `POST /v1/posts` takes, so
everything after this file is the JSON batch's path; a row's errors name it as `body.posts.<row>`.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from shared.errors import ValidationError
from shared.models.batch import MAX_BATCH

COLUMNS = ("text", "platforms", "scheduledTime", "mediaUrls", "mediaType", "draft")
MAX_BYTES = 1024 * 1024


def _refuse(message: str, field: str = "body", code: str = "invalid_csv") -> ValidationError:
    return ValidationError(f"CSV refused: {message}", details=[{"field": field, "message": message, "code": code}])


def _target(value: str) -> str | dict:
    platform, _, account = value.partition(":")
    return {"platform": platform, "accountId": account} if account else platform


def _split(value: str, separators: str = " ;") -> list[str]:
    for separator in separators[1:]:
        value = value.replace(separator, separators[0])
    return [part for part in value.split(separators[0]) if part]


def posts_from_csv(raw: bytes) -> list[dict[str, Any]]:
    if len(raw) > MAX_BYTES:
        raise _refuse(f"the CSV is over {MAX_BYTES} bytes")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise _refuse("the CSV is not UTF-8") from None
    try:
        rows = list(csv.DictReader(io.StringIO(text), strict=True))
        header = csv.DictReader(io.StringIO(text)).fieldnames or []
    except csv.Error as exc:
        raise _refuse(f"unreadable CSV ({exc})") from None
    unknown = [name for name in header if name not in COLUMNS]
    if unknown:
        raise _refuse(f"unknown column {unknown[0]!r}; the columns are: {', '.join(COLUMNS)}", "body.header",
                      "unknown_column")
    if "platforms" not in header:
        raise _refuse("the header row must name a platforms column", "body.header", "missing_column")
    if not rows:
        raise _refuse("no rows after the header")
    if len(rows) > MAX_BATCH:
        raise _refuse(f"{len(rows)} rows; a batch takes at most {MAX_BATCH}")
    posts = []
    for index, row in enumerate(rows):
        if None in row:  # more cells than the header names
            raise _refuse(f"row {index + 1} has more cells than the header", f"body.posts.{index}", "extra_cells")
        content: dict[str, Any] = {"platform": [_target(v) for v in _split(row.get("platforms") or "")]}
        if row.get("text"):
            content["text"] = row["text"]
        if row.get("mediaUrls"):
            content["mediaUrls"] = _split(row["mediaUrls"], " ")
        if row.get("mediaType"):
            content["mediaType"] = row["mediaType"]
        post: dict[str, Any] = {"post": {"content": content}}
        if row.get("scheduledTime"):
            post["scheduledTime"] = row["scheduledTime"]
        draft = (row.get("draft") or "").strip().lower()
        if draft:
            if draft not in ("true", "false"):
                raise _refuse(f"row {index + 1}: draft must be true or false", f"body.posts.{index}.draft", "invalid_boolean")
            post["draft"] = draft == "true"
        posts.append(post)
    return posts
