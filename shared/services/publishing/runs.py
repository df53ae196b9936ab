"""Run documents: the state machine of one target's publish.

    queued ──claim──▶ processing ──finish──▶ succeeded | failed
      ▲                   │
      └──release / wait───┘       (queued ──cancel──▶ canceled, in posts/manage.py)

Every transition is one transaction on the run document: it reads the run,
checks the transition is allowed, and writes everything the transition
changes in a single commit. Nothing is ever half-claimed or half-finished.

**Fencing.** `attemptCount` is the fencing token. A claim increments it and
the attempt keeps its number; every later write of that attempt (checkpoint,
release, wait, finish) first checks that the run is still `processing` under
the same number, and raises `LeaseLost` otherwise. An attempt that outlived its
lease (a later delivery, or the recovery sweep, took the run over) can neither
write nor create: arming the create is a checkpoint write, so ownership is
checked immediately before the platform is asked to create anything.

**Leases and recovery.** A claim holds the run until `leaseUntil` (longer than
the publisher functions' timeout). Every state also carries `recoverAt`, the
moment after which the recovery sweep (posts/recovery.py) treats the run as
stuck if it is still in that state: the lease's end while processing, the stall
limit while queued, the platform's reset time while waiting. Terminal states
clear it.

**The outbox.** Finishing writes the run's final state and the events it
causes (webhooks, the repurpose hand-off: publishing/outbox.py) in the same
commit; they are dispatched after it, at least once, from there.

The claim also `create()`s `attempts/{n}` in its commit: of two concurrent
claims of the same attempt number exactly one commits by that precondition
alone, whatever the isolation of the transaction's read (the local Firestore
isolates them as Firestore does: devstack/node/firestore_transactions.js).
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta
from typing import Any, Callable

from google.api_core.exceptions import AlreadyExists
from google.cloud import firestore

from shared import clock
from shared.adapters.gcp import firestore_client
from shared.config import get_settings
from shared.services import sealed_index
from shared.services.posts import shape
from shared.services.publishing import outbox, run_events

SUBMISSIONS = "postSubmissions"
TERMINAL = shape.TERMINAL

# A task this close to a run's `notBefore` is due (clocks differ a little).
EARLY_TOLERANCE = timedelta(seconds=5)
# Attempts of each transition's transaction. The runs of one post contend: a finish reads the
# post and all its runs (run_events.py), so every sibling's claim, checkpoint or finish commit
# aborts it. The client's default, 5, ran out with 8 runs finishing together (make
# bench-publish): the task then failed and Cloud Tasks delivered it again after the queue's
# 10 s backoff. Each attempt re-reads and re-checks the fence, so retrying here is as safe as
# that redelivery, only sooner (budgets.py does the same for its racing charges).
TRANSACTION_ATTEMPTS = 20


class LeaseLost(Exception):
    """This attempt no longer owns the run: it must stop without writing or creating."""


class NotYetDue(Exception):
    """A delivery came before the post's `scheduledTime`: nothing was claimed, and the
    delivery must end non-2xx so that Cloud Tasks delivers it again (see claim_run)."""

    def __init__(self, due: datetime) -> None:
        super().__init__(f"the post is scheduled for {due.isoformat()}: not due yet")
        self.due = due


class PostClaimedByAnotherRun(Exception):
    """The platform post a run would finish with is already another run's (see claim_post)."""

    def __init__(self, post_id: str, owner: str) -> None:
        super().__init__(f"post {post_id} is already the post of {owner}")
        self.post_id, self.owner = post_id, owner


POST_CLAIMS = "platformPosts"


def post_claim_ref(platform: str, account_id: str, post_id: str) -> firestore.DocumentReference:
    """`platformPosts/{id}`: which run a platform post belongs to. A run finishing
    `succeeded` claims its post in the same commit; a lookup that matched on text can find
    another run's identical post, and two runs sharing one post would, among other things,
    take each other's down. Keyed by platform, account and the platform's post id."""
    key = hashlib.sha256(f"{platform}|{account_id}|{post_id}".encode()).hexdigest()[:40]
    return firestore_client().collection(POST_CLAIMS).document(key)


def run_ref(submission_id: str, target_id: str) -> firestore.DocumentReference:
    return (firestore_client().collection(SUBMISSIONS).document(submission_id)
            .collection("runs").document(target_id))


def lease() -> timedelta:
    """How long a claimed run is presumed alive: the publisher functions' timeout plus margin."""
    return timedelta(seconds=get_settings().run_lease_s)


