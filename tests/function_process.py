"""One function served by a real functions-framework process, as Cloud Run serves it.

For the tests that must see what a deployed instance does with its environment
(production markers, missing secrets, emulator switches): the process gets exactly
the environment given, nothing inherited.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from devstack.emulators import free_port, port_open

ROOT = Path(__file__).resolve().parent.parent


def serve(target: str, env: dict[str, str], start_timeout: float = 90) -> tuple[subprocess.Popen, int]:
    """(process, port) of `target` from main.py, once it accepts connections."""
    port = free_port()
    process = subprocess.Popen(
        [str(Path(sys.executable).parent / "functions-framework"), "--target", target, "--source", "main.py",
         "--host", "127.0.0.1", "--port", str(port)],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    deadline = time.monotonic() + start_timeout
    while not port_open(port):
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            pytest.fail(f"functions-framework ({target}) did not start:\n{process.communicate()[0]}")
        time.sleep(0.2)
    return process, port


def stop(process: subprocess.Popen) -> str:
    """Stops the process; what it printed."""
    process.terminate()
    try:
        return process.communicate(timeout=10)[0]
    except subprocess.TimeoutExpired:
        process.kill()
        return process.communicate()[0]
