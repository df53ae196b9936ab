"""Connecting Google Business Profile against its sandbox over real HTTP: the start route, the
begin page, Google's consent (offline access, PKCE, the business.manage scope), the callback;
one Soku account per LOCATION the Google user manages, sharing the user's grant, tokens sealed.
A spent or forged code is refused and stores nothing."""

from __future__ import annotations

import httpx

from devstack.sandboxes import google_business as gbp
from shared.adapters.crypto import decrypt_json
from tests.connecting import account_doc, authorize, connect, consent, new_subject, query_of, start

PLATFORM = "google_business"
SCOPE = "https://www.googleapis.com/auth/business.manage"


def _accounts(db, user) -> dict[str, dict]:
    ref = db.collection("users").document(user.uid).collection("integrations").document(PLATFORM)
    return {doc.id: doc.to_dict() for doc in ref.collection("accounts").stream()}


def connected_location(client, user, subject: str | None = None, index: int = 0, **sandbox) -> tuple[str, str]:
    """Connect a Google user of the test's own (two locations unless `locations=`); (their subject,
    the Soku account id of location `index`)."""
    subject = subject or new_subject()
    flow = connect(client, user, PLATFORM, subject, **sandbox)
    assert flow.callback is not None and flow.callback.status_code == 200, flow.callback and flow.callback.text
    return subject, f"{PLATFORM}_{gbp.location_id(subject, index)}"


def test_each_location_the_user_manages_becomes_an_account_sharing_the_grant(client, user, db, stack):
    subject = new_subject()
    # Three locations in the personal account, and a location group holding the first one again.
    flow = connect(client, user, PLATFORM, subject, locations=3, group=1)
    asked = query_of(flow.authorize_url)
    assert flow.authorize_url.startswith(f"{stack.sandboxes.base_url}/google_business/accounts/o/oauth2/v2/auth")
    assert asked["scope"] == SCOPE and asked["access_type"] == "offline" and asked["prompt"] == "consent"
    assert asked["code_challenge_method"] == "S256" and asked["client_id"] == gbp.CLIENT_ID
    assert flow.callback.status_code == 200, flow.callback.text

    expected = {f"{PLATFORM}_{gbp.location_id(subject, i)}": i for i in range(3)}
    for account_id in expected:
        assert account_id in flow.callback.text
    stored = _accounts(db, user)
    assert set(stored) == set(expected)  # the location shared with the group is one account
    grants = set()
    for account_id, index in expected.items():
        doc = stored[account_id]
        assert doc["status"] == "connected" and doc["platform"] == PLATFORM
        assert doc["displayName"] == gbp.location_title(index) and doc["locationTitle"] == gbp.location_title(index)
        assert doc["platformUserId"] == gbp.location_id(subject, index)
        assert doc["locationName"] == gbp.location_name(subject, index)
        assert doc["businessAccount"] == gbp.personal_account(subject)
        assert "sbx-at." not in str(doc) and "sbx-rt." not in str(doc)
        ref = account_doc(db, user, PLATFORM, account_id)
        tokens = decrypt_json(doc["tokens"], associated=ref.path)
        assert tokens["accessToken"].startswith(f"sbx-at.{PLATFORM}.{subject}.")
        assert tokens["refreshToken"].startswith(f"sbx-rt.{PLATFORM}.{subject}.")  # offline access
        grants.add(doc["grantId"])
    assert grants == {f"{PLATFORM}:{gbp.CLIENT_ID}:{gbp.personal_account(subject).split('/')[1]}"}

    # The location picker is the account list.
    listed = client.get("/v1/accounts", params={"platform": PLATFORM}, headers=user.key_headers)
    assert listed.status_code == 200, listed.text
    assert {(a["accountId"], a["displayName"]) for a in listed.json()["accounts"]} == {
        (a, gbp.location_title(i)) for a, i in expected.items()}

    # Connecting again updates the same accounts.
    again = connect(client, user, PLATFORM, subject, locations=3)
    assert again.callback.status_code == 200, again.callback.text
    assert set(_accounts(db, user)) == set(expected)


def test_a_user_without_locations_is_told_so_and_nothing_is_stored(client, user, db):
    flow = connect(client, user, PLATFORM, new_subject(), locations=0)
    assert flow.callback.status_code == 422, flow.callback.text
    assert "<code>no_accounts</code>" in flow.callback.text and "no locations" in flow.callback.text
    assert _accounts(db, user) == {}


def test_a_spent_or_forged_code_is_refused(client, user, db, stack):
    response = start(client, PLATFORM, user.key_headers)
    assert response.status_code == 200, response.text
    url = authorize(client, response)
    answer = consent(url, user=new_subject())
    callback = answer.headers["location"]
    code = query_of(callback)["code"]
    forged = client.get(callback.replace(f"code={code}", "code=forged-code"), follow_redirects=False)
    assert forged.status_code == 400 and "<code>token_exchange_failed</code>" in forged.text, forged.text
    assert "Google Business Profile refused" in forged.text
    # Google's token endpoint refuses the real code with a wrong verifier, and the code is then spent.
    stolen = httpx.post(f"{stack.sandboxes.base_url}/google_business/oauth/token", data={
        "grant_type": "authorization_code", "code": code, "code_verifier": "x" * 43, "client_id": gbp.CLIENT_ID,
        "client_secret": gbp.CLIENT_SECRET, "redirect_uri": response.json()["redirectUri"]})
    assert stolen.status_code == 400 and "code_verifier" in stolen.text
    assert _accounts(db, user) == {}


def test_disconnecting_revokes_the_grant_at_google_once_no_location_needs_it(client, user, db, stack):
    subject, first = connected_location(client, user)
    second = f"{PLATFORM}_{gbp.location_id(subject, 1)}"
    outcomes = []
    for account_id in (first, second):
        r = client.delete(f"/v1/accounts/{account_id}", headers=user.key_headers)
        assert r.status_code == 200, r.text
        outcomes.append(r.json()["revocation"])
    assert outcomes == ["kept_for_other_accounts", "revoked"]
    revoked = httpx.get(f"{stack.sandboxes.base_url}/__sandbox/oauth/revocations").json()["revocations"]
    assert any(entry["platform"] == PLATFORM and entry["subject"] == subject for entry in revoked), revoked
