"""Token refreshes that race (shared/services/publishing/account_calls.py), against the X
sandbox's rotating refresh tokens (each works once, as X's do) and the Firestore emulator.

Two callers that load the same account before either stores a refresh (a post's metrics are
read in parallel, a publish may be running) both try its refresh token; X takes it from the
first and refuses it to the second. The second must then use the tokens the first stored,
not tell the user to reconnect an account that is fine. The interleaving is made exact: the
second caller's refresh is held until another caller has refreshed and stored.
"""

from __future__ import annotations

import pytest

from shared.platforms import Platform
from shared.services.publishing import account_calls, accounts
from shared.services.publishing.errors import NeedsReconnectError
from shared.services.publishing.registry import publisher_for

ACCOUNT = "x_main"


def _status(uid: str) -> str:
    return accounts.account_ref(uid, "x", ACCOUNT).get().to_dict()["status"]


def _another_caller_refreshes_first(monkeypatch, uid: str) -> list[str]:
    """Before the next refresh reaches X, a concurrent caller refreshes and stores; returns
    the access tokens that caller was given."""
    publisher_type = type(publisher_for(Platform.X))
    original = publisher_type.refresh
    theirs: list[str] = []

    def refresh(self, account):
        if not theirs:
            theirs.append("")  # marked first: the concurrent caller's own refresh goes straight to X
            theirs[0] = account_calls.with_account(uid, Platform.X, ACCOUNT, lambda _, a: a.tokens.access_token)
        return original(self, account)

    monkeypatch.setattr(publisher_type, "refresh", refresh)
    return theirs


def test_a_refresh_refused_because_another_caller_rotated_the_token_uses_the_stored_tokens(
        stack, demo, time_travel, monkeypatch):
    before = accounts.load_account(demo.uid, Platform.X, ACCOUNT)[1].tokens
    time_travel(hours=3)  # the stored access token is expiring: both callers refresh first
    theirs = _another_caller_refreshes_first(monkeypatch, demo.uid)

    ours = account_calls.with_account(demo.uid, Platform.X, ACCOUNT, lambda _, a: a.tokens)

    stored = accounts.load_account(demo.uid, Platform.X, ACCOUNT)[1].tokens
    assert theirs and theirs[0] != before.access_token  # the other caller did refresh
    assert ours.access_token == theirs[0] == stored.access_token  # and we use what it stored
    assert stored.refresh_token != before.refresh_token
    assert _status(demo.uid) == "connected"  # not flagged needs_reconnect


def test_a_refused_refresh_nobody_else_explains_still_asks_for_a_reconnect(stack, demo, sandbox, time_travel):
    from devstack.seed import platform_user_id

    time_travel(hours=3)
    sandbox.revoke("x", platform_user_id(demo.uid, "x", ACCOUNT))  # the user revoked the app on X

    with pytest.raises(NeedsReconnectError):
        account_calls.with_account(demo.uid, Platform.X, ACCOUNT, lambda _, a: a.tokens)
    assert _status(demo.uid) == "needs_reconnect"


def test_a_refresh_stores_its_tokens_and_frees_the_account(stack, demo, time_travel):
    before = accounts.load_account(demo.uid, Platform.X, ACCOUNT)[1].tokens
    time_travel(hours=3)

    ours = account_calls.with_account(demo.uid, Platform.X, ACCOUNT, lambda _, a: a.tokens)

    data = accounts.account_ref(demo.uid, "x", ACCOUNT).get().to_dict()
    stored = accounts.load_account(demo.uid, Platform.X, ACCOUNT)[1].tokens
    assert ours.refresh_token != before.refresh_token  # X rotated it
    assert (stored.access_token, stored.refresh_token) == (ours.access_token, ours.refresh_token)
    assert "refreshLease" not in data, data.get("refreshLease")  # the next refresh need not wait out a lease


def test_a_refresh_that_outlived_its_lease_keeps_the_tokens_stored_meanwhile(stack, demo, time_travel, monkeypatch):
    """Our refresh call hangs past the lease; another caller then takes the account, refreshes
    and stores. Ours must not overwrite theirs: the stored refresh token is the one X honours
    next (it rotates them), and everyone else already uses theirs."""
    time_travel(hours=3)
    publisher_type = type(publisher_for(Platform.X))
    original = publisher_type.refresh
    theirs: list[str] = []

    def refresh(self, account):
        if not theirs:
            theirs.append("")
            time_travel(seconds=accounts.REFRESH_LEASE.total_seconds() + 1)  # our call hangs past the lease
            theirs[0] = account_calls.with_account(demo.uid, Platform.X, ACCOUNT, lambda _, a: a.tokens.refresh_token)
        return original(self, account)

    monkeypatch.setattr(publisher_type, "refresh", refresh)

    ours = account_calls.with_account(demo.uid, Platform.X, ACCOUNT, lambda _, a: a.tokens)

    stored = accounts.load_account(demo.uid, Platform.X, ACCOUNT)[1].tokens
    assert theirs[0] and stored.refresh_token == theirs[0] == ours.refresh_token
