"""A post's first comment (`options.<platform>.firstComment`), posted exactly once.

Instagram, Facebook, LinkedIn and YouTube each post it their own way; what they share is
here: the comment is sent once the post is published, after the run's checkpoint is armed
(`firstComment.armedAt`), so an attempt that died between sending it and recording the
answer is followed by one that looks for the comment under the post before sending it
again. Its outcome (`posted` with the comment's id, or `failed` with the reason) goes into
the run's result through `ctx.report`. A comment that fails never fails the post: the
post is published, and failing the run would make a retry publish it again.
"""

from __future__ import annotations

from typing import Callable

from shared import clock
from shared.services.publishing.base import PublishContext
from shared.services.publishing.errors import PublishError

# send(text) -> the new comment's id; find(text) -> the id of our comment with that text
# under the post, or None. Either raises PublishError when the platform refuses.
Send = Callable[[str], str]
Find = Callable[[str], "str | None"]


def post_first_comment(ctx: PublishContext, send: Send, find: Find) -> None:
    """Post the target's `firstComment` once; its outcome goes into the run's result, never raised."""
    text = (ctx.content.options or {}).get("firstComment")
    state = ctx.checkpoint.get("firstComment") or {}
    if not text or state.get("status") in ("posted", "failed"):
        return  # nothing asked, or an earlier attempt settled it (and reported it)
    try:
        if state.get("armedAt"):
            # An earlier attempt sent the comment and never recorded the answer: look first.
            found = find(text)
            if found is not None:
                ctx.save(firstComment={"status": "posted", "commentId": str(found)})
                ctx.report(firstComment=ctx.checkpoint["firstComment"])
                return
        ctx.save(firstComment={"armedAt": clock.now().isoformat()})
        ctx.save(firstComment={"status": "posted", "commentId": str(send(text))})
    except PublishError as error:
        # The post is published; a missing first comment must not fail (or repeat) it.
        ctx.save(firstComment={"status": "failed", "code": error.code, "message": error.message})
    ctx.report(firstComment=ctx.checkpoint["firstComment"])  # shown in the run's result
