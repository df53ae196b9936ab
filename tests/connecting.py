"""Helpers for the connect-flow tests: drive start → consent → callback over real HTTP."""

from __future__ import annotations

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

    @property
    def callback_url(self) -> str:
        assert self.consent is not None and self.consent.status_code in (302, 303), self.consent
        return self.consent.headers["location"]

    @property
    def state(self) -> str:
        return self.start.json()["state"]


def start(client: httpx.Client, platform: str, headers: dict) -> httpx.Response:
    return client.post(f"/v1/connections/{platform}/start", headers=headers)


def consent(authorize_url: str, **sandbox) -> httpx.Response:
    """What a browser does at the platform: the sandbox consents at once and redirects back."""
    extra = {f"sandbox_{k}": v for k, v in sandbox.items() if v is not None}
    url = f"{authorize_url}&{urlencode(extra)}" if extra else authorize_url
    return httpx.get(url, follow_redirects=False)


def connect(client: httpx.Client, user, platform: str, subject: str | None = None, *,
            headers: dict | None = None, **sandbox) -> Flow:
    """The whole flow as a browser runs it; returns every hop's response."""
    flow = Flow(start(client, platform, headers if headers is not None else user.key_headers))
    assert flow.start.status_code == 200, flow.start.text
    flow.consent = consent(flow.start.json()["authorizeUrl"], user=subject, **sandbox)
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
