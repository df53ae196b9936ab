"""The Firebase CLI's emulators on a clean copy of this tree, for the tests that go through them.

Two ways in: `start_cli` (a module's own run, e.g. tests/test_firebase_cli.py's, with the
redirect base left to the caller's origin) and the session's `hosting` fixture (tests/conftest.py),
which runs the CLI as `make run` does, the connect flow's pages at Hosting, shared by every test
that drives Hosting as a user would (the console, /docs, every operation of the spec).
"""

from __future__ import annotations

import shutil
import subprocess

from devstack.firebase_cli import FirebaseEmulators
from tests.conftest import PROJECT_ID, REGION, ROOT

# What `make` generates that Hosting serves (git-ignored, so not in the listing below):
# Swagger UI's files behind /docs (tests/test_api_docs.py), the Firebase JS SDK behind /console
# (tests/test_console.py).
GENERATED = ("hosting/public/docs/vendor", "hosting/public/console/vendor")


def clean_copy(dest):
    """The files a fresh clone would have after `make` (tracked, or new and not ignored, and
    what `make` generates for Hosting), and the venv."""
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                            cwd=ROOT, capture_output=True, check=True).stdout.decode().split("\0")
    for rel in filter(None, listed):
        source = ROOT / rel
        if source.is_file():
            (dest / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, dest / rel)
    for rel in GENERATED:
        if (ROOT / rel).is_dir():
            shutil.copytree(ROOT / rel, dest / rel)
    (dest / "venv").symlink_to(ROOT / "venv")
    return dest


def start_cli(stack, tmp_path_factory, env=lambda emulators: {}) -> FirebaseEmulators:
    """The CLI's emulators on a clean copy of the tree, beside the session's Firestore, Storage
    and sandboxes (the CLI's own Tasks and Auth); `env(emulators)` adds settings that need
    its addresses."""
    tree = clean_copy(tmp_path_factory.mktemp("tree"))
    emulators = FirebaseEmulators(project_dir=tree, project_id=PROJECT_ID, region=REGION,
                                  log_path=tmp_path_factory.mktemp("cli") / "firebase.log")
    emulators.env = stack.env | emulators.emulator_env | {
        "SOKU_FUNCTIONS_BASE_URL": emulators.functions_base_url,
        "MEDIA_PUBLIC_BASE": f"{emulators.hosting_url}/media",
    } | env(emulators)
    try:
        emulators.start()
    except Exception:
        print(emulators.log()[-4000:])
        raise
    return emulators


def add_auth_user(emulators: FirebaseEmulators, uid: str, password: str) -> str:
    """A user with a password in the CLI's Auth emulator (the admin API the Admin SDK's
    create_user calls; the emulator takes `Bearer owner` as an admin credential): its email."""
    import httpx

    email = f"{uid}@example.test"
    r = httpx.post(f"http://{emulators.emulator_env['FIREBASE_AUTH_EMULATOR_HOST']}/identitytoolkit.googleapis.com"
                   f"/v1/projects/{PROJECT_ID}/accounts", headers={"Authorization": "Bearer owner"},
                   json={"localId": uid, "email": email, "password": password}, timeout=10)
    assert r.status_code == 200, r.text
    return email
