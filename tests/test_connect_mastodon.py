"""Connecting Mastodon accounts: the user names their server (`instanceUrl`), Soku registers its
app there once, then the real start route, begin page, the server's consent (PKCE) and the
callback, against sandbox Mastodon servers (devstack/sandboxes/mastodon) each on a port of its
own, as servers are hosts of their own. What the server recorded (its apps, revocations) is
what is asserted."""

from __future__ import annotations

import threading

import flask
import httpx
import pytest
from werkzeug.serving import make_server

from devstack.emulators import free_port
from devstack.sandboxes import mastodon as mastodon_sandbox
from tests.connecting import Flow, begin, consent, new_subject, query_of


@pytest.fixture(scope="module")
def mastodon_server(stack):
    """Start another sandbox Mastodon server (sharing the stack's sandbox state, so faults and
    recorded posts go through the usual `sandbox` fixture); returns its root URL."""
    servers = []

    def start() -> str:
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        app = flask.Flask(f"mastodon-{port}")
        app.register_blueprint(mastodon_sandbox.blueprint(stack.sandboxes.state, base))
        server = make_server("127.0.0.1", port, app, threaded=True)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"{base}/mastodon"

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def server(mastodon_server) -> str:
    return mastodon_server()


def start_mastodon(client: httpx.Client, user, instance_url) -> httpx.Response:
    body = None if instance_url is None else {"instanceUrl": instance_url}
    return client.post("/v1/connections/mastodon/start", json=body, headers=user.key_headers)


def connect_mastodon(client: httpx.Client, user, root: str, subject: str | None = None, **sandbox) -> Flow:
    """The whole flow as the user's browser (`client`) runs it, on the server at `root`."""
    flow = Flow(start_mastodon(client, user, root))
    assert flow.start.status_code == 200, flow.start.text
    flow.begin, flow.confirm = begin(client, flow.start.json()["authorizeUrl"])
    flow.consent = consent(flow.authorize_url, user=subject or new_subject(), **sandbox)
    if flow.consent.status_code in (302, 303):
        flow.callback = client.get(flow.callback_url, follow_redirects=False)
    return flow


def connected_account(client, user, root: str, subject: str | None = None) -> str:
    """Connect an account of the test's own on `root`; its Soku account id."""
    subject = subject or new_subject()
    flow = connect_mastodon(client, user, root, subject)
    assert flow.callback is not None and flow.callback.status_code == 200, flow.callback and flow.callback.text
    return f"mastodon_{subject}-{root.split('://')[1].split('/')[0].replace(':', '-')}"


def _flows(db, user):
    from google.cloud import firestore

    return db.collection("oauthFlows").where(filter=firestore.FieldFilter("userId", "==", user.uid))


def apps(root: str) -> list[dict]:
    return httpx.get(f"{root}/__sandbox/apps").json()["apps"]


def test_connecting_registers_soku_once_per_server_and_stores_the_account(client, user, db, server,
                                                                          mastodon_server, stack):
    from shared.adapters.crypto import decrypt_json

    subject = new_subject()
    flow = connect_mastodon(client, user, server + "/", subject)  # a trailing slash is the same server
    assert flow.callback.status_code == 200, flow.callback.text
    host = server.split("://")[1].split("/")[0]
    account_id = f"mastodon_{subject}-{host.replace(':', '-')}"
    assert f"<code>{account_id}</code>" in flow.callback.text

    # The authorize URL is the server's, with Soku's app, granular scopes and PKCE (S256).
    query = query_of(flow.authorize_url)
    assert flow.authorize_url.startswith(f"{server}/oauth/authorize?")
    assert query["scope"] == "write:statuses write:media read:statuses read:accounts"
    assert query["code_challenge_method"] == "S256" and len(query["code_challenge"]) == 43
    [app] = apps(server)
    assert app["client_id"] == query["client_id"] and app["name"] == "Soku"
    assert app["redirect_uris"] == [flow.start.json()["redirectUri"]]
    assert app["scopes"] == ["write:statuses", "write:media", "read:statuses", "read:accounts"]

    # Soku kept the app: client id in clear, the secret sealed to the document's path.
    [kept] = [s for s in db.collection("mastodonApps").stream() if s.get("clientId") == app["client_id"]]
    doc = kept.to_dict()
    assert doc["instance"] == server and set(doc["clientSecret"]) >= {"kid", "nonce", "ciphertext"}
    stored_secret = stack.sandboxes.state.oauth[f"mastodon:{server}"]["apps"][app["client_id"]]["client_secret"]
    assert stored_secret not in repr(doc)
    assert decrypt_json(doc["clientSecret"], associated=kept.reference.path) == stored_secret

    # The account: its server, full handle, and the (non-expiring) token sealed.
    r = client.get(f"/v1/accounts/{account_id}", headers=user.key_headers)
    assert r.status_code == 200, r.text
    account = r.json()
    assert account["username"] == f"{subject}@{host}" and account["platform"] == "mastodon"
    assert account["platformUserId"] == mastodon_sandbox.account_id(subject)
    assert account["health"]["tokenExpiresAt"] is None and account["health"]["refreshable"] is False
    stored = (db.collection("users").document(user.uid).collection("integrations").document("mastodon")
              .collection("accounts").document(account_id).get().to_dict())
    assert stored["instanceUrl"] == server and stored["mastodonApp"] == kept.id
    assert stored["scopes"] == ["write:statuses", "write:media", "read:statuses", "read:accounts"]

    # A second connect on the same server reuses the app; another server gets its own.
    connected_account(client, user, server)
    assert [a["client_id"] for a in apps(server)] == [app["client_id"]]
    other = mastodon_server()
    connected_account(client, user, other)
    assert len(apps(other)) == 1 and len(apps(server)) == 1


