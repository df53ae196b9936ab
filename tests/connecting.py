"""Helpers for the connect-flow tests: drive start → begin (confirm) → consent → callback over real HTTP.

A "browser" is an httpx.Client: its cookie jar holds the cookie the begin page sets, so
the same client must finish the flow at the callback."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx

from tests.conftest import wait_for


def new_subject() -> str:
    """A platform user of the test's own, so tests never share sandbox state."""
    return f"u{uuid.uuid4().hex[:10]}"


@dataclass
class Flow:
    start: httpx.Response
    consent: httpx.Response | None = None  # the platform's answer to the authorize URL
    callback: httpx.Response | None = None  # our callback's answer to the browser
    begin: httpx.Response | None = None  # the begin page (GET)
    confirm: httpx.Response | None = None  # its Continue button (POST): a redirect to the platform

    @property
    def callback_url(self) -> str:
        assert self.consent is not None and self.consent.status_code in (302, 303), self.consent
        return self.consent.headers["location"]

    @property
    def authorize_url(self) -> str:
        """The platform's authorize URL the begin page sent the browser to."""
        assert self.confirm is not None and self.confirm.status_code == 303, self.confirm
        return self.confirm.headers["location"]

    @property
    def state(self) -> str:
        return query_of(self.authorize_url)["state"]


def start(client: httpx.Client, platform: str, headers: dict) -> httpx.Response:
    return client.post(f"/v1/connections/{platform}/start", headers=headers)


def csrf_of(page: httpx.Response) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert found, page.text[:500]
    return found.group(1)


def begin(browser: httpx.Client, begin_url: str, decision: str = "continue") -> tuple[httpx.Response, httpx.Response]:
    """What a person does on the begin page: read it, press a button. (page, the button's answer)."""
    page = browser.get(begin_url, follow_redirects=False)
    assert page.status_code == 200, page.text
    answer = browser.post(begin_url, data={"csrf": csrf_of(page), "decision": decision}, follow_redirects=False)
    return page, answer


def authorize(browser: httpx.Client, start_response: httpx.Response) -> str:
    """Begin and continue in `browser`: the platform's authorize URL it was sent to."""
    _, answer = begin(browser, start_response.json()["authorizeUrl"])
    assert answer.status_code == 303, answer.text
    return answer.headers["location"]


def consent(authorize_url: str, **sandbox) -> httpx.Response:
    """What a browser does at the platform: the sandbox consents at once and redirects back."""
    extra = {f"sandbox_{k}": v for k, v in sandbox.items() if v is not None}
    url = f"{authorize_url}&{urlencode(extra)}" if extra else authorize_url
    return httpx.get(url, follow_redirects=False)


def connect(client: httpx.Client, user, platform: str, subject: str | None = None, *,
            headers: dict | None = None, **sandbox) -> Flow:
    """The whole flow as a browser (`client`, with its cookies) runs it; returns every hop's response."""
    flow = Flow(start(client, platform, headers if headers is not None else user.key_headers))
    assert flow.start.status_code == 200, flow.start.text
    flow.begin, flow.confirm = begin(client, flow.start.json()["authorizeUrl"])
    flow.consent = consent(flow.authorize_url, user=subject, **sandbox)
    if flow.consent.status_code in (302, 303):
        flow.callback = client.get(flow.callback_url, follow_redirects=False)
    return flow


def query_of(url: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}


def account_doc(db, user, platform: str, account_id: str):
    return (db.collection("users").document(user.uid).collection("integrations").document(platform)
            .collection("accounts").document(account_id))


def final_run(client: httpx.Client, user, submission_id: str, timeout: float = 30) -> dict:
    def done():
        post = client.get(f"/v1/posts/{submission_id}", headers=user.key_headers).json()
        runs = post.get("runs") or []
        return runs and all(r["status"] in ("succeeded", "failed") for r in runs) and runs[0]

    return wait_for(done, timeout=timeout)
