"""The web console at /console, as a person uses it: Chromium, through the Firebase CLI's Hosting.

Hosting serves hosting/public/console/ (with firebase.json's headers: its CSP among them) and
the Firebase JS SDK's files (`make console` copies them from npm); the page signs in with the
CLI's Auth emulator and calls the API through Hosting's rewrites, which drop every cookie but
`__session` and every `Set-Cookie` of an answer that is not `private` (docs/hosting.md).
Playwright (requirements-dev.txt) types and clicks in Debian's Chromium (`make test` installs it
where it can; Playwright's own browser download is never used). The CLI runs with
SOKU_OAUTH_REDIRECT_BASE at Hosting, as `make run` starts it, so a connect flow's begin page and
callback are Hosting's.

Covered: sign in; key create, shown once, used, revoked; accounts, posts (with their runs, errors
and Retry), webhooks (with deliveries) and credits, all without pasting a key; Connect on each of
every platform end to end (OAuth: begin page, Continue, the sandbox's consent, callback, the
account listed as connected; Mastodon after naming its server; Telegram, Discord and Bluesky through
their credentials forms, Bluesky against the local reference PDS); Cancel on the begin page; a begin link used twice; the callback opened in a
second browser links nothing while the first browser can still finish; sign out. Every page
fails its test on a script error, a console error or a CSP violation.

The signed-in console is saved as a screenshot: to the session's temporary folder, or, with
SOKU_UPDATE_SCREENSHOT=1, to docs/console.png, which the README shows (a test run never rewrites
a committed file on its own).
"""

from __future__ import annotations

import os
import re

import httpx
import pytest
from shared.platforms import RULES
from tests.browser import Problems, launch, needs_chromium
from tests.cli_stack import add_auth_user
from tests.conftest import ROOT, wait_for
from tests.posting import body
from tests.webhook_receiver import receiver  # noqa: F401  (a webhook endpoint on loopback)

README_SCREENSHOT = ROOT / "docs/console.png"
PASSWORD = "console-test-password"
PLATFORMS = [p.value for p in RULES]

pytestmark = needs_chromium


@pytest.fixture
def cli(hosting):
    """The CLI's emulators with the connect flow's pages at Hosting, as `make run` has them."""
    return hosting


@pytest.fixture(scope="module")
def chromium():
    playwright = pytest.importorskip("playwright.sync_api", reason="pip install -r requirements-dev.txt")
    with playwright.sync_playwright() as p:
        browser = launch(p)
        yield browser
        browser.close()


@pytest.fixture
def browser(chromium):
    """A new browser profile (its own cookies), whose pages are watched for problems."""
    contexts = []

    def _open():
        context = chromium.new_context(viewport={"width": 1280, "height": 900})
        context.set_default_timeout(60_000)
        contexts.append((context, Problems(context)))
        return contexts[-1]

    yield _open
    for context, _ in contexts:
        context.close()


def _sign_in(cli, context, user):
    """The console, signed in as `user` (as the README gives it: /console)."""
    email = add_auth_user(cli, user.uid, PASSWORD)
    page = context.new_page()
    page.goto(f"{cli.hosting_url}/console")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.click("#sign-in button[type=submit]")
    page.wait_for_selector("#signed-in:not([hidden])")
    assert page.text_content("#who") == email
    page.wait_for_selector("#accounts[data-loaded]", state="attached")
    return page


def _begin_tab(page, platform: str):
    """Connect: the new tab, at Soku's one-time begin page."""
    with page.context.expect_page() as opened:
        page.click(f"#platforms button[data-platform={platform}]")
    tab = opened.value
    tab.wait_for_url(re.compile(rf"/oauth/{platform}/begin\?flow=[\w.-]+$"))
    tab.wait_for_load_state()
    return tab


def _accounts(cli, user, platform: str) -> list[str]:
    r = httpx.get(f"{cli.hosting_url}/v1/accounts", params={"platform": platform}, headers=user.key_headers,
                  timeout=60)
    assert r.status_code == 200, r.text
    return [a["accountId"] for a in r.json()["accounts"]]


