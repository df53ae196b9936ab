"""Scoped API keys (issue 40): scopes and kinds on keys, each route's scope enforced (also on the
presumed-key path of POST /v1/posts), key management with a keys:manage key, rotation with a
grace period, and `Authorization: Bearer <key>` beside `soku-api-key`. Through the public API."""

from __future__ import annotations

import uuid

import pytest
from google.cloud import firestore

from shared.services.api_keys import hash_key
from shared.services.key_scopes import ALL_SCOPES, SCOPES
from tests.envelope import assert_error
from tests.posting import body, submissions_of


def _key(client, owner, scopes=None, kind=None, headers=None, name="scoped") -> str:
    payload: dict = {"name": name}
    if scopes is not None:
        payload["scopes"] = scopes
    if kind is not None:
        payload["kind"] = kind
    r = client.post("/v1/api-keys", json=payload, headers=headers or owner.bearer)
    assert r.status_code == 201, r.text
    return r.json()["apiKey"]


def _h(key: str) -> dict:
    return {"soku-api-key": key}


def _insufficient(r, scope: str, granted: list[str]) -> dict:
    error = assert_error(r, 403, "insufficient_scope")
    assert scope in error["message"]
    assert error["details"]["requiredScope"] == scope and error["details"]["grantedScopes"] == granted
    return error


# -- scopes on keys -----------------------------------------------------------------------


def test_scopes_and_kind_are_stored_listed_and_shown_by_me(client, user, db):
    key = _key(client, user, ["posts:write", "posts:read"], "agent")
    doc = db.collection("apiKeys").document(hash_key(key)).get().to_dict()
    assert doc["scopes"] == ["posts:read", "posts:write"] and doc["kind"] == "agent"
    me = client.get("/v1/me", headers=_h(key)).json()  # /v1/me: any key, whatever its scopes
    assert me["key"]["scopes"] == ["posts:read", "posts:write"] and me["key"]["kind"] == "agent"
    listed = {k["id"]: k for k in client.get("/v1/api-keys", headers=user.bearer).json()["keys"]}
    assert listed[hash_key(key)]["scopes"] == ["posts:read", "posts:write"]
    assert listed[hash_key(key)]["kind"] == "agent"
    # The fixture's key was created without scopes: all of them, personal.
    assert listed[hash_key(user.api_key)]["scopes"] == list(SCOPES)
    assert listed[hash_key(user.api_key)]["kind"] == "personal"


def test_an_unknown_scope_or_kind_is_400(client, user):
    r = client.post("/v1/api-keys", json={"scopes": ["posts:read", "posts:everything"]}, headers=user.bearer)
    error = assert_error(r, 400, "validation_error", "Unknown scope posts:everything")
    assert error["details"][0]["field"] == "body.scopes.1" and error["details"][0]["received"] == "posts:everything"
    r = client.post("/v1/api-keys", json={"kind": "robot"}, headers=user.bearer)
    assert assert_error(r, 400, "validation_error")["details"][0]["field"] == "body.kind"


def test_a_read_only_key_reads_posts_and_cannot_write_them(client, demo, db):
    reader = _key(client, demo, ["posts:read"])
    r = client.post("/v1/posts", json=body(["x"], f"not allowed {uuid.uuid4().hex}"), headers=_h(reader))
    _insufficient(r, "posts:write", ["posts:read"])
    assert submissions_of(db, demo.uid) == 0
    assert client.get("/v1/posts", headers=_h(reader)).status_code == 200
    # A scope of another family: refused before the handler looks at anything.
    _insufficient(client.get("/v1/media", headers=_h(reader)), "media:read", ["posts:read"])
    _insufficient(client.get("/v1/webhooks", headers=_h(reader)), "webhooks:manage", ["posts:read"])
    _insufficient(client.get("/v1/api-keys", headers=_h(reader)), "keys:manage", ["posts:read"])
    assert client.get("/v1/me", headers=_h(reader)).status_code == 200


