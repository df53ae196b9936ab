"""Firebase ID tokens checked against the user record, against the real Auth emulator.

The rest of the suite signs requests with unsigned tokens of users that exist in
no Auth server (the in-process stack skips the user-record lookup). Here the
Firebase CLI's Auth emulator runs for this module only, with
FIREBASE_AUTH_EMULATOR_HOST pointing at it and the lookup on, as in production:
users sign up through its REST API as the web app does, and are revoked,
disabled and deleted with firebase-admin.
"""

from __future__ import annotations

import os
import time
import uuid

import pytest
from firebase_admin import auth as admin_auth

from tests.conftest import PROJECT_ID
from tests.envelope import assert_error

CHANGED = ("FIREBASE_AUTH_EMULATOR_HOST", "SOKU_ID_TOKEN_CHECK_REVOKED")


def _reset() -> None:
    from shared.adapters.firebase_app import reset_firebase_app
    from shared.config import reset_settings

    reset_settings()
    reset_firebase_app()  # its Auth client read FIREBASE_AUTH_EMULATOR_HOST when it was made


@pytest.fixture(scope="module")
def auth_emulator(stack, tmp_path_factory):
    from devstack.auth_emulator import AuthEmulator

    emulator = AuthEmulator(PROJECT_ID, tmp_path_factory.mktemp("auth-emulator") / "auth.log").start()
    saved = {name: os.environ.get(name) for name in CHANGED}
    os.environ["FIREBASE_AUTH_EMULATOR_HOST"] = emulator.host
    os.environ.pop("SOKU_ID_TOKEN_CHECK_REVOKED", None)  # the lookup runs, as in production
    _reset()
    try:
        yield emulator
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        _reset()
        emulator.stop()


@pytest.fixture
def signed_up(auth_emulator):
    """A web-app user: signed up in the Auth emulator, with their ID token."""
    email = f"u{uuid.uuid4().hex[:12]}@example.test"
    account = auth_emulator.sign_up(email, "correct horse battery")
    return {"uid": account["localId"], "email": email, "password": "correct horse battery",
            "bearer": {"Authorization": f"Bearer {account['idToken']}"}}


def _app():
    from shared.adapters.firebase_app import firebase_app

    return firebase_app()


def test_a_signed_up_user_manages_keys_with_their_id_token(client, signed_up):
    r = client.post("/v1/api-keys", json={"name": "web"}, headers=signed_up["bearer"])
    assert r.status_code == 201, r.text
    keys = client.get("/v1/api-keys", headers=signed_up["bearer"])
    assert keys.status_code == 200, keys.text
    assert [k["name"] for k in keys.json()["keys"]] == ["web"]


def test_a_revoked_session_is_401_until_the_user_signs_in_again(client, signed_up, auth_emulator):
    assert client.get("/v1/api-keys", headers=signed_up["bearer"]).status_code == 200
    time.sleep(1.1)  # revocation has one-second granularity: the token must be older than it
    admin_auth.revoke_refresh_tokens(signed_up["uid"], app=_app())
    r = client.get("/v1/api-keys", headers=signed_up["bearer"])
    assert_error(r, 401, "unauthorized", "Firebase session revoked: sign in again")
    # A fresh sign-in is a new session.
    fresh = auth_emulator.sign_in(signed_up["email"], signed_up["password"])["idToken"]
    assert client.get("/v1/api-keys", headers={"Authorization": f"Bearer {fresh}"}).status_code == 200


def test_a_disabled_user_is_401(client, signed_up):
    assert client.get("/v1/api-keys", headers=signed_up["bearer"]).status_code == 200
    admin_auth.update_user(signed_up["uid"], disabled=True, app=_app())
    r = client.post("/v1/api-keys", json={"name": "after"}, headers=signed_up["bearer"])
    assert_error(r, 401, "unauthorized", "Firebase user disabled")
    admin_auth.update_user(signed_up["uid"], disabled=False, app=_app())
    assert client.get("/v1/api-keys", headers=signed_up["bearer"]).status_code == 200


def test_a_deleted_user_is_401(client, signed_up):
    admin_auth.delete_user(signed_up["uid"], app=_app())
    r = client.get("/v1/api-keys", headers=signed_up["bearer"])
    assert_error(r, 401, "unauthorized", "Firebase user not found")


@pytest.mark.parametrize("marker", [{"SOKU_ENV": "production"}, {"K_SERVICE": "api"}],
                         ids=["SOKU_ENV=production", "K_SERVICE"])
@pytest.mark.parametrize("emulator_host_left", [True, False], ids=["auth-emulator-set", "auth-emulator-unset"])
def test_unsigned_tokens_are_refused_beside_a_production_marker(client, signed_up, monkeypatch, marker,
                                                                emulator_host_left):
    """The settings were built before the marker appeared (a warm instance, or a marker the
    settings check did not see): each verification looks at the markers itself."""
    from devstack.id_tokens import emulator_id_token

    unsigned = {"Authorization": f"Bearer {emulator_id_token(signed_up['uid'], PROJECT_ID)}"}
    assert client.get("/v1/api-keys", headers=unsigned).status_code == 200  # emulators only: accepted
    monkeypatch.delenv("FUNCTIONS_EMULATOR", raising=False)
    for name, value in marker.items():
        monkeypatch.setenv(name, value)
    if not emulator_host_left:
        monkeypatch.delenv("FIREBASE_AUTH_EMULATOR_HOST")
    for headers in (unsigned, signed_up["bearer"]):  # the Auth emulator's own tokens are unsigned too
        r = client.get("/v1/api-keys", headers=headers)
        assert_error(r, 401, "unauthorized", "Unsigned Firebase ID tokens are refused in production")


def test_the_cli_functions_emulator_is_not_production(client, signed_up, monkeypatch):
    """K_SERVICE beside FUNCTIONS_EMULATOR=true and the CLI's hub on loopback is the Firebase
    CLI's emulator, not a deployment; FUNCTIONS_EMULATOR=true alone (a .env file can deploy it)
    is not enough."""
    monkeypatch.setenv("K_SERVICE", "api")
    monkeypatch.setenv("FUNCTIONS_EMULATOR", "true")
    monkeypatch.setenv("FIREBASE_EMULATOR_HUB", "127.0.0.1:4400")
    assert client.get("/v1/api-keys", headers=signed_up["bearer"]).status_code == 200
    monkeypatch.delenv("FIREBASE_EMULATOR_HUB")
    r = client.get("/v1/api-keys", headers=signed_up["bearer"])
    assert_error(r, 401, "unauthorized", "Unsigned Firebase ID tokens are refused in production")
