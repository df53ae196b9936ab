"""Connecting a Bluesky account (`POST /v1/connections/bluesky`: a handle and an app password)
against the AT Protocol's reference PDS itself (devstack/bluesky), not a sandbox: the PDS is
asked (createSession) before anything is stored; a refused credential is a 400 naming its field,
and stores nothing; what is stored is the session (sealed), never the app password.

Needs Node.js >= 22 for the PDS: devstack.bluesky.install() brings it; where it cannot, these
tests skip and say why."""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from datetime import datetime, timezone

import httpx
import pytest

from shared.adapters.crypto import decrypt_json
from tests.connecting import account_doc
from tests.envelope import assert_error

ALICE, BOB = "alice.test", "bob.test"


@dataclass
class Pds:
    """The running PDS, its accounts, and an app password for each (what a user gives Soku)."""

    local: object  # devstack.bluesky.LocalPds
    app_passwords: dict[str, str]

    @property
    def url(self) -> str:
        return self.local.pds_url

    def did(self, handle: str) -> str:
        return self.local.account(handle).did

    def xrpc(self, method: str, *, token: str | None = None, post: bool = False, **kwargs) -> httpx.Response:
        """One XRPC call of our own, as any client would make it: what the PDS holds."""
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        verb = "POST" if post or "json" in kwargs or "content" in kwargs else "GET"
        return httpx.request(verb, f"{self.url}/xrpc/{method}", headers=headers, timeout=30, **kwargs)

    def session(self, handle: str) -> dict:
        """A session with the account's own password (the tests' side, not Soku's)."""
        r = self.xrpc("com.atproto.server.createSession",
                      json={"identifier": handle, "password": self.local.account(handle).password})
        assert r.status_code == 200, r.text
        return r.json()


def start_pds(handles=(ALICE, BOB)):
    """A generator for a module-scoped fixture: the PDS with `handles`, each with an app password
    made through `com.atproto.server.createAppPassword`, as a user makes one in Bluesky's settings."""
    from devstack.bluesky import NodeUnavailable, install, start

    try:
        node = install()
    except NodeUnavailable as exc:
        pytest.skip(f"no Node.js >= 22 for the Bluesky PDS: {exc}")
    local = start(accounts=[(handle, f"{handle.split('.')[0]}-main-pass") for handle in handles], node=node)
    pds = Pds(local, {})
    for handle in handles:
        r = pds.xrpc("com.atproto.server.createAppPassword", token=pds.session(handle)["accessJwt"],
                     json={"name": "Soku"})
        assert r.status_code == 200, r.text
        pds.app_passwords[handle] = r.json()["password"]
    return local, pds


@pytest.fixture(scope="module")
def pds():
    local, made = start_pds()
    yield made
    assert local.stop() == 0, f"the PDS did not close cleanly:\n{local.log_tail()}"


def connect(client, user, pds: Pds, handle: str = ALICE, password: str | None = None, **extra) -> httpx.Response:
    body = {"handle": handle, "appPassword": pds.app_passwords[handle.lstrip("@")] if password is None else password,
            "pdsUrl": pds.url} | extra
    return client.post("/v1/connections/bluesky", headers=user.key_headers, json=body)


def claims(jwt: str) -> dict:
    payload = jwt.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


def _stored(db, user) -> list[dict]:
    return [s.to_dict() for s in db.collection("users").document(user.uid).collection("integrations")
            .document("bluesky").collection("accounts").stream()]


def test_an_account_is_connected_with_an_app_password_and_only_the_session_is_kept(client, user, db, pds):
    r = connect(client, user, pds)
    assert r.status_code == 201, r.text
    [account] = r.json()["accounts"]
    assert r.json()["platform"] == "bluesky" and account["displayName"] == f"@{ALICE}"
    assert account["reconnected"] is False and pds.app_passwords[ALICE] not in r.text

    ref = account_doc(db, user, "bluesky", account["accountId"])
    stored = ref.get().to_dict()
    did = pds.did(ALICE)
    assert stored["platformUserId"] == did and stored["status"] == "connected"
    assert (stored["did"], stored["handle"], stored["pdsUrl"]) == (did, ALICE, pds.url)
    assert stored["grantId"] == f"bluesky:{did}"
    assert pds.app_passwords[ALICE] not in str(stored)
    tokens = decrypt_json(stored["tokens"], associated=ref.path)
    assert pds.app_passwords[ALICE] not in str(tokens)
    # The PDS's own session: an app-password access JWT for this DID, and its refresh JWT.
    access, refresh = claims(tokens["accessToken"]), claims(tokens["refreshToken"])
    assert access["sub"] == did and access["scope"] == "com.atproto.appPass"
    assert refresh["sub"] == did and refresh["scope"] == "com.atproto.refresh"
    assert tokens["expiresAt"] == datetime.fromtimestamp(access["exp"], tz=timezone.utc).isoformat()
    # The session works at the PDS.
    r = pds.xrpc("com.atproto.server.getSession", token=tokens["accessToken"])
    assert r.status_code == 200 and r.json()["did"] == did, r.text

    again = connect(client, user, pds, handle=f"@{ALICE}")  # as people write handles
    assert again.status_code == 200, again.text
    assert again.json()["accounts"] == [{**account, "reconnected": True}]
    by_did = client.post("/v1/connections/bluesky", headers=user.key_headers,
                         json={"handle": did, "appPassword": pds.app_passwords[ALICE], "pdsUrl": pds.url})
    assert by_did.status_code == 200 and by_did.json()["accounts"] == [{**account, "reconnected": True}], by_did.text


