"""Soku's OAuth app on each Mastodon server: registered once, kept for the next connects.

Mastodon has no central developer console: an app is registered on each server with
`POST /api/v1/apps` (`client_name`, `redirect_uris`, `scopes`) → `{client_id,
client_secret, ...}` (docs.joinmastodon.org/methods/apps/#create), the OAuth client of every
authorization on that server. So Soku registers itself on a server the first time someone
connects an account there, and keeps the result in `mastodonApps/{sha256(server, redirect URI,
scopes)}` (`instance`, `redirectUri`, `scopes`, `clientId`, `clientSecret` sealed with the token
keys as account tokens are, bound to the document's path; shared/adapters/crypto.py), so the
second connect reuses it. A change of redirect URI (another Hosting domain) or of scopes
(SOKU_MASTODON_SCOPES) is another app, since a server checks both against the app's.

Registering is claimed with `create()`: two first connects at once may both register, one
document wins, and both flows use the winner (the loser's app stays unused on the server). A
secret that no longer opens (its key retired from SOKU_TOKEN_KEYS) is replaced by registering
again: an app is free to make, and flows begun with the old one fail at the token exchange
and are started again.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from google.api_core import exceptions as gexc

from shared import clock
from shared.adapters.crypto import decrypt_json, encrypt_json
from shared.adapters.gcp import firestore_client
from shared.platforms.mastodon import instance as servers
from shared.services import sealed_index
from shared.platforms.mastodon.http import connect_call
from shared.services.connections.errors import ConnectError

COLLECTION = "mastodonApps"
CLIENT_NAME = "Soku"


@dataclass(frozen=True)
class App:
    id: str  # the document id: the key of (server, redirect URI, scopes)
    instance: str
    redirect_uri: str
    client_id: str
    client_secret: str


def app_id(instance: str, redirect_uri: str, scopes: list[str]) -> str:
    return hashlib.sha256("\n".join((instance, redirect_uri, " ".join(scopes))).encode()).hexdigest()


def _ref(doc_id: str):
    return firestore_client().collection(COLLECTION).document(doc_id)


def _open(doc_id: str, data: dict) -> App | None:
    try:
        secret = decrypt_json(data["clientSecret"], associated=_ref(doc_id).path)
    except Exception:  # noqa: BLE001 - a retired key or a copied ciphertext: register again
        return None
    return App(doc_id, str(data["instance"]), str(data["redirectUri"]), str(data["clientId"]), str(secret))


def stored(doc_id: str) -> App | None:
    """The app kept under this id (an account's `mastodonApp`), None when gone or unreadable."""
    snap = _ref(doc_id).get()
    return _open(doc_id, snap.to_dict() or {}) if snap.exists else None


def app_for(instance: str, redirect_uri: str, scopes: list[str]) -> App:
    """Soku's app on `instance` for this callback and these scopes: kept, or registered now.
    ConnectError when the server refuses or cannot be reached."""
    doc_id = app_id(instance, redirect_uri, scopes)
    ref = _ref(doc_id)
    snap = ref.get()
    if snap.exists and (app := _open(doc_id, snap.to_dict() or {})) is not None:
        return app
    body = connect_call("POST", f"{instance}/api/v1/apps", failure="authorization_failed", json={
        "client_name": CLIENT_NAME, "redirect_uris": redirect_uri, "scopes": " ".join(scopes)})
    if not body.get("client_id") or not body.get("client_secret"):
        raise ConnectError("authorization_failed", f"{servers.host_of(instance)} registered no OAuth app "
                           "(no client_id or client_secret in its answer): is it a Mastodon server?",
                           platform="mastodon")
    data = {"instance": instance, "redirectUri": redirect_uri, "scopes": scopes,
            "clientId": str(body["client_id"]),
            "clientSecret": encrypt_json(str(body["client_secret"]), associated=ref.path),
            "registeredAt": clock.now()}
    if snap.exists:
        ref.set(data)  # the kept secret no longer opened: this app replaces it
    else:
        try:
            ref.create(data)
        except gexc.Conflict:  # another connect registered first: use its app
            winner = stored(doc_id)
            if winner is not None:
                return winner
            ref.set(data)
    sealed_index.record(ref)  # the key rotation re-seals its secret too
    return App(doc_id, instance, redirect_uri, data["clientId"], str(body["client_secret"]))
