"""Managing a webhook endpoint after registering it (issue 41, item 9): read one, change its URL,
events and description, disable and re-enable it, and send it a signed test ping, against a real
local receiver."""

from __future__ import annotations

from datetime import timedelta

from standardwebhooks import Webhook as StandardWebhook

from shared import clock
from tests.conftest import wait_for
from tests.envelope import assert_error
from tests.webhook_receiver import Receiver
from tests.webhook_receiver import publish as _publish
from tests.webhook_receiver import receiver  # noqa: F401 - the fixture
from tests.webhook_receiver import register as _register


def _get(client, user, hook_id):
    return client.get(f"/v1/webhooks/{hook_id}", headers=user.key_headers)


def _patch(client, user, hook_id, body, status=200):
    r = client.patch(f"/v1/webhooks/{hook_id}", json=body, headers=user.key_headers)
    assert r.status_code == status, r.text
    return r.json()


def test_one_endpoint_is_read_without_its_secret(client, demo, receiver):
    hook = _register(client, demo, receiver.url, events=["post.failed"])
    r = _get(client, demo, hook["id"])
    assert r.status_code == 200
    read = r.json()
    assert read["id"] == hook["id"] and read["events"] == ["post.failed"] and read["status"] == "active"
    assert "secret" not in read and hook["secret"] not in r.text


def test_moving_an_endpoint_sends_the_next_events_to_the_new_url(client, demo, receiver):
    hook = _register(client, demo, receiver.url, events=["post.published"])
    moved_to = Receiver()
    try:
        changed = _patch(client, demo, hook["id"], {"url": moved_to.url, "events": ["post.published", "post.completed"],
                                                    "description": "v2"})
        assert changed["url"] == moved_to.url and changed["description"] == "v2"
        assert changed["events"] == ["post.published", "post.completed"]
        _publish(client, demo, "after the move")
        wait_for(lambda: moved_to.events("post.completed"), timeout=20)
        assert len(moved_to.events("post.published")) == 1
        assert receiver.requests == []  # nothing went to the old URL
        # Left out: unchanged. An empty description clears it.
        assert _patch(client, demo, hook["id"], {"description": ""})["description"] is None
        assert _get(client, demo, hook["id"]).json()["url"] == moved_to.url
    finally:
        moved_to.server.shutdown()


def test_a_bad_change_is_refused_naming_the_field_and_changes_nothing(client, demo, receiver, monkeypatch):
    from shared.adapters import safe_http

    hook = _register(client, demo, receiver.url)
    before = _get(client, demo, hook["id"]).json()
    error = assert_error(client.patch(f"/v1/webhooks/{hook['id']}", json={"events": ["post.exploded"]},
                                      headers=demo.key_headers), 400, "validation_error")
    assert error["details"][0]["field"].startswith("body.events")
    error = assert_error(client.patch(f"/v1/webhooks/{hook['id']}", json={}, headers=demo.key_headers),
                         400, "validation_error")
    assert "Nothing to change" in error["message"]
    error = assert_error(client.patch(f"/v1/webhooks/{hook['id']}", json={"url": None}, headers=demo.key_headers),
                         400, "validation_error")
    assert error["details"][0]["field"] == "body.url"
    error = assert_error(client.patch(f"/v1/webhooks/{hook['id']}", json={"secret": "mine"},
                                      headers=demo.key_headers), 400, "validation_error")
    monkeypatch.setattr(safe_http, "_allowlist", lambda: safe_http.AllowList.parse(()))
    error = assert_error(client.patch(f"/v1/webhooks/{hook['id']}", json={"url": "http://10.0.0.8/hook",
                                                                          "events": ["post.failed"]},
                                      headers=demo.key_headers), 400, "validation_error")
    assert error["details"][0]["field"] == "body.url"
    monkeypatch.undo()
    assert _get(client, demo, hook["id"]).json() == before


