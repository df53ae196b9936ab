"""The outbox retries a failing entry for days, backing off to hours, and a dead entry is seen.

Each test records a real webhook entry in the emulator's `outbox` collection whose
dispatch always fails (storing its deliveries is made to fail, as in tests/test_exactly_once.py),
and moves this process's clock (`time_travel`) to each time the entry is due, dispatching it
as the minute sweep does (`outbox.dispatch_due`).
"""

from __future__ import annotations

import logging
import uuid
from datetime import datetime, timedelta, timezone

import pytest
from google.api_core.exceptions import ServiceUnavailable
from google.cloud import firestore

from shared import clock
from shared.services.publishing import outbox

INJECTED = "injected: storing the event's deliveries failed"


@pytest.fixture
def broken_entry(db, monkeypatch):
    """A committed webhook entry whose every dispatch fails; removed afterwards."""
    from shared.services.webhooks import events

    user_id = f"outbox-{uuid.uuid4().hex}"
    real = events.emit_event

    def unstorable(uid, *args, **kwargs):
        if uid == user_id:
            raise ServiceUnavailable(INJECTED)
        return real(uid, *args, **kwargs)

    monkeypatch.setattr(events, "emit_event", unstorable)
    entry = outbox.webhook(user_id, "post.published", (user_id, "x:x_main", "succeeded", 0), {"post": {}})
    batch = db.batch()
    outbox.record(batch, [entry])
    batch.commit()
    yield entry
    db.collection(outbox.COLLECTION).document(entry.id).delete()


def _stored(db, entry) -> dict:
    return db.collection(outbox.COLLECTION).document(entry.id).get().to_dict()


def _sweep_until_tried(db, entry) -> dict:
    """Dispatch what is due until this entry has been tried once more (other tests' entries
    may be due before it); its record afterwards."""
    attempts = _stored(db, entry)["attempts"]
    for _ in range(20):
        outbox.dispatch_due()
        stored = _stored(db, entry)
        if stored["attempts"] > attempts:
            return stored
    raise AssertionError(f"the sweep never tried {entry.id}")


def test_a_failing_entry_backs_off_to_hours_and_is_dead_only_after_three_days(broken_entry, time_travel,
                                                                              db, caplog):
    caplog.set_level(logging.INFO, logger="soku.outbox")
    outbox.dispatch([broken_entry])  # right after the commit, as a publisher does: it fails
    stored = _stored(db, broken_entry)
    created = stored["createdAt"]
    waits, dues = [], []
    while stored.get("dueAt") is not None:
        waits.append((stored["dueAt"] - clock.now()).total_seconds())
        dues.append(stored["dueAt"])
        assert len(waits) < 80, waits
        time_travel(seconds=(stored["dueAt"] - clock.now()).total_seconds() + 1)
        stored = _sweep_until_tried(db, broken_entry)

    # Each wait doubles from a minute up to six hours; the last retry is three days after the
    # entry was recorded, and the failure there is the last.
    minutes = [round(w / 60) for w in waits[:-1]]
    assert minutes == [1, 2, 4, 8, 16, 32, 64, 128, 256] + [360] * 10, minutes
    assert dues[-1] == created + timedelta(days=3)
    assert stored["attempts"] == len(waits) + 1 == 21
    assert stored["deadAt"] >= created + timedelta(days=3)
    assert INJECTED in stored["lastError"]
    assert stored.get("expiresAt") is None  # kept until someone looks at it

    errors = [r for r in caplog.records if r.name == "soku.outbox" and r.levelno >= logging.ERROR]
    assert len(errors) == 1, [r.getMessage() for r in errors]  # the failures before it are warnings
    assert broken_entry.id in errors[0].getMessage() and "webhook" in errors[0].getMessage()

    # A dead entry is not tried again.
    time_travel(days=1)
    outbox.dispatch_due()
    assert _stored(db, broken_entry)["attempts"] == 21


def test_sixty_failures_do_not_end_the_retries(broken_entry, time_travel, db):
    """Only the span gives up on an entry, never a number of failures: an entry recorded two
    minutes ago that has failed 59 times (the old limit was 60) is retried after its 60th."""
    db.collection(outbox.COLLECTION).document(broken_entry.id).update({"attempts": 59})
    time_travel(minutes=2)
    stored = _sweep_until_tried(db, broken_entry)
    assert stored["attempts"] == 60
    assert stored["dueAt"] is not None and stored.get("deadAt") is None
    assert round((stored["dueAt"] - clock.now()).total_seconds() / 3600) == 6  # backed off to the cap


def test_readiness_counts_dead_entries_and_stays_ready(broken_entry, time_travel, db, client):
    body = client.get("/health/ready").json()
    assert "deadOutboxEntries" in body, body
    before = body["deadOutboxEntries"]
    time_travel(days=3, minutes=2)
    stored = _sweep_until_tried(db, broken_entry)  # its first retry is past the give-up span
    assert stored["deadAt"] is not None

    r = client.get("/health/ready")
    assert r.status_code == 200 and r.json()["status"] == "ok", r.text  # reported, not failed
    dead = (db.collection(outbox.COLLECTION)
            .where(filter=firestore.FieldFilter("deadAt", ">", datetime(2000, 1, 1, tzinfo=timezone.utc))))
    assert r.json()["deadOutboxEntries"] == len(list(dead.stream())) >= before + 1
