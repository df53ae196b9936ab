"""A post and its thread's replies (`post.content.thread`), published as a chain.

The first post is the run's post, published as any other (`publisher.publish(ctx)`). Each
reply is then a post of its own, published by the same publisher through a context of its
own (`PublishContext.for_reply`) that names the post it answers: its create is armed and
reconciled exactly as a post's is (base.py's create_once and the publisher's find_existing,
which looks for the reply under its parent), so a crash between a reply's create and its
record never makes it twice.

Progress is kept in the run's checkpoint, in order: `thread.posted` lists the posts made so
far (the first post, then each reply), each recorded right after its create answered. An
attempt starts after the last one recorded, so a retry (the queue's, or POST /retry, which
keeps an armed checkpoint whole) resumes at the reply that stopped the chain.

A reply that fails stops the chain: later replies would answer the wrong post. The error is
the platform's, saying which reply it was, and the run's result lists what was published
(`ThreadStopped`), so the user sees a thread cut short, never a silent half.
"""

from __future__ import annotations

from typing import Any

from shared.services.publishing.base import PostContent, PublishContext, PublishedPost, Publisher, ReplyTo
from shared.services.publishing.errors import (
    NeedsReconnectError,
    PermanentError,
    PublishError,
    RetryableError,
    UnconfirmedError,
)


# Options that describe the first post alone: its images' alt texts (Bluesky's `altTexts`, one per
# image of that post), its topic (Threads' `topicTag`), its first comment. A reply gets the rest
# (a language, a visibility, a content warning) as the thread's.
FIRST_POST_ONLY = ("altTexts", "topicTag", "firstComment")


def reply_options(options: dict[str, Any]) -> dict[str, Any]:
    return {name: value for name, value in options.items() if name not in FIRST_POST_ONLY}


def publish_with_thread(publisher: Publisher, ctx: PublishContext) -> PublishedPost:
    """The post, then each reply of its thread in order; the first post is returned, and the
    replies' posts are in the run's report (`thread`)."""
    replies = ctx.content.thread
    if not replies:
        return publisher.publish(ctx)
    posted = published_so_far(ctx.checkpoint)
    if not posted:
        posted = [publisher.publish(ctx)]
        _record(ctx, posted)
    for index in range(len(posted), len(replies) + 1):
        reply_ctx = ctx.for_reply(index, replies[index - 1], ReplyTo(parent=posted[-1], root=posted[0]))
        try:
            post = publisher.publish(reply_ctx)
        except PublishError as error:
            raise _stopped_at(error, index, len(replies)) from error
        posted.append(post)
        _record(ctx, posted)
    return posted[0]


def published_so_far(checkpoint: dict[str, Any]) -> list[PublishedPost]:
    """The thread's posts recorded in a run's checkpoint: the first post, then its replies."""
    return [PublishedPost.from_saved(saved) for saved in (checkpoint.get("thread") or {}).get("posted", [])]


def thread_result(checkpoint: dict[str, Any]) -> dict[str, Any]:
    """What a finished run's result says of its thread: the first post (`postId`, `url`) and the
    replies published (`thread`, in order), when any of it was published; else nothing."""
    posted = published_so_far(checkpoint)
    if not posted:
        return {}
    return {"postId": posted[0].post_id, "url": posted[0].url,
            "thread": [{"postId": post.post_id, "url": post.url} for post in posted[1:]]}


def unfinished_thread(ctx: PublishContext) -> dict[str, Any]:
    """What a run that ends before its thread is whole says of it: the posts published (the first
    post and the replies before the one that stopped it) and `stoppedAtReply`, the reply not
    published (1-based; `post.content.thread[n-1]`). Nothing when no part was published."""
    partial = thread_result(ctx.checkpoint)
    if not partial or not ctx.content.thread:
        return {}
    return partial | {"stoppedAtReply": len(partial["thread"]) + 1}


def _record(ctx: PublishContext, posted: list[PublishedPost]) -> None:
    """Save the chain so far and show its replies in the run's result (the report), in one
    fenced checkpoint write: a reply costs one write, not two."""
    report = (ctx.checkpoint.get("report") or {}) | {
        "thread": [{"postId": post.post_id, "url": post.url} for post in posted[1:]]}
    ctx.save(thread={"posted": [post.saved() for post in posted]}, report=report)


def _stopped_at(error: PublishError, index: int, replies: int) -> PublishError:
    """The reply's failure, saying which reply it was; the same kind of error, so the runner
    retries what can be retried and fails what cannot."""
    where = (f"Reply {index} of {replies} of the thread (post.content.thread[{index - 1}]) was not published; "
             f"the posts before it are. ")
    # The taxonomy's own classes (a platform's private subclasses take other arguments).
    if isinstance(error, UnconfirmedError):
        stopped: PublishError = UnconfirmedError(where + error.message, code=error.code, report=error.report)
    elif isinstance(error, RetryableError):
        stopped = RetryableError(where + error.message, code=error.code, retry_after=error.retry_after)
    else:
        kind = next(k for k in (NeedsReconnectError, PermanentError, PublishError) if isinstance(error, k))
        stopped = kind(where + error.message, code=error.code)
    return stopped
