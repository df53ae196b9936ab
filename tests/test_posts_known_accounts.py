"""A platform named without an account, once its accounts have been listed
(shared/services/posts/known_accounts.py): the next posts read the accounts listed
before by id, with the platform's connectedCount, instead of listing them again.
Whatever was remembered, a post must resolve against the accounts connected *now*:
connecting or disconnecting in between (in this instance or any other: the
connections below are stored the way another instance's connect stores them,
without telling this one) changes the answer at once.
"""

from __future__ import annotations

from shared.platforms import Platform
from shared.services.connections import store
from shared.services.connections.base import NewAccount
from tests.envelope import assert_error
from tests.posting import account_ref, body


def _targets(client, user, platform="x"):
    r = client.post("/v1/posts/validate", json=body([platform]), headers=user.key_headers)
    return r


def _resolved(client, user) -> list[str]:
    r = _targets(client, user)
    assert r.status_code == 200, r.text
    return [t["targetId"] for t in r.json()["targets"]]


def _connect_x(user, account_id: str) -> None:
    """An X account connected as the OAuth callback of any instance stores it."""
    from devstack.seed import platform_user_id, sandbox_tokens

    subject = platform_user_id(user.uid, "x", account_id)
    store.upsert(user.uid, Platform.X, [NewAccount(platform_user_id=subject, display_name=f"@{account_id}",
                                                   tokens=sandbox_tokens("x", subject), grant_id=subject,
                                                   account_id=account_id)], ["tweet.write"])


def test_an_account_connected_after_a_post_makes_the_platform_ambiguous_at_once(client, demo):
    assert _resolved(client, demo) == ["x:x_main"]  # listed, and remembered
    assert _resolved(client, demo) == ["x:x_main"]  # read by id
    _connect_x(demo, "x_second")

    assert_error(_targets(client, demo), 400, "missing_account")
    r = client.post("/v1/posts", json=body(["x"]), headers=demo.key_headers)
    assert_error(r, 400, "missing_account")


def test_a_disconnected_account_is_not_resolved_and_its_successor_is(client, demo):
    _connect_x(demo, "x_second")
    assert_error(_targets(client, demo), 400, "missing_account")  # both listed, and remembered
    r = client.delete("/v1/accounts/x_second", headers=demo.key_headers, params={"platform": "x"})
    assert r.status_code == 200, r.text
    assert _resolved(client, demo) == ["x:x_main"]

    # One out, another in: the count is the same, the set is not.
    r = client.delete("/v1/accounts/x_main", headers=demo.key_headers, params={"platform": "x"})
    assert r.status_code == 200, r.text
    _connect_x(demo, "x_third")
    assert _resolved(client, demo) == ["x:x_third"]
    r = client.post("/v1/posts", json=body(["x"]), headers=demo.key_headers)
    assert r.status_code == 201, r.text
    runs = client.get(f"/v1/posts/{r.json()['postSubmissionId']}", headers=demo.key_headers).json()["runs"]
    assert [run["targetId"] for run in runs] == ["x:x_third"]


def test_accounts_stored_without_a_count_are_resolved_as_they_are_now(client, user, db):
    # Accounts written without connectedCount (older data, direct writes): nothing confirms a
    # remembered set, so each post lists them.
    account_ref(db, user, "x", "x_one").set({"accountId": "x_one", "platform": "x", "status": "connected"})
    assert _resolved(client, user) == ["x:x_one"]
    assert _resolved(client, user) == ["x:x_one"]
    account_ref(db, user, "x", "x_two").set({"accountId": "x_two", "platform": "x", "status": "connected"})

    assert_error(_targets(client, user), 400, "missing_account")


def test_a_remembered_account_flagged_for_reconnect_is_refused(client, demo, db):
    assert _resolved(client, demo) == ["x:x_main"]
    account_ref(db, demo, "x", "x_main").update({"status": "needs_reconnect"})

    assert_error(_targets(client, demo), 400, "account_needs_reconnect")