def test_the_console_headers_keep_it_from_being_framed_or_sniffed(cli):
    for path in ("/console/", "/console", "/docs/"):
        r = httpx.get(f"{cli.hosting_url}{path}", timeout=30, follow_redirects=True)
        assert r.status_code == 200, path
        csp = r.headers["content-security-policy"]
        assert "frame-ancestors 'none'" in csp and "script-src 'self';" in csp, (path, csp)
        assert r.headers["x-frame-options"] == "DENY" and r.headers["x-content-type-options"] == "nosniff"
        assert r.headers["referrer-policy"] == "strict-origin-when-cross-origin"


def test_sign_in_manage_keys_and_see_everything_without_a_key(cli, demo, browser, sandbox, receiver,  # noqa: F811
                                                            tmp_path):
    assert (ROOT / "hosting/public/console/vendor/firebase-auth-compat.js").is_file(), "run `make console`"
    # Something to show: a post that published and one that failed (X refuses it), and a webhook.
    with httpx.Client(base_url=cli.hosting_url, timeout=60, headers=demo.key_headers) as http:
        hook = http.post("/v1/webhooks", json={"url": receiver.url, "events": ["post.failed"]})
        assert hook.status_code == 201, hook.text

        def published(text: str) -> str:
            sid = http.post("/v1/posts", json=body(["x"], text)).json()["postSubmissionId"]
            wait_for(lambda: http.get(f"/v1/posts/{sid}").json()["runs"][0]["status"] in ("succeeded", "failed"),
                     timeout=90, interval=0.5)
            return sid

        ok = published("Shown in the console")
        sandbox.fault("x", "create", "duplicate")
        bad = published("Refused by X")
    context, problems = browser()
    page = _sign_in(cli, context, demo)
    page.wait_for_selector("#keys tr:has-text('test key')")  # the fixture's own key

    # Accounts with their health, read with the session alone.
    accounts = httpx.get(f"{cli.hosting_url}/v1/accounts", headers=demo.key_headers, timeout=60).json()["accounts"]
    shown = page.locator("#accounts tr").evaluate_all("rows => rows.map(r => r.dataset.accountId)")
    assert shown == [a["accountId"] for a in accounts] and shown
    rows = page.locator("#accounts tr").all_inner_texts()
    assert all("connected" in row and "valid" in row for row in rows), rows

    # Recent posts with their runs: the published one with its URL, the failed one with X's reason
    # and a Retry button that queues it again.
    page.wait_for_selector("#posts[data-loaded]", state="attached")
    published = page.locator(f"#posts tr[data-post-id='{ok}']")
    assert "x x_main: published http" in published.inner_text()
    failed = page.locator(f"#posts tr[data-post-id='{bad}']")
    assert re.search(r"x x_main: failed \(\w+: .+\)", failed.inner_text()), failed.inner_text()
    failed.locator("button", has_text="Retry").click()
    page.wait_for_selector("#status:has-text('Queued 1 failed or unconfirmed run(s) again.')")
    assert published.locator("button").count() == 0

    # Webhooks with their deliveries, and the credits.
    hook_row = page.wait_for_selector(f"#webhooks tr[data-webhook-id='{hook.json()['id']}']")
    hook_id = hook.json()["id"]
    wait_for(lambda: [d for d in httpx.get(f"{cli.hosting_url}/v1/webhooks/{hook_id}/deliveries",
                                           headers=demo.key_headers, timeout=60).json()["data"]
                      if d["status"] == "succeeded"], timeout=60, interval=0.5)
    page.reload()  # its delivery, once the receiver took it
    hook_row = page.wait_for_selector(f"#webhooks tr[data-webhook-id='{hook.json()['id']}']")
    assert "post.failed succeeded after 1 attempt(s) (HTTP 200)" in hook_row.inner_text(), hook_row.inner_text()
    balance = httpx.get(f"{cli.hosting_url}/v1/credits/balance", headers=demo.key_headers, timeout=60)
    assert balance.status_code == 200, (balance.status_code, balance.headers, balance.text)  # named if it flakes
    assert page.text_content("#credits") == str(balance.json()["balance"])

    # A key: created, shown once, used, revoked (after its confirm dialog), refused at once. Every
    # scope is offered, checked (key_scopes.SCOPES, in order); unchecking narrows the key (issue 40).
    from shared.services.key_scopes import SCOPES

    boxes = page.locator("#key-scopes input[name=scope]")
    assert boxes.evaluate_all("bs => bs.map(b => [b.value, b.checked])") == [[s, True] for s in SCOPES]
    assert page.locator("#keys tr:has-text('test key') td.scopes").inner_text() == "all"
    page.fill("#key-name", "Console key")
    page.select_option("#key-kind", "agent")
    for scope in SCOPES:
        if scope not in ("posts:read", "posts:write"):
            page.uncheck(f"#key-scopes input[value='{scope}']")
    page.click("#create-key button[type=submit]")
    key = page.wait_for_selector("#new-key:not([hidden]) code").text_content()
    assert re.fullmatch(r"sk_live_\S+", key), key
    page.wait_for_selector("#keys tr:has-text('Console key') td.ok")
    assert key not in page.text_content("#keys") and key[-4:] in page.text_content("#keys")
    listed = page.locator("#keys tr", has_text="Console key")
    assert listed.locator("td.kind").inner_text() == "agent"
    assert listed.locator("td.scopes").inner_text() == "posts:read, posts:write"
    me = httpx.get(f"{cli.hosting_url}/v1/me", headers={"soku-api-key": key}, timeout=60)
    assert me.status_code == 200 and me.json()["key"]["name"] == "Console key", me.text
    assert me.json()["key"]["scopes"] == ["posts:read", "posts:write"] and me.json()["key"]["kind"] == "agent"
    refused = httpx.get(f"{cli.hosting_url}/v1/media", headers={"soku-api-key": key}, timeout=60)
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "insufficient_scope", refused.text
    page.once("dialog", lambda dialog: dialog.accept())
    row = page.locator("#keys tr", has_text="Console key")
    row.locator("button", has_text="Revoke").click()
    page.wait_for_selector("#keys tr:has-text('Console key') td.bad")
    assert "revoked" in row.inner_text() and page.locator("#new-key").is_hidden()
    me = httpx.get(f"{cli.hosting_url}/v1/me", headers={"soku-api-key": key}, timeout=60)
    assert me.status_code == 401 and me.json()["error"]["message"] == "API key revoked", me.text

    page.evaluate("window.scrollTo(0, 0)")
    shot = README_SCREENSHOT if os.environ.get("SOKU_UPDATE_SCREENSHOT") == "1" else tmp_path / "console.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 10_000

    # Sign out: the signed-in views are gone, and so is what they showed.
    page.click("#sign-out")
    page.wait_for_selector("#signed-out:not([hidden])")
    assert page.locator("#signed-in").is_hidden() and page.locator("#accounts tr").count() == 0
    problems.assert_none()


