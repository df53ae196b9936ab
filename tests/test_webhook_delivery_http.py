"""Webhook deliveries over HTTP: through safe_http's pinned, bounded `send`, to IPv6
receivers too, with at most a few KiB of the receiver's answer read."""

from __future__ import annotations

import httpx
import pytest

from shared.adapters import safe_http
from shared.services.webhooks import signing
from tests.conftest import wait_for
from tests.media_origin import settings_env  # noqa: F401 - the fixture
from tests.webhook_receiver import Receiver, publish, receiver, register  # noqa: F401 - receiver: fixture


def _one_delivery(receiver, event_type="post.published") -> dict:
    wait_for(lambda: receiver.events(event_type), timeout=20)
    return receiver.request_for(event_type)


def _endpoint_doc(db, user, hook_id):
    return db.collection("users").document(user.uid).collection("webhooks").document(hook_id)


def test_a_huge_answer_is_not_read_past_a_few_kib(client, demo, receiver, db):
    from shared.services.webhooks.delivery import MAX_ANSWER_BYTES

    hook = register(client, demo, receiver.url, events=["post.published"])
    receiver.answer_size = 50 * 1024 * 1024
    publish(client, demo, "answered with 50 MiB")
    deliveries = wait_for(lambda: (d := client.get(f"/v1/webhooks/{hook['id']}/deliveries",
                                                   headers=demo.key_headers).json()["data"])
                          and d[0]["status"] == "succeeded" and d, timeout=20)
    attempt = (_endpoint_doc(db, demo, hook["id"]).collection("deliveries").document(deliveries[0]["id"])
               .collection("attempts").document("1").get().to_dict())
    assert attempt["statusCode"] == 200 and attempt["answerTruncated"] is True
    assert 0 < len(attempt["answerExcerpt"]) <= MAX_ANSWER_BYTES <= 8192
    assert attempt["durationMs"] < 5000
    # We hung up: the receiver never got to send most of it.
    assert receiver.answer_done.wait(10)
    assert receiver.answer_sent < receiver.answer_size // 2


def test_an_ipv6_receiver_gets_a_bracketed_host(client, demo, settings_env):  # noqa: F811
    settings_env(SOKU_FETCH_ALLOWLIST="127.0.0.1,::1")
    six = Receiver("::1")
    try:
        hook = register(client, demo, six.url, events=["post.published"])
        publish(client, demo, "over IPv6")
        request = _one_delivery(six)
        assert request["headers"]["Host"] == f"[::1]:{six.port}"
        assert signing.verify(hook["secret"], request["raw"], request["headers"]["Soku-Signature"])
    finally:
        six.server.shutdown()


@pytest.mark.parametrize("url, host", [
    ("http://[2606:4700:4700::1111]:8443/hook", "[2606:4700:4700::1111]:8443"),
    ("https://[2606:4700:4700::1111]/hook", "[2606:4700:4700::1111]"),
    ("http://93.184.215.14:8080/hook", "93.184.215.14:8080"),
])
def test_send_pins_the_address_with_the_host_header_of_the_url(url, host, settings_env):  # noqa: F811
    settings_env(SOKU_FETCH_PORTS="8443,8080")  # beyond 80 and 443, ports must be configured
    seen: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(302, headers={"Location": "http://10.0.0.1/"}, content=iter([b"moved " * 2000]))

    got = safe_http.send("POST", url, content=b"{}", headers={"User-Agent": "t"}, timeout=5,
                         max_answer_bytes=100, transport=httpx.MockTransport(answer))
    # Redirects are not followed (a 3xx is the answer), and the body is cut at the cap.
    assert (got.status_code, len(got.excerpt), got.truncated) == (302, 100, True)
    assert len(seen) == 1 and seen[0].headers["Host"] == host and seen[0].content == b"{}"
    assert seen[0].url.host == httpx.URL(url).host  # the checked address itself


def test_send_refuses_unsafe_addresses_before_connecting(settings_env):  # noqa: F811
    settings_env(SOKU_FETCH_ALLOWLIST="")

    def never(request):  # pragma: no cover - must not be reached
        raise AssertionError("connected")

    for url in ("http://[::1]:9/hook", "http://169.254.169.254/", "http://[::ffff:10.0.0.1]/"):
        with pytest.raises(safe_http.FetchRefused):
            safe_http.send("POST", url, content=b"", headers={}, timeout=5, transport=httpx.MockTransport(never))
