"""The Firebase CLI's Auth emulator alone, on free ports, for tests that need real user records.

The in-process test stack accepts unsigned ID tokens without any Auth server
(the Auth-emulator convention) and skips the user-record lookup. Tests of what
that lookup decides (revoked sessions, disabled users) start this instead:
`firebase emulators:start --only auth` with a generated config in a temporary
folder, so neither the tree's firebase.json nor the default ports (9099, and the
hub's 4400, which a concurrent `make run` may hold) are touched. It runs
offline: the Auth emulator is part of firebase-tools.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from devstack.emulators import LOOPBACK, StackError, free_port
from devstack.firebase_cli import FIREBASE_BIN


@dataclass
class AuthEmulator:
    project_id: str
    log_path: Path
    port: int = field(default_factory=free_port)
    hub_port: int = field(default_factory=free_port)
    logging_port: int = field(default_factory=free_port)
    process: subprocess.Popen | None = None
    _workdir: tempfile.TemporaryDirectory | None = None

    @property
    def host(self) -> str:
        """What FIREBASE_AUTH_EMULATOR_HOST is set to."""
        return f"{LOOPBACK}:{self.port}"

    @property
    def rest_base(self) -> str:
        """The Identity Toolkit REST API the web SDK calls (any API key is accepted)."""
        return f"http://{self.host}/identitytoolkit.googleapis.com/v1"

    def start(self, timeout: float = 180.0) -> "AuthEmulator":
        if not FIREBASE_BIN.exists():
            raise StackError("the Firebase CLI is not installed under devstack/node; run `make tools`")
        self._workdir = tempfile.TemporaryDirectory(prefix="soku-auth-emulator-")
        config = Path(self._workdir.name) / "firebase.json"
        config.write_text(json.dumps({"emulators": {
            "auth": {"host": LOOPBACK, "port": self.port},
            "hub": {"host": LOOPBACK, "port": self.hub_port},
            "logging": {"host": LOOPBACK, "port": self.logging_port},
            "ui": {"enabled": False},
        }}))
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        log = open(self.log_path, "wb")
        env = os.environ | {"NO_UPDATE_NOTIFIER": "1", "CI": "true"}
        # Its own emulator hosts must not point at anything else.
        env.pop("FIREBASE_AUTH_EMULATOR_HOST", None)
        self.process = subprocess.Popen(
            [str(FIREBASE_BIN), "emulators:start", "--only", "auth", "--project", self.project_id,
             "--config", str(config)],
            cwd=self._workdir.name, env=env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
        try:
            self._wait_ready(timeout)
        except BaseException:
            self.stop()
            raise
        return self

    def _wait_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise StackError(f"the Auth emulator exited with code {self.process.returncode}; "
                                 f"see {self.log_path}")
            try:
                if httpx.get(f"http://{self.host}/", timeout=0.5).status_code < 500:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        raise StackError(f"the Auth emulator did not answer within {timeout:.0f}s; see {self.log_path}")

    def sign_up(self, email: str, password: str) -> dict:
        """A new user, as the web app's sign-up does: `{localId, idToken, refreshToken, …}`."""
        response = httpx.post(f"{self.rest_base}/accounts:signUp?key=local",
                              json={"email": email, "password": password, "returnSecureToken": True},
                              timeout=10)
        response.raise_for_status()
        return response.json()

    def sign_in(self, email: str, password: str) -> dict:
        response = httpx.post(f"{self.rest_base}/accounts:signInWithPassword?key=local",
                              json={"email": email, "password": password, "returnSecureToken": True},
                              timeout=10)
        response.raise_for_status()
        return response.json()

    def stop(self) -> None:
        if self.process is not None:
            group = self.process.pid
            if self.process.poll() is None:
                try:
                    os.killpg(group, signal.SIGINT)
                    self.process.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    os.killpg(group, signal.SIGKILL)
                    self.process.wait()
                except ProcessLookupError:
                    pass
            self.process = None
        if self._workdir is not None:
            self._workdir.cleanup()
            self._workdir = None
