"""Connecting a Reddit account through the real flow (start → begin → Reddit's consent →
callback) against the Reddit sandbox: the authorize URL is www.reddit.com's
`/api/v1/authorize` with Soku's app, `duration=permanent` and the scopes (no PKCE: Reddit's
OAuth2 flow has none), the code is exchanged with HTTP Basic client authentication, the account
is the user from `GET /api/v1/me`, stored with its username (its profile, `u_<name>`, is where a
post without a subreddit goes) and its tokens sealed. A code Reddit refuses stores nothing."""

from __future__ import annotations

import httpx

from devstack.sandboxes import reddit as reddit_sandbox
from shared.adapters.crypto import decrypt_json
from tests.connecting import account_doc, authorize, connect, consent, new_subject, query_of, start


def connected_account(client, user, subject: str | None = None, **sandbox) -> tuple[str, str]:
    """An account of the test's own, connected through the whole flow: (accountId, subject)."""
    subject = subject or new_subject()
    flow = connect(client, user, "reddit", subject, **sandbox)
    assert flow.callback is not None and flow.callback.status_code == 200, flow.callback and flow.callback.text
    return f"reddit_{reddit_sandbox.user_id(subject)}", subject


def test_consent_and_callback_store_the_reddit_account_sealed(client, user, db, stack):
    subject = new_subject()
    flow = connect(client, user, "reddit", subject)
    query = query_of(flow.authorize_url)
    assert flow.authorize_url.startswith(f"{stack.sandboxes.base_url}/reddit/www/api/v1/authorize?")
    assert query["client_id"] == reddit_sandbox.CLIENT_ID and query["response_type"] == "code"
    assert query["duration"] == "permanent"
    assert set(query["scope"].split(" ")) == {"identity", "submit", "read", "edit", "history", "flair",
                                              "mysubreddits"}
    assert "code_challenge" not in query
    assert flow.callback.status_code == 200, flow.callback.text

    account_id = f"reddit_{reddit_sandbox.user_id(subject)}"
    assert f"<code>{account_id}</code>" in flow.callback.text
    ref = account_doc(db, user, "reddit", account_id)
    stored = ref.get().to_dict()
    assert stored["platformUserId"] == reddit_sandbox.user_id(subject) and stored["status"] == "connected"
    assert stored["username"] == subject and stored["displayName"] == f"u/{subject}"
    assert "submit" in stored["scopes"]
    tokens = decrypt_json(stored["tokens"], associated=ref.path)
    assert tokens["accessToken"].startswith(f"sbx-at.reddit.{subject}.") and tokens["refreshToken"]
    assert tokens["accessToken"] not in str(stored)

    listed = client.get("/v1/accounts", params={"platform": "reddit"}, headers=user.key_headers).json()
    assert [a["accountId"] for a in listed["accounts"]] == [account_id]


def test_a_code_reddit_refuses_stores_nothing(client, user):
    flow = connect(client, user, "reddit", new_subject())
    again = client.get(flow.callback_url, follow_redirects=False)  # the code was redeemed once already
    assert again.status_code >= 400, again.text
    authorize_url = authorize(client, start(client, "reddit", user.key_headers))
    answer = consent(authorize_url, user=new_subject())
    bad = answer.headers["location"].replace("code=", "code=not-a-real-code")
    refused = client.get(bad, follow_redirects=False)
    assert refused.status_code >= 400 and "token_exchange_failed" in refused.text, refused.text
    listed = client.get("/v1/accounts", params={"platform": "reddit"}, headers=user.key_headers).json()
    assert len(listed["accounts"]) == 1  # only the first, good, code connected


def test_disconnect_revokes_the_refresh_token_at_reddit(client, user, stack):
    account_id, subject = connected_account(client, user)
    r = client.delete(f"/v1/accounts/{account_id}", headers=user.key_headers)
    assert r.status_code == 200 and r.json()["revocation"] == "revoked", r.text
    revoked = httpx.get(f"{stack.sandboxes.base_url}/__sandbox/oauth/revocations").json()["revocations"]
    assert any(x["platform"] == "reddit" and x["subject"] == subject for x in revoked)


def test_the_token_endpoint_takes_only_soku_s_client(stack):
    r = httpx.post(f"{stack.sandboxes.base_url}/reddit/www/api/v1/access_token",
                   data={"grant_type": "authorization_code", "code": "x", "redirect_uri": "https://a.example/cb"},
                   auth=(reddit_sandbox.CLIENT_ID, "wrong"))
    assert r.status_code == 401