def test_a_wrong_app_password_is_refused_naming_it_and_nothing_is_stored(client, user, db, pds):
    r = connect(client, user, pds, password="aaaa-bbbb-cccc-dddd")
    assert_error(r, 400, "invalid_credentials")
    [detail] = r.json()["error"]["details"]
    assert detail["field"] == "body.appPassword" and detail["code"] == "refused"
    assert "app password" in detail["message"]
    assert _stored(db, user) == []


def test_an_unknown_handle_is_refused_naming_it(client, user, db, pds):
    r = connect(client, user, pds, handle="carol.test", password="aaaa-bbbb-cccc-dddd")
    assert_error(r, 400, "invalid_credentials")
    [detail] = r.json()["error"]["details"]
    assert detail["field"] == "body.handle" and "carol.test" in detail["message"]
    assert _stored(db, user) == []


@pytest.mark.parametrize("pds_url, says", [
    ("ftp://127.0.0.1:21", "https"),
    ("http://10.1.2.3", "not public"),
    ("http://169.254.169.254", "metadata"),
    ("https://bsky.social/xrpc", "root URL"),
])
def test_a_pds_address_soku_will_not_call_is_refused_before_any_call(client, user, db, pds, pds_url, says):
    r = connect(client, user, pds, pdsUrl=pds_url)
    assert_error(r, 400, "validation_error")
    [detail] = r.json()["error"]["details"]
    assert detail["field"] == "body.pdsUrl"
    assert says in detail["message"] or (says == "not public" and "private" in detail["message"]), detail
    assert _stored(db, user) == []


def test_the_credentials_body_is_described_and_the_password_is_write_only(client, user):
    r = client.get("/v1/platforms/bluesky", headers=user.key_headers)
    assert r.status_code == 200, r.text
    view = r.json()
    assert view["connection"]["type"] == "manual"
    fields = view["connection"]["fields"]
    assert set(fields["required"]) == {"handle", "appPassword"}
    assert fields["properties"]["appPassword"]["writeOnly"] is True


def test_disconnecting_ends_the_session_at_the_pds(client, user, db, pds):
    [account] = connect(client, user, pds, handle=BOB).json()["accounts"]
    ref = account_doc(db, user, "bluesky", account["accountId"])
    tokens = decrypt_json(ref.get().to_dict()["tokens"], associated=ref.path)
    gone = client.delete(f"/v1/accounts/{account['accountId']}", headers=user.key_headers)
    assert gone.status_code == 200, gone.text
    assert gone.json()["revocation"] == "revoked" and _stored(db, user) == []
    # com.atproto.server.deleteSession revoked the refresh JWT: it refreshes nothing any more.
    r = pds.xrpc("com.atproto.server.refreshSession", token=tokens["refreshToken"], post=True)
    assert r.status_code == 400 and r.json()["error"] in ("ExpiredToken", "InvalidToken"), r.text


def test_pds_addresses_are_stored_as_their_root():
    from shared.platforms.bluesky.xrpc import PdsRefused, normalise

    assert normalise(None) == normalise("") == "https://bsky.social"  # Bluesky's entryway
    assert normalise("bsky.social") == normalise("https://BSKY.social/") == "https://bsky.social"
    assert normalise("https://pds.example.com:443") == "https://pds.example.com"
    assert normalise("http://127.0.0.1:2583") == "http://127.0.0.1:2583"
    for bad in ("https://user:pw@pds.example.com", "https://pds.example.com/?x=1", "gopher://pds.example.com"):
        with pytest.raises(PdsRefused):
            normalise(bad)
