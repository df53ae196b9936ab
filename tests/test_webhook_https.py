"""Webhook URLs are https (issue 36, item 5): over http an event and its signature travel in
clear text and can be replayed within the receiver's tolerance. Only the loopback receivers
the fetch allow-list admits (the local stack, these tests: 127.0.0.1) may be http.

93.184.215.14 is a public address written as a literal: checking it needs no DNS, and
registering an endpoint connects to nothing (the loopback guard would fail the test).
"""

from __future__ import annotations

from shared import clock
from tests.conftest import wait_for
from tests.envelope import assert_error
from tests.media_origin import loopback_only  # noqa: F401 - the fixture: nothing connects outside loopback
from tests.webhook_receiver import publish, receiver, register  # noqa: F401 - receiver is a fixture

PUBLIC = "93.184.215.14"


def test_an_http_url_is_refused_naming_the_field(client, demo):
    r = client.post("/v1/webhooks", json={"url": f"http://{PUBLIC}/hooks"}, headers=demo.key_headers)
    error = assert_error(r, 400, "validation_error")
    assert "https" in error["message"]
    (detail,) = error["details"]
    assert detail["field"] == "body.url" and detail["code"] == "https_required"
    assert detail["received"] == f"http://{PUBLIC}/hooks"
    assert client.get("/v1/webhooks", headers=demo.key_headers).json()["data"] == []


def test_https_urls_and_the_allow_listed_loopback_receiver_are_accepted(client, demo, receiver):  # noqa: F811
    assert register(client, demo, f"https://{PUBLIC}/hooks")["url"] == f"https://{PUBLIC}/hooks"
    assert receiver.url.startswith("http://127.0.0.1:")  # SOKU_FETCH_ALLOWLIST=127.0.0.1 (conftest)
    assert register(client, demo, receiver.url)["status"] == "active"


def test_an_endpoint_stored_with_an_http_url_is_disabled_not_delivered_to(client, demo, db, loopback_only):  # noqa: F811
    # Registered before https was required: its stored URL is http.
    hook = register(client, demo, f"https://{PUBLIC}/hooks", events=["post.published"])
    ref = db.collection("users").document(demo.uid).collection("webhooks").document(hook["id"])
    ref.update({"url": f"http://{PUBLIC}/hooks"})
    publish(client, demo, f"not in clear text {clock.now().isoformat()}")

    listed = wait_for(lambda: (h := client.get("/v1/webhooks", headers=demo.key_headers).json()["data"][0])
                      ["status"] == "disabled" and h, timeout=20)
    assert "https" in listed["disabledReason"] and "http" in listed["disabledReason"]
    deliveries = wait_for(lambda: (d := client.get(f"/v1/webhooks/{hook['id']}/deliveries",
                                                   headers=demo.key_headers).json()["data"])
                          and d[0]["status"] == "failed" and d, timeout=20)
    assert deliveries[0]["attempts"] == 0 and "https" in deliveries[0]["lastError"]
    assert PUBLIC not in loopback_only  # no connection was even attempted
