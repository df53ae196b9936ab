"""The API reference at /docs, as a browser renders it from the stack `make run` starts.

Hosting serves hosting/public/docs/index.html and Swagger UI's files (`make docs` copies
them from npm), and the page renders the spec the `openapi` function serves at
/v1/openapi.json. Headless Chromium (Debian's package; `make test` installs it where it
can) loads the page under the Firebase CLI's emulators and dumps the rendered DOM: every
route of openapi.json is listed, and an operation opened by its link shows the spec's
request example.
"""

from __future__ import annotations

import json
import re
import subprocess
import tempfile
from html.parser import HTMLParser

import pytest
from tests.browser import CHROMIUM, needs_chromium
from tests.browser import FLAGS as BROWSER_FLAGS
from tests.conftest import ROOT

FLAGS = ("--headless", *BROWSER_FLAGS, "--virtual-time-budget=15000")
METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")

pytestmark = needs_chromium


class _Page(HTMLParser):
    """The page's text, and each operation's summary line as (METHOD, path) as displayed."""

    def __init__(self, dom: str):
        super().__init__()
        self.text: list[str] = []
        self.routes: list[tuple[str, str]] = []
        self._open: dict[str, list[str]] = {}   # summary span being read -> its text so far
        self._depth = 0
        self._method = ""
        self.feed(dom)
        self.text = "".join(self.text)

    def handle_starttag(self, tag, attrs):
        if tag == "wbr":
            return
        cls = dict(attrs).get("class") or ""
        if self._open:
            self._depth += 1
        elif tag == "span" and cls in ("opblock-summary-method", "opblock-summary-path"):
            self._open, self._depth = {cls: []}, 0

    def handle_endtag(self, tag):
        if not self._open or tag == "wbr":
            return
        if self._depth:
            self._depth -= 1
            return
        (cls, parts), = self._open.items()
        value = "".join(parts).replace("\u200b", "").strip()
        if cls == "opblock-summary-method":
            self._method = value
        else:
            self.routes.append((self._method, value))
        self._open = {}

    def handle_data(self, data):
        self.text.append(data)
        for parts in self._open.values():
            parts.append(data)


def _render(url: str) -> _Page:
    with tempfile.TemporaryDirectory() as profile:
        run = subprocess.run([CHROMIUM, *FLAGS, f"--user-data-dir={profile}", "--dump-dom", url],
                             capture_output=True, text=True, timeout=240)
    assert run.returncode == 0, run.stderr[-3000:]
    return _Page(run.stdout)


@pytest.fixture
def cli(hosting):
    """The Firebase CLI's emulators, Hosting included (tests/conftest.py)."""
    return hosting


@pytest.fixture(scope="module")
def spec():
    return json.loads((ROOT / "openapi.json").read_text())


def test_the_docs_page_lists_every_route_of_the_spec(cli, spec):
    assert (ROOT / "hosting/public/docs/vendor/swagger-ui-bundle.js").is_file(), "run `make docs`"
    page = _render(f"{cli.hosting_url}/docs")  # as the README gives it
    assert spec["info"]["title"] in page.text
    expected = sorted((method.upper(), path) for path, item in spec["paths"].items()
                      for method in item if method in METHODS)
    assert sorted(page.routes) == expected, page.text[:3000]


def test_an_opened_operation_shows_the_specs_request_example(cli, spec):
    operation = spec["paths"]["/v1/posts"]["post"]
    examples = operation["requestBody"]["content"]["application/json"]["examples"]
    first = next(iter(examples.values()))
    # Swagger UI's deep link to an operation: #/<first tag>/<operationId>, opened on load.
    page = _render(f"{cli.hosting_url}/docs/#/{operation['tags'][0]}/{operation['operationId']}")
    assert all(e["summary"] in page.text for e in examples.values())
    # The first example is the one shown, pretty-printed as Swagger UI prints JSON.
    shown = json.dumps(first["value"], indent=2, ensure_ascii=False)
    assert shown in page.text, re.sub(r"\s+", " ", page.text)[:3000]


def test_try_it_out_goes_to_the_server_the_page_came_from(cli):
    """Swagger UI's default server is this page's origin (`make run`'s Hosting here), not the
    spec's placeholder deployment: "Try it out" sends the reader's key where they are. The page
    runs under its CSP (firebase.json) with no violation and no console error."""
    from tests.browser import Problems, launch

    playwright = pytest.importorskip("playwright.sync_api", reason="pip install -r requirements-dev.txt")
    with playwright.sync_playwright() as p:
        browser = launch(p)
        try:
            context = browser.new_context()
            problems = Problems(context)
            page = context.new_page()
            page.set_default_timeout(120_000)
            page.goto(f"{cli.hosting_url}/docs/")
            servers = page.wait_for_selector(".servers select")
            options = servers.evaluate("s => [...s.options].map(o => o.value)")
            assert options[0] == cli.hosting_url, options
            assert options[1:] and all(o != cli.hosting_url for o in options[1:]), options
            assert servers.evaluate("s => s.value") == cli.hosting_url
            # Try it out, as a reader does: the health check, sent to this server.
            page.click("#operations-health-health_live .opblock-summary")
            page.click("#operations-health-health_live .try-out__btn")
            page.click("#operations-health-health_live .execute")
            page.wait_for_selector("#operations-health-health_live .live-responses-table")
            url = page.text_content("#operations-health-health_live .request-url pre")
            assert url == f"{cli.hosting_url}/health", url
            assert '"status": "ok"' in page.text_content("#operations-health-health_live .live-responses-table")
            problems.assert_none()
        finally:
            browser.close()
