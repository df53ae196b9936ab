"""Named crash points, for the crash soak (`make chaos`, bench/chaos_bench.py) only.

The publishing path calls `reached("claim")`, `reached("arm")`, … at the steps
where a process death matters for exactly-once. In production they do nothing:
they act only when `SOKU_CRASHPOINTS` is set *and* the process runs against
the emulators (`shared.config.emulated()`: loopback emulators, no production
marker), which a deployed function never does (and `make deploy` refuses a
`.env` file setting SOKU_CRASHPOINTS: devstack/deploy_env.py).

`SOKU_CRASHPOINTS` is `name=probability,…` (`*` for every point), e.g.
`*=0.02` or `create_sent=0.2,finish=0.1`. A hit ends the process at once with
`os._exit`: no `finally`, no `except`, no flush, like a SIGKILL or an instance
the platform reclaims. The soak restarts the process and counts the damage.
"""

from __future__ import annotations

import functools
import logging
import os
import random
import sys

from shared.config import emulated

log = logging.getLogger("soku.crashpoints")

# Every named step, in the order a publish passes them.
POINTS = (
    "claim",            # the run is claimed (status processing, lease taken)
    "checkpoint",       # a checkpoint (uploaded media, container ids, …) was saved
    "arm",              # the create is armed: the next step may make the post
    "create_sent",      # the platform has the create and answered; the answer is unread
    "create_answered",  # the answer is read, the post's id is known only to this process
    "finish",           # the run's final state and its outbox events are committed
    "event_emitted",    # the outbox events were delivered to their queues, not yet marked done
)
EXIT_CODE = 86


@functools.cache
def _probabilities() -> dict[str, float]:
    raw = os.environ.get("SOKU_CRASHPOINTS", "").strip()
    if not raw or not emulated():
        return {}
    chances = {}
    for part in raw.split(","):
        name, _, value = part.partition("=")
        chances[name.strip()] = float(value or 1.0)
    return chances


def reached(name: str) -> None:
    """End the process here with the configured probability (never outside the local stack)."""
    chances = _probabilities()
    if not chances:
        return
    chance = chances.get(name, chances.get("*", 0.0))
    if chance and random.random() < chance:
        sys.stderr.write(f"crash point {name}: process exits\n")
        sys.stderr.flush()
        os._exit(EXIT_CODE)


def reset() -> None:
    """Re-read SOKU_CRASHPOINTS (tests)."""
    _probabilities.cache_clear()
