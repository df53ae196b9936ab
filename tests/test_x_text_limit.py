"""X's 280 weighted characters, counted as twitter-text counts them, end to end.

A ZWJ family counts 2 and a scheme-less URL counts 23 (shared/text_counting.py, held to
twitter-text by tests/test_text_counting.py). POST /v1/posts refuses 281 before any run;
the X sandbox refuses it too, so a post that got past us would fail there the same way.
"""

from __future__ import annotations

import httpx

from devstack.sandboxes.core import mint_tokens
from shared.text_counting import x_weighted_length
from tests.posting import Target, body

_on = Target("x", "x_main", timeout=20)

FAMILY = "\U0001f468\u200d\U0001f469\u200d\U0001f467\u200d\U0001f466"  # 7 code points, counts 2
URL = "example.com/2026/12/launch-notes-for-the-new-release"  # 52 characters, counts 23
# 2 (family) + 1 + 23 (URL) + 1 = 27; the rest is Latin, 1 each.
AT_LIMIT = FAMILY + " " + URL + " " + "x" * (280 - 27)
OVER_LIMIT = AT_LIMIT + "!"


def test_the_texts_weigh_280_and_281():
    assert x_weighted_length(AT_LIMIT) == 280 and x_weighted_length(OVER_LIMIT) == 281
    assert len(AT_LIMIT) > 280  # a plain code point count would have refused it


def test_280_weighted_is_published(client, stack, demo):
    r = client.post("/v1/posts", json=body(["x"], AT_LIMIT), headers=demo.key_headers)
    assert r.status_code == 201, r.text
    run = _on.final(client, demo, r.json()["postSubmissionId"])
    assert run["status"] == "succeeded", run
    posts = httpx.get(f"{stack.sandboxes.base_url}/__sandbox/posts", params={"platform": "x"}).json()["posts"]
    assert [p["text"] for p in posts if p["id"] == run["result"]["postId"]] == [AT_LIMIT]


def test_281_weighted_is_refused_at_submission(client, demo):
    r = client.post("/v1/posts", json=body(["x"], OVER_LIMIT), headers=demo.key_headers)
    assert r.status_code == 400, r.text
    details = r.json()["error"]["details"]
    assert {"field": "body.post.content.text", "platform": "x", "code": "too_big", "received": 281,
            "message": "X allows at most 280 weighted characters; this text has 281"} in details, details


def test_the_x_sandbox_counts_the_same_way(stack):
    token = mint_tokens("x", "text-limit")[0]
    with httpx.Client(base_url=f"{stack.sandboxes.base_url}/x", timeout=30,
                      headers={"Authorization": f"Bearer {token}"}) as x:
        refused = x.post("/2/tweets", json={"text": OVER_LIMIT})
        assert refused.status_code == 400, refused.text
        assert "too long: 281 weighted characters, at most 280" in refused.json()["detail"]
        accepted = x.post("/2/tweets", json={"text": AT_LIMIT})
        assert accepted.status_code == 201, accepted.text
