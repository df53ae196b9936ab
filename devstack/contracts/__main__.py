"""`make contracts`: the tests that reach the platform sandboxes, then the contracts report.

Runs pytest over the platform-facing test files (every test fails on a violation it
caused; tests/conftest.py) and prints the report last, so its final line is
`contracts: <N> checked, <V> violations`. Exit 1 on any violation or failed test.
The full suite (`make test`) prints the same report at its end.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TESTS = ["test_contracts.py", "test_recorded_answers.py", "test_publish_*.py", "test_connections*.py",
         "test_metrics.py", "test_posts_delete_published.py", "test_text_counting.py"]


def main(argv: list[str]) -> int:
    from devstack.contracts import report
    from devstack.contracts.ledger import LEDGER

    os.environ["SOKU_CONTRACTS_REPORT"] = "runner"
    files = sorted({str(p) for pattern in TESTS for p in (ROOT / "tests").glob(pattern)})
    status = pytest.main(["-q", "-p", "no:cacheprovider", *files, *argv])
    print()
    lines = report.lines()
    for line in lines:
        print(line)
    return 1 if status != 0 or LEDGER.snapshot()["violations"] else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