def test_disabling_stops_deliveries_and_enabling_resumes_them_with_a_fresh_failure_count(client, demo, receiver, db):
    hook = _register(client, demo, receiver.url, events=["post.published"])
    off = _patch(client, demo, hook["id"], {"enabled": False})
    assert off["status"] == "disabled" and "owner" in off["disabledReason"]
    sid = _publish(client, demo, "while disabled")
    wait_for(lambda: client.get(f"/v1/posts/{sid}", headers=demo.key_headers).json()["runs"][0]["status"]
             == "succeeded")
    assert receiver.requests == []

    # It had been failing for days: enabling it must not let the next failure disable it again.
    (db.collection("users").document(demo.uid).collection("webhooks").document(hook["id"])
     .update({"failingSince": clock.now() - timedelta(days=4)}))
    on = _patch(client, demo, hook["id"], {"enabled": True})
    assert on["status"] == "active" and on["disabledReason"] is None and on["failingSince"] is None
    stored = db.collection("users").document(demo.uid).collection("webhooks").document(hook["id"]).get().to_dict()
    assert "disabledReason" not in stored and "disabledAt" not in stored
    receiver.statuses = [502]
    _publish(client, demo, "enabled again")
    wait_for(lambda: receiver.events("post.published"), timeout=20)
    assert _get(client, demo, hook["id"]).json()["status"] == "active"


def test_a_ping_is_signed_like_a_delivery_and_reports_the_answer(client, demo, receiver):
    hook = _register(client, demo, receiver.url)
    r = client.post(f"/v1/webhooks/{hook['id']}/test", headers=demo.key_headers)
    assert r.status_code == 200, r.text
    result = r.json()
    assert result["delivered"] is True and result["statusCode"] == 200 and result["error"] is None
    request = receiver.requests[0]
    event = StandardWebhook(hook["secret"]).verify(request["raw"], request["headers"])
    assert event["type"] == "ping" and event["id"] == result["eventId"] and event["data"]["webhookId"] == hook["id"]
    # Not an event anyone subscribed to: nothing queued, nothing listed.
    assert client.get(f"/v1/webhooks/{hook['id']}/deliveries", headers=demo.key_headers).json()["data"] == []

    receiver.statuses = [500]
    failed = client.post(f"/v1/webhooks/{hook['id']}/test", headers=demo.key_headers).json()
    assert failed["delivered"] is False and failed["statusCode"] == 500 and failed["error"].startswith("HTTP 500")


def test_a_ping_to_a_receiver_that_is_down_says_so(client, demo):
    dead = Receiver()
    url = dead.url
    dead.server.shutdown()
    dead.server.server_close()
    hook = _register(client, demo, url)
    result = client.post(f"/v1/webhooks/{hook['id']}/test", headers=demo.key_headers).json()
    assert result["delivered"] is False and result["statusCode"] is None and result["error"]


def test_another_users_endpoint_is_not_found(client, demo, make_user, receiver):
    hook = _register(client, demo, receiver.url)
    other = make_user()
    assert_error(_get(client, other, hook["id"]), 404, "not_found")
    assert_error(client.patch(f"/v1/webhooks/{hook['id']}", json={"enabled": False}, headers=other.key_headers),
                 404, "not_found")
    assert_error(client.post(f"/v1/webhooks/{hook['id']}/test", headers=other.key_headers), 404, "not_found")
    assert receiver.requests == [] and _get(client, demo, hook["id"]).json()["status"] == "active"


def test_pings_are_limited_to_ten_a_minute(client, demo, receiver):
    hook = _register(client, demo, receiver.url)
    answers = [client.post(f"/v1/webhooks/{hook['id']}/test", headers=demo.key_headers) for _ in range(11)]
    assert [r.status_code for r in answers[:10]] == [200] * 10
    assert_error(answers[10], 429, "rate_limit_exceeded")
    assert len(receiver.requests) == 10