@pytest.fixture(scope="module")
def bluesky():
    """The AT Protocol's reference PDS with one account and its app password (tests/test_connect_bluesky.py)."""
    from tests.test_connect_bluesky import start_pds

    local, pds = start_pds(handles=("console.test",))
    yield pds
    local.stop()


def _credentials(platform: str, stack, bluesky, wordpress) -> dict[str, str]:
    """What a person types into the console's form for a platform connected with credentials."""
    from devstack.sandboxes import discord
    from devstack.sandboxes.telegram import world

    if platform == "telegram":
        return {"botToken": world.BOT_TOKEN, "chatId": f"@{world.CHAT_USERNAME}"}
    if platform == "discord":
        webhook_id, token = discord.new_webhook(stack.sandboxes.state, name="Console news")
        return {"webhookUrl": f"{stack.sandboxes.base_url}/discord/api/webhooks/{webhook_id}/{token}"}
    if platform == "bluesky":
        return {"handle": "console.test", "appPassword": bluesky.app_passwords["console.test"], "pdsUrl": bluesky.url}
    if platform == "wordpress":  # the real local WordPress (conftest's `wordpress`)
        return {"siteUrl": wordpress.url, "username": "admin", "applicationPassword": wordpress.users["admin"].password}
    raise AssertionError(f"no credentials for {platform}")


