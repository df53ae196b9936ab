"""The local Firestore keeps Firestore's transaction rules (devstack/node/firestore_transactions.js).

The exactly-once tests race attempts for one run; they only mean something if the
local Firestore isolates transactions as Firestore does for server clients: reads
lock, conflicting commits wait or abort (and the client retries), commits are
atomic and their preconditions hold. Each test here fails on the bare emulator
(@firestore-emulator/server 0.3.15), which isolates nothing.
"""

from __future__ import annotations

import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
from google.api_core.exceptions import AlreadyExists, FailedPrecondition
from google.cloud import firestore


def _doc(db, **fields):
    ref = db.collection("transactionProbe").document(uuid.uuid4().hex)
    ref.set(fields)
    return ref


def test_concurrent_read_modify_write_transactions_lose_no_update(db):
    ref = _doc(db, n=0)

    def work(_):
        for _ in range(15):
            @firestore.transactional  # one per call: the decorator keeps the call's retry state
            def bump(transaction):
                n = ref.get(transaction=transaction).get("n")
                transaction.update(ref, {"n": n + 1})

            bump(db.transaction())

    with ThreadPoolExecutor(4) as pool:
        list(pool.map(work, range(4)))
    assert ref.get().get("n") == 60


def test_a_document_read_in_a_transaction_holds_other_writes_until_it_commits(db):
    ref = _doc(db, owner="nobody")
    read, release = threading.Event(), threading.Event()
    order: list[str] = []

    @firestore.transactional
    def claim(transaction):
        owner = ref.get(transaction=transaction).get("owner")
        read.set()
        release.wait(5)
        transaction.update(ref, {"owner": "transaction", "sawOwner": owner})
        order.append("transaction")

    def outside_write():
        read.wait(5)
        ref.update({"owner": "outside"})  # must wait for the lock the transaction's read took
        order.append("outside")

    with ThreadPoolExecutor(2) as pool:
        first = pool.submit(claim, db.transaction())
        second = pool.submit(outside_write)
        time.sleep(1)
        assert order == [] and not second.done(), "the write did not wait for the transaction's lock"
        release.set()
        first.result(), second.result()
    assert order == ["transaction", "outside"]
    assert ref.get().to_dict() == {"owner": "outside", "sawOwner": "nobody"}


def test_two_transactions_claiming_one_document_both_see_the_first_claim(db):
    """Claim-if-free, raced: exactly one claim wins, the other sees it on its retry."""
    ref = _doc(db, owner=None)
    both_read = threading.Barrier(2)
    winners: list[str] = []

    def claimer(name):
        attempts = 0

        @firestore.transactional
        def claim(transaction):
            nonlocal attempts
            attempts += 1
            owner = ref.get(transaction=transaction).get("owner")
            if attempts == 1:
                both_read.wait(5)  # both have read "free" before either commits
            if owner is None:
                transaction.update(ref, {"owner": name})
                return True
            return False

        if claim(db.transaction()):
            winners.append(name)
        return attempts

    with ThreadPoolExecutor(2) as pool:
        attempts = list(pool.map(claimer, ["a", "b"]))
    assert len(winners) == 1 and ref.get().get("owner") == winners[0]
    assert sorted(attempts) == [1, 2]  # the loser was aborted and retried, then saw the winner


def test_a_commit_with_a_failed_precondition_writes_nothing(db):
    existing = _doc(db, n=1)
    other = db.collection("transactionProbe").document(uuid.uuid4().hex)
    batch = db.batch()
    batch.set(other, {"written": True})
    batch.create(existing, {"n": 2})  # exists already: the whole commit fails
    with pytest.raises(AlreadyExists):
        batch.commit()
    assert not other.get().exists and existing.get().get("n") == 1


def test_an_update_time_precondition_refuses_a_stale_write(db):
    ref = _doc(db, n=1)
    seen = ref.get()
    time.sleep(0.01)
    ref.update({"n": 2}, option=db.write_option(last_update_time=seen.update_time))
    with pytest.raises(FailedPrecondition):
        ref.update({"n": 3}, option=db.write_option(last_update_time=seen.update_time))
    assert ref.get().get("n") == 2
