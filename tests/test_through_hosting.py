"""Every operation of openapi.json, called through Firebase Hosting as a user calls it.

Hosting is a proxy with rules of its own (docs/hosting.md): it drops cookies and `Set-Cookie`,
rewrites `Location`, matches paths with globs that skip dot segments, re-encodes the query. The
rest of the suite drives the in-process gateway, which has none of them; the minimatch bug of
issue 22 and the begin page's cookie were both this class. So each operation is sent twice,
with the spec's own request example where it has one: through the CLI's Hosting (the session's
`hosting`, as `make run` runs it), and through the in-process gateway, each for a user of its
own holding the same seeded accounts and the same resources. Both answers must agree: status,
content type, the error envelope's type and code (or the success body's fields), the headers
our code sets, and whether a cookie is set.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass

import httpx
import pytest

from devstack.media_samples import JPEG_1PX
from shared.services.api_keys import hash_key
from tests.conftest import ROOT
from tests.posting import body, future

SPEC = json.loads((ROOT / "openapi.json").read_text())
METHODS = ("get", "post", "put", "patch", "delete")
OPERATIONS = [(method.upper(), path) for path, item in SPEC["paths"].items() for method in item if method in METHODS]
# Headers our code sets, whose values must come through Hosting unchanged.
SAME_VALUE = ("content-type", "cache-control", "x-content-type-options", "x-frame-options", "referrer-policy",
              "strict-transport-security", "allow", "content-security-policy")
# Set by a server or proxy on the way, not by our code.
TRANSPORT = {"date", "server", "connection", "keep-alive", "transfer-encoding", "content-length", "vary"}


@dataclass
class Side:
    """One way in (Hosting, or the in-process gateway) and a user of its own."""

    name: str
    base_url: str
    user: object

    def call(self, method: str, path: str, **kwargs) -> httpx.Response:
        # Each side from an address of its own: unauthenticated calls are limited per address.
        address = f"198.51.{uuid.uuid4().int % 256}.{uuid.uuid4().int % 254 + 1}"
        headers = {"X-Forwarded-For": address, **kwargs.pop("headers", {})}
        return httpx.request(method, f"{self.base_url}{path}", headers=headers, timeout=90, **kwargs)


def _example(operation: dict):
    content = operation.get("requestBody", {}).get("content", {}).get("application/json")
    examples = (content or {}).get("examples") or {}
    return next(iter(examples.values()))["value"] if examples else None


class Resources:
    """The stored things an operation's path names, made for one side's user the same way."""

    def __init__(self, direct: str, user):
        self.direct, self.user = direct, user

    def _post(self, path: str, payload: dict) -> dict:
        r = httpx.post(f"{self.direct}{path}", json=payload, headers=self.user.key_headers, timeout=60)
        assert r.status_code in (200, 201), (path, r.text)
        return r.json()

    def value(self, name: str, operation: dict) -> str:
        if name == "post_id":
            sid = self._post("/v1/posts", {**body(["x"], "Through Hosting"), "scheduledTime": future(days=2)})
            self.post_id = sid["postSubmissionId"]
            return self.post_id
        if name == "target_id":
            post = httpx.get(f"{self.direct}/v1/posts/{self.post_id}", headers=self.user.key_headers, timeout=60)
            return post.json()["runs"][0]["targetId"]
        if name == "webhook_id":  # the example's host does not resolve offline; loopback is admitted here
            return self._post("/v1/webhooks", {**_example(SPEC["paths"]["/v1/webhooks"]["post"]),
                                               "url": "http://127.0.0.1:9/soku-hooks"})["id"]
        if name == "template_id":
            return self._post("/v1/templates/saved", _example(SPEC["paths"]["/v1/templates/saved"]["post"]))["id"]
        if name == "link_id":
            return self._post("/v1/repurposeLinks", _example(SPEC["paths"]["/v1/repurposeLinks"]["post"]))["id"]
        if name == "upload_id":
            return self._post("/v1/media/uploads", {"size": 1024, "contentType": "image/jpeg"})["id"]
        if name == "media_id":  # a file uploaded as a user uploads one
            r = httpx.post(f"{self.direct}/v1/media", files={"file": ("photo.jpg", JPEG_1PX, "image/jpeg")},
                           headers=self.user.key_headers, timeout=60)
            assert r.status_code == 201, r.text
            return r.json()["id"]
        if name == "key_id":
            return hash_key(self.user.api_key)
        if name == "code":  # a data deletion request's confirmation code, from Meta's callback signed as Meta signs
            from devstack.sandboxes.facebook import APP_SECRET
            from devstack.sandboxes.meta_graph import sign_request

            r = httpx.post(f"{self.direct}/webhooks/meta/data-deletion", timeout=60,
                           data={"signed_request": sign_request(APP_SECRET, {"user_id": f"nobody-{uuid.uuid4().hex}"})})
            assert r.status_code == 200, r.text
            return r.json()["confirmation_code"]
        return {"account_id": "x_main", "platform": "x", "slug": "tweetImage"}[name]


def _request(side: Side, method: str, path: str, resources: Resources) -> httpx.Response:
    operation = SPEC["paths"][path][method.lower()]
    url = path
    for parameter in [p for p in operation.get("parameters", []) if p.get("in") == "path"]:
        url = url.replace("{" + parameter["name"] + "}", resources.value(parameter["name"], operation))
    schemes = {name for requirement in operation.get("security", []) for name in requirement}
    # A key unless the operation takes only the ID token; routes that need neither ignore it.
    headers = side.user.bearer if schemes == {"FirebaseIdToken"} else dict(side.user.key_headers)
    if any(p.get("$ref", "").endswith("/IdempotencyKey") for p in operation.get("parameters", [])):
        headers["Idempotency-Key"] = f"through-hosting-{uuid.uuid4().hex}"
    example = _example(operation)
    return side.call(method, url, headers=headers, **({"json": example} if example is not None else {}))


def _shape(response: httpx.Response):
    """What must agree about a body: an error's type and code, or a success's fields."""
    if not response.headers.get("content-type", "").startswith("application/json"):
        return response.headers.get("content-type")
    data = response.json()
    if isinstance(data, dict) and isinstance(data.get("error"), dict):
        error = data["error"]
        return {"error": (error["type"], error["code"]), "fields": sorted(error)}
    return sorted(data) if isinstance(data, dict) else type(data).__name__


def _ours(response: httpx.Response) -> set[str]:
    return {name.lower() for name in response.headers} - TRANSPORT


@pytest.mark.parametrize(("method", "path"), OPERATIONS, ids=[f"{m} {p}" for m, p in OPERATIONS])
def test_each_operation_answers_the_same_through_hosting(method, path, hosting, stack, make_user):
    from devstack.seed import seed_demo_user

    answers = {}
    for name, base_url in (("hosting", hosting.hosting_url), ("direct", stack.base_url)):
        user = make_user()
        seed_demo_user(user.uid)
        side = Side(name, base_url, user)
        answers[name] = _request(side, method, path, Resources(stack.base_url, user))
    through, direct = answers["hosting"], answers["direct"]
    where = f"{method} {path}: Hosting {through.status_code} {through.text[:300]!r}; " \
            f"direct {direct.status_code} {direct.text[:300]!r}"
    assert through.status_code == direct.status_code, where
    assert through.status_code < 500, where
    assert _shape(through) == _shape(direct), where
    assert _ours(direct) <= _ours(through), (where, _ours(direct) - _ours(through))
    for name in SAME_VALUE:
        assert through.headers.get(name) == direct.headers.get(name), (where, name)
    assert ("set-cookie" in through.headers) == ("set-cookie" in direct.headers), where
    assert through.headers["x-request-id"] and through.headers["x-request-id"] != direct.headers["x-request-id"]



def test_a_bearer_key_through_hosting_me_posts_and_api_keys(hosting, make_user):
    """`Authorization: Bearer <API key>` (issue 40) comes through Hosting as `soku-api-key` does, on
    routes of three functions, and a key's scopes hold there too."""
    user = make_user()
    side = Side("hosting", hosting.hosting_url, user)
    bearer = {"Authorization": f"Bearer {user.api_key}"}
    assert side.call("GET", "/v1/me", headers=bearer).json()["userId"] == user.uid
    assert side.call("GET", "/v1/posts", headers=bearer).status_code == 200
    r = side.call("POST", "/v1/api-keys", headers=bearer, json={"scopes": ["posts:read"], "kind": "agent"})
    assert r.status_code == 201, r.text
    reader = {"Authorization": f"Bearer {r.json()['apiKey']}"}
    assert side.call("GET", "/v1/posts", headers=reader).status_code == 200
    refused = side.call("GET", "/v1/api-keys", headers=reader)
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "insufficient_scope"
