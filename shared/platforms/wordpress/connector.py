"""WordPress (self-hosted): a manual connection with an application password.

The user makes an application password in their site's admin (Users, Profile, "Application
Passwords": 24 characters shown in groups of four, revocable on its own, usable only for the
REST API and XML-RPC, never to log in; WordPress 5.6+, make.wordpress.org/core/2020/11/05/
application-passwords-integration-guide/) and gives Soku the site's address, their username and
that password. It is sent as HTTP Basic credentials with every request, so it is the account's
secret: sealed as an OAuth account's tokens are, never shown again. Application passwords do
not expire, so there is no refresh: when one is revoked the account needs reconnecting.

`verify` asks the site, before anything is stored (shared/services/connections/manual.py):
1. `GET {site}/wp-json/` (no credentials): is it WordPress? The REST index of a WordPress site
   lists the `wp/v2` namespace; anything else (no JSON, a 404, another application) is a 400
   naming `siteUrl`. A redirect is refused naming the address it points to (the pinned client
   follows none: a redirect could lead anywhere).
2. `GET {site}/wp-json/wp/v2/users/me?context=edit` with the credentials: the user (id, name,
   capabilities). A refusal is 401 for a wrong password and an unknown username alike
   (WordPress 6.1 answers both `rest_not_logged_in`), so it is refused naming
   `applicationPassword`, and the message names the username too. WordPress ignores application
   passwords over plain http unless the site's environment is `local`
   (wp_is_application_passwords_supported), which gives the same 401: the message says so.
3. The user must be able to publish: `publish_posts` (create a published post) and
   `upload_files` (the media library, for images); a user without them (a contributor) is
   refused naming `username`, with what is missing.

The account is the site and the user: `platformUserId` `{host}{/folder}:{user id}` (a username
can be changed, the id cannot), `siteUrl` and `username` kept beside the sealed password.
Disconnecting forgets the password and does not revoke it: it is the user's, listed in their
profile, and removing it there is theirs to do (revoke answers False).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, SecretStr

from shared.platforms import Platform
from shared.platforms.wordpress import site
from shared.services.connections.base import NewAccount
from shared.services.connections.errors import ConnectError
from shared.services.connections.manual import invalid, refused
from shared.services.publishing.base import Tokens

# What publishing needs (developer.wordpress.org/plugins/users/roles-and-capabilities/): an
# Author, Editor or Administrator has both; a Contributor has neither.
NEEDED = {"publish_posts": "publish posts", "upload_files": "upload images to the media library"}


class WordPressCredentials(BaseModel):
    """The body of `POST /v1/connections/wordpress`."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    siteUrl: str = Field(min_length=1, max_length=2048,
                         description="Your site's address, e.g. `https://blog.example.com` (https; the folder too "
                                     "if WordPress is installed in one)",
                         json_schema_extra={"examples": ["https://blog.example.com"]})
    username: str = Field(min_length=1, max_length=60,  # user_login is varchar(60)
                          description="Your WordPress username (the one you log in with)")
    applicationPassword: SecretStr = Field(
        min_length=1, max_length=200,
        description="An application password from your site's admin (Users, Profile, Application Passwords), "
                    "e.g. `abcd EFGH ijkl MNOP qrst UVWX`. It is sealed and never shown again.")


def platform_user_id(root: str, user_id: int | str) -> str:
    parts = urlsplit(root)
    return f"{parts.netloc}{parts.path}:{user_id}"


class WordPressProvider:
    """A `ManualProvider` (shared/services/connections/manual.py)."""

    platform = Platform.WORDPRESS
    credentials = WordPressCredentials

    def verify(self, credentials: WordPressCredentials) -> list[NewAccount]:
        try:
            root = site.checked(credentials.siteUrl)
        except site.SiteRefused as refusal:
            raise invalid("siteUrl", refusal.message) from None
        self._is_wordpress(root)
        password = credentials.applicationPassword.get_secret_value()
        response = site.connect_call("GET", site.api(root, "users/me"), failure="invalid_credentials",
                                     params={"context": "edit"}, auth=site.auth(credentials.username, password))
        if response.status_code in (401, 403):
            code, message = site.error_of(response)
            plain_http = root.startswith("http://")
            raise refused("applicationPassword", f"{root} refused the username {credentials.username!r} with this "
                                                 f"application password ({message}): check both, or make a new "
                                                 "application password in Users, Profile"
                                                 + (". WordPress accepts application passwords over plain http "
                                                    "only on a local site" if plain_http else ""))
        me = site.json_body(response)
        if response.status_code != 200 or not isinstance(me, dict) or not me.get("id"):
            raise ConnectError("platform_unavailable", f"{root} answered users/me with HTTP {response.status_code} "
                               "and no user: is its REST API blocked by a plugin?", platform=self.platform.value)
        capabilities = me.get("capabilities") or {}
        lacking = [words for cap, words in NEEDED.items() if not capabilities.get(cap)]
        if lacking:
            roles = ", ".join(me.get("roles") or []) or "no role"
            raise refused("username", f"The WordPress user {credentials.username!r} ({roles}) cannot "
                                      f"{' or '.join(lacking)}: give the user the Author role or above, or connect "
                                      "another user")
        user_id = me["id"]
        puid = platform_user_id(root, user_id)
        name = me.get("name") or credentials.username
        return [NewAccount(puid, f"{name} ({urlsplit(root).netloc}{urlsplit(root).path})", Tokens(password),
                           grant_id=f"wordpress:{puid}",
                           extra={"siteUrl": root, "username": credentials.username, "userId": user_id})]

    @staticmethod
    def _is_wordpress(root: str) -> None:
        response = site.connect_call("GET", f"{root}/wp-json/", failure="invalid_credentials")
        if 300 <= response.status_code < 400:
            target = response.headers.get("location") or "another address"
            raise invalid("siteUrl", f"{root} redirects to {target}: give that address as siteUrl")
        index = site.json_body(response)
        namespaces = index.get("namespaces") if isinstance(index, dict) else None
        if response.status_code != 200 or not isinstance(namespaces, list) or "wp/v2" not in namespaces:
            raise refused("siteUrl", f"{root} is not a WordPress site Soku can reach: {root}/wp-json/ answered "
                                     f"HTTP {response.status_code} without WordPress's REST API (wp/v2). Check the "
                                     "address, and that the REST API is not disabled by a plugin")

    def revoke(self, tokens: Tokens, data: dict[str, Any]) -> bool:
        # The application password is the user's (listed in their profile, maybe used elsewhere):
        # disconnecting forgets it; revoking it is theirs to do.
        return False


def provider() -> WordPressProvider:
    """The connector the registry serves for WordPress (shared/platforms/loader.py)."""
    return WordPressProvider()
