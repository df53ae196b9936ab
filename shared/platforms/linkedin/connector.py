"""LinkedIn: the member, and the organizations (Pages) they administer.

`linkedin.com/oauth/v2/authorization` → `POST /oauth/v2/accessToken`, the member
from OpenID Connect's `GET /v2/userinfo` (`sub` is the person id of
`urn:li:person:{sub}`), organizations from
`GET /rest/organizationAcls?q=roleAssignee&role=ADMINISTRATOR&state=APPROVED`
and their names from `GET /rest/organizations/{id}` (reference/platform-apis.md §7).
Each becomes an account; organization accounts post as
`urn:li:organization:{id}` with the member's token, so they share the grant.
Organization scopes need LinkedIn's Community Management API: an app without
it sets `SOKU_LINKEDIN_SCOPES=openid,profile,w_member_social`, and only the
member is connected. Revocation: `POST /oauth/v2/revoke`.
"""

from __future__ import annotations

from typing import Any

from shared.config import get_settings
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
    scopes_of,
    with_query,
)
from shared.services.connections.state import OAuthState
from shared.services.publishing.base import Tokens

ORG_SCOPES = {"w_organization_social", "r_organization_admin"}
ORG_PREFIX = "urn:li:organization:"
MAX_ORGANIZATIONS = 50


class LinkedInProvider:
    platform = Platform.LINKEDIN
    default_scopes = ("openid", "profile", "w_member_social", "w_organization_social", "r_organization_admin")
    scope_separator = " "
    # No PKCE for web apps: LinkedIn offers PKCE only to native apps redirecting to a
    # loopback address, enabled per app on request
    # (learn.microsoft.com/linkedin/shared/authentication/authorization-code-flow-native).
    pkce = False

    def authorize_url(self, state: OAuthState, state_token: str, scopes: list[str]) -> str:
        return with_query(f"{host('linkedin_oauth')}/oauth/v2/authorization", {
            "response_type": "code", "client_id": client_id("linkedin"), "redirect_uri": state.redirect_uri,
            "state": state_token, "scope": " ".join(scopes)})

    def exchange(self, code: str, state: OAuthState) -> Grant:
        body = call(self.platform, "POST", f"{host('linkedin_oauth')}/oauth/v2/accessToken",
                    failure="token_exchange_failed", data={
                        "grant_type": "authorization_code", "code": code, "redirect_uri": state.redirect_uri,
                        "client_id": client_id("linkedin"), "client_secret": client_secret("linkedin")})
        tokens = Tokens(body["access_token"], body.get("refresh_token"), expiry(body.get("expires_in"), 5_184_000))
        return Grant(tokens, scopes_of(body.get("scope")))

    def _rest(self, grant: Grant, path: str, params: dict | None = None) -> dict[str, Any]:
        return call(self.platform, "GET", f"{host('linkedin_api')}/rest/{path}", failure="identity_failed",
                    params=params, headers={"Authorization": f"Bearer {grant.tokens.access_token}",
                                            "LinkedIn-Version": get_settings().linkedin_version,
                                            "X-Restli-Protocol-Version": "2.0.0"})

    def accounts(self, grant: Grant) -> list[NewAccount]:
        me = call(self.platform, "GET", f"{host('linkedin_api')}/v2/userinfo", failure="identity_failed",
                  headers={"Authorization": f"Bearer {grant.tokens.access_token}"})
        sub = str(me.get("sub") or "")
        if not sub:
            return []
        grant_id = f"linkedin:{client_id('linkedin')}:{sub}"
        name = me.get("name") or " ".join(p for p in (me.get("given_name"), me.get("family_name")) if p) or None
        found = [NewAccount(sub, name, grant.tokens, grant_id, extra={"authorType": "person", "accountType": "member"})]
        # Without the organization scopes, LinkedIn would refuse the listing: skip it.
        if not ORG_SCOPES & set(grant.scopes):
            return found
        acls = self._rest(grant, "organizationAcls", {"q": "roleAssignee", "role": "ADMINISTRATOR",
                                                      "state": "APPROVED", "count": MAX_ORGANIZATIONS})
        for acl in (acls.get("elements") or [])[:MAX_ORGANIZATIONS]:
            urn = str(acl.get("organization") or "")
            if not urn.startswith(ORG_PREFIX):
                continue
            org_id = urn[len(ORG_PREFIX):]
            org = self._rest(grant, f"organizations/{org_id}")
            found.append(NewAccount(sub, org.get("localizedName") or f"Organization {org_id}", grant.tokens,
                                    grant_id, account_id=account_id_for(self.platform, org_id, "org"),
                                    extra={"authorType": "organization", "accountType": "organization",
                                           "organizationId": org_id}))
        return found

    def revoke(self, tokens: Tokens, data: dict[str, Any]) -> bool:
        call(self.platform, "POST", f"{host('linkedin_oauth')}/oauth/v2/revoke", failure="revocation_failed",
             data={"client_id": client_id("linkedin"), "client_secret": client_secret("linkedin"),
                   "token": tokens.access_token})
        return True


def provider() -> LinkedInProvider:
    """The connector the registry serves for LinkedIn (shared/platforms/loader.py)."""
    return LinkedInProvider()
