"""The local stack, assembled in one place.

`make run`, the test session and the benchmarks all need the same thing: the
emulators, the platform sandboxes, the settings that point this process's
clients at them, the bucket and queues, and something serving main.py's
functions. Only that last part, the ports, the environment's name and a few
settings differ, so they are parameters here rather than copies that drift apart.

Two ways to serve the functions:
- `firebase_cli=True` (`make run`): the official Firebase CLI's Functions,
  Hosting, Auth and Cloud Tasks emulators (devstack/firebase_cli.py), Hosting on
  the stack's port. What it discovers, routes and dispatches is what deploys.
- otherwise (the test suite, benchmarks): the in-process gateway
  (devstack/gateway.py, routed by the same Hosting rewrites) and the CLI's Tasks
  emulator alone: fast, and tests can reach into the process.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from devstack.emulators import Emulators, apply_env, free_port


@dataclass
class LocalStack:
    project_id: str
    log_dir: Path
    environment: str = "local"  # SOKU_ENV: "local" for make run, "test" for the suite
    region: str = "us-central1"
    gateway_port: int | None = None  # None: a free port
    serve_gateway: bool = True  # False: the caller serves main.py elsewhere (another process)
    # make run keeps a real OPENAI_API_KEY on OpenAI; tests always use the sandbox.
    honour_real_openai_key: bool = False
    extra_env: dict[str, str] = field(default_factory=dict)
    # Retry backoff cap on the task queues (None: as each function declares it).
    max_task_backoff_s: float | None = None
    firebase_cli: bool = False

    def __post_init__(self) -> None:
        self.port = self.gateway_port or free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.emulators = Emulators(project_id=self.project_id, log_dir=self.log_dir,
                                   with_tasks=not self.firebase_cli)
        self.cli = None
        if self.firebase_cli:
            from devstack.firebase_cli import ROOT, FirebaseEmulators

            self.cli = FirebaseEmulators(project_dir=ROOT, project_id=self.project_id, region=self.region,
                                         log_path=self.log_dir / "firebase.log", hosting_port=self.port)
        self.sandboxes = None
        self.gateway = None
        self.functions: dict = {}
        self.env: dict[str, str] = {}

    @property
    def functions_base_url(self) -> str:
        """Where each function is reached by id: `{this}/{functionId}` (the emulator's URL shape)."""
        if self.cli is not None:
            return self.cli.functions_base_url
        return f"{self.base_url}/{self.project_id}/{self.region}"

    # No Auth server beside the in-process gateway: requests carry unsigned tokens of users
    # that exist nowhere, so ID tokens are not looked up for revocation (the tests of that
    # start the CLI's Auth emulator for themselves: devstack/auth_emulator.py).
    _no_auth_server_env = {"SOKU_ID_TOKEN_CHECK_REVOKED": "false"}

    # Connect flows through Hosting: the CLI's Hosting proxy hands each function the Functions
    # emulator's Host, so the caller's origin would send the browser to the Functions emulator's
    # root, where no /oauth/... page exists. As in production, the redirect base is named: Hosting.
    @property
    def _cli_oauth_env(self) -> dict[str, str]:
        return {"SOKU_OAUTH_REDIRECT_BASE": self.base_url}

    def start(self) -> "LocalStack":
        try:
            self._start()
        except BaseException:
            self.stop()
            raise
        return self

    def _start(self) -> None:
        os.environ.setdefault("GRPC_VERBOSITY", "ERROR")
        from devstack.sandboxes.server import Sandboxes
        from shared.adapters.crypto import generate_key

        self.emulators.start()
        self.sandboxes = Sandboxes(free_port()).start()
        sandbox_env = (self.sandboxes.env_for_local_run(dict(os.environ)) if self.honour_real_openai_key
                       else self.sandboxes.env)
        self.env = self.emulators.env | {
            "SOKU_ENV": self.environment,
            "SOKU_REGION": self.region,
            "SOKU_FUNCTIONS_BASE_URL": self.functions_base_url,
            # Media URLs download through the gateway; loopback origins and
            # sandboxes may be fetched (never admitted in production).
            "MEDIA_PUBLIC_BASE": f"{self.base_url}/media",
            "SOKU_FETCH_ALLOWLIST": os.environ.get("SOKU_FETCH_ALLOWLIST", "127.0.0.1,localhost"),
            # Platform tokens are sealed with a key made for this stack, like production's.
            # (`make fuzz` hands its stack one, to seal the tokens of the users it seeds itself.)
            "SOKU_TOKEN_KEYS": os.environ.get("SOKU_LOCAL_TOKEN_KEYS") or f"{self.environment}:{generate_key()}",
            "SOKU_TOKEN_KEY_ID": self.environment,
        } | sandbox_env | (self.cli.emulator_env | self._cli_oauth_env if self.cli else self._no_auth_server_env) \
            | self.extra_env
        apply_env(self.env)

        from devstack.gateway import Gateway, build_app, discover_functions
        from devstack.provision import create_bucket, create_queues

        self.functions = discover_functions()
        create_bucket()
        if self.cli is not None:
            # The CLI creates the queues from what it discovers, and serves every function.
            self.cli.env = self.env
            self.cli.start()
            return
        create_queues(self.functions, self.functions_base_url, max_backoff_s=self.max_task_backoff_s)
        if self.serve_gateway:
            self.gateway = Gateway(build_app(self.project_id, self.region, self.functions), self.port).start()

    def stop(self) -> None:
        if self.cli is not None:
            self.cli.stop()
        if self.gateway is not None:
            self.gateway.stop()
            self.gateway = None
        if self.sandboxes is not None:
            self.sandboxes.stop()
            self.sandboxes = None
        self.emulators.stop()
