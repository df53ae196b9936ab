"""What follows a run's final outcome: the one place every finished run passes.

Called from the outbox (publishing/outbox.py) for each `run.finished` entry,
which runs.finish_run records in the same commit as the run's final state.
From here the owner's webhooks hear about it (the repurpose work has an
outbox entry of its own). Everything here raises on failure, so the entry
stays due and is dispatched again; everything here is de-duplicated
downstream, so a second dispatch is harmless.
"""

from __future__ import annotations

from shared.adapters.gcp import firestore_client
from shared.services.webhooks import post_events


def run_finished(submission_id: str, target_id: str) -> None:
    submission = firestore_client().collection("postSubmissions").document(submission_id).get().to_dict()
    post_events.run_finished(submission_id, target_id, submission, strict=True)
