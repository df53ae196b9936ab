"""The publisher task's work for one run.

Platform publishers arrive with the publisher issues; until then a claimed
run fails at once with a clear, retryable-later reason, so the fan-out is
visible end to end in the run documents and nothing sits in `processing`.
"""

from __future__ import annotations

import logging

from shared.platforms import RULES, Platform
from shared.services.publishing.runs import claim_run, finish_run

log = logging.getLogger("soku.publisher")


def process_run(platform: Platform, submission_id: str, target_id: str) -> str:
    run = claim_run(submission_id, target_id, platform.value)
    if run is None:
        log.info("run %s/%s is not queued: duplicate or cancelled delivery ignored", submission_id, target_id)
        return "skipped"
    name = RULES[platform].display_name
    finish_run(submission_id, target_id, "failed", {
        "code": "platform_unavailable",
        "message": f"Publishing to {name} is not enabled in this deployment yet. "
                   f"Retry the post with POST /v1/posts/{submission_id}/retry once it is.",
        "retryable": True,
    })
    return "failed"
