"""The minute sweep fits its timeout (issue 35, item 6).

Cloud Scheduler starts `sweepScheduledPosts` every minute and Cloud Functions ends it at its
timeout: work still running then is lost, and what comes after it never runs. So the sweep's
phases have budgets that end its work well inside the timeout the function declares; recovery
is paged (what it leaves is the next minute's), and the outbox runs before recovery with a
budget of its own, so a recovery backlog never starves the events of runs that did finish.

A function timeout cannot be shown in this process (nothing kills the sweep here), so the
budget test scales the budgets down and checks what the timeout would cut: the sweep's work
ends within its budget, with the outbox dispatched, while the recovery backlog would take
five times as long.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
import uuid
from datetime import datetime, timedelta, timezone

import yaml

from tests.conftest import ROOT

DISCOVER = """
import json
from firebase_functions.private import serving
print(json.dumps({"manifest": serving.functions_as_yaml(serving.get_functions())}))
"""


def _endpoints() -> dict:
    """The functions and their options as the Firebase CLI discovers them (main.py imported
    by firebase-functions' own discovery, in a process of its own)."""
    result = subprocess.run([sys.executable, "-c", DISCOVER], cwd=ROOT, capture_output=True, text=True,
                            timeout=60, env={"PATH": "/usr/bin:/bin", "HOME": str(ROOT)})
    assert result.returncode == 0, result.stderr
    return yaml.safe_load(json.loads(result.stdout.strip().splitlines()[-1])["manifest"])["endpoints"]


def test_the_sweep_and_the_orchestrator_declare_timeouts_that_fit_their_work(stack):
    from shared.adapters.task_queue import DISPATCH_DEADLINE_S
    from shared.config import get_settings
    from shared.services.posts import sweep
    from shared.services.publishing import runs

    endpoints = _endpoints()
    # The sweep: its budgets end its work inside its minute, and well inside its timeout (the
    # default 60 s would cut a sweep whose dispatch phase alone may take 40 s).
    timeout = endpoints["sweepScheduledPosts"].get("timeoutSeconds")
    assert timeout is not None and timeout >= 2 * sweep.TIME_BUDGET_S, endpoints["sweepScheduledPosts"]
    assert sweep.TIME_BUDGET_S <= 50
    assert sweep.DISPATCH_BUDGET_S + sweep.OUTBOX_BUDGET_S + sweep.MIN_RECOVERY_BUDGET_S <= sweep.TIME_BUDGET_S
    # The orchestrator: one remote media item's whole download (480 s) and the fan-out after
    # it; still ended before Cloud Tasks would start another delivery (its dispatch deadline)
    # and before the sweep would take an orchestration for stalled.
    timeout = endpoints["orchestratePost"].get("timeoutSeconds")
    assert timeout is not None, endpoints["orchestratePost"]
    assert get_settings().fetch_deadline + 30 <= timeout < DISPATCH_DEADLINE_S
    assert timeout < runs.stall().total_seconds()


def _backlog(db, prefix: str, n: int) -> list:
    """`n` stuck posts, older than anything else due (first in the recovery query)."""
    refs = []
    batch = db.batch()
    for i in range(n):
        ref = db.collection("postSubmissions").document(f"{prefix}-{i:03d}")
        batch.set(ref, {"userId": prefix, "status": "canceled",
                        "recoverAt": datetime(2000, 1, 1, tzinfo=timezone.utc) + timedelta(seconds=i)})
        refs.append(ref)
    batch.commit()
    return refs


def test_a_recovery_backlog_leaves_the_outbox_its_turn_and_the_sweep_its_budget(db, stack, monkeypatch):
    from shared.services.posts import recovery, sweep
    from shared.services.publishing import outbox

    # Budgets scaled down 20 times (45 s -> 2.25 s); each recovery takes 0.25 s, so the backlog
    # of 40 would take 10 s: the sweep's timeout would end it long before its end.
    monkeypatch.setattr(sweep, "TIME_BUDGET_S", 2.25, raising=False)
    monkeypatch.setattr(sweep, "DISPATCH_BUDGET_S", 1.0, raising=False)
    monkeypatch.setattr(sweep, "OUTBOX_BUDGET_S", 0.5, raising=False)
    monkeypatch.setattr(sweep, "MIN_RECOVERY_BUDGET_S", 0.5, raising=False)
    real = recovery.recover_submission

    def slow(ref, data, *args):
        time.sleep(0.25)
        return real(ref, data, *args)

    monkeypatch.setattr(recovery, "recover_submission", slow)
    prefix = f"sweep-backlog-{uuid.uuid4().hex[:8]}"
    stuck = _backlog(db, prefix, 40)
    # A finished run's event whose dispatch right after the commit failed: overdue.
    entry = outbox.webhook(prefix, "post.published", (prefix, "x:x_main", "succeeded", 0), {"post": {}})
    batch = db.batch()
    outbox.record(batch, [entry])
    batch.commit()
    stored = db.collection(outbox.COLLECTION).document(entry.id)
    stored.update({"dueAt": datetime(2000, 1, 1, tzinfo=timezone.utc)})
    try:
        started = time.monotonic()
        result = sweep.sweep()
        elapsed = time.monotonic() - started
        # Within the budget (plus the recovery in hand and the outbox page in hand).
        assert elapsed < 2.25 + 1.0, (elapsed, result)
        assert stored.get().get("dispatchedAt") is not None, result
        done = [ref for ref in stuck if ref.get().get("recoverAt") is None]
        assert 0 < len(done) < len(stuck), len(done)
        assert result["recovery"]["more"], result
        # The next minute resumes where this one stopped: the handled ones left the query.
        sweep.sweep()
        resumed = [ref for ref in stuck if ref.get().get("recoverAt") is None]
        assert len(resumed) > len(done)
        assert all(ref in resumed for ref in stuck[:len(done)])
    finally:
        for ref in stuck:
            ref.delete()
        stored.delete()