def test_a_flow_remembers_its_server(client, user, db, server):
    r = start_mastodon(client, user, server)
    assert r.status_code == 200, r.text
    flow_id = query_of(r.json()["authorizeUrl"])["flow"].split(".")[0]
    assert db.collection("oauthFlows").document(flow_id).get().get("instance") == server


@pytest.mark.parametrize("instance_url, words", [
    (None, "send its address"),
    ("", "give your Mastodon server's address"),
    ("ftp://mastodon.example", "must be an https URL"),
    ("https://user:pw@mastodon.example", "credentials"),
    ("https://mastodon.example/?x=1", "without a query"),
    ("http://10.1.2.3", "private network address"),
    ("http://169.254.169.254", "metadata"),
    ("https://93.184.215.14:8443", "only ports"),
])
def test_a_refused_server_address_is_400_naming_body_instance_url(client, user, db, instance_url, words):
    before = len(list(_flows(db, user).stream()))
    r = start_mastodon(client, user, instance_url)
    assert r.status_code == 400, r.text
    error = r.json()["error"]
    assert error["code"] == "validation_error" and error["details"][0]["field"] == "body.instanceUrl", error
    assert words in error["message"] or words in error["details"][0]["message"], error
    assert len(list(_flows(db, user).stream())) == before


def test_a_server_that_is_not_mastodon_is_400(client, user, stack):
    # The stack's own API is no Mastodon server: POST /api/v1/apps is not found there.
    r = start_mastodon(client, user, stack.base_url)
    assert r.status_code == 400, r.text
    detail = r.json()["error"]["details"][0]
    assert detail["field"] == "body.instanceUrl" and detail["code"] == "not_mastodon", detail


def test_the_app_registration_down_is_502_and_nothing_is_kept(client, user, mastodon_server, sandbox, db):
    root = mastodon_server()
    sandbox.fault("mastodon", "apps", "server_error")
    r = start_mastodon(client, user, root)
    assert r.status_code == 502 and r.json()["error"]["code"] == "platform_unavailable", r.text
    assert [s for s in db.collection("mastodonApps").stream() if s.get("instance") == root] == []
    assert start_mastodon(client, user, root).status_code == 200  # and later it works
    assert len(apps(root)) == 1


def test_other_platforms_still_start_without_a_body(client, user):
    r = client.post("/v1/connections/x/start", headers=user.key_headers)
    assert r.status_code == 200, r.text


def test_the_user_saying_no_connects_nothing(client, user, server):
    flow = connect_mastodon(client, user, server, deny="1")
    assert flow.callback.status_code == 403 and "access_denied" in flow.callback.text


def test_disconnecting_revokes_the_token_at_the_server(client, user, server, stack):
    subject = new_subject()
    account_id = connected_account(client, user, server, subject)
    r = client.delete(f"/v1/accounts/{account_id}", headers=user.key_headers)
    assert r.status_code == 200 and r.json()["revocation"] == "revoked", r.text
    revocations = httpx.get(f"{stack.sandboxes.base_url}/__sandbox/oauth/revocations").json()["revocations"]
    assert any(x["platform"] == "mastodon" and x["subject"] == subject for x in revocations)
