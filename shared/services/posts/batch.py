"""`POST /v1/posts/batch`: up to 100 posts in one request (a week of posts, a CSV import).

Each post goes through exactly what `POST /v1/posts` does (submission.create_post: checks, the
daily ceiling, its own idempotency claim, its orchestrator), under a key derived from the batch's
`Idempotency-Key` and the post's place in the batch. So a replay of the batch, or a retry after a
failure part-way, answers each post it already made with that post (never a second one) and makes
the rest: "the same answer" is each item's own.

A post the schema refuses (wrong types, unknown fields) never gets here: the route answers the
whole batch 400, as for any malformed body. `atomic: true` checks every post first (validation, accounts, media, the platforms' preflight,
the daily ceiling for all of them together) and stores none unless all pass: the answer is one
400 listing each refused post. Only then is each stored; should one of those writes fail (the
database, or an account disconnected in the milliseconds between), the answer says which, and
the same request again finishes the batch. Without `atomic`, each post stands alone and the
answer lists each one's result or error envelope.
"""

from __future__ import annotations

import hashlib
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Callable

from shared.errors import SokuError, ValidationError
from shared.services import idempotency
from shared.models.posts import CreatePostRequest
from shared.services.posts import submission
from shared.services.posts.preflight import check_with_platforms

MAX_POSTS = 100
# Posts made at once: each is a few round trips to Firestore and one enqueue.
PARALLEL = 8


def _item_key(user_id: str, batch_key: str | None, index: int) -> str | None:
    """The idempotency key of the batch's `index`th post; None: the post's own body decides, as
    for a `POST /v1/posts` without a key (an identical post within 24 hours is the same post)."""
    if not batch_key:
        return None
    digest = hashlib.sha256(f"{user_id}\n{batch_key}".encode()).hexdigest()[:32]
    return f"batch_{digest}_{index}"


def _reprefixed(error: SokuError, index: int) -> SokuError:
    """The error with its fields named from the batch's body (`body.posts.3.post.content.text`)."""
    if isinstance(error.details, list):
        for detail in error.details:
            if isinstance(detail, dict) and isinstance(detail.get("field"), str) and detail["field"].startswith("body"):
                detail["field"] = f"body.posts.{index}" + detail["field"][len("body"):]
    return error


def _envelope(error: SokuError) -> dict:
    return {"type": error.type, "code": error.code, "message": error.message,
            **({"details": error.details} if error.details is not None else {})}


def _check(user_id: str, request: CreatePostRequest) -> int:
    """What submission refuses, with no writes; the number of targets (the daily ceiling's unit)."""
    prepared = submission.prepare(user_id, request)
    check_with_platforms(user_id, request.post.content.text, prepared.plan, prepared.targets)
    return len(prepared.targets)


def _checked_all(user_id: str, posts: list[CreatePostRequest], errors: dict[int, SokuError],
                 pool: ThreadPoolExecutor) -> int:
    def check(index: int) -> tuple[int, int | SokuError]:
        try:
            return index, _check(user_id, posts[index])
        except SokuError as error:
            return index, _reprefixed(error, index)

    targets = 0
    for index, outcome in pool.map(check, range(len(posts))):
        if isinstance(outcome, SokuError):
            errors[index] = outcome
        else:
            targets += outcome
    return targets


def _refused(errors: dict[int, SokuError], total: int) -> ValidationError:
    details = []
    for index in sorted(errors):
        for detail in (errors[index].details if isinstance(errors[index].details, list) else []) or [
                {"field": f"body.posts.{index}", "message": errors[index].message, "code": errors[index].code}]:
            details.append(detail | {"index": index} if isinstance(detail, dict) else detail)
    return ValidationError(
        f"{len(errors)} of {total} posts were refused; with atomic: true none was stored",
        details=details)


def validate(user_id: str, posts: list[CreatePostRequest]) -> dict:
    """`POST /v1/posts/batch/validate`: each post checked as the batch would check it; nothing stored."""
    errors: dict[int, SokuError] = {}
    with ThreadPoolExecutor(PARALLEL) as pool:
        _checked_all(user_id, posts, errors, pool)
    results = [{"index": i, "valid": i not in errors, **({"error": _envelope(errors[i])} if i in errors else {})}
               for i in range(len(posts))]
    return {"valid": not errors, "results": results}


ENDPOINT = "POST /v1/posts/batch"


def create(user_id: str, key_hash: str | None, raw_body: dict, raw_posts: list[Any], posts: list[CreatePostRequest],
           atomic: bool, batch_key: str | None, meter: Any = None,
           meter_for: Callable[[], Any] | None = None) -> dict:
    """Make every post (or, atomic and one is refused, none); each item's result in order. With an
    `Idempotency-Key`, the batch's answer is kept: the same request again answers it as it was."""
    if not batch_key:
        return _create(user_id, key_hash, raw_posts, posts, atomic, None, meter, meter_for)
    claim = idempotency.begin(user_id, ENDPOINT, batch_key, raw_body)
    if claim.state == "completed":
        return claim.body
    try:
        answer = _create(user_id, key_hash, raw_posts, posts, atomic, batch_key, meter, meter_for)
    except BaseException:
        idempotency.abandon(claim)  # refused (atomic) or failed: a corrected retry runs afresh
        raise
    idempotency.complete(claim, 200, answer)
    return answer


def _create(user_id: str, key_hash: str | None, raw_posts: list[Any], posts: list[CreatePostRequest], atomic: bool,
            batch_key: str | None, meter: Any, meter_for: Callable[[], Any] | None) -> dict:
    errors: dict[int, SokuError] = {}
    with ThreadPoolExecutor(PARALLEL) as pool:
        if atomic:
            targets = _checked_all(user_id, posts, errors, pool)
            if errors:
                raise _refused(errors, len(raw_posts))
            if meter is not None:
                meter.check(targets)  # the whole batch within today's ceiling, or nothing stored

        def make(index: int) -> dict:
            try:
                result = submission.create_post(user_id, key_hash, posts[index], raw_posts[index],
                                                _item_key(user_id, batch_key, index),
                                                meter=meter_for() if meter_for is not None else None)
            except SokuError as error:
                error = _reprefixed(error, index)
                return {"index": index, "status": error.status, "error": _envelope(error)}
            return {"index": index, "status": result.status, **result.body,
                    **({"idempotencyKey": result.idempotency_key} if batch_key else {})}

        results = list(pool.map(make, range(len(raw_posts))))
    created = sum(1 for r in results if "postSubmissionId" in r and r["status"] < 300)
    return {"atomic": atomic, "created": created, "failed": len(results) - created, "results": results}
