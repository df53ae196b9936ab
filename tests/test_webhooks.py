"""Outbound webhooks against a real local receiver: once per occurrence, signed, retried, listed."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from shared import clock
from shared.services.webhooks.signing import sign, verify
from tests.conftest import wait_for
from tests.envelope import assert_error
from tests.media_origin import settings_env  # noqa: F401 - the fixture
from tests.posting import call_task
from tests.webhook_receiver import publish as _publish
from tests.webhook_receiver import receiver  # noqa: F401 - the fixture
from tests.webhook_receiver import register as _register


def test_register_shows_the_secret_once(client, demo, receiver):
    hook = _register(client, demo, receiver.url)
    assert hook["secret"].startswith("whsec_") and hook["status"] == "active"
    assert set(hook["events"]) == {"post.published", "post.failed", "post.unconfirmed", "post.completed",
                                  "post.deleted", "account.needs_reconnect"}
    listed = client.get("/v1/webhooks", headers=demo.key_headers).json()["data"]
    assert [h["id"] for h in listed] == [hook["id"]]
    # Every event sent can be subscribed to on its own.
    for event in hook["events"]:
        assert _register(client, demo, receiver.url, events=[event])["events"] == [event]
    assert "secret" not in listed[0] and hook["secret"] not in json.dumps(listed)


@pytest.mark.parametrize("url,fragment", [
    ("http://169.254.169.254/latest/meta-data", "metadata"),
    ("http://10.0.0.8/hook", "private"),
    ("http://[::1]:9/hook", "loopback"),
])
def test_unsafe_urls_are_refused(client, demo, url, fragment, monkeypatch):
    from shared.adapters import safe_http

    monkeypatch.setattr(safe_http, "_allowlist", lambda: safe_http.AllowList.parse(()))
    error = assert_error(client.post("/v1/webhooks", json={"url": url}, headers=demo.key_headers),
                         400, "validation_error")
    assert fragment in error["message"]


def test_published_and_completed_arrive_once_signed(client, demo, receiver):
    hook = _register(client, demo, receiver.url)
    sid = _publish(client, demo, "webhook me")
    wait_for(lambda: receiver.events("post.completed"), timeout=20)
    published = receiver.events("post.published")
    assert len(published) == 1 and len(receiver.events("post.completed")) == 1
    event = published[0]
    assert event["data"]["post"]["id"] == sid
    assert event["data"]["run"]["status"] == "succeeded" and event["data"]["run"]["result"]["postId"]
    request = next(r for r in receiver.requests if r["json"]["type"] == "post.published")
    assert request["headers"]["Soku-Event-Id"] == event["id"]
    assert verify(hook["secret"], request["raw"], request["headers"]["Soku-Signature"])
    # Tampering, a wrong secret, or a replay long after signing all fail verification.
    assert not verify(hook["secret"], request["raw"].replace(b"webhook me", b"webhook you"),
                      request["headers"]["Soku-Signature"])
    assert not verify("whsec_other", request["raw"], request["headers"]["Soku-Signature"])
    old = sign(hook["secret"], request["raw"], timestamp=int(clock.now().timestamp()) - 3600)
    assert not verify(hook["secret"], request["raw"], old)


def test_duplicate_task_deliveries_never_duplicate_events(client, demo, receiver, db):
    hook = _register(client, demo, receiver.url, events=["post.published"])
    sid = _publish(client, demo, "duplicated tasks")
    wait_for(lambda: receiver.events("post.published"), timeout=20)
    # The publisher's task delivered again: the run is finished, nothing is re-emitted.
    call_task(client, "publishX", {"postSubmissionId": sid, "targetId": "x:x_main"})
    # The webhook's own task delivered again: the delivery is done, nothing is re-sent.
    delivery_id = client.get(f"/v1/webhooks/{hook['id']}/deliveries", headers=demo.key_headers).json()["data"][0]["id"]
    call_task(client, "deliverWebhook", {"userId": demo.uid, "endpointId": hook["id"], "deliveryId": delivery_id})
    assert len(receiver.events("post.published")) == 1


def test_failed_runs_say_why(client, demo, receiver, sandbox):
    _register(client, demo, receiver.url, events=["post.failed"])
    sandbox.fault("x", "create", "duplicate")
    _publish(client, demo, "will fail")
    failed = wait_for(lambda: receiver.events("post.failed"), timeout=20)
    assert failed[0]["data"]["run"]["result"]["code"] == "duplicate_content"
    assert receiver.events("post.published") == []


# The retry schedule (27 hours: delivery.py) scaled down: an hour of it is 0.36 s.
RETRY_SCALE = "0.0001"


def test_retries_until_success_and_the_delivery_counts_its_attempts(client, demo, receiver,
                                                                    settings_env):  # noqa: F811
    settings_env(SOKU_WEBHOOK_RETRY_SCALE=RETRY_SCALE)
    hook = _register(client, demo, receiver.url, events=["post.published"])
    receiver.statuses = [500, 503]
    _publish(client, demo, "flaky receiver")
    deliveries = wait_for(lambda: (d := client.get(f"/v1/webhooks/{hook['id']}/deliveries",
                                                   headers=demo.key_headers).json()["data"])
                          and d[0]["status"] == "succeeded" and d, timeout=20)
    # One row for the delivery, not one per attempt: it counts them and keeps the last one's status.
    assert len(deliveries) == 1
    assert deliveries[0]["attempts"] == 3 and deliveries[0]["lastStatusCode"] == 200
    assert [r["headers"]["Soku-Delivery-Attempt"] for r in receiver.requests] == ["1", "2", "3"]
    assert len({r["json"]["id"] for r in receiver.requests}) == 1  # the same event each time


def test_retries_stop_at_the_cap(client, demo, receiver, settings_env):  # noqa: F811
    from shared.services.webhooks.delivery import MAX_ATTEMPTS

    settings_env(SOKU_WEBHOOK_RETRY_SCALE=RETRY_SCALE)
    hook = _register(client, demo, receiver.url, events=["post.published"])
    receiver.statuses = [500] * 50
    _publish(client, demo, "receiver down")
    deliveries = wait_for(lambda: (d := client.get(f"/v1/webhooks/{hook['id']}/deliveries",
                                                   headers=demo.key_headers).json()["data"])
                          and d[0]["status"] == "failed" and d, timeout=40, interval=0.5)
    assert deliveries[0]["attempts"] == MAX_ATTEMPTS
    assert deliveries[0]["lastError"].startswith("HTTP 500")
    assert len(receiver.requests) == MAX_ATTEMPTS


def test_an_endpoint_failing_for_days_is_disabled_with_the_reason(client, demo, receiver, db):
    hook = _register(client, demo, receiver.url, events=["post.published"])
    (db.collection("users").document(demo.uid).collection("webhooks").document(hook["id"])
     .update({"failingSince": clock.now() - timedelta(days=4)}))
    receiver.statuses = [502]
    _publish(client, demo, "still down")
    listed = wait_for(lambda: (h := client.get("/v1/webhooks", headers=demo.key_headers).json()["data"][0])
                      ["status"] == "disabled" and h, timeout=20)
    assert "HTTP 502" in listed["disabledReason"] and "failed since" in listed["disabledReason"]
    _publish(client, demo, "not delivered any more")
    assert len(receiver.requests) == 1


def test_only_subscribed_events_are_sent(client, demo, receiver):
    _register(client, demo, receiver.url, events=["post.failed"])
    sid = _publish(client, demo, "quiet success")
    wait_for(lambda: client.get(f"/v1/posts/{sid}", headers=demo.key_headers).json()["runs"][0]["status"] == "succeeded")
    assert receiver.requests == []


def test_account_needs_reconnect_event(client, demo, receiver, sandbox, db):
    _register(client, demo, receiver.url, events=["account.needs_reconnect"])
    subject = (db.collection("users").document(demo.uid).collection("integrations").document("x")
               .collection("accounts").document("x_main").get().get("platformUserId"))
    sandbox.revoke("x", subject)
    _publish(client, demo, "revoked account")
    event = wait_for(lambda: receiver.events("account.needs_reconnect"), timeout=20)[0]
    assert event["data"]["account"]["platform"] == "x" and event["data"]["account"]["accountId"] == "x_main"
    assert event["data"]["account"]["statusReason"]


def test_endpoints_are_private_to_their_owner(client, demo, make_user, receiver):
    hook = _register(client, demo, receiver.url)
    other = make_user()
    assert client.get("/v1/webhooks", headers=other.key_headers).json()["data"] == []
    assert_error(client.delete(f"/v1/webhooks/{hook['id']}", headers=other.key_headers), 404, "not_found")
    assert_error(client.get(f"/v1/webhooks/{hook['id']}/deliveries", headers=other.key_headers), 404, "not_found")
    assert client.delete(f"/v1/webhooks/{hook['id']}", headers=demo.key_headers).json() == {"deleted": True}
    assert client.get("/v1/webhooks", headers=demo.key_headers).json()["data"] == []


def test_deliveries_are_described_as_what_they_list():
    """One row per delivery (with its attempt count), as the route answers: the README, the
    webhooks page and the reference say so, and none of them promises every attempt."""
    from pathlib import Path

    from shared.web import openapi

    root = Path(__file__).resolve().parent.parent
    for page in (root / "README.md", root / "docs" / "webhooks.md"):
        text = " ".join(page.read_text().split())
        assert "lists every attempt" not in text and "every attempt is listed" not in text, page
        assert "one per event" in text or "one row per event" in text, page
    document = openapi.build_document()
    summary = document["paths"]["/v1/webhooks/{webhook_id}/deliveries"]["get"]["summary"]
    assert "one per event" in summary and "attempt count" in summary
    delivery = document["components"]["schemas"]["Delivery"]
    assert "not one row per attempt" in delivery["description"]
    assert delivery["properties"]["attempts"]["description"].startswith("How many attempts")