def test_connect_each_platform_from_the_console_through_hosting(cli, stack, user, browser, bluesky, wordpress):
    """Every platform `GET /v1/platforms` lists, as a person connects it: the OAuth ones through
    the begin page in a new tab (Mastodon after naming its server), the others with the form of
    their credentials, which Soku checks with the platform before storing."""
    catalog = {p["platform"]: p for p in httpx.get(f"{cli.hosting_url}/v1/platforms", timeout=60).json()["platforms"]}
    assert set(catalog) == set(PLATFORMS)
    context, problems = browser()
    page = _sign_in(cli, context, user)
    assert page.locator("#accounts tr").count() == 0
    for platform in PLATFORMS:
        name = catalog[platform]["displayName"]
        connection = catalog[platform]["connection"]
        if connection["type"] == "manual":
            page.click(f"#platforms button[data-platform={platform}]")
            form = page.wait_for_selector(f"#credentials[data-platform={platform}]:not([hidden])")
            for field, value in _credentials(platform, stack, bluesky, wordpress).items():
                form.query_selector(f"input[name={field}]").fill(value)
            secret = {"bluesky": "appPassword", "telegram": "botToken", "wordpress": "applicationPassword"}.get(
                platform, "webhookUrl")
            assert form.query_selector(f"input[name={secret}]").get_attribute("type") == "password"
            form.query_selector("button[type=submit]").click()
            page.wait_for_selector(f"#status:has-text('{name} connected')")
            linked = _accounts(cli, user, platform)
        else:
            if connection.get("fields"):  # Mastodon: the server first, then the consent flow there
                page.click(f"#platforms button[data-platform={platform}]")
                form = page.wait_for_selector(f"#credentials[data-platform={platform}]:not([hidden])")
                form.query_selector("input[name=instanceUrl]").fill(f"{stack.sandboxes.base_url}/mastodon")
                with page.context.expect_page() as opened:
                    form.query_selector("button[type=submit]").click()
                tab = opened.value
                tab.wait_for_url(re.compile(rf"/oauth/{platform}/begin\?flow=[\w.-]+$"))
                tab.wait_for_load_state()
            else:
                tab = _begin_tab(page, platform)
            assert f"Connect a {name} account to Soku" in tab.inner_text("h1")
            tab.click("button[value=continue]")  # Continue: the sandbox consents at once and sends it back
            tab.wait_for_selector(f"h1:has-text('{name} connected')")
            linked = _accounts(cli, user, platform)
            assert linked and all(f"<code>{a}</code>" in tab.content() for a in linked), (platform, linked)
            tab.close()  # the console reads its accounts again
        for account_id in linked:
            try:
                row = page.wait_for_selector(f"#accounts tr[data-account-id='{account_id}']")
            except Exception as exc:  # what the console said instead (a refused read names itself there)
                raise AssertionError(f"{platform}: {account_id} not listed; the console says "
                                     f"{page.text_content('#status')!r}") from exc
            assert "connected" in row.inner_text() and "valid" in row.inner_text(), row.inner_text()
    shown = page.locator("#accounts tr").evaluate_all("rows => rows.map(r => r.dataset.platform)")
    assert set(shown) == set(PLATFORMS)
    problems.assert_none()


