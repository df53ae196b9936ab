"""The official Firebase CLI's emulators (Functions, Hosting, Auth, Cloud Tasks) for a tree.

`make run` and the CLI contract test (tests/test_firebase_cli.py) start
`firebase emulators:start --only functions,hosting,auth,tasks` here, so that
discovery of main.py, the Hosting rewrites, queue creation and task dispatch
are the CLI's own, not ours. The CLI cannot start the Firestore and Storage
emulators offline (they are downloads), so the caller starts those (see
emulators.py) and hands their addresses over in `env`; the CLI passes its
environment on to every function process it spawns.

The tree's firebase.json is used as it is, apart from the `emulators` ports:
they are rewritten into a git-ignored `.firebase-run.json` beside it (the CLI
resolves `functions.source` against the config file's folder, so the copy has
to live there), so a second stack or a test never collides with a running one.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from devstack.emulators import LOOPBACK, StackError, free_port

ROOT = Path(__file__).resolve().parent.parent
FIREBASE_BIN = ROOT / "devstack" / "node" / "node_modules" / ".bin" / "firebase"
ONLY = "functions,hosting,auth,tasks"
RUN_CONFIG = ".firebase-run.json"


def _signal_group(group: int, sig: int) -> None:
    try:
        os.killpg(group, sig)
    except (ProcessLookupError, PermissionError):
        pass


@dataclass
class FirebaseEmulators:
    project_dir: Path
    project_id: str
    log_path: Path
    env: dict[str, str] = field(default_factory=dict)
    hosting_port: int = field(default_factory=free_port)
    functions_port: int = field(default_factory=free_port)
    tasks_port: int = field(default_factory=free_port)
    auth_port: int = field(default_factory=free_port)
    hub_port: int = field(default_factory=free_port)
    logging_port: int = field(default_factory=free_port)
    region: str = "us-central1"
    process: subprocess.Popen | None = None

    @property
    def hosting_url(self) -> str:
        return f"http://{LOOPBACK}:{self.hosting_port}"

    @property
    def functions_base_url(self) -> str:
        """Each function at `{this}/{functionId}`: the Functions emulator's URL shape."""
        return f"http://{LOOPBACK}:{self.functions_port}/{self.project_id}/{self.region}"

    @property
    def emulator_env(self) -> dict[str, str]:
        """What a process beside the CLI needs to reach its Tasks and Auth emulators."""
        return {"CLOUD_TASKS_EMULATOR_HOST": f"{LOOPBACK}:{self.tasks_port}",
                "FIREBASE_AUTH_EMULATOR_HOST": f"{LOOPBACK}:{self.auth_port}"}

    def _write_config(self) -> Path:
        config = json.loads((self.project_dir / "firebase.json").read_text())
        ports = {"hosting": self.hosting_port, "functions": self.functions_port, "tasks": self.tasks_port,
                 "auth": self.auth_port, "hub": self.hub_port, "logging": self.logging_port}
        emulators = config.setdefault("emulators", {})
        configured_auth = f"{LOOPBACK}:{emulators.get('auth', {}).get('port', 9099)}"
        for name, port in ports.items():
            emulators[name] = {"host": LOOPBACK, "port": port}
        emulators["ui"] = {"enabled": False}
        # The console's Content-Security-Policy lets it reach the Auth emulator at firebase.json's
        # port; this run's Auth emulator listens on its own port, so the policy names that one.
        for rule in config.get("hosting", {}).get("headers", []):
            for header in rule["headers"]:
                header["value"] = header["value"].replace(configured_auth, f"{LOOPBACK}:{self.auth_port}")
        path = self.project_dir / RUN_CONFIG
        path.write_text(json.dumps(config, indent=2))
        return path

    def start(self, timeout: float = 120.0) -> "FirebaseEmulators":
        if not FIREBASE_BIN.exists():
            raise StackError("the Firebase CLI is not installed under devstack/node; run `make tools`")
        config = self._write_config()
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        log = open(self.log_path, "wb")
        env = os.environ | self.env | {
            # No update check or message of the day: this machine may be offline.
            "NO_UPDATE_NOTIFIER": "1", "CI": "true",
        }
        self.process = subprocess.Popen(
            [str(FIREBASE_BIN), "emulators:start", "--only", ONLY, "--project", self.project_id,
             "--config", str(config)],
            cwd=self.project_dir, env=env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            start_new_session=True,  # its function processes go down with it, as a group
        )
        self._wait_ready(timeout)
        return self

    def _wait_ready(self, timeout: float) -> None:
        """Ready when the CLI says so and Hosting serves a function through its rewrites."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise StackError(f"the Firebase CLI exited with code {self.process.returncode}; "
                                 f"see {self.log_path}")
            if "All emulators ready" in self.log():
                break
            time.sleep(0.2)
        else:
            raise StackError(f"the Firebase CLI's emulators were not ready within {timeout:.0f}s; "
                             f"see {self.log_path}")
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{self.hosting_url}/health", timeout=30).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        raise StackError(f"Hosting did not answer /health within {timeout:.0f}s; see {self.log_path}")

    def log(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")
        except OSError:
            return ""

    def loaded_functions(self) -> list[str]:
        """The function ids the CLI says it loaded from source."""
        for line in self.log().splitlines():
            if "Loaded functions definitions from source:" in line:
                names = line.split("source:", 1)[1].strip().rstrip(".")
                return [name.strip() for name in names.split(",") if name.strip()]
        return []

    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def stop(self) -> None:
        if self.process is not None:
            group = self.process.pid
            if self.process.poll() is None:
                _signal_group(group, signal.SIGINT)  # the CLI shuts its emulators down
                try:
                    self.process.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    _signal_group(group, signal.SIGKILL)
                    self.process.wait()
            # Its function processes (functions-framework under gunicorn) outlive a SIGINT
            # to the group: end whatever is left of it.
            _signal_group(group, signal.SIGTERM)
            time.sleep(0.5)
            _signal_group(group, signal.SIGKILL)
        self.process = None
        (self.project_dir / RUN_CONFIG).unlink(missing_ok=True)
