"""The demo account carries every account id the spec's examples use."""

from __future__ import annotations

from devstack.seed import DEMO_ACCOUNTS, seed_demo_user

# Every accountId in the examples of 004 (API reference) and 002 (earlier
# reference and multi-account test plan), by platform.
SPEC_ACCOUNT_IDS = {
    "x": {"x_main"},
    "instagram": {"ig_creator_main", "ig_personal", "ig_business", "ig_main", "ig_creator", "acct-a", "acct-b"},
    "facebook": {"fb_page_42", "fb_page_main"},
    "tiktok": {"tt_creator", "tt_main", "tt_brand"},
    "youtube": {"yt_channel"},
}


def test_seed_holds_the_spec_account_ids_and_one_account_elsewhere(db):
    uid = "seed-check-user"
    seed_demo_user(uid)
    user = db.collection("users").document(uid)
    for platform in DEMO_ACCOUNTS:
        stored = {s.id for s in user.collection("integrations").document(platform).collection("accounts").stream()}
        assert stored >= SPEC_ACCOUNT_IDS.get(platform, set()), platform
        assert stored, platform
    # Bare strings in the spec's examples must resolve: exactly one account there.
    for platform in ("x", "threads", "linkedin", "youtube", "snapchat", "google_business"):
        accounts = list(user.collection("integrations").document(platform).collection("accounts").stream())
        assert len(accounts) == 1, platform
    subscription = user.get().get("subscription")
    assert subscription["status"] == "active"
    assert user.collection("credits").document("current").get().get("balance") > 0
