"""One user's cached metrics are never another's (issue 36, item 7).

Cache entries were `metricsCache/{uid}_account_{platform}_{accountId}` (and
`{uid}_{postId}_{targetId}`), read without checking whose they were. User and account ids may
contain "_", so two users could meet in one document: user `u` reading account
`foo_account_x_bar` and user `u_account_x_foo` reading account `bar`. Both are played here
through the API against the X sandbox, whose follower counts differ per account.
"""

from __future__ import annotations

from datetime import timedelta

from devstack.sandboxes.insights.common import account_counts
from devstack.seed import platform_user_id, sandbox_tokens, seed_demo_user
from shared import clock
from shared.services import api_keys, sealed_index
from shared.services.analytics import cache
from shared.services.publishing.accounts import seal_tokens


def _x_account(db, uid: str, account_id: str) -> str:
    """Connect an X account with this id (sandbox tokens, as devstack/seed.py does); its subject."""
    ref = (db.collection("users").document(uid).collection("integrations").document("x")
           .collection("accounts").document(account_id))
    subject = platform_user_id(uid, "x", account_id)
    ref.set({"accountId": account_id, "platform": "x", "displayName": f"@{account_id}", "platformUserId": subject,
             "status": "connected", "connectedAt": clock.now(),
             "tokens": seal_tokens(ref, sandbox_tokens("x", subject))})
    sealed_index.record(ref)
    return subject


def _followers(client, key: str, account_id: str) -> dict:
    r = client.get(f"/v1/accounts/{account_id}/metrics", headers={"soku-api-key": key})
    assert r.status_code == 200, r.text
    answer = r.json()
    assert answer["status"] == "ok", answer
    return answer


def test_two_users_whose_old_keys_coincide_each_get_their_own_metrics(client, stack, demo, db):
    other_uid = f"{demo.uid}_account_x_foo"
    seed_demo_user(other_uid)
    other_key = api_keys.create_key(other_uid, "test key")
    theirs = _x_account(db, other_uid, "bar")
    mine = _x_account(db, demo.uid, "foo_account_x_bar")
    expected_theirs = account_counts(stack.sandboxes.state, "x", theirs)["followers"]
    expected_mine = account_counts(stack.sandboxes.state, "x", mine)["followers"]
    assert expected_mine != expected_theirs  # what tells the two answers apart

    first = _followers(client, other_key, "bar")
    assert first["metrics"]["followers"] == expected_theirs and first["cached"] is False
    answer = _followers(client, demo.api_key, "foo_account_x_bar")
    assert answer["cached"] is False and answer["metrics"]["followers"] == expected_mine
    # Each is cached for its own user: both read again from the cache, each its own.
    assert _followers(client, other_key, "bar")["metrics"]["followers"] == expected_theirs
    again = _followers(client, demo.api_key, "foo_account_x_bar")
    assert again["cached"] is True and again["metrics"]["followers"] == expected_mine


def test_an_entry_stored_for_another_user_is_a_miss(client, stack, demo, db):
    subject = platform_user_id(demo.uid, "x", "x_main")
    expected = account_counts(stack.sandboxes.state, "x", subject)["followers"]
    now = clock.now()
    planted = {"status": "ok", "metrics": {"followers": expected + 1, "following": 0, "posts": 0},
               "platformMetrics": None, "error": None}
    # Under the very id this user's read looks up, but written for someone else.
    (db.collection(cache.COLLECTION).document(cache.account_key(demo.uid, "x", "x_main"))
     .set({"userId": "someone-else", "body": planted, "fetchedAt": now, "expiresAt": now + timedelta(minutes=5)}))
    answer = _followers(client, demo.api_key, "x_main")
    assert answer["cached"] is False and answer["metrics"]["followers"] == expected
    stored = db.collection(cache.COLLECTION).document(cache.account_key(demo.uid, "x", "x_main")).get().to_dict()
    assert stored["userId"] == demo.uid and stored["accountId"] == "x_main" and stored["platform"] == "x"


def test_keys_are_hashes_of_the_whole_tuple():
    post = cache.post_key("u", "p", "x:x_main")
    assert len(post) == 64 and all(c in "0123456789abcdef" for c in post)
    assert cache.account_key("u", "x", "foo_account_x_bar") != cache.account_key("u_account_x_foo", "x", "bar")
    assert cache.post_key("u_p", "q", "x:a") != cache.post_key("u", "p_q", "x:a")
    assert cache.account_key("u", "x", "a") != cache.post_key("u", "x", "a")