@pytest.mark.parametrize(("method", "path", "scope"), [
    ("GET", "/v1/accounts", "accounts:read"),
    ("DELETE", "/v1/posts/nope", "posts:delete"),
    ("POST", "/v1/posts/validate", "posts:write"),
    ("GET", "/v1/posts/nope/metrics", "analytics:read"),
    ("POST", "/v1/ai/transcribe", "ai:transcribe"),
    ("POST", "/v1/templates", "templates:write"),
    ("PUT", "/v1/accounts/x_main/schedule", "accounts:manage"),
    ("POST", "/v1/connections/x/start", "accounts:manage"),
])
def test_routes_across_functions_need_their_scope(client, user, method, path, scope):
    key = _key(client, user, ["media:read"])
    r = client.request(method, path, headers=_h(key), json={} if method != "GET" else None)
    _insufficient(r, scope, ["media:read"])


def test_a_presumed_key_is_held_to_its_scopes(client, demo, db):
    """POST /v1/posts reads a key this instance knows with the post (no read of its own): the
    scope is judged on the key's document as read, before anything is written or answered."""
    reader = _key(client, demo, ["posts:read", "accounts:read"])
    assert client.get("/v1/me", headers=_h(reader)).status_code == 200  # this instance now knows it
    r = client.post("/v1/posts", json=body(["x"], f"presumed {uuid.uuid4().hex}"), headers=_h(reader))
    _insufficient(r, "posts:write", ["posts:read", "accounts:read"])
    # A body the handler refuses before its read is still 403, not 400.
    r = client.post("/v1/posts", json={"post": {"content": {"text": ""}}}, headers=_h(reader))
    _insufficient(r, "posts:write", ["posts:read", "accounts:read"])
    # And no replay of a post the user made with another key under the same Idempotency-Key.
    payload, idem = body(["x"], f"made by the full key {uuid.uuid4().hex}"), {"Idempotency-Key": uuid.uuid4().hex}
    assert client.post("/v1/posts", json=payload, headers=demo.key_headers | idem).status_code == 201
    r = client.post("/v1/posts", json=payload, headers=_h(reader) | idem)
    _insufficient(r, "posts:write", ["posts:read", "accounts:read"])
    assert "postSubmissionId" not in r.text
    assert submissions_of(db, demo.uid) == 1
    # A writer known to the instance still posts on that path.
    writer = _key(client, demo, ["posts:write"])
    for text in ("first", "second"):
        r = client.post("/v1/posts", json=body(["x"], f"{text} {uuid.uuid4().hex}"), headers=_h(writer))
        assert r.status_code == 201, r.text


def test_keys_stored_before_scopes_keep_working_everywhere(client, demo, db):
    ref = db.collection("apiKeys").document(hash_key(demo.api_key))
    doc = ref.get().to_dict()
    assert "scopes" not in doc
    ref.update({"kind": firestore.DELETE_FIELD})  # as a key made before kinds
    for _ in range(2):  # read, then presumed
        r = client.post("/v1/posts", json=body(["x"], f"old key {uuid.uuid4().hex}"), headers=demo.key_headers)
        assert r.status_code == 201, r.text
    for path in ("/v1/posts", "/v1/media", "/v1/accounts", "/v1/webhooks", "/v1/api-keys", "/v1/credits/balance"):
        assert client.get(path, headers=demo.key_headers).status_code == 200, path
    me = client.get("/v1/me", headers=demo.key_headers).json()
    assert set(me["key"]["scopes"]) == ALL_SCOPES and me["key"]["kind"] == "personal"


# -- managing keys with a key -------------------------------------------------------------


