"""Options of a function that serves other functions' routes in-process (`api`, `mcp`): it must
fit the most demanding of them."""

from __future__ import annotations

from typing import Any, Callable, Iterable

from firebase_functions import options


def _numbers(values: Iterable[Any]) -> list:
    # Unset options are None or firebase_functions' RESET_VALUE sentinel; cpu may be "gcf_gen1".
    return [v for v in values if isinstance(v, (int, float)) and not isinstance(v, bool)]


def combined_options(functions: Iterable[Callable]) -> dict[str, Any]:
    """Options under which every one of `functions` can run: max timeout, memory and cpu,
    min concurrency, union of secrets."""
    endpoints = [fn.__firebase_endpoint__ for fn in functions]
    out: dict[str, Any] = {}
    if timeouts := _numbers(e.timeoutSeconds for e in endpoints):
        out["timeout_sec"] = max(timeouts)
    if memories := _numbers(e.availableMemoryMb for e in endpoints):
        out["memory"] = options.MemoryOption(max(memories))
    if cpus := _numbers(e.cpu for e in endpoints):
        out["cpu"] = max(cpus)
    if concurrencies := _numbers(e.concurrency for e in endpoints):
        out["concurrency"] = min(concurrencies)
    secrets = sorted({s["key"] for e in endpoints if isinstance(e.secretEnvironmentVariables, list)
                      for s in e.secretEnvironmentVariables})
    if secrets:
        out["secrets"] = secrets
    return out
