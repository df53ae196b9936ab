"""Every provider a peer product's users connect works here (issue 39, "Done when"): the providers
SocialClaw lists (seeds `001_…`, "Supported providers") each map to a platform or an account type
of `GET /v1/platforms`, by the name SocialClaw uses."""

from __future__ import annotations

import pytest

# SocialClaw's "Supported providers" (seeds/001, the connections reference), in its order, and
# what each is here: (platform, account type or None where the platform has one kind).
# SocialClaw's `instagram` is Instagram Login (no Facebook Page) beside `instagram_business`.
SOCIALCLAW_PROVIDERS = {
    "x": ("x", None),
    "facebook": ("facebook", None),
    "instagram_business": ("instagram", "facebook_login"),
    "instagram": ("instagram", "instagram_login"),
    "snapchat": ("snapchat", None),
    "tiktok": ("tiktok", None),
    "linkedin": ("linkedin", "member"),
    "linkedin_page": ("linkedin", "organization"),
    "pinterest": ("pinterest", None),
    "youtube": ("youtube", None),
    "reddit": ("reddit", None),
    "discord": ("discord", None),
    "telegram": ("telegram", None),
    "wordpress": ("wordpress", None),
}


@pytest.fixture(scope="module")
def catalog(stack):
    import httpx

    r = httpx.get(f"{stack.base_url}/v1/platforms", timeout=30)
    assert r.status_code == 200, r.text
    return {p["platform"]: p for p in r.json()["platforms"]}


def test_sixteen_platforms_are_listed(catalog):
    assert len(catalog) == 16
    assert {"google_business", "mastodon", "bluesky"} <= set(catalog)


@pytest.mark.parametrize("provider", list(SOCIALCLAW_PROVIDERS))
def test_each_peer_provider_maps_to_a_platform_or_account_type(catalog, provider):
    platform, account_type = SOCIALCLAW_PROVIDERS[provider]
    view = catalog[platform]
    # The provider's own name is accepted where a platform is named: the platform or an alias.
    if provider != platform:
        assert provider in view["aliases"], (provider, view["aliases"])
    types = {t["id"]: t for t in view["accountTypes"]}
    if account_type is None:
        assert not types or any(t["default"] for t in types.values())
        return
    assert account_type in types, (provider, list(types))
    chosen = types[account_type]
    # A provider named after an account type is that type's alias, or the platform connecting it
    # when asked for it by `accountType`.
    assert provider in chosen["aliases"] or provider == platform, (provider, chosen)


def test_an_alias_provider_starts_the_login_of_its_account_type(client, demo, catalog):
    """`instagram_business` starts Facebook Login; `instagram` with accountType instagram_login
    starts Instagram Login: each consent page is its own login's."""
    business = client.post("/v1/connections/instagram_business/start", headers=demo.key_headers)
    login = client.post("/v1/connections/instagram/start", json={"accountType": "instagram_login"},
                        headers=demo.key_headers)
    for r in (business, login):
        assert r.status_code == 200, r.text
    assert business.json()["platform"] == login.json()["platform"] == "instagram"
    refused = client.post("/v1/connections/instagram/start", json={"accountType": "myspace"}, headers=demo.key_headers)
    assert refused.status_code == 400 and refused.json()["error"]["details"][0]["field"] == "body.accountType"
