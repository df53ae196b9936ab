"""The deployable bundle: what Firebase uploads, imports and discovers."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

import yaml

from devstack import deploy_bundle
from devstack.gateway import load_rewrites

ROOT = Path(__file__).resolve().parent.parent

DISCOVER = """
import json, sys, time
started = time.monotonic()
from firebase_functions.private import serving
functions = serving.get_functions()          # imports ./main.py as the CLI does
manifest = serving.functions_as_yaml(functions)
import main, shared
print(json.dumps({
    "seconds": time.monotonic() - started,
    "main": main.__file__, "shared": shared.__file__, "path": sys.path,
    "manifest": manifest,
}))
"""


def _run_isolated(argv: list[str], cwd: Path) -> subprocess.CompletedProcess:
    # No credentials, no emulators, no project, and no network: `unshare --net`
    # gives the child a namespace with no interfaces at all, where available.
    env = {"PATH": "/usr/bin:/bin", "HOME": str(cwd), "HTTPS_PROXY": "http://127.0.0.1:9",
           "HTTP_PROXY": "http://127.0.0.1:9", "NO_PROXY": ""}
    if shutil.which("unshare") and subprocess.run(["unshare", "--net", "true"], capture_output=True).returncode == 0:
        argv = ["unshare", "--net", *argv]
    else:
        print("unshare --net unavailable: relying on dead proxies to block the network")
    return subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True, timeout=60)


def test_deploy_folder_imports_alone_quickly_and_offline(tmp_path):
    files = deploy_bundle.build(tmp_path)
    assert "main.py" in files and "requirements.txt" in files
    assert any(f.startswith("shared/") for f in files) and any(f.startswith("functions/") for f in files)
    for excluded in ("tests/", "devstack/", "venv/", ".venv/", "node_modules/", ".local/", ".git/", "bench/",
                     "integrations/", "clients/"):
        assert not any(f.startswith(excluded) for f in files), excluded
    assert not any("__pycache__" in f for f in files)

    started = time.monotonic()
    result = _run_isolated([sys.executable, "-c", DISCOVER], tmp_path)
    elapsed = time.monotonic() - started
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["main"].startswith(str(tmp_path))
    assert report["shared"].startswith(str(tmp_path))
    assert str(ROOT) not in report["path"]
    assert elapsed < 10, f"discovery took {elapsed:.1f}s; Firebase allows 10s"

    endpoints = yaml.safe_load(report["manifest"])["endpoints"]
    for rewrite in load_rewrites():
        assert rewrite.function_id in endpoints, f"{rewrite.source} -> {rewrite.function_id} not deployed"
        assert "httpsTrigger" in endpoints[rewrite.function_id]
    assert all(e["platform"] == "gcfv2" for e in endpoints.values())


def test_runtime_matches_the_interpreter_the_tests_run_on():
    config = deploy_bundle.functions_config()
    assert config["source"] == "."
    assert config["runtime"] == f"python{sys.version_info.major}{sys.version_info.minor}"


def test_requirements_are_pinned():
    lines = [
        line.strip() for line in (ROOT / "requirements.txt").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    assert lines and all("==" in line for line in lines), [l for l in lines if "==" not in l]
    names = {line.split("==")[0].lower().replace("_", "-") for line in lines}
    for required in ("firebase-functions", "functions-framework", "google-cloud-firestore",
                     "google-cloud-tasks", "google-cloud-storage", "firebase-admin",
                     "pydantic", "httpx", "openai"):
        assert required in names, required


def test_hosting_routes_v1_and_health_to_functions():
    sources = [r.source for r in load_rewrites()]
    assert "/health" in sources and "/v1/api-keys" in sources
    globs = [source for source in sources if not source.startswith("^")]
    assert globs[-1] == "/v1/**", "the catch-all must come last or it would shadow real routes"
    assert sources[-1] == "^/v1/[\\s\\S]*$", "its regex twin (dot segments) must come last of all"
    firebase = json.loads((ROOT / "firebase.json").read_text())
    assert firebase["firestore"]["rules"] == "firestore.rules"
    assert (ROOT / firebase["firestore"]["indexes"]).exists()
    assert (ROOT / firebase["hosting"]["public"]).is_dir()
