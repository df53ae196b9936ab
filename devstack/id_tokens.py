"""Unsigned Firebase ID tokens, accepted only under the Auth-emulator convention."""

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
