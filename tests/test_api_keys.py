"""Key management for the web app: create, list, revoke, and isolation between users."""

from __future__ import annotations

import base64

import pytest

from shared.services.api_keys import hash_key
from tests.envelope import assert_error


def test_create_returns_key_once_and_it_authenticates(client, user, db):
    r = client.post("/v1/api-keys", json={"name": "Production"}, headers=user.bearer)
    assert r.status_code == 201, r.text
    key = r.json()["apiKey"]
    assert key.startswith("sk_live_")
    # Its id, the one the list shows and revoke takes, comes with it.
    assert r.json()["id"] == hash_key(key)
    assert len(base64.urlsafe_b64decode(key.removeprefix("sk_live_") + "=")) >= 32
    assert client.get("/v1/me", headers={"soku-api-key": key}).json()["userId"] == user.uid
    # Stored only as a hash: no document field carries the plaintext.
    doc = db.collection("apiKeys").document(hash_key(key)).get().to_dict()
    assert key not in repr(doc)
    assert doc["tokenPreview"] == f"sk_live_********{key[-4:]}"
    listed = client.get("/v1/api-keys", headers=user.bearer).json()["keys"]
    assert key not in repr(listed)
    assert listed[0]["id"] == r.json()["id"] and listed[0]["name"] == "Production"
    assert client.delete(f"/v1/api-keys/{r.json()['id']}", headers=user.bearer).json() == {"revoked": True}
    assert client.get("/v1/me", headers={"soku-api-key": key}).status_code == 401


def test_list_shows_the_callers_keys_newest_first(client, user):
    client.post("/v1/api-keys", json={"name": "second"}, headers=user.bearer)
    client.post("/v1/api-keys", json={"name": "third"}, headers=user.bearer)
    keys = client.get("/v1/api-keys", headers=user.bearer).json()["keys"]
    assert [k["name"] for k in keys] == ["third", "second", "test key"]
    for k in keys:
        assert set(k) >= {"id", "name", "createdAt", "revokedAt", "tokenPreview"}
        assert k["revokedAt"] is None


def test_create_without_body_uses_a_default_name(client, user):
    r = client.post("/v1/api-keys", headers=user.bearer)
    assert r.status_code == 201
    assert client.get("/v1/api-keys", headers=user.bearer).json()["keys"][0]["name"]


@pytest.mark.parametrize("name,code", [("", "too_small"), ("x" * 101, "too_big"), (42, "invalid_type")])
def test_name_is_validated(client, user, name, code):
    r = client.post("/v1/api-keys", json={"name": name}, headers=user.bearer)
    error = assert_error(r, 400, "validation_error", "Request validation failed")
    assert error["details"][0]["field"] == "body.name"
    assert error["details"][0]["code"] == code


def test_unknown_fields_are_rejected(client, user):
    r = client.post("/v1/api-keys", json={"name": "ok", "scope": "all"}, headers=user.bearer)
    error = assert_error(r, 400, "validation_error")
    assert error["details"] == [{"field": "body.scope", "message": "Unrecognized field",
                                 "code": "unrecognized_keys", "received": "all"}]


def test_revoke_is_immediate_and_idempotent(client, user):
    key_id = hash_key(user.api_key)
    assert client.delete(f"/v1/api-keys/{key_id}", headers=user.bearer).json() == {"revoked": True}
    listed = {k["id"]: k for k in client.get("/v1/api-keys", headers=user.bearer).json()["keys"]}
    first_revoked_at = listed[key_id]["revokedAt"]
    assert first_revoked_at is not None
    assert client.delete(f"/v1/api-keys/{key_id}", headers=user.bearer).json() == {"revoked": True}
    listed = {k["id"]: k for k in client.get("/v1/api-keys", headers=user.bearer).json()["keys"]}
    assert listed[key_id]["revokedAt"] == first_revoked_at
    assert client.get("/v1/me", headers=user.key_headers).status_code == 401


def test_users_cannot_see_or_revoke_each_others_keys(client, make_user):
    alice, bob = make_user(), make_user()
    alice_key_id = hash_key(alice.api_key)
    bob_keys = client.get("/v1/api-keys", headers=bob.bearer).json()["keys"]
    assert alice_key_id not in [k["id"] for k in bob_keys]
    r = client.delete(f"/v1/api-keys/{alice_key_id}", headers=bob.bearer)
    assert_error(r, 404, "not_found")
    assert client.get("/v1/me", headers=alice.key_headers).status_code == 200
    alice_keys = client.get("/v1/api-keys", headers=alice.bearer).json()["keys"]
    assert [k["revokedAt"] for k in alice_keys] == [None]


def test_unknown_key_id_is_404(client, user):
    assert_error(client.delete("/v1/api-keys/" + "0" * 64, headers=user.bearer), 404, "not_found")


@pytest.mark.parametrize("header", [None, "Bearer", "Basic abc", "Bearer not.a.jwt"])
def test_key_routes_need_a_firebase_id_token(client, header):
    headers = {"Authorization": header} if header is not None else {}
    r = client.get("/v1/api-keys", headers=headers)
    assert_error(r, 401, "unauthorized")


def test_a_key_manages_keys_whether_sent_as_header_or_bearer(client, user):
    # Scoped keys (issue 40): a key holding keys:manage (every key created without scopes does) may
    # manage keys, sent in soku-api-key or as Authorization: Bearer sk_live_… (told from an ID token
    # by its prefix); a bearer value that is neither is still judged as an ID token.
    for headers in ({"Authorization": f"Bearer {user.api_key}"}, user.key_headers):
        r = client.get("/v1/api-keys", headers=headers)
        assert r.status_code == 200 and [k["id"] for k in r.json()["keys"]] == [hash_key(user.api_key)]
    r = client.get("/v1/api-keys", headers={"Authorization": "Bearer sk_test_notours"})
    assert_error(r, 401, "unauthorized", "Invalid or expired Firebase ID token")


def test_token_for_another_project_is_rejected(client, user):
    from devstack.id_tokens import emulator_id_token

    token = emulator_id_token(user.uid, "some-other-project")
    r = client.get("/v1/api-keys", headers={"Authorization": f"Bearer {token}"})
    assert_error(r, 401, "unauthorized", "Invalid or expired Firebase ID token")
