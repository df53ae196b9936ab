"""`make deploy` refuses dotenv files that would deploy emulator settings (devstack/deploy_env.py).

The Firebase CLI deploys every variable of `.env`, `.env.<project id>` and `.env.<alias>` from
the codebase's folder (here the repo root: firebase.json `"source": "."`); `.env.local` is read
by its emulators only. The check runs as `make deploy` runs it, from the real Makefile, with
the CLI replaced by `echo`.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from devstack import deploy_env

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def project(tmp_path) -> Path:
    """A folder laid out like this repo: its firebase.json and an alias in .firebaserc."""
    shutil.copy(ROOT / "firebase.json", tmp_path / "firebase.json")
    (tmp_path / ".firebaserc").write_text(json.dumps({"projects": {"default": "demo-soku", "prod": "soku-prod"}}))
    return tmp_path


def _make_deploy(folder: Path, project: str) -> subprocess.CompletedProcess:
    """The Makefile's deploy recipe in `folder`, its prerequisites taken as built, `echo` as the CLI."""
    return subprocess.run(
        ["make", "-s", "-f", str(ROOT / "Makefile"), "-o", "tools", "-o", "docs", "-o", "console", "deploy",
         f"PROJECT={project}", "FIREBASE=echo firebase", f"VENV={Path(sys.executable).parent.parent}"],
        cwd=folder, env=os.environ | {"PYTHONPATH": str(ROOT)}, capture_output=True, text=True, timeout=60)


@pytest.mark.parametrize("file", [".env", ".env.soku-prod", ".env.prod"])
@pytest.mark.parametrize("line", ["FUNCTIONS_EMULATOR=true", "FIRESTORE_EMULATOR_HOST=127.0.0.1:8080",
                                  "export CLOUD_TASKS_EMULATOR_HOST='127.0.0.1:9499'", "SOKU_CRASHPOINTS=*=0.02"])
def test_an_env_file_the_cli_deploys_may_not_set_emulator_variables(project, file, line):
    name = line.removeprefix("export ").split("=", 1)[0]
    (project / file).write_text(f"# settings\nSOKU_TOKEN_KEY_ID=k1\n{line}\n")
    for given in ("soku-prod", "prod"):  # the project id or its alias: the CLI reads both files
        found = deploy_env.findings(project, given)
        assert [(f.path.name, f.line, f.name) for f in found] == [(file, 3, name)]
    result = _make_deploy(project, "prod")
    assert result.returncode != 0
    assert "firebase deploy" not in result.stdout  # the CLI never ran
    assert f"{file}:3: {name}" in result.stderr
    assert "refusing to deploy emulator settings" in result.stderr and ".env.local" in result.stderr


def test_settings_and_the_emulators_own_file_deploy(project):
    (project / ".env").write_text("SOKU_TOKEN_KEY_ID=k1\nSOKU_OAUTH_REDIRECT_BASE=https://soku.example\n")
    (project / ".env.soku-prod").write_text('SOKU_X_CLIENT_ID="abc" # the X app\n')
    # Read by the CLI's emulators only: never deployed.
    (project / ".env.local").write_text("FUNCTIONS_EMULATOR=true\nFIRESTORE_EMULATOR_HOST=127.0.0.1:8080\n")
    # Another project's file is not this deploy's.
    (project / ".env.demo-soku").write_text("FIRESTORE_EMULATOR_HOST=127.0.0.1:8080\n")
    assert deploy_env.findings(project, "soku-prod") == []
    result = _make_deploy(project, "soku-prod")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "firebase deploy --only functions,hosting,firestore,storage --project soku-prod"


def test_the_files_are_read_where_firebase_json_points(project):
    config = json.loads((project / "firebase.json").read_text())
    config["functions"][0]["source"] = "functions"
    (project / "firebase.json").write_text(json.dumps(config))
    (project / "functions").mkdir()
    (project / "functions" / ".env").write_text("FUNCTIONS_EMULATOR=true\n")
    (project / ".env").write_text("FUNCTIONS_EMULATOR=true\n")  # not the codebase's folder any more
    assert [(f.path.parent.name, f.name) for f in deploy_env.findings(project, "prod")] == [
        ("functions", "FUNCTIONS_EMULATOR")]
    config["functions"][0]["configDir"] = "config"
    (project / "firebase.json").write_text(json.dumps(config))
    (project / "config").mkdir()
    (project / "config" / ".env.prod").write_text("STORAGE_EMULATOR_HOST=http://127.0.0.1:9023\n")
    assert [(f.path.parent.name, f.name) for f in deploy_env.findings(project, "prod")] == [
        ("config", "STORAGE_EMULATOR_HOST")]


@pytest.mark.parametrize("file", [".env", ".env.soku-prod", ".env.prod"])
@pytest.mark.parametrize("line", ["SOKU_ENV=development", "SOKU_ENV=test", "export SOKU_ENV='local'",
                                  'SOKU_ENV="Production"', "SOKU_ENV=", "SOKU_ENV=development # debugging"])
def test_an_env_file_the_cli_deploys_may_not_set_a_non_production_soku_env(project, file, line):
    # shared/config.py: SOKU_ENV unset means production; development shows stack traces in error
    # bodies, and development/local/test check response contracts and take the request's
    # origin as the OAuth redirect base. A deployed function is production.
    (project / file).write_text(f"# settings\nSOKU_TOKEN_KEY_ID=k1\n{line}\n")
    for given in ("soku-prod", "prod"):
        found = deploy_env.findings(project, given)
        assert [(f.path.name, f.line, f.name) for f in found] == [(file, 3, "SOKU_ENV")]
    result = _make_deploy(project, "prod")
    assert result.returncode != 0
    assert "firebase deploy" not in result.stdout  # the CLI never ran
    assert f"{file}:3: SOKU_ENV=" in result.stderr
    assert "SOKU_ENV other than production" in result.stderr


@pytest.mark.parametrize("line", ["SOKU_ENV=production", "export SOKU_ENV='production'", 'SOKU_ENV="production" # pinned'])
def test_soku_env_production_deploys(project, line):
    (project / ".env.prod").write_text(f"{line}\n")
    (project / ".env.local").write_text("SOKU_ENV=local\n")  # the emulators' own file: never deployed
    assert deploy_env.findings(project, "prod") == []
    result = _make_deploy(project, "prod")
    assert result.returncode == 0, result.stderr
