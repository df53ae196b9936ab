"""Firebase ID tokens for local use: unsigned ones (the Auth-emulator convention, for the
in-process test stack) and real ones from the Auth emulator (make run)."""

from __future__ import annotations

import base64
import json
import time


def _b64(data: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def emulator_id_token(uid: str, project_id: str, lifetime_s: int = 3600 * 24) -> str:
    now = int(time.time())
    claims = {
        "iss": f"https://securetoken.google.com/{project_id}",
        "aud": project_id,
        "auth_time": now,
        "user_id": uid,
        "sub": uid,
        "iat": now,
        "exp": now + lifetime_s,
        "firebase": {"identities": {}, "sign_in_provider": "custom"},
    }
    return f"{_b64({'alg': 'none', 'typ': 'JWT'})}.{_b64(claims)}."


def auth_emulator_id_token(auth_host: str, uid: str, email: str, password: str) -> str:
    """A real ID token from the Firebase Auth emulator for this user (created if missing).

    `make run` signs the demo user in this way, as the web app would with the
    Firebase JS SDK; the token lasts an hour (`make id-token` prints a fresh one).
    """
    import httpx
    from firebase_admin import auth as admin_auth

    from shared.adapters.firebase_app import firebase_app

    try:
        admin_auth.create_user(uid=uid, email=email, password=password, app=firebase_app())
    except (admin_auth.UidAlreadyExistsError, admin_auth.EmailAlreadyExistsError):
        pass
    # The emulator accepts any API key; the web SDK sends the project's public one.
    response = httpx.post(
        f"http://{auth_host}/identitytoolkit.googleapis.com/v1/accounts:signInWithPassword?key=local",
        json={"email": email, "password": password, "returnSecureToken": True}, timeout=10)
    response.raise_for_status()
    return response.json()["idToken"]


if __name__ == "__main__":  # make id-token: a fresh token for the demo user of a running `make run`
    import os
    import sys

    from devstack.seed import DEMO_EMAIL, DEMO_PASSWORD, DEMO_USER_ID

    host = os.environ.get("FIREBASE_AUTH_EMULATOR_HOST")
    if not host:
        sys.exit("FIREBASE_AUTH_EMULATOR_HOST is not set: `source .local/dev.env` from a running `make run` first")
    print(auth_emulator_id_token(host, DEMO_USER_ID, DEMO_EMAIL, DEMO_PASSWORD))
