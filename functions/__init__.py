"""The deployed functions' entry points (main.py re-exports them).

Importing this package sets up the process's logging first: one line per
record on stdout (JSON in production), INFO and up, credentials redacted
(shared/adapters/structured_logs.py). No I/O, so deploy discovery stays fast.
"""

from shared.adapters import structured_logs

structured_logs.configure()
