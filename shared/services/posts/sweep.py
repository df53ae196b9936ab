"""The minute sweep: enqueue what is due, dispatch overdue events, recover what is stuck.

Cloud Scheduler starts it every minute; `sweepScheduledPosts` declares a timeout of
TIMEOUT_S, and the sweep's work ends after TIME_BUDGET_S (plus the item in hand), well
inside it and inside its minute, so a backlog never has it killed half-way and the next
minute's sweep starts on its own. Each phase has a budget and what it leaves is the next
minute's: every document a phase handles leaves its query (or moves its due time on).

1. Dispatch (DISPATCH_BUDGET_S): submissions with `needsDispatch` whose
   `enqueueAt` has come: posts scheduled beyond the Cloud Tasks horizon (30 days),
   submissions whose enqueue failed at creation time (the caller was told
   `dispatch_failed`), and orchestrator tasks that arrived early. The sweep pages
   on until the query is empty, nothing moved, or its budget is spent.
2. The outbox (publishing/outbox.py, OUTBOX_BUDGET_S): events whose dispatch is
   overdue, in pages. Before recovery, with a budget of its own: a recovery backlog
   never starves the webhooks of runs that did finish.
3. Expired uploads (media/upload_sessions.py, UPLOADS_BUDGET_S): upload sessions
   still pending past their `expiresAt`, in pages: the session cancelled, the staging
   object and the document deleted. Small and bounded, before recovery, so abandoned
   uploads never wait on a recovery backlog nor hold one up for long.
4. Recovery (posts/recovery.py): submissions and runs past their `recoverAt`, paged,
   until TIME_BUDGET_S since the sweep began (at least MIN_RECOVERY_BUDGET_S).
"""

from __future__ import annotations

import logging
import time

from google.cloud import firestore

from shared import clock
from shared.adapters.gcp import firestore_client
from shared.services.media import upload_sessions
from shared.services.posts import recovery
from shared.services.posts.dispatch import SUBMISSIONS, EnqueueError, dispatch_if_due
from shared.services.publishing import outbox

log = logging.getLogger("soku.sweep")
BATCH = 200
# The function's timeout (functions/scheduler.py). Cloud Scheduler's attempt deadline is
# at least 180 s (firebase-tools), so a sweep is never retried while it still runs.
TIMEOUT_S = 120
# The scheduler fires every minute; leave the next run its own minute, and the timeout a
# wide margin for the item in hand when a budget runs out (one enqueue or transaction).
TIME_BUDGET_S = 45.0
DISPATCH_BUDGET_S = 20.0
OUTBOX_BUDGET_S = 10.0
UPLOADS_BUDGET_S = 5.0
MIN_RECOVERY_BUDGET_S = 10.0
OUTBOX_PAGE = 25
MAX_PAGES = 10


def sweep() -> dict:
    started = time.monotonic()
    result = _dispatch_due(started + DISPATCH_BUDGET_S)
    result["outbox"] = _dispatch_outbox(time.monotonic() + OUTBOX_BUDGET_S)
    result["uploads"] = _sweep_uploads(time.monotonic() + UPLOADS_BUDGET_S)
    recovery_deadline = max(started + TIME_BUDGET_S, time.monotonic() + MIN_RECOVERY_BUDGET_S)
    result["recovery"] = recovery.recover_due(deadline=recovery_deadline)
    result["failed"] += result["recovery"]["failed"]
    result["seconds"] = round(time.monotonic() - started, 3)
    if result["recovery"]["more"] or result["outbox"]["more"] or result["uploads"]["more"] or result["more"]:
        log.warning("the sweep's budget ran out with work left (dispatch %s, outbox %s, uploads %s, recovery %s): "
                    "the next minute's sweep resumes it", bool(result["more"]), bool(result["outbox"]["more"]),
                    bool(result["uploads"]["more"]), bool(result["recovery"]["more"]))
    return result


def _dispatch_due(deadline: float) -> dict:
    enqueued = failed = more = 0
    for _ in range(MAX_PAGES):
        query = (
            firestore_client().collection(SUBMISSIONS)
            .where(filter=firestore.FieldFilter("needsDispatch", "==", True))
            .where(filter=firestore.FieldFilter("enqueueAt", "<=", clock.now()))
            .order_by("enqueueAt")
            .limit(BATCH)
        )
        page = list(query.stream())
        page_failed = 0
        for snap in page:
            if time.monotonic() >= deadline:
                return {"enqueued": enqueued, "failed": failed + page_failed, "more": 1}
            try:
                enqueued += dispatch_if_due(snap.id, snap.to_dict())
            except EnqueueError:
                page_failed += 1
                log.exception("sweep could not enqueue %s; will try again next minute", snap.id)
        failed += page_failed
        if len(page) < BATCH or page_failed == len(page):
            break  # the query is drained, or nothing on this page moved (the queue is down)
    else:
        more = 1
    return {"enqueued": enqueued, "failed": failed, "more": more}


def _sweep_uploads(deadline: float) -> dict:
    """Expired upload sessions; never fails the sweep (they wait for the next minute)."""
    try:
        return upload_sessions.sweep_expired(deadline)
    except Exception:  # noqa: BLE001 - a cleanup phase never takes dispatch or recovery down
        log.exception("the sweep could not clean up expired uploads; the next minute tries again")
        return {"deleted": 0, "failed": 1, "more": 1}


def _dispatch_outbox(deadline: float) -> dict:
    """Overdue outbox entries, a page at a time until none is left or the budget is spent.
    Each entry dispatched or failed leaves the query (done, or due again after its backoff)."""
    counts = {"dispatched": 0, "failed": 0, "more": 0}
    while True:
        if time.monotonic() >= deadline:
            counts["more"] = 1
            return counts
        page = outbox.dispatch_due(limit=OUTBOX_PAGE)
        counts["dispatched"] += page["dispatched"]
        counts["failed"] += page["failed"]
        if page["dispatched"] + page["failed"] < OUTBOX_PAGE:
            return counts
