"""One local stack per test session: the real emulators on free ports, the real
clients, and the gateway serving main.py's functions over real HTTP."""

from __future__ import annotations

import itertools
import json
import os
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import httpx
import pytest

from devstack.stack import LocalStack

ROOT = Path(__file__).resolve().parent.parent
PROJECT_ID = "demo-soku-test"
REGION = "us-central1"


@pytest.fixture(scope="session")
def stack(tmp_path_factory) -> LocalStack:
    """The whole local stack (devstack/stack.py) on free ports, for the session."""
    local = LocalStack(project_id=PROJECT_ID, region=REGION, environment="test",
                       log_dir=tmp_path_factory.mktemp("emulator-logs"),
                       # Only the literal loopback address: tests also check `localhost` is vetted.
                       extra_env={"SOKU_FETCH_ALLOWLIST": "127.0.0.1",
                                  # The sandboxes list a post at once unless a test gives them a
                                  # `lag` fault: a lookup's miss needs no waiting out here, except
                                  # in the tests of that wait (test_listing_lag.py), which set it.
                                  "SOKU_LISTING_LAG_SCALE": "0"},
                       # Retries as declared, but without minutes of backoff between them.
                       max_task_backoff_s=0.5)
    local.start()
    try:
        yield local
    finally:
        local.stop()


@pytest.fixture(scope="session")
def hosting(stack, tmp_path_factory):
    """The Firebase CLI's Functions, Hosting, Auth and Tasks emulators on a clean copy of the
    tree, as `make run` starts them (the connect flow's pages at Hosting): the user's front
    door, for the tests that go through it (the console, /docs, every operation of the spec).
    One run for the session: it takes ~20 s to start."""
    from tests.cli_stack import start_cli

    # The console test connects every platform (sixteen, twelve of them by OAuth) as one user as
    # fast as a browser clicks, over the 10 connection starts a minute a person gets and the
    # requests a minute of their tier (shared/services/rate_limits.py: 60 signed in, 100 premium),
    # since the console reads every account's detail again after each connect (N+1 requests): a
    # person takes longer at each platform's consent page than the limits' minute allows.
    emulators = start_cli(stack, tmp_path_factory,
                          env=lambda emulators: {"SOKU_OAUTH_REDIRECT_BASE": emulators.hosting_url,
                                                 "SOKU_RATE_LIMITS": json.dumps({
                                                     "POST /v1/connections/{platform}/start": 30,
                                                     "authenticated": [600, 300], "premium": [600, 300]})})
    yield emulators
    emulators.stop()


_CLIENT_ADDRESSES = itertools.count()  # 65024 of them before one comes round again


@pytest.fixture
def client(stack) -> httpx.Client:
    # Each test is a caller of its own, at its own address, as callers are in
    # production: requests without a key are rate-limited per client address
    # (X-Forwarded-For, as Google's front end sets it), so tests never share a budget.
    # Counted, not drawn at random: among the suite's ~2000 tests two random addresses of
    # 198.18.0.0/16 met within a media-delivery window (an hour), and the later test found
    # the earlier one's bytes already spent (test_media_delivery, once).
    n = next(_CLIENT_ADDRESSES)
    address = f"198.18.{n // 254 % 256}.{n % 254 + 1}"
    with httpx.Client(base_url=stack.base_url, timeout=30, headers={"X-Forwarded-For": address}) as http:
        yield http


@pytest.fixture
def db(stack):
    from shared.adapters.gcp import firestore_client

    return firestore_client()


@dataclass
class User:
    uid: str
    api_key: str | None
    id_token: str

    @property
    def key_headers(self) -> dict[str, str]:
        return {"soku-api-key": self.api_key or ""}

    @property
    def bearer(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.id_token}"}


@pytest.fixture
def make_user(stack, db):
    """Create a user with a subscription of the given shape and an API key."""
    from devstack.id_tokens import emulator_id_token
    from shared import clock
    from shared.services import api_keys

    def _make(status: str | None = "active", period_days: float = 30, with_key: bool = True,
              stripe: bool = False) -> User:
        uid = f"user-{uuid.uuid4().hex[:12]}"
        doc: dict = {"email": f"{uid}@example.test"}
        period_end = clock.now() + timedelta(days=period_days)
        if status is not None and not stripe:
            doc["subscription"] = {"status": status, "currentPeriodEnd": period_end}
        db.collection("users").document(uid).set(doc)
        if status is not None and stripe:
            db.collection("customers").document(uid).collection("subscriptions").document("sub_1").set(
                {"status": status, "current_period_end": period_end}
            )
        key = api_keys.create_key(uid, "test key") if with_key else None
        return User(uid=uid, api_key=key, id_token=emulator_id_token(uid, PROJECT_ID))

    return _make


@pytest.fixture
def user(make_user) -> User:
    return make_user()


