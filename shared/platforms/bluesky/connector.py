"""Bluesky: a manual connection with an app password.

The user makes an app password in Bluesky (Settings, Privacy and security, App passwords:
`xxxx-xxxx-xxxx-xxxx`, revocable on its own, unable to change the account's password or
delete it) and gives Soku their handle (or DID), that app password and, if their account is
not hosted by Bluesky, their PDS's address (`pdsUrl`, https://bsky.social by default).

`verify` asks the PDS, before anything is stored (shared/services/connections/manual.py):
`com.atproto.server.createSession` {identifier, password} (lexicons/com/atproto/server/
createSession.json) → {accessJwt, refreshJwt, did, handle}. A refusal is 401
`AuthenticationRequired` "Invalid identifier or password" for a wrong password and an unknown
account alike (the reference PDS answers both so), so Soku then asks
`com.atproto.repo.describeRepo` whether the PDS has that account: it has (the password is
wrong: refused, naming `appPassword`) or not (refused, naming `handle`). `AuthFactorTokenRequired`
(the account's main password, with email 2FA on) is refused naming `appPassword`, asking for an
app password.

What is stored: the session, never the app password. The access JWT (120 minutes on the
reference PDS) and the refresh JWT (90 days) are sealed as an OAuth account's tokens, the access
JWT's `exp` as their expiry; the publisher refreshes with `com.atproto.server.refreshSession`,
which rotates the refresh JWT. When the refresh JWT dies (90 days unused, the app password
revoked, the session deleted) the account is marked `needs_reconnect`, and the user connects it
again with an app password. Keeping the app password would let Soku log in again by itself, but
it is a standing credential to the account: Soku keeps only what expires. The account is the
DID (`platformUserId`), which survives handle changes; `handle` and `pdsUrl` are kept beside it.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, SecretStr

from shared.platforms import Platform
from shared.platforms.bluesky import xrpc
from shared.services.connections.base import NewAccount
from shared.services.connections.errors import ConnectError
from shared.services.connections.manual import invalid, refused
from shared.services.publishing.base import Tokens

# A handle is a domain name (atproto.com/specs/handle); a DID is `did:plc:...` or `did:web:...`
# (atproto.com/specs/did). A leading `@`, as people write handles, is dropped.
IDENTIFIER = (r"^@?([a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?\.)+[a-zA-Z]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?$"
              r"|^did:[a-z]+:[a-zA-Z0-9._:%-]{1,2000}$")


class BlueskyCredentials(BaseModel):
    """The body of `POST /v1/connections/bluesky`."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    handle: str = Field(pattern=IDENTIFIER, max_length=2048,
                        description="Your handle (e.g. `alice.bsky.social`) or DID (`did:plc:...`)")
    appPassword: SecretStr = Field(
        min_length=1, max_length=256,
        description="An app password from Bluesky's Settings (Privacy and security, App passwords), e.g. "
                    "`abcd-efgh-ijkl-mnop`. Soku keeps only the session it opens, not the password.")
    pdsUrl: str | None = Field(
        default=None, max_length=2048,
        description="Your PDS's address when Bluesky does not host your account (default https://bsky.social)")


class BlueskyProvider:
    """A `ManualProvider` (shared/services/connections/manual.py)."""

    platform = Platform.BLUESKY
    credentials = BlueskyCredentials

    def verify(self, credentials: BlueskyCredentials) -> list[NewAccount]:
        try:
            root = xrpc.checked(credentials.pdsUrl)
        except xrpc.PdsRefused as refusal:
            raise invalid("pdsUrl", refusal.message) from None
        identifier = credentials.handle.removeprefix("@")
        response = xrpc.connect_call("POST", root, "com.atproto.server.createSession", failure="invalid_credentials",
                                     json={"identifier": identifier,
                                           "password": credentials.appPassword.get_secret_value()})
        if response.status_code >= 400:
            raise self._refusal(root, identifier, response)
        session = response.json()
        did, handle = session.get("did"), session.get("handle")
        access, refresh = session.get("accessJwt"), session.get("refreshJwt")
        if not (did and access and refresh):
            raise ConnectError("platform_unavailable", f"{root} answered createSession without a session: is it a "
                               "Bluesky PDS?", platform=self.platform.value)
        tokens = Tokens(access, refresh, xrpc.jwt_expiry(access))
        return [NewAccount(did, f"@{handle}" if handle else did, tokens, grant_id=f"bluesky:{did}",
                           extra={"did": did, "handle": handle, "pdsUrl": root})]

    @staticmethod
    def _refusal(root: str, identifier: str, response) -> Exception:
        name, message = xrpc.error_of(response)
        if name == "AuthFactorTokenRequired":
            return refused("appPassword", "This is the account's own password, and its sign-in asks for an email "
                                          "code: give an app password instead (Settings, Privacy and security, "
                                          "App passwords)")
        if name in ("AccountTakedown", "AccountDeactivated"):
            return refused("handle", f"The Bluesky server says: {message}")
        # A wrong password and an unknown account get the same answer: ask whether the account is here.
        known = xrpc.connect_call("GET", root, "com.atproto.repo.describeRepo", failure="invalid_credentials",
                                  params={"repo": identifier})
        if known.status_code >= 400:
            return refused("handle", f"{root} has no account {identifier}: check the handle, or give your PDS's "
                                     "address as pdsUrl if Bluesky does not host your account")
        return refused("appPassword", f"{root} refused this app password for {identifier} ({message}): make a new "
                                      "one in Bluesky's Settings, Privacy and security, App passwords")

    def revoke(self, tokens: Tokens, data: dict[str, Any]) -> bool:
        """`com.atproto.server.deleteSession` with the refresh JWT: ends Soku's session at the PDS
        (the app password itself stays until the user revokes it in Bluesky's settings). A session
        already expired or revoked answers ExpiredToken/InvalidToken: nothing is left to end."""
        root = xrpc.normalise(data.get("pdsUrl"))
        response = xrpc.connect_call("POST", root, "com.atproto.server.deleteSession", failure="revocation_failed",
                                     headers={"Authorization": f"Bearer {tokens.refresh_token or tokens.access_token}"})
        name, message = xrpc.error_of(response)
        if response.status_code >= 400 and name not in ("ExpiredToken", "InvalidToken"):
            raise ConnectError("revocation_failed", f"Bluesky did not end the session: {message}",
                               platform=self.platform.value)
        return True


def provider() -> BlueskyProvider:
    """The connector the registry serves for Bluesky (shared/platforms/loader.py)."""
    return BlueskyProvider()
