"""What the contracts checked in this process, and every violation, across all sandboxes.

One ledger per process (`LEDGER`): a test run starts several local stacks, each with its
own sandboxes, and the report covers them all. Violations carry a sequence number so a
test can ask for those that happened while it ran (tests/conftest.py).
"""

from __future__ import annotations

import threading
from collections import Counter, defaultdict
from dataclasses import dataclass


@dataclass(frozen=True)
class Violation:
    seq: int
    platform: str
    operation: str  # the contract's name for the call, or METHOD path when it has none
    exchange: str  # "x POST /2/tweets -> 201"
    side: str  # request | response
    message: str

    def __str__(self) -> str:
        return f"{self.exchange}: {self.side}: {self.message}"


class Ledger:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.reset()

    def reset(self) -> None:
        with self._lock:
            self._seq = 0
            self.violations: list[Violation] = []
            self.provoked: list[Violation] = []  # caused on purpose by the checker's own tests
            # platform -> messages checked (each request and each answer counts once)
            self.checked: Counter[str] = Counter()
            # platform -> operation -> exchanges checked
            self.operations: dict[str, Counter[str]] = defaultdict(Counter)
            # platform -> "METHOD path" -> exchanges that no contract describes
            self.uncovered: dict[str, Counter[str]] = defaultdict(Counter)

    def record_checked(self, platform: str, operation: str, messages: int) -> None:
        with self._lock:
            self.checked[platform] += messages
            self.operations[platform][operation] += 1

    def record_uncovered(self, platform: str, call: str) -> None:
        with self._lock:
            self.uncovered[platform][call] += 1

    def record_violation(self, platform: str, operation: str, exchange: str, side: str, message: str) -> None:
        with self._lock:
            self._seq += 1
            self.violations.append(Violation(self._seq, platform, operation, exchange, side, message))

    @property
    def mark(self) -> int:
        """The sequence number of the last violation so far."""
        with self._lock:
            return self._seq

    def since(self, mark: int) -> list[Violation]:
        with self._lock:
            return [v for v in self.violations if v.seq > mark]

    def set_aside(self, mark: int) -> list[Violation]:
        """The violations since `mark`, moved out of the count: a test of the checker provoked them."""
        with self._lock:
            taken = [v for v in self.violations if v.seq > mark]
            self.violations = [v for v in self.violations if v.seq <= mark]
            self.provoked += taken
            return taken

    def snapshot(self) -> dict:
        with self._lock:
            return {
                "checked": dict(self.checked),
                "operations": {p: dict(c) for p, c in self.operations.items()},
                "uncovered": {p: dict(c) for p, c in self.uncovered.items()},
                "violations": [v.__dict__ for v in self.violations],
                "provoked": len(self.provoked),
            }


LEDGER = Ledger()
