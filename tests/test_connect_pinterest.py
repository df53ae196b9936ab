"""Connecting a Pinterest account through the real flow (start → begin → Pinterest's consent →
callback) against the Pinterest sandbox: the authorize URL is Pinterest's `/oauth/` with Soku's
app and scopes (no PKCE: Pinterest documents none), the code is exchanged with HTTP Basic client
authentication, the account is the user from `GET /v5/user_account`, stored with its tokens
sealed. A code Pinterest refuses stores nothing."""

from __future__ import annotations

import httpx

from devstack.sandboxes import pinterest as pinterest_sandbox
from shared.adapters.crypto import decrypt_json
from tests.connecting import account_doc, connect, consent, new_subject, query_of


def connected_account(client, user, subject: str | None = None, **sandbox) -> tuple[str, str]:
    """An account of the test's own, connected through the whole flow: (accountId, subject)."""
    subject = subject or new_subject()
    flow = connect(client, user, "pinterest", subject, **sandbox)
    assert flow.callback is not None and flow.callback.status_code == 200, flow.callback and flow.callback.text
    return f"pinterest_{pinterest_sandbox.user_id(subject)}", subject


def test_consent_and_callback_store_the_pinterest_account_sealed(client, user, db, stack):
    subject = new_subject()
    flow = connect(client, user, "pinterest", subject)
    query = query_of(flow.authorize_url)
    assert flow.authorize_url.startswith(f"{stack.sandboxes.base_url}/pinterest/web/oauth/?")
    assert query["client_id"] == pinterest_sandbox.CLIENT_ID and query["response_type"] == "code"
    assert set(query["scope"].split(",")) == {"boards:read", "boards:write", "pins:read", "pins:write",
                                              "user_accounts:read"}
    assert "code_challenge" not in query  # Pinterest's flow documents no PKCE
    assert flow.callback.status_code == 200, flow.callback.text

    account_id = f"pinterest_{pinterest_sandbox.user_id(subject)}"
    assert f"<code>{account_id}</code>" in flow.callback.text
    ref = account_doc(db, user, "pinterest", account_id)
    stored = ref.get().to_dict()
    assert stored["platformUserId"] == pinterest_sandbox.user_id(subject) and stored["status"] == "connected"
    assert stored["username"] == subject and stored["displayName"] == f"Sandbox Pinner {subject}"
    assert "pins:write" in stored["scopes"]
    tokens = decrypt_json(stored["tokens"], associated=ref.path)
    assert tokens["accessToken"].startswith(f"sbx-at.pinterest.{subject}.") and tokens["refreshToken"]
    assert tokens["accessToken"] not in str(stored)

    listed = client.get("/v1/accounts", params={"platform": "pinterest"}, headers=user.key_headers).json()
    assert [a["accountId"] for a in listed["accounts"]] == [account_id]


def test_a_code_pinterest_refuses_stores_nothing(client, user, db):
    flow = connect(client, user, "pinterest", new_subject())
    used = flow.callback_url  # the flow's code was redeemed once already
    again = client.get(used, follow_redirects=False)
    assert again.status_code >= 400, again.text
    listed = client.get("/v1/accounts", params={"platform": "pinterest"}, headers=user.key_headers).json()
    assert len(listed["accounts"]) == 1  # only the first, good, code connected

    # A code Pinterest never issued, on a fresh flow: refused, nothing more stored.
    from tests.connecting import authorize, start

    authorize_url = authorize(client, start(client, "pinterest", user.key_headers))
    answer = consent(authorize_url, user=new_subject())
    bad = answer.headers["location"].replace("code=", "code=not-a-real-code")
    refused = client.get(bad, follow_redirects=False)
    assert refused.status_code >= 400 and "token_exchange_failed" in refused.text, refused.text
    listed = client.get("/v1/accounts", params={"platform": "pinterest"}, headers=user.key_headers).json()
    assert len(listed["accounts"]) == 1


def test_the_token_endpoint_takes_only_soku_s_client(stack):
    # Pinterest authenticates the client with HTTP Basic on the token endpoint.
    r = httpx.post(f"{stack.sandboxes.base_url}/pinterest/v5/oauth/token",
                   data={"grant_type": "authorization_code", "code": "x", "redirect_uri": "https://a.example/cb"},
                   auth=(pinterest_sandbox.CLIENT_ID, "wrong"))
    assert r.status_code == 401 and set(r.json()) == {"code", "message"}