def test_a_keys_manage_key_creates_narrower_keys_never_wider(client, user, db):
    manager = _key(client, user, ["keys:manage", "posts:read", "posts:write"])
    narrower = _key(client, user, ["posts:read"], "agent", headers=_h(manager))
    assert client.get("/v1/me", headers=_h(narrower)).json()["key"]["scopes"] == ["posts:read"]
    # Left out, the scopes are the creating key's own, not all of them.
    inherited = _key(client, user, headers=_h(manager))
    assert db.collection("apiKeys").document(hash_key(inherited)).get().get("scopes") == [
        "posts:read", "posts:write", "keys:manage"]
    r = client.post("/v1/api-keys", json={"scopes": ["posts:read", "media:write", "webhooks:manage"]},
                    headers=_h(manager))
    error = assert_error(r, 403, "insufficient_scope")
    assert "media:write, webhooks:manage" in error["message"]
    assert error["details"]["requiredScopes"] == ["media:write", "webhooks:manage"]
    assert error["details"]["grantedScopes"] == ["posts:read", "posts:write", "keys:manage"]
    # It lists and revokes with the key; the console's ID token still works too.
    listed = client.get("/v1/api-keys", headers=_h(manager)).json()["keys"]
    assert hash_key(narrower) in [k["id"] for k in listed]
    assert client.delete(f"/v1/api-keys/{hash_key(narrower)}", headers=_h(manager)).json() == {"revoked": True}
    assert_error(client.get("/v1/me", headers=_h(narrower)), 401, "unauthorized", "API key revoked")
    # A key that cannot manage keys gets nothing of them.
    reader = _key(client, user, ["posts:read"])
    _insufficient(client.post("/v1/api-keys", json={"scopes": ["posts:read"]}, headers=_h(reader)),
                  "keys:manage", ["posts:read"])


def test_a_narrow_key_cannot_rotate_a_wider_one(client, user):
    manager = _key(client, user, ["keys:manage"])
    r = client.post(f"/v1/api-keys/{hash_key(user.api_key)}/rotate", json={}, headers=_h(manager))
    error = assert_error(r, 403, "insufficient_scope")
    assert "posts:read" in error["details"]["requiredScopes"]


# -- rotation ------------------------------------------------------------------------------


def test_a_rotated_key_works_through_its_grace_period_then_not(client, user, db, time_travel):
    old = _key(client, user, ["posts:read", "keys:manage"], "agent", name="rotating")
    assert client.get("/v1/me", headers=_h(old)).status_code == 200  # known to this instance
    r = client.post(f"/v1/api-keys/{hash_key(old)}/rotate", json={"gracePeriodHours": 2}, headers=_h(old))
    assert r.status_code == 201, r.text
    new = r.json()["apiKey"]
    assert r.json()["id"] == hash_key(new) and r.json()["rotatedFrom"] == hash_key(old)
    new_me = client.get("/v1/me", headers=_h(new)).json()["key"]
    assert new_me == {"id": hash_key(new), "name": "rotating", "scopes": ["posts:read", "keys:manage"],
                      "kind": "agent"}
    old_doc = db.collection("apiKeys").document(hash_key(old)).get().to_dict()
    assert old_doc["rotatedTo"] == hash_key(new) and old_doc["expiresAt"] is not None
    listed = {k["id"]: k for k in client.get("/v1/api-keys", headers=_h(new)).json()["keys"]}
    assert listed[hash_key(old)]["rotatedTo"] == hash_key(new)
    assert listed[hash_key(old)]["expiresAt"] == r.json()["oldKeyExpiresAt"]
    # Within the grace period both work (and the old one on the presumed path of POST /v1/posts).
    time_travel(hours=1, minutes=59)
    assert client.get("/v1/posts", headers=_h(old)).status_code == 200
    assert client.get("/v1/posts", headers=_h(new)).status_code == 200
    # Rotating twice is refused.
    r = client.post(f"/v1/api-keys/{hash_key(old)}/rotate", json={}, headers=_h(new))
    assert_error(r, 409, "key_already_rotated")
    time_travel(minutes=2)
    assert_error(client.get("/v1/posts", headers=_h(old)), 401, "unauthorized", "API key expired: it was rotated")
    assert_error(client.post("/v1/posts", json=body(["x"], "expired"), headers=_h(old)), 401, "unauthorized")
    assert client.get("/v1/posts", headers=_h(new)).status_code == 200


