"""The Python client (clients/python: generated soku_client + hand-written soku) against the local stack.

Publishes to the X sandbox and waits for the run to succeed, pages through posts, and checks a
real webhook delivery (to a receiver on 127.0.0.1, which the test stack admits) with the
client's verifier; plus the idempotency key a create call sends and reuses on its own retries.
"""

from __future__ import annotations

import time
import uuid

import httpx
import pytest
from soku import Soku, SokuError, WebhookVerificationError, verify_webhook
from soku_client.api.posts import posts_create
from soku_client.api.webhooks import webhooks_create
from soku_client.models import CreatePostRequest, MediaDocument, PostView

from tests.conftest import wait_for
from tests.webhook_receiver import receiver  # noqa: F401 - fixture


@pytest.fixture
def soku(stack, demo) -> Soku:
    s = Soku(demo.api_key, base_url=stack.base_url)
    yield s
    s.client.get_httpx_client().close()


def _post(text: str) -> dict:
    return {"post": {"content": {"text": f"{text} {uuid.uuid4().hex[:8]}", "platform": ["x"]}}}


def test_publish_to_x_and_wait_until_it_succeeded(soku):
    created = soku.call(posts_create, body=CreatePostRequest.from_dict(_post("From the Python client")))
    post = soku.wait_for_post(created.post_submission_id, timeout=60, interval=0.5)
    assert isinstance(post, PostView)
    assert post.status == "dispatched"
    assert [(run.platform, run.status) for run in post.runs] == [("x", "succeeded")], post.to_dict()


def test_list_posts_page_by_page(soku, stack, make_user):
    from devstack.seed import seed_demo_user

    user = make_user()  # a user of its own: exactly the three posts below
    seed_demo_user(user.uid)
    own = Soku(user.api_key, base_url=stack.base_url)
    ids = [own.call(posts_create, body=_post(f"page {i}")).post_submission_id for i in range(3)]

    pages: list[int] = []
    original = own.call

    def counting(operation, *args, **kwargs):
        result = original(operation, *args, **kwargs)
        pages.append(len(result.data))
        return result

    own.call = counting
    listed = [p.id for p in own.iter_posts(page_size=2, platform="x")]  # a filter as a plain string
    assert sorted(listed) == sorted(ids)
    assert listed == list(reversed(ids)), "newest first"
    assert pages == [2, 1]
    own.call = original
    assert all(isinstance(m, MediaDocument) for m in own.iter_media(page_size=2, type_="image"))


def test_a_create_sends_one_idempotency_key_and_reuses_it_on_retries(stack, demo):
    seen: list[str] = []
    answers = [503, None]  # the first attempt answered 503 (as if lost); the retry reaches Soku

    def hook(request: httpx.Request) -> None:
        seen.append(request.headers.get("idempotency-key"))

    class Flaky(httpx.HTTPTransport):
        def handle_request(self, request):
            if answers and answers.pop(0) == 503:
                return httpx.Response(503, json={"error": {"code": "unavailable", "message": "try again"}})
            return super().handle_request(request)

    soku = Soku(demo.api_key, base_url=stack.base_url,
                httpx_args={"transport": Flaky(), "event_hooks": {"request": [hook]}})
    body = _post("Retried with one key")
    created = soku.call(posts_create, body=body)
    assert len(seen) == 2 and seen[0] and seen[0] == seen[1], seen
    again = soku.call(posts_create, body=body, idempotency_key=seen[0])  # the key replays the same post
    assert again.post_submission_id == created.post_submission_id
    soku.call(posts_create, body=_post("Another call, another key"))
    assert seen[-1] != seen[0]

    with pytest.raises(SokuError) as refused:
        soku.call(posts_create, body={"post": {"content": {"text": "x", "platform": ["nowhere"]}}})
    assert refused.value.status == 400 and refused.value.code


def test_verify_a_real_delivery_and_refuse_a_tampered_one(soku, receiver):  # noqa: F811
    hook = soku.call(webhooks_create, body={"url": receiver.url, "events": ["post.published"]})
    created = soku.call(posts_create, body=_post("Signed for the Python client"))
    wait_for(lambda: receiver.events("post.published"), timeout=30)
    request = receiver.request_for("post.published")

    event = verify_webhook(hook.secret, request["raw"], request["headers"])
    assert event["type"] == "post.published"
    assert event["data"]["post"]["id"] == created.post_submission_id

    tampered = request["raw"].replace(b"Signed for", b"Signed four")
    assert tampered != request["raw"]
    with pytest.raises(WebhookVerificationError):
        verify_webhook(hook.secret, tampered, request["headers"])
    with pytest.raises(WebhookVerificationError):  # another endpoint's secret
        verify_webhook("whsec_" + "A" * 43 + "=", request["raw"], request["headers"])
    stale = request["headers"] | {"webhook-timestamp": str(int(time.time()) - 3600)}
    with pytest.raises(WebhookVerificationError):
        verify_webhook(hook.secret, request["raw"], stale)
