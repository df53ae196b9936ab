"""Chromium for the tests that click as a person does (Playwright drives Debian's Chromium;
Playwright's own browser download is never used). `make test` installs the package where it
can; without it those tests skip and say why."""

from __future__ import annotations

import os

import pytest

CHROMIUM = os.environ.get("SOKU_CHROMIUM", "/usr/bin/chromium")
# What this machine's closed network needs: no background connections, no QUIC, no sandbox as root.
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]

needs_chromium = pytest.mark.skipif(
    not os.access(CHROMIUM, os.X_OK),
    reason=f"no {CHROMIUM}: `make test` installs Debian's chromium package only as root with apt-get")

# Run in every page before its own scripts: each CSP violation the browser reports is handed to
# the test at once (a page closed later keeps nothing to ask).
WATCH_CSP = """
document.addEventListener("securitypolicyviolation", (e) =>
  window.__sokuCspViolation(`${location.href}: CSP ${e.violatedDirective} blocked ${e.blockedURI || "inline"}`));
"""


def launch(playwright):
    return playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)


class Problems:
    """Script errors, console errors and CSP violations of every page of a browser context.

    One kind is printed, not counted: a 5xx that never reached our code (no X-Request-ID, which
    every answer of ours carries), i.e. the proxy in front of the functions failing. The Firebase
    CLI's Functions emulator drops a request to its Python workers now and then ("Request to
    function failed: Error: socket hang up" in its log; seen once in three full runs of the suite,
    when the console's five reads arrived at once; not reproduced by requests one at a time), and
    Hosting answers 500. The console sends such a read once more, and the test checks what it then
    shows. A 5xx of ours, and any other console error, fails the test."""

    def __init__(self, context):
        self.seen: list[str] = []
        self.proxy_failures: set[str] = set()
        context.expose_function("__sokuCspViolation", lambda text: self.seen.append(text))
        context.add_init_script(WATCH_CSP)
        context.on("page", self.watch)

    def watch(self, page) -> None:
        page.on("pageerror", lambda error: self.seen.append(f"{page.url}: {error}"))
        page.on("console", lambda m: m.type == "error" and self.seen.append(
            f"{page.url}: console: {m.text} ({m.location.get('url')})"))
        page.on("response", self._response)

    def _response(self, response) -> None:
        if response.status >= 500 and "x-request-id" not in response.headers:
            print(f"the proxy, not Soku, answered {response.status} for {response.url}")
            self.proxy_failures.add(response.url)

    def assert_none(self, expected_errors: tuple[str, ...] = ()) -> None:
        """`expected_errors`: a refused page's own HTTP status, which Chromium logs as a console error."""
        found = [s for s in self.seen if not any(e in s for e in expected_errors)
                 and not any(s.endswith(f"({url})") for url in self.proxy_failures)]
        assert not found, found