def stall() -> timedelta:
    """How long a queued run may wait for its task before the sweep enqueues it again."""
    return timedelta(seconds=get_settings().stall_s)


def spent_attempts(run: dict[str, Any]) -> int:
    """This generation's attempts that count against MAX_ATTEMPTS.

    `attemptCount` only grows (it is the fencing token); a retry of the post
    (`POST /v1/posts/{id}/retry`) starts counting afresh from `attemptBase`, and
    waits for a platform's reset are not spent attempts.
    """
    return int(run.get("attemptCount", 0)) - int(run.get("attemptBase", 0)) - int(run.get("waits", 0))


def claim_run(submission_id: str, target_id: str, platform: str, delivery: int = 0,
              task: str = "") -> dict[str, Any] | None:
    """Move a queued run to processing under a new attempt number; None if not ours to run.

    `task` is the Cloud Tasks task delivering this attempt (`X-CloudTasks-TaskName`)
    and `delivery` its retry count. A run already `processing` under a live lease
    is taken over only by a *later delivery of the same task*: Cloud Tasks
    retries a task only after its previous attempt ended (crashed, failed or
    timed out). Retry counts of different tasks say nothing about each other:
    one run is served by several tasks (the first, a wait for a platform's reset,
    the sweep's recoveries, each POST /retry), each counting from 0, so a late
    retry of the first task must not take over from the recovery task's live
    attempt. Any task may claim once the lease has run out; a duplicate of the
    same delivery finds the run taken.
    A task that arrives before the run's `notBefore` (a platform's reset time)
    is early and does nothing: the scheduled task, or the sweep, comes back.

    Never before the post's `scheduledTime` (read from the submission in the same
    transaction, so a reschedule is seen): a delivery that would claim earlier raises
    NotYetDue and claims nothing. The orchestrator enqueues a post's runs only once it
    is due, so no genuine publisher task comes early beyond clock differences
    (EARLY_TOLERANCE); an early one is a forged call or one run by hand, and it must not
    publish a post its user scheduled for later. NotYetDue rather than None: the
    publisher answers it non-2xx (runner.py), so a genuine task that did come early is
    delivered again by Cloud Tasks after its backoff, the same task, under the same name,
    and claims then; a 2xx would end it and leave the run to the recovery sweep a stall
    later. Re-enqueueing at the scheduled time instead would mint a second task for the
    run on the word of a caller that may be forged.
    """
    ref = run_ref(submission_id, target_id)

    @firestore.transactional
    def claim(transaction: firestore.Transaction) -> dict[str, Any] | None:
        snap = ref.get(transaction=transaction)
        if not snap.exists:
            return None
        data = snap.to_dict()
        if data.get("platform") != platform:
            return None
        now = clock.now()
        status = data.get("status")
        if status == "processing":
            lease_over = data.get("leaseUntil") is None or data["leaseUntil"] <= now
            same_task = task == data.get("claimedByTask", "")
            if not (lease_over or (same_task and delivery > int(data.get("claimedByDelivery", -1)))):
                return None
        elif status != "queued":
            return None
        elif data.get("notBefore") is not None and data["notBefore"] > now + EARLY_TOLERANCE:
            return None
        scheduled = (ref.parent.parent.get(transaction=transaction).to_dict() or {}).get("scheduledTime")
        if scheduled is not None and scheduled > now + EARLY_TOLERANCE:
            raise NotYetDue(scheduled)
        attempt = int(data.get("attemptCount", 0)) + 1
        until = now + lease()
        update = {"status": "processing", "attemptCount": attempt, "startedAt": now, "updatedAt": now,
                  "leaseUntil": until, "recoverAt": until, "claimedByDelivery": delivery, "claimedByTask": task,
                  "notBefore": None}
        # The create's precondition fails the whole commit (atomic, locally too): a lost race
        # writes nothing.
        transaction.create(ref.collection("attempts").document(str(attempt)),
                           {"delivery": delivery, "task": task, "claimedAt": now, "previousStatus": status})
        transaction.update(ref, update)
        return data | update

    try:
        return claim(firestore_client().transaction(max_attempts=TRANSACTION_ATTEMPTS))
    except AlreadyExists:
        return None  # a concurrent delivery claimed this attempt number