def test_connect_instagram_without_a_facebook_page_from_the_console(cli, stack, user, browser):
    """The console's second Instagram button starts Instagram Login (`{"accountType":
    "instagram_login"}`): the begin page, the sandbox's www.instagram.com consent, the callback."""
    context, problems = browser()
    page = _sign_in(cli, context, user)
    button = page.wait_for_selector("#platforms button[data-account-type=instagram_login]")
    assert button.inner_text() == "Connect Instagram (without a Facebook Page)"
    with page.context.expect_page() as opened:
        button.click()
    tab = opened.value
    tab.wait_for_url(re.compile(r"/oauth/instagram/begin\?flow=[\w.-]+$"))
    tab.wait_for_load_state()
    with tab.expect_request(re.compile(r"/instagram_login/www/oauth/authorize\?")):
        tab.click("button[value=continue]")
    tab.wait_for_selector("h1:has-text('Instagram connected')")
    r = httpx.get(f"{cli.hosting_url}/v1/accounts", params={"platform": "instagram"}, headers=user.key_headers,
                  timeout=60)
    assert [a["accountType"] for a in r.json()["accounts"]] == ["instagram_login"]
    tab.close()
    page.wait_for_selector(f"#accounts tr[data-account-id='{r.json()['accounts'][0]['accountId']}']")
    problems.assert_none()


def test_cancel_and_a_begin_link_used_twice(cli, user, browser):
    context, problems = browser()
    page = _sign_in(cli, context, user)
    tab = _begin_tab(page, "x")
    tab.click("button[value=cancel]")
    tab.wait_for_selector("h1:has-text('Connection cancelled')")
    assert "cancelled" in tab.inner_text("body") and _accounts(cli, user, "x") == []
    tab.close()

    tab = _begin_tab(page, "threads")
    begin_url = tab.url
    tab.click("button[value=continue]")
    tab.wait_for_selector("h1:has-text('Threads connected')")
    # The same link again, in the same browser: used up, says so, links nothing more.
    answer = tab.goto(begin_url)
    assert answer.status == 409 and "link_already_used" in tab.inner_text("body")
    assert len(_accounts(cli, user, "threads")) == 1
    problems.assert_none(expected_errors=("409",))


def test_a_callback_opened_in_another_browser_links_nothing(cli, user, browser):
    """The attack: the platform's answer (the callback URL with its code) reaches a browser
    that did not continue the flow. It links nothing; the browser that did can still finish."""
    context, problems = browser()
    page = _sign_in(cli, context, user)
    tab = _begin_tab(page, "x")
    begin_url = tab.url
    held: list[str] = []

    def hold(route):
        """Continue's answer reaches this browser (its cookie with it) but is not followed: the
        platform's consent, and so the callback URL with its code, is had by hand below.
        (Playwright routes only the first request of a redirect chain.)"""
        answer = route.fetch(max_redirects=0)
        held.append(answer.headers["location"])
        headers = {k: v for k, v in answer.headers.items() if k.lower() not in ("location", "content-length")}
        route.fulfill(status=200, headers=headers, content_type="text/html", body="<p>held</p>")

    tab.route(begin_url, hold)
    tab.click("button[value=continue]")
    wait_for(lambda: held, timeout=60)
    consent = httpx.get(held[0], follow_redirects=False, timeout=30)  # the sandbox consents at once
    assert consent.status_code in (302, 303), consent.text
    callback = consent.headers["location"]
    assert callback.startswith(f"{cli.hosting_url}/oauth/x/callback?")

    other, other_problems = browser()  # someone else's browser, signed in to Soku or not
    stranger = other.new_page()
    answer = stranger.goto(callback)
    assert answer.status == 403 and "browser_mismatch" in stranger.inner_text("body")
    assert "browser where you started" in stranger.inner_text("body")
    assert _accounts(cli, user, "x") == []

    tab.goto(callback)
    tab.wait_for_selector("h1:has-text('X connected')")
    assert len(_accounts(cli, user, "x")) == 1
    problems.assert_none()
    other_problems.assert_none(expected_errors=("403",))
