"""Run documents: claiming a run for a publish attempt and recording its result.

A run moves `queued -> processing -> succeeded | failed` (or `canceled` before
it starts). The claim is a transaction on the run document, so a duplicate
delivery of the same task finds the run no longer `queued` and does nothing.
"""

from __future__ import annotations

from typing import Any

from google.cloud import firestore

from shared import clock
from shared.adapters.gcp import firestore_client

SUBMISSIONS = "postSubmissions"


def run_ref(submission_id: str, target_id: str) -> firestore.DocumentReference:
    return (firestore_client().collection(SUBMISSIONS).document(submission_id)
            .collection("runs").document(target_id))


def claim_run(submission_id: str, target_id: str, platform: str) -> dict[str, Any] | None:
    """Move a queued run to processing and count the attempt; None if not ours to run."""
    ref = run_ref(submission_id, target_id)

    @firestore.transactional
    def claim(transaction: firestore.Transaction) -> dict[str, Any] | None:
        snap = ref.get(transaction=transaction)
        if not snap.exists:
            return None
        data = snap.to_dict()
        if data.get("status") != "queued" or data.get("platform") != platform:
            return None
        now = clock.now()
        update = {"status": "processing", "attemptCount": int(data.get("attemptCount", 0)) + 1,
                  "startedAt": now, "updatedAt": now}
        transaction.update(ref, update)
        return data | update

    return claim(firestore_client().transaction())


def finish_run(submission_id: str, target_id: str, status: str, result: dict[str, Any]) -> None:
    now = clock.now()
    run_ref(submission_id, target_id).update(
        {"status": status, "result": result, "finishedAt": now, "updatedAt": now}
    )