def _fenced(submission_id: str, target_id: str, attempt: int,
            write: Callable[[firestore.Transaction, firestore.DocumentReference, dict[str, Any]], Any]) -> Any:
    """Run `write` in a transaction, only while attempt `attempt` still owns the run."""
    ref = run_ref(submission_id, target_id)

    @firestore.transactional
    def fenced(transaction: firestore.Transaction) -> Any:
        data = ref.get(transaction=transaction).to_dict() or {}
        if data.get("status") != "processing" or int(data.get("attemptCount", 0)) != attempt:
            raise LeaseLost(f"attempt {attempt} of {submission_id}/{target_id} lost the run: it is "
                            f"{data.get('status')} under attempt {data.get('attemptCount')}")
        return write(transaction, ref, data)

    return fenced(firestore_client().transaction(max_attempts=TRANSACTION_ATTEMPTS))


def save_checkpoint(submission_id: str, target_id: str, attempt: int, checkpoint: dict[str, Any]) -> None:
    def write(transaction: firestore.Transaction, ref: firestore.DocumentReference, data: dict[str, Any]) -> None:
        transaction.update(ref, {"checkpoint": checkpoint, "updatedAt": clock.now()})
        # A sealed value (a Snapchat upload's key) in the checkpoint: the key rotation must find
        # this run, so it is indexed in the same commit, whatever the publisher sealed.
        if (any(sealed_index.sealed_values(checkpoint))
                and not any(sealed_index.sealed_values(data.get("checkpoint")))):
            sealed_index.record(ref, data.get("userId"), transaction=transaction)

    _fenced(submission_id, target_id, attempt, write)


def release_for_retry(submission_id: str, target_id: str, attempt: int, error: dict[str, Any]) -> None:
    """Back to `queued` with the reason, for Cloud Tasks' next delivery to claim."""
    now = clock.now()
    _fenced(submission_id, target_id, attempt, lambda tx, ref, _: tx.update(ref, {
        "status": "queued", "lastError": error, "leaseUntil": None, "recoverAt": now + stall(),
        "updatedAt": now}))


def wait_until(submission_id: str, target_id: str, attempt: int, not_before: datetime,
               error: dict[str, Any]) -> dict[str, Any]:
    """Back to `queued` until the platform's reset time, without spending the attempt.

    Also brings the submission's `recoverAt` forward to that time, so the sweep
    looks at the run then even if the scheduled task never comes.
    """
    now = clock.now()
    submission = firestore_client().collection(SUBMISSIONS).document(submission_id)

    def write(transaction: firestore.Transaction, ref, data: dict[str, Any]) -> dict[str, Any]:
        recover_at = not_before + EARLY_TOLERANCE + timedelta(seconds=60)
        current = (submission.get(transaction=transaction).to_dict() or {}).get("recoverAt")
        update = {"status": "queued", "lastError": error, "leaseUntil": None, "notBefore": not_before,
                  "waits": int(data.get("waits", 0)) + 1, "waitingSince": data.get("waitingSince") or now,
                  "recoverAt": recover_at, "updatedAt": now}
        transaction.update(ref, update)
        if current is None or current > recover_at:
            transaction.update(submission, {"recoverAt": recover_at})
        return data | update

    return _fenced(submission_id, target_id, attempt, write)


def finish_run(submission_id: str, target_id: str, attempt: int | None, status: str, result: dict[str, Any],
               events: list[outbox.Entry] = (),
               also: Callable[[firestore.Transaction], list[outbox.Entry]] | None = None) -> list[outbox.Entry]:
    """Record the final outcome and, in the same commit, the events it causes: `events`, and
    the run's webhooks (post.published / post.failed, post.completed), frozen from the post as
    this commit leaves it (run_events.py).

    `attempt` None finishes a run no attempt holds (queued; the orchestrator and
    the sweep do that); otherwise the attempt must still own it. `also` adds its
    own reads and writes to the commit (after every read of finish_run's own,
    before its writes) and returns the events they cause. Returns every event
    recorded.
    """
    now = clock.now()
    update = {"status": status, "result": result, "finishedAt": now, "updatedAt": now,
              "leaseUntil": None, "recoverAt": None, "notBefore": None}

    def write(transaction: firestore.Transaction, ref, data: dict[str, Any]) -> list[outbox.Entry]:
        # A transaction's reads precede its writes: first the post and its runs, from which the
        # run's webhook events are frozen as of this commit; then `also` (reads, then writes).
        frozen = run_events.frozen(transaction, ref.parent.parent, target_id, data | update)
        claim = _claim_post(transaction, ref, data, status, result)
        recorded = [*(also(transaction) if also is not None else []), *events, *frozen]
        if claim is not None:
            transaction.set(*claim)
        transaction.update(ref, update)
        outbox.record(transaction, recorded)
        return recorded

    if attempt is not None:
        return _fenced(submission_id, target_id, attempt, write)
    ref = run_ref(submission_id, target_id)

    @firestore.transactional
    def unclaimed(transaction: firestore.Transaction) -> None:
        data = ref.get(transaction=transaction).to_dict() or {}
        if data.get("status") != "queued":
            raise LeaseLost(f"run {submission_id}/{target_id} is {data.get('status')}, not queued")
        return write(transaction, ref, data)

    return unclaimed(firestore_client().transaction(max_attempts=TRANSACTION_ATTEMPTS))


