"""`make run`'s process: starts, prints a working key, refuses a twin, stops cleanly."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from devstack.emulators import free_port, port_open

ROOT = Path(__file__).resolve().parent.parent


def _read_env(path: Path) -> dict[str, str]:
    found = re.findall(r"^export (\w+)=(.*)$", path.read_text(), re.M)
    return dict(found)


@pytest.fixture
def local_run(tmp_path):
    port = free_port()
    env = os.environ | {"SOKU_GATEWAY_PORT": str(port), "SOKU_LOCAL_DIR": str(tmp_path)}
    for var in ("FIRESTORE_EMULATOR_HOST", "STORAGE_EMULATOR_HOST", "CLOUD_TASKS_EMULATOR_HOST",
                "FIREBASE_AUTH_EMULATOR_HOST"):
        env.pop(var, None)
    process = subprocess.Popen([sys.executable, "-m", "devstack.run"], cwd=ROOT, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    banner = []
    deadline = time.monotonic() + 150
    for line in process.stdout:
        banner.append(line)
        if "Press Ctrl-C" in line or time.monotonic() > deadline:
            break
    yield process, "".join(banner), tmp_path, env
    if process.poll() is None:
        process.kill()
        process.wait()


def test_local_stack_prints_a_working_key_and_stops_on_ctrl_c(local_run):
    process, banner, local_dir, env = local_run
    assert "Soku local stack is up" in banner, banner
    dev_env = _read_env(local_dir / "dev.env")
    key = re.search(r"Demo API key:\s+(sk_live_\S+)", banner).group(1)
    assert dev_env["SOKU_API_KEY"] == key

    # The README's first curl, verbatim in spirit: the printed key authenticates.
    r = httpx.get(f"{dev_env['SOKU_BASE_URL']}/v1/me", headers={"soku-api-key": key})
    assert r.status_code == 200, r.text
    assert r.json()["userId"] == "demo-user"
    # The ID token comes from the Auth emulator, where the demo user signed in.
    r = httpx.get(f"{dev_env['SOKU_BASE_URL']}/v1/api-keys",
                  headers={"Authorization": f"Bearer {dev_env['SOKU_ID_TOKEN']}"})
    assert r.status_code == 200 and len(r.json()["keys"]) == 1
    # The README's other base URL: the api function, on the CLI's Functions emulator.
    assert dev_env["SOKU_API_URL"] in banner
    r = httpx.get(f"{dev_env['SOKU_API_URL']}/v1/me", headers={"soku-api-key": key}, timeout=60)
    assert r.status_code == 200 and r.json()["userId"] == "demo-user", r.text

    # The README's publishing curl: Hosting, then the CLI's Tasks emulator and functions.
    headers = {"soku-api-key": key}
    r = httpx.post(f"{dev_env['SOKU_BASE_URL']}/v1/posts", headers=headers, timeout=60,
                   json={"post": {"content": {"text": "Hello from make run", "platform": ["x"]}}})
    assert r.status_code == 201, r.text
    post_url = f"{dev_env['SOKU_BASE_URL']}/v1/posts/{r.json()['postSubmissionId']}"
    deadline = time.monotonic() + 60
    while (run := httpx.get(post_url, headers=headers, timeout=30).json()["runs"][0])["status"] in ("queued",
                                                                                                    "processing"):
        assert time.monotonic() < deadline, run
        time.sleep(0.5)
    assert run["status"] == "succeeded", run

    # The local WordPress (a real site, when Debian's packages are here): the demo user's account
    # on it publishes, and the post is on the site.
    from devstack.wordpress import missing

    wordpress_url = dev_env.get("SOKU_WORDPRESS_URL")
    if not missing():
        assert wordpress_url, banner
        r = httpx.post(f"{dev_env['SOKU_BASE_URL']}/v1/posts", headers=headers, timeout=60,
                       json={"post": {"content": {"text": "Hello WordPress from make run", "platform": ["wordpress"]}}})
        assert r.status_code == 201, r.text
        post_url = f"{dev_env['SOKU_BASE_URL']}/v1/posts/{r.json()['postSubmissionId']}"
        deadline = time.monotonic() + 60
        while (run := httpx.get(post_url, headers=headers, timeout=30).json()["runs"][0])["status"] in (
                "queued", "processing"):
            assert time.monotonic() < deadline, run
            time.sleep(0.5)
        assert run["status"] == "succeeded", run
        assert run["result"]["url"].startswith(wordpress_url)
        assert httpx.get(run["result"]["url"], timeout=30).status_code == 200

    # A second start while this one runs says so plainly.
    twin = subprocess.run([sys.executable, "-m", "devstack.run"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=30)
    assert twin.returncode == 1
    assert "already running" in twin.stderr

    emulator_ports = [int(dev_env["FIRESTORE_EMULATOR_HOST"].rsplit(":", 1)[1]),
                      int(dev_env["STORAGE_EMULATOR_HOST"].rsplit(":", 1)[1]),
                      int(dev_env["CLOUD_TASKS_EMULATOR_HOST"].rsplit(":", 1)[1]),
                      int(dev_env["FIREBASE_AUTH_EMULATOR_HOST"].rsplit(":", 1)[1]),
                      int(dev_env["SOKU_FUNCTIONS_URL"].split(":")[2].split("/")[0])]
    assert all(port_open(p) for p in emulator_ports)
    process.send_signal(signal.SIGINT)
    assert process.wait(timeout=40) == 0
    gateway_port = int(dev_env["SOKU_BASE_URL"].rsplit(":", 1)[1])
    assert not port_open(gateway_port)
    if wordpress_url:
        assert not port_open(int(wordpress_url.rsplit(":", 1)[1])), "the local WordPress outlived Ctrl-C"
    assert not any(port_open(p) for p in emulator_ports), "an emulator outlived Ctrl-C"
    assert not (local_dir / "run.pid").exists()
