"""Query parameters a route does not take are refused (400 naming them), not ignored: on
routes with a query model and on routes that take none; the names integrations send still work."""

from __future__ import annotations

import pytest

from tests.envelope import assert_error
from tests.posting import body


def test_a_misnamed_cursor_is_refused_not_answered_with_page_one(client, demo):
    """A poller that guesses `nextCursor` for `cursor` must not get page 1 for ever."""
    r = client.get("/v1/posts", params={"limit": 1, "nextCursor": "abc"}, headers=demo.key_headers)
    error = assert_error(r, 400, "validation_error", "Unrecognized query parameter: nextCursor")
    assert error["details"] == [{"field": "query.nextCursor", "code": "unrecognized_keys",
                                 "message": "Unrecognized query parameter; did you mean `cursor`?",
                                 "received": "abc"}]


def test_every_unknown_parameter_is_named(client, demo):
    r = client.get("/v1/posts", params={"page_size": 5, "Status": "queued", "colour": "blue"},
                   headers=demo.key_headers)
    error = assert_error(r, 400, "validation_error",
                         "Unrecognized query parameters: page_size, Status, colour")
    assert [(d["field"], d["message"]) for d in error["details"]] == [
        ("query.page_size", "Unrecognized query parameter; did you mean `limit`?"),
        ("query.Status", "Unrecognized query parameter; did you mean `status`?"),
        ("query.colour", "Unrecognized query parameter")]


@pytest.mark.parametrize("path, known", [
    ("/v1/credits/balance", "limit"),
    ("/v1/repurposeLinks", "accountId"),
    ("/v1/accounts", "platform"),
])
def test_routes_with_a_query_model_refuse_other_names(client, demo, path, known):
    r = client.get(path, params={known.lower() + "s": "x"}, headers=demo.key_headers)
    error = assert_error(r, 400, "validation_error")
    assert error["details"][0]["field"] == f"query.{known.lower()}s"
    assert error["details"][0]["message"] == f"Unrecognized query parameter; did you mean `{known}`?"


@pytest.mark.parametrize("method, path", [
    ("GET", "/v1/me"),
    ("GET", "/v1/webhooks"),
    ("GET", "/v1/templates"),
    ("GET", "/v1/openapi.json"),
    ("GET", "/health"),
])
def test_a_route_that_takes_no_query_refuses_one(client, demo, method, path):
    r = client.request(method, path, params={"limit": "5"}, headers=demo.key_headers)
    error = assert_error(r, 400, "validation_error", "Unrecognized query parameter: limit")
    assert error["details"] == [{"field": "query.limit", "code": "unrecognized_keys", "received": "5",
                                 "message": "Unrecognized query parameter; this route takes none"}]


def test_a_post_with_a_query_string_creates_nothing(client, demo):
    r = client.post("/v1/posts", params={"dryRun": "true"}, json=body(["x"], "not created"),
                    headers=demo.key_headers)
    assert_error(r, 400, "validation_error", "Unrecognized query parameter: dryRun")
    listed = client.get("/v1/posts", headers=demo.key_headers).json()["data"]
    assert listed == []


def test_the_parameters_integrations_send_still_work(client, demo):
    """Zapier's (posts' limit and cursor, repurpose links' platform, accountId and type, accounts'
    platform) and the console's (an account's platform)."""
    page = client.get("/v1/posts", params={"limit": 2, "status": "queued", "platform": "x"},
                      headers=demo.key_headers)
    assert page.status_code == 200, page.text
    links = client.get("/v1/repurposeLinks", params={"platform": "instagram", "accountId": "ig_main",
                                                     "type": "video"}, headers=demo.key_headers)
    assert links.status_code == 200, links.text
    accounts = client.get("/v1/accounts", params={"platform": "x"}, headers=demo.key_headers)
    assert accounts.status_code == 200, accounts.text
    one = client.get("/v1/accounts/x_main", params={"platform": "x"}, headers=demo.key_headers)
    assert one.status_code == 200, one.text
    assert client.get("/v1/credits/balance", params={"limit": 1}, headers=demo.key_headers).status_code == 200


def test_media_downloads_keep_ignoring_query_strings(client, user, stored_media):
    """Not an API route: platforms and browsers fetch these URLs, cache-busters and all."""
    media_id = stored_media(user, "image", size=2048)
    r = client.get(f"/media/{media_id}.jpg", params={"v": "2", "download": "1"})
    assert r.status_code == 200 and len(r.content) == 2048


def test_closest_names():
    from shared.web.validation import closest_name

    known = ["limit", "cursor", "status", "platform", "createdAfter", "createdBefore"]
    assert closest_name("nextCursor", known) == "cursor"
    assert closest_name("page_token", known) == "cursor"
    assert closest_name("per_page", known) == "limit"
    assert closest_name("created_after", known) == "createdAfter"
    assert closest_name("platforms", known) == "platform"
    assert closest_name("colour", known) is None
    assert closest_name("nextCursor", ["limit"]) is None
