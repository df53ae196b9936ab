"""The minute sweep: enqueue what is due and not yet enqueued.

Two kinds of submission wait for it: posts scheduled beyond the Cloud Tasks
horizon (30 days), and submissions whose enqueue failed at creation time
(the caller was told `dispatch_failed`). Both carry `needsDispatch: true` and
an `enqueueAt` time; the sweep picks those whose time has come.
"""

from __future__ import annotations

import logging

from google.cloud import firestore

from shared import clock
from shared.adapters.gcp import firestore_client
from shared.services.posts.dispatch import SUBMISSIONS, EnqueueError, dispatch_if_due

log = logging.getLogger("soku.sweep")
BATCH = 200


def sweep() -> dict:
    query = (
        firestore_client().collection(SUBMISSIONS)
        .where(filter=firestore.FieldFilter("needsDispatch", "==", True))
        .where(filter=firestore.FieldFilter("enqueueAt", "<=", clock.now()))
        .limit(BATCH)
    )
    enqueued = failed = 0
    for snap in query.stream():
        try:
            enqueued += dispatch_if_due(snap.id, snap.to_dict())
        except EnqueueError:
            failed += 1
            log.exception("sweep could not enqueue %s; will try again next minute", snap.id)
    return {"enqueued": enqueued, "failed": failed}
