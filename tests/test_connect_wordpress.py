"""Connecting a WordPress site (`POST /v1/connections/wordpress`: the site's address, a username
and an application password) against a real WordPress (devstack/wordpress, the `wordpress`
fixture of conftest.py), not a sandbox: the site is asked before anything is stored; a refused
credential is a 400 naming its field and stores nothing; the application password is stored
sealed, never in the clear.

Needs Debian's wordpress and mariadb-server packages: conftest's fixture installs them as root;
where it cannot, these tests skip and say why."""

from __future__ import annotations

import httpx
import pytest

from shared.adapters.crypto import decrypt_json
from tests.connecting import account_doc
from tests.envelope import assert_error


def connect(client, user, wordpress, login: str = "admin", password: str | None = None, **extra) -> httpx.Response:
    body = {"siteUrl": wordpress.url, "username": login,
            "applicationPassword": wordpress.users[login].password if password is None else password} | extra
    return client.post("/v1/connections/wordpress", headers=user.key_headers, json=body)


def _stored(db, user) -> list[dict]:
    return [s.to_dict() for s in db.collection("users").document(user.uid).collection("integrations")
            .document("wordpress").collection("accounts").stream()]


def test_a_site_is_connected_with_an_application_password_kept_sealed(client, user, db, wordpress):
    password = wordpress.users["admin"].password
    r = connect(client, user, wordpress)
    assert r.status_code == 201, r.text
    [account] = r.json()["accounts"]
    host = wordpress.url.removeprefix("http://")
    assert r.json()["platform"] == "wordpress" and account["reconnected"] is False
    assert account["displayName"] == f"admin ({host})" and password not in r.text

    ref = account_doc(db, user, "wordpress", account["accountId"])
    stored = ref.get().to_dict()
    user_id = wordpress.users["admin"].id
    assert stored["platformUserId"] == f"{host}:{user_id}" and stored["status"] == "connected"
    assert (stored["siteUrl"], stored["username"], stored["userId"]) == (wordpress.url, "admin", user_id)
    assert password not in str(stored)
    assert decrypt_json(stored["tokens"], associated=ref.path)["accessToken"] == password

    # The same site as people paste it (a trailing slash, /wp-admin): the same account, updated.
    again = connect(client, user, wordpress, siteUrl=wordpress.url + "/wp-admin/")
    assert again.status_code == 200, again.text
    assert again.json()["accounts"] == [{**account, "reconnected": True}]


def test_a_wrong_application_password_is_refused_naming_it_and_nothing_is_stored(client, user, db, wordpress):
    r = connect(client, user, wordpress, password="aaaa bbbb cccc dddd eeee ffff")
    assert_error(r, 400, "invalid_credentials")
    [detail] = r.json()["error"]["details"]
    assert detail["field"] == "body.applicationPassword" and detail["code"] == "refused"
    assert "application password" in detail["message"] and "'admin'" in detail["message"]
    assert _stored(db, user) == []


def test_a_user_who_cannot_publish_is_refused_naming_what_is_missing(client, user, db, wordpress):
    r = connect(client, user, wordpress, login="contributor")
    assert_error(r, 400, "invalid_credentials")
    [detail] = r.json()["error"]["details"]
    assert detail["field"] == "body.username"
    assert "contributor" in detail["message"] and "publish posts" in detail["message"]
    assert "upload images" in detail["message"]
    assert _stored(db, user) == []


def test_a_site_that_is_not_wordpress_is_refused_naming_the_address(client, user, db, wordpress, stack):
    # The stack's own API: it answers, over http on loopback, but has no /wp-json/.
    r = connect(client, user, wordpress, siteUrl=stack.base_url)
    assert_error(r, 400, "invalid_credentials")
    [detail] = r.json()["error"]["details"]
    assert detail["field"] == "body.siteUrl" and "not a WordPress site" in detail["message"], detail
    assert _stored(db, user) == []


def test_an_unreachable_site_is_a_502(client, user, db, wordpress):
    from devstack.emulators import free_port

    r = connect(client, user, wordpress, siteUrl=f"http://127.0.0.1:{free_port()}")
    assert_error(r, 502, "platform_unavailable")
    assert _stored(db, user) == []


@pytest.mark.parametrize("site_url, says", [
    ("ftp://127.0.0.1:21", "https"),
    ("http://10.1.2.3", "not public"),
    ("http://169.254.169.254", "metadata"),
    ("https://user:pw@blog.example.com", "without a user"),
])
def test_a_site_address_soku_will_not_call_is_refused_before_any_call(client, user, db, wordpress, site_url, says):
    r = connect(client, user, wordpress, siteUrl=site_url)
    assert_error(r, 400, "validation_error")
    [detail] = r.json()["error"]["details"]
    assert detail["field"] == "body.siteUrl"
    assert says in detail["message"] or (says == "not public" and "private" in detail["message"]), detail
    assert _stored(db, user) == []


def test_the_credentials_body_is_described_and_the_password_is_write_only(client, user):
    r = client.get("/v1/platforms/wordpress", headers=user.key_headers)
    assert r.status_code == 200, r.text
    view = r.json()
    assert view["connection"]["type"] == "manual" and view["displayName"] == "WordPress"
    fields = view["connection"]["fields"]
    assert set(fields["required"]) == {"siteUrl", "username", "applicationPassword"}
    assert fields["properties"]["applicationPassword"]["writeOnly"] is True


def test_site_addresses_are_stored_as_their_root():
    from shared.platforms.wordpress.site import SiteRefused, normalise

    assert normalise("blog.example.com") == normalise("https://BLOG.example.com/") == "https://blog.example.com"
    assert normalise("https://example.com:443/blog/wp-json/") == "https://example.com/blog"
    assert normalise("http://127.0.0.1:8080/wp-admin") == "http://127.0.0.1:8080"
    for bad in ("", "https://example.com/?p=1", "gopher://example.com"):
        with pytest.raises(SiteRefused):
            normalise(bad)