def test_a_rotation_with_no_grace_stops_the_old_key_at_once(client, demo, db):
    old = demo.api_key
    r = client.post("/v1/posts", json=body(["x"], f"known {uuid.uuid4().hex}"), headers=_h(old))
    assert r.status_code == 201  # known to this instance: the next POST is presumed
    r = client.post(f"/v1/api-keys/{hash_key(old)}/rotate", json={"gracePeriodHours": 0}, headers=demo.bearer)
    assert r.status_code == 201, r.text
    assert_error(client.post("/v1/posts", json=body(["x"], f"late {uuid.uuid4().hex}"), headers=_h(old)),
                 401, "unauthorized", "API key expired: it was rotated")
    assert client.post("/v1/posts", json=body(["x"], f"new {uuid.uuid4().hex}"),
                       headers=_h(r.json()["apiKey"])).status_code == 201


@pytest.mark.parametrize("grace", [-1, 169, "soon"])
def test_the_grace_period_is_validated(client, user, grace):
    r = client.post(f"/v1/api-keys/{hash_key(user.api_key)}/rotate", json={"gracePeriodHours": grace},
                    headers=user.bearer)
    assert assert_error(r, 400, "validation_error")["details"][0]["field"] == "body.gracePeriodHours"


def test_another_users_key_cannot_be_rotated(client, make_user):
    alice, bob = make_user(), make_user()
    assert_error(client.post(f"/v1/api-keys/{hash_key(alice.api_key)}/rotate", headers=bob.bearer), 404, "not_found")


# -- Authorization: Bearer <key> ----------------------------------------------------------


@pytest.mark.parametrize(("method", "path", "payload"), [
    ("GET", "/v1/me", None),
    ("GET", "/v1/accounts", None),
    ("GET", "/v1/posts", None),
    ("POST", "/v1/posts", "post"),
    ("GET", "/v1/media", None),
    ("GET", "/v1/webhooks", None),
    ("GET", "/v1/credits/balance", None),
    ("GET", "/v1/api-keys", None),
    ("GET", "/v1/templates/saved", None),
])
def test_a_bearer_key_works_like_the_header(client, demo, method, path, payload):
    json_body = body(["x"], f"bearer {uuid.uuid4().hex}") if payload == "post" else None
    for _ in range(2):  # the second POST /v1/posts on the presumed path
        r = client.request(method, path, json=json_body, headers={"Authorization": f"Bearer {demo.api_key}"})
        assert r.status_code in (200, 201), r.text
        json_body = body(["x"], f"bearer {uuid.uuid4().hex}") if payload == "post" else None


def test_a_bearer_key_is_held_to_its_scopes(client, user):
    reader = _key(client, user, ["posts:read"])
    r = client.post("/v1/posts", json=body(["x"], "no"), headers={"Authorization": f"Bearer {reader}"})
    _insufficient(r, "posts:write", ["posts:read"])


def test_two_different_keys_in_both_headers_are_400(client, user):
    other = _key(client, user)
    for path in ("/v1/me", "/v1/posts", "/v1/api-keys"):
        r = client.get(path, headers={"soku-api-key": user.api_key, "Authorization": f"Bearer {other}"})
        error = assert_error(r, 400, "validation_error")
        assert "soku-api-key" in error["message"] and "Bearer" in error["message"]
    # The same key in both is fine.
    r = client.get("/v1/me", headers={"soku-api-key": user.api_key, "Authorization": f"Bearer {user.api_key}"})
    assert r.status_code == 200


def test_an_id_token_still_works_on_the_consoles_routes(client, user):
    for path in ("/v1/accounts", "/v1/posts", "/v1/api-keys"):
        assert client.get(path, headers=user.bearer).status_code == 200, path
    # An ID token where only a key is taken is still refused.
    assert_error(client.get("/v1/me", headers=user.bearer), 401, "unauthorized")


# -- the docs say what the table says -------------------------------------------------------


def test_the_docs_scope_table_is_the_route_table():
    from shared.web.route_scopes import ROUTE_SCOPES
    from tests.conftest import ROOT

    page = (ROOT / "docs/authentication.md").read_text()
    for scope in SCOPES:
        row = next(line for line in page.splitlines() if line.startswith(f"| `{scope}` |"))
        documented = set(row.split("|")[3].replace("`", "").split(", "))
        assert {e.strip() for e in documented} == {e for e, s in ROUTE_SCOPES.items() if s == scope}, scope
