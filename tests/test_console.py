"""The web console at /console, driven in headless Chromium against the Firebase CLI's stack.

Hosting serves hosting/public/console/ and the Firebase JS SDK's files (`make console` copies
them from npm); the page signs in with the CLI's Auth emulator and calls the API through
Hosting's rewrites. Playwright (requirements-dev.txt) types and clicks in Debian's Chromium
(`make test` installs it where it can; Playwright's own browser download is never used):
sign in, create a key (shown once), use it, revoke it in the console, and the key gets 401;
the accounts show with their health, and a connect button reaches Soku's begin page.
The page as it looks then is saved as a screenshot: to the session's temporary folder, or,
with SOKU_UPDATE_SCREENSHOT=1, to docs/console.png, which the README shows (a test run never
rewrites a committed file on its own).
"""

from __future__ import annotations

import os
import re

import httpx
import pytest
from tests.conftest import PROJECT_ID, ROOT
from tests.test_firebase_cli import cli  # noqa: F401  (the emulators, Hosting and Auth included)

CHROMIUM = os.environ.get("SOKU_CHROMIUM", "/usr/bin/chromium")
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]
README_SCREENSHOT = ROOT / "docs/console.png"
PASSWORD = "console-test-password"

pytestmark = pytest.mark.skipif(
    not os.access(CHROMIUM, os.X_OK),
    reason=f"no {CHROMIUM}: `make test` installs Debian's chromium package only as root with apt-get")


def _auth_user(cli, uid: str, email: str) -> None:  # noqa: F811
    """The demo fixture's user in the CLI's Auth emulator, with a password (the admin API the
    Admin SDK's create_user calls; the emulator takes `Bearer owner` as an admin credential)."""
    r = httpx.post(f"http://{cli.emulator_env['FIREBASE_AUTH_EMULATOR_HOST']}/identitytoolkit.googleapis.com"
                   f"/v1/projects/{PROJECT_ID}/accounts", headers={"Authorization": "Bearer owner"},
                   json={"localId": uid, "email": email, "password": PASSWORD}, timeout=10)
    assert r.status_code == 200, r.text


@pytest.fixture(scope="module")
def browser():
    playwright = pytest.importorskip("playwright.sync_api", reason="pip install -r requirements-dev.txt")
    with playwright.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
        yield chromium
        chromium.close()


def test_sign_in_create_use_and_revoke_a_key_and_see_the_accounts(cli, demo, browser, tmp_path):  # noqa: F811
    assert (ROOT / "hosting/public/console/vendor/firebase-auth-compat.js").is_file(), "run `make console`"
    email = f"{demo.uid}@example.test"
    _auth_user(cli, demo.uid, email)
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.set_default_timeout(60_000)
    page.goto(f"{cli.hosting_url}/console")  # as the README gives it

    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.click("#sign-in button[type=submit]")
    page.wait_for_selector("#signed-in:not([hidden])")
    assert page.text_content("#who") == email
    page.wait_for_selector("#keys tr:has-text('test key')")  # the fixture's own key

    page.fill("#key-name", "Console key")
    page.click("#create-key button")
    key = page.wait_for_selector("#new-key:not([hidden]) code").text_content()
    assert re.fullmatch(r"sk_live_\S+", key), key
    page.wait_for_selector("#keys tr:has-text('Console key') td.ok")
    assert page.locator("#keys tr").count() == 2
    # Shown once: the list has only the preview.
    assert key not in page.text_content("#keys") and key[-4:] in page.text_content("#keys")

    # The key works.
    me = httpx.get(f"{cli.hosting_url}/v1/me", headers={"soku-api-key": key}, timeout=60)
    assert me.status_code == 200, me.text
    assert me.json()["userId"] == demo.uid and me.json()["key"]["name"] == "Console key"

    # The accounts, read with the new key, each with its health.
    page.wait_for_selector("#accounts tr")
    accounts = httpx.get(f"{cli.hosting_url}/v1/accounts", headers=demo.key_headers, timeout=60).json()["accounts"]
    shown = page.locator("#accounts tr").evaluate_all("rows => rows.map(r => r.dataset.accountId)")
    assert shown == [a["accountId"] for a in accounts] and shown
    rows = page.locator("#accounts tr").all_inner_texts()
    assert all("connected" in row and "valid" in row for row in rows), rows

    # Revoke it in the console (after its confirm dialog); the key is refused at once.
    page.once("dialog", lambda dialog: dialog.accept())
    row = page.locator("#keys tr", has_text="Console key")
    row.locator("button", has_text="Revoke").click()
    page.wait_for_selector("#keys tr:has-text('Console key') td.bad")
    assert "revoked" in row.inner_text() and page.locator("#new-key").is_hidden()
    me = httpx.get(f"{cli.hosting_url}/v1/me", headers={"soku-api-key": key}, timeout=60)
    assert me.status_code == 401 and me.json()["error"]["message"] == "API key revoked", me.text

    page.evaluate("window.scrollTo(0, 0)")
    shot = README_SCREENSHOT if os.environ.get("SOKU_UPDATE_SCREENSHOT") == "1" else tmp_path / "console.png"
    page.screenshot(path=str(shot))
    assert shot.stat().st_size > 10_000
    assert not errors, errors

    # A connect button starts a flow with the ID token and follows its authorizeUrl: Soku's
    # one-time begin page. (Its origin is the one SOKU_OAUTH_REDIRECT_BASE names, which `make run`
    # sets to Hosting; this fixture leaves it unset, so it is the Functions emulator's own here,
    # as test_firebase_cli.py's `…/api` test relies on: only the navigation is checked.)
    page.click("#platforms button[data-platform=x]")
    page.wait_for_url(re.compile(r"/oauth/x/begin\?flow=[\w.-]+$"))
    page.close()
