"""AES-GCM encryption of secrets at rest (platform tokens), with key ids for rotation.

Keys come from configuration: `SOKU_TOKEN_KEYS` = "kid1:<base64 32 bytes>,kid2:…" and
`SOKU_TOKEN_KEY_ID` = the kid used for new encryptions. Every ciphertext records
its kid, so old secrets stay readable while new ones use the new key. The
document path is bound as associated data: a ciphertext copied onto another
account's document does not decrypt.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
from typing import Any

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from shared.config import ConfigurationError, get_settings


def _keys() -> tuple[str, dict[str, bytes]]:
    settings = get_settings()
    keys: dict[str, bytes] = {}
    for entry in (settings.token_keys or "").split(","):
        if not entry.strip():
            continue
        kid, _, material = entry.strip().partition(":")
        key = base64.b64decode(material)
        if len(key) != 32:
            raise ConfigurationError(f"token key {kid} must be 32 bytes (AES-256)")
        keys[kid] = key
    if not keys or settings.token_key_id not in keys:
        raise ConfigurationError("SOKU_TOKEN_KEYS / SOKU_TOKEN_KEY_ID are not configured")
    return settings.token_key_id, keys


def encrypt_json(value: Any, associated: str) -> dict:
    kid, keys = _keys()
    nonce = os.urandom(12)
    ciphertext = AESGCM(keys[kid]).encrypt(nonce, json.dumps(value).encode(), associated.encode())
    return {"kid": kid, "nonce": base64.b64encode(nonce).decode(),
            "ciphertext": base64.b64encode(ciphertext).decode(), "alg": "AES-256-GCM"}


def decrypt_json(sealed: dict, associated: str) -> Any:
    _, keys = _keys()
    key = keys.get(sealed.get("kid", ""))
    if key is None:
        raise ConfigurationError(f"no key {sealed.get('kid')!r} to decrypt with")
    plaintext = AESGCM(key).decrypt(base64.b64decode(sealed["nonce"]),
                                    base64.b64decode(sealed["ciphertext"]), associated.encode())
    return json.loads(plaintext)


def is_sealed(value: Any) -> bool:
    """Whether `value` is what `encrypt_json` returns (the rotation finds sealed values by it)."""
    return isinstance(value, dict) and {"kid", "nonce", "ciphertext"} <= value.keys()


def current_key_id() -> str:
    """The kid new encryptions use (SOKU_TOKEN_KEY_ID)."""
    return _keys()[0]


def reseal(sealed: dict, associated: str) -> dict | None:
    """Key rotation: the same secret encrypted with the current key, or None when it
    already is. Once nothing is sealed with an old kid, that key can leave SOKU_TOKEN_KEYS."""
    if sealed.get("kid") == current_key_id():
        return None
    return encrypt_json(decrypt_json(sealed, associated), associated)


def derive_secret(label: str) -> bytes:
    """A 32-byte secret for another purpose (signing), derived from the current key with
    HMAC-SHA256 and a label of its own, for deployments that configure no separate secret."""
    kid, keys = _keys()
    return hmac.new(keys[kid], label.encode(), hashlib.sha256).digest()


def generate_key() -> str:
    return base64.b64encode(AESGCM.generate_key(bit_length=256)).decode()
