"""Google Business Profile through Google OAuth, as YouTube connects (shared/platforms/youtube/
connector.py): `accounts.google.com/o/oauth2/v2/auth` with `access_type=offline`,
`prompt=consent` (a refresh token on a reconnect too) and PKCE, `POST oauth2.googleapis.com/token`,
revocation at `POST oauth2.googleapis.com/revoke`. One scope: `business.manage`
(developers.google.com/my-business/content/implement-oauth). Google does not rotate refresh tokens.

One Soku account per LOCATION. A Google user manages Business Profile accounts (personal, location
groups, organizations) that hold locations, and a post is made on a location
(`accounts/{a}/locations/{l}/localPosts`). Soku's account model is "one place a post goes" (a
Facebook Page, a LinkedIn organization are accounts of their own that share their user's grant),
so each location is an account, all sharing the Google user's grant: a post targets a location
by `accountId`, `GET /v1/accounts?platform=google_business` is the location picker, and no
location option or extra endpoint is needed.

- Accounts: `GET mybusinessaccountmanagement.googleapis.com/v1/accounts` (pageSize ≤ 20,
  `nextPageToken`) → `accounts[].{name: "accounts/{id}", accountName, type}`
  (developers.google.com/my-business/reference/accountmanagement/rest/v1/accounts/list).
- Locations: `GET mybusinessbusinessinformation.googleapis.com/v1/{accounts/{id}}/locations
  ?readMask=name,title` (pageSize ≤ 100) → `locations[].{name: "locations/{id}", title}`
  (…/businessinformation/rest/v1/accounts.locations/list: readMask is required).
A location reached through two accounts (a personal account and a group) is one Soku account.
"""

from __future__ import annotations

from typing import Any

from shared.platforms import Platform
from shared.services.connections.base import (
    Grant,
    NewAccount,
    account_id_for,
    call,
    client_id,
    client_secret,
    expiry,
    host,
    pkce_challenge,
    pkce_verifier,
    scopes_of,
    with_query,
)
from shared.services.connections.errors import ConnectError
from shared.services.connections.state import OAuthState
from shared.services.publishing.base import Tokens

SCOPE = "https://www.googleapis.com/auth/business.manage"
NAME = "google_business"
# Pages read at most of each listing while connecting (20 accounts, 100 locations a page): a
# user with more than 10 pages of either is beyond what one connect answers in time.
MAX_PAGES = 10


class GoogleBusinessProvider:
    platform = Platform.GOOGLE_BUSINESS
    default_scopes = (SCOPE,)
    scope_separator = " "
    # Google takes PKCE (S256) on every OAuth client type (developers.google.com/identity/protocols/
    # oauth2/native-app#step1-code-verifier), as the YouTube connector cites.
    pkce = True

    def authorize_url(self, state: OAuthState, state_token: str, scopes: list[str]) -> str:
        return with_query(f"{host('google_business_consent')}/o/oauth2/v2/auth", {
            "client_id": client_id(NAME), "redirect_uri": state.redirect_uri, "response_type": "code",
            "scope": " ".join(scopes), "access_type": "offline", "prompt": "consent",
            "include_granted_scopes": "true", "state": state_token, **pkce_challenge(self, state)})

    def exchange(self, code: str, state: OAuthState) -> Grant:
        body = call(self.platform, "POST", f"{host('google_business_oauth')}/token", failure="token_exchange_failed",
                    data={"code": code, "client_id": client_id(NAME), "client_secret": client_secret(NAME),
                          "redirect_uri": state.redirect_uri, "grant_type": "authorization_code",
                          **pkce_verifier(self, state)})
        tokens = Tokens(body["access_token"], body.get("refresh_token"), expiry(body.get("expires_in"), 3599))
        return Grant(tokens, scopes_of(body.get("scope")))

    def _pages(self, grant: Grant, url: str, key: str, params: dict[str, Any]) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = []
        token = None
        for _ in range(MAX_PAGES):
            body = call(self.platform, "GET", url, failure="identity_failed",
                        params=params | ({"pageToken": token} if token else {}),
                        headers={"Authorization": f"Bearer {grant.tokens.access_token}"})
            found += [item for item in body.get(key) or [] if isinstance(item, dict)]
            token = body.get("nextPageToken")
            if not token:
                break
        return found

    def accounts(self, grant: Grant) -> list[NewAccount]:
        owners = self._pages(grant, f"{host('google_business_accounts_api')}/v1/accounts", "accounts",
                             {"pageSize": 20})
        owners = [o for o in owners if str(o.get("name") or "").startswith("accounts/")]
        if not owners:
            raise ConnectError("no_accounts", "This Google user manages no Business Profile. Create or claim one "
                               "at business.google.com, then connect again.", platform=self.platform.value)
        # The grant is the Google user's: their personal account names them (every user has one).
        personal = next((o for o in owners if o.get("type") == "PERSONAL"), owners[0])
        grant_id = f"{NAME}:{client_id(NAME)}:{personal['name'].split('/', 1)[1]}"
        found: dict[str, NewAccount] = {}
        for owner in owners:
            locations = self._pages(grant, f"{host('google_business_info_api')}/v1/{owner['name']}/locations",
                                    "locations", {"readMask": "name,title", "pageSize": 100})
            for location in locations:
                location_id = str(location.get("name") or "").removeprefix("locations/")
                if not location_id or location_id in found:
                    continue
                title = location.get("title") or f"Location {location_id}"
                found[location_id] = NewAccount(
                    location_id, title, grant.tokens, grant_id,
                    account_id=account_id_for(self.platform, location_id),
                    extra={"locationName": f"{owner['name']}/locations/{location_id}",
                           "businessAccount": owner["name"], "businessAccountName": owner.get("accountName"),
                           "locationTitle": title})
        if not found:
            raise ConnectError("no_accounts", "This Google user's Business Profile accounts have no locations. "
                               "Add a location at business.google.com, then connect again.",
                               platform=self.platform.value)
        return list(found.values())

    def revoke(self, tokens: Tokens, data: dict[str, Any]) -> bool:
        # The token goes in the form body, never in the URL (URLs end up in logs).
        call(self.platform, "POST", f"{host('google_business_oauth')}/revoke", failure="revocation_failed",
             data={"token": tokens.refresh_token or tokens.access_token})
        return True


def provider() -> GoogleBusinessProvider:
    """The connector the registry serves for Google Business Profile (shared/platforms/loader.py)."""
    return GoogleBusinessProvider()
