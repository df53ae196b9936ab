"""Run documents: claiming a run for a publish attempt and recording its result.

A run moves `queued -> processing -> succeeded | failed` (or `canceled` before
it starts). The claim is a transaction on the run document, so a duplicate
delivery of the same task finds the run no longer `queued` and does nothing.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from google.api_core.exceptions import AlreadyExists
from google.cloud import firestore

from shared import clock
from shared.adapters.gcp import firestore_client

SUBMISSIONS = "postSubmissions"


def run_ref(submission_id: str, target_id: str) -> firestore.DocumentReference:
    return (firestore_client().collection(SUBMISSIONS).document(submission_id)
            .collection("runs").document(target_id))


# How long a claimed run is presumed alive: the publisher functions' timeout plus margin.
LEASE = timedelta(seconds=600)


def claim_run(submission_id: str, target_id: str, platform: str, delivery: int = 0) -> dict[str, Any] | None:
    """Move a queued run to processing and count the attempt; None if not ours to run.

    `delivery` is Cloud Tasks' retry count for this task. A run already
    `processing` is taken over only by a *later* delivery (Cloud Tasks retries
    only after the previous attempt ended: crashed, failed or timed out) or once
    its lease has run out; a duplicate of the same delivery finds it taken.

    The claim itself is the `create()` of `runs/{target}/attempts/{n}`: of two
    concurrent deliveries that both saw the run claimable, exactly one creates
    attempt n (a transaction alone would do in production, but create() holds
    on every backend, including the local emulator).
    """
    ref = run_ref(submission_id, target_id)
    snap = ref.get()
    if not snap.exists:
        return None
    data = snap.to_dict()
    if data.get("platform") != platform:
        return None
    now = clock.now()
    status = data.get("status")
    if status == "processing":
        lease_over = data.get("leaseUntil") is None or data["leaseUntil"] <= now
        if not (lease_over or delivery > int(data.get("claimedByDelivery", -1))):
            return None
    elif status != "queued":
        return None
    attempt = int(data.get("attemptCount", 0)) + 1
    try:
        ref.collection("attempts").document(str(attempt)).create(
            {"delivery": delivery, "claimedAt": now, "previousStatus": status})
    except AlreadyExists:
        return None
    update = {"status": "processing", "attemptCount": attempt, "startedAt": now, "updatedAt": now,
              "leaseUntil": now + LEASE, "claimedByDelivery": delivery}
    ref.update(update)
    return data | update


def save_checkpoint(submission_id: str, target_id: str, checkpoint: dict[str, Any]) -> None:
    run_ref(submission_id, target_id).update({"checkpoint": checkpoint, "updatedAt": clock.now()})


def release_for_retry(submission_id: str, target_id: str, error: dict[str, Any]) -> None:
    """Back to `queued` with the reason, for Cloud Tasks' next delivery to claim."""
    run_ref(submission_id, target_id).update(
        {"status": "queued", "lastError": error, "leaseUntil": None, "updatedAt": clock.now()}
    )


def finish_run(submission_id: str, target_id: str, status: str, result: dict[str, Any]) -> None:
    now = clock.now()
    run_ref(submission_id, target_id).update(
        {"status": status, "result": result, "finishedAt": now, "updatedAt": now}
    )
