"""The minute sweep: enqueue what is due, recover what is stuck, dispatch overdue events.

1. Dispatch: submissions with `needsDispatch` whose `enqueueAt` has come: posts
   scheduled beyond the Cloud Tasks horizon (30 days), submissions whose
   enqueue failed at creation time (the caller was told `dispatch_failed`), and
   orchestrator tasks that arrived early. Each document processed leaves the
   query (enqueued, or its stale flag cleared), so the sweep pages on until the
   query is empty, nothing moved, or its time budget is spent.
2. Recovery (posts/recovery.py): submissions and runs past their `recoverAt`.
3. The outbox (publishing/outbox.py): events whose dispatch is overdue.
"""

from __future__ import annotations

import logging
import time

from google.cloud import firestore

from shared import clock
from shared.adapters.gcp import firestore_client
from shared.services.posts import recovery
from shared.services.posts.dispatch import SUBMISSIONS, EnqueueError, dispatch_if_due
from shared.services.publishing import outbox

log = logging.getLogger("soku.sweep")
BATCH = 200
# The scheduler fires every minute; leave the next run its own minute.
TIME_BUDGET_S = 40.0
MAX_PAGES = 10


def sweep() -> dict:
    started = time.monotonic()
    result = _dispatch_due(started) | {"recovery": recovery.recover_due(), "outbox": outbox.dispatch_due()}
    result["failed"] += result["recovery"]["failed"]
    return result


def _dispatch_due(started: float) -> dict:
    enqueued = failed = 0
    for _ in range(MAX_PAGES):
        if time.monotonic() - started > TIME_BUDGET_S:
            break
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
            try:
                enqueued += dispatch_if_due(snap.id, snap.to_dict())
            except EnqueueError:
                page_failed += 1
                log.exception("sweep could not enqueue %s; will try again next minute", snap.id)
        failed += page_failed
        if len(page) < BATCH or page_failed == len(page):
            break  # the query is drained, or nothing on this page moved (the queue is down)
    return {"enqueued": enqueued, "failed": failed}