def await_task(submission_id: str, target_id: str, until: datetime) -> bool:
    """A queued run now waits for its task: the sweep looks at it at `until` if it is still
    queued then. Only a run still `queued` is touched (a task of an earlier delivery may have
    claimed it meanwhile: its lease is its deadline). False when it was not queued."""
    ref = run_ref(submission_id, target_id)

    @firestore.transactional
    def write(transaction: firestore.Transaction) -> bool:
        data = ref.get(transaction=transaction).to_dict() or {}
        if data.get("status") != "queued":
            return False
        transaction.update(ref, {"recoverAt": until, "updatedAt": clock.now()})
        return True

    return write(firestore_client().transaction(max_attempts=TRANSACTION_ATTEMPTS))


def await_tasks(submission_id: str, target_ids: list[str], until: datetime) -> list[bool]:
    """`await_task` for several runs of one post in one transaction (the orchestrator's: one
    transaction's three round trips, not three per run). Each run is read and checked in it as
    `await_task` checks it alone; only those still `queued` are touched."""
    refs = [run_ref(submission_id, target_id) for target_id in target_ids]

    @firestore.transactional
    def write(transaction: firestore.Transaction) -> list[bool]:
        found = {snap.reference.path: snap.to_dict() or {} for snap in transaction.get_all(refs)}
        touched = []
        for ref in refs:
            queued = found.get(ref.path, {}).get("status") == "queued"
            if queued:
                transaction.update(ref, {"recoverAt": until, "updatedAt": clock.now()})
            touched.append(queued)
        return touched

    if not refs:
        return []
    return write(firestore_client().transaction(max_attempts=TRANSACTION_ATTEMPTS))


def reschedule_submission(ref: firestore.DocumentReference, update: dict[str, Any] | None = None) -> datetime | None:
    """Set a submission's `recoverAt` to the earliest deadline of its live runs (None when
    every run is terminal), with `update`, in one transaction that reads the runs.

    Computed from runs read in the same transaction, never from an earlier scan: a run
    re-queued meanwhile (POST /retry whose enqueue failed, a recovery) is seen, or its own
    commit comes after this one and sets the submission's deadline itself.
    """
    now = clock.now()

    @firestore.transactional
    def write(transaction: firestore.Transaction) -> datetime | None:
        deadlines = []
        for snap in ref.collection("runs").stream(transaction=transaction):
            data = snap.to_dict() or {}
            if data.get("status") not in TERMINAL:
                deadlines.append(data.get("recoverAt") or now + stall())
        recover_at = min(deadlines) if deadlines else None
        transaction.update(ref, {**(update or {}), "recoverAt": recover_at, "updatedAt": now})
        return recover_at

    return write(firestore_client().transaction(max_attempts=TRANSACTION_ATTEMPTS))


def _claim_post(transaction: firestore.Transaction, ref: firestore.DocumentReference, run: dict[str, Any],
                status: str, result: dict[str, Any]) -> tuple[firestore.DocumentReference, dict] | None:
    """Read the claim of the post a run finishes `succeeded` with; the write that claims it, or
    None when there is nothing to claim. Raises PostClaimedByAnotherRun when it is another
    run's (the transaction then writes nothing)."""
    post_id = result.get("postId") if status == "succeeded" else None
    if not post_id:
        return None
    claim = post_claim_ref(str(run.get("platform")), str(run.get("accountId")), str(post_id))
    owner = (claim.get(transaction=transaction).to_dict() or {}).get("run")
    if owner is not None and owner != ref.path:
        raise PostClaimedByAnotherRun(str(post_id), owner)
    return claim, {"run": ref.path, "platform": run.get("platform"), "accountId": run.get("accountId"),
                   "postId": str(post_id), "claimedAt": clock.now()}