@pytest.fixture
def demo(make_user) -> User:
    """A subscribed user holding every account id of the spec's examples."""
    from devstack.seed import seed_demo_user

    u = make_user()
    seed_demo_user(u.uid)
    return u


def wait_for(predicate, timeout: float = 15.0, interval: float = 0.1):
    """Poll until predicate() returns a truthy value; return it (fail on timeout)."""
    import time

    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {timeout}s; last value: {value!r}")
        time.sleep(interval)


@pytest.fixture
def time_travel():
    """Move this process's clock (the gateway shares it) forward; restored afterwards."""
    from datetime import datetime, timedelta, timezone

    from shared import clock

    offset = {"by": timedelta()}
    clock.set_clock(lambda: datetime.now(timezone.utc) + offset["by"])

    def forward(**delta) -> None:
        offset["by"] += timedelta(**delta)

    yield forward
    clock.set_clock(None)


@pytest.fixture
def sandbox(stack):
    """Steer the platform sandboxes: faults on demand, and what they recorded."""

    class Control:
        base_url = stack.sandboxes.base_url

        def fault(self, platform: str, operation: str, kind: str, times: int = 1, **params) -> None:
            httpx.post(f"{self.base_url}/__sandbox/faults", json={
                "platform": platform, "operation": operation, "kind": kind, "times": times, "params": params,
            }).raise_for_status()

        def posts(self, platform: str) -> list[dict]:
            return httpx.get(f"{self.base_url}/__sandbox/posts", params={"platform": platform}).json()["posts"]

        def revoke(self, platform: str, subject: str) -> None:
            httpx.post(f"{self.base_url}/__sandbox/revoke", json={"platform": platform, "subject": subject})

    yield Control()
    stack.sandboxes.state.faults.clear()  # faults never leak into the next test


@pytest.fixture
def stored_media(stack, db):
    """Put real bytes in the storage emulator with a media document, as uploads do."""
    import uuid as _uuid

    from shared.adapters.gcp import storage_client
    from shared.config import get_settings

    def _store(user, kind: str = "video", size: int = 1024 * 1024, content_type: str | None = None) -> str:
        content_type = content_type or ("video/mp4" if kind == "video" else "image/jpeg")
        ext = "mp4" if kind == "video" else "jpg"
        media_id = f"m{_uuid.uuid4().hex[:16]}"
        path = f"media/{media_id}.{ext}"
        head = b"\x00\x00\x00\x18ftypmp42" if kind == "video" else b"\xff\xd8\xff\xe0"
        data = head + bytes(size - len(head))  # exactly `size` bytes, like the document says
        bucket = storage_client().bucket(get_settings().media_bucket)
        bucket.blob(path).upload_from_string(data, content_type=content_type)
        db.collection("media").document(media_id).set({
            "id": media_id, "userId": user.uid, "objectPath": path, "contentType": content_type,
            "url": f"{stack.base_url}/media/{media_id}.{ext}", "ext": ext, "size": size,
        })
        return media_id

    return _store




@pytest.fixture(autouse=True)
def platform_contracts(request):
    """A test during which our code sent a platform sandbox something the platform's published
    contract forbids, or a sandbox answered outside it, fails, naming each violation
    (devstack/contracts; `make contracts` prints the whole report)."""
    from devstack.contracts.ledger import LEDGER

    mark = LEDGER.mark
    yield
    if request.node.get_closest_marker("expects_contract_violations") is not None:
        LEDGER.set_aside(mark)  # the test inspected them; they are not our code's or a sandbox's
        return
    violations = LEDGER.since(mark)
    if violations:
        pytest.fail("platform contract violations:\n" + "\n".join(f"  {v}" for v in violations), pytrace=False)


def pytest_terminal_summary(terminalreporter):
    """Every run that reached a sandbox ends with the contracts report."""
    from devstack.contracts import report
    from devstack.contracts.ledger import LEDGER

    snap = LEDGER.snapshot()
    if os.environ.get("SOKU_CONTRACTS_REPORT") == "runner":
        return  # `make contracts` (devstack/contracts/__main__.py) prints it last itself
    if snap["checked"] or snap["uncovered"] or snap["violations"]:
        terminalreporter.section("platform contracts")
        for line in report.lines():
            terminalreporter.write_line(line)


@pytest.fixture(scope="session")
def wordpress():
    """A real self-hosted WordPress (devstack/wordpress: Debian's package, MariaDB, `php -S`),
    one for the session (~3 s to start). Skips, saying why, where it cannot run (the packages
    missing and not root to install them)."""
    from devstack.wordpress import WordPressUnavailable, install, start

    try:
        install()
        site = start()
    except WordPressUnavailable as exc:
        pytest.skip(f"no local WordPress: {exc}")
    yield site
    site.stop()
