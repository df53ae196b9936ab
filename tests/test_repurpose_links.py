"""`/v1/repurposeLinks` and `/v1/templates/saved`, through the gateway against the emulators.

Includes the repurpose rows of the multi-account test plan in spec 002: a link is stored
at `users/{uid}/repurposeLinks/{id}` scoped to its account and a GET filtered by that
account returns exactly it; deleting acct-a's link leaves other accounts' links; the
Zapier dropdown (`?platform=instagram&accountId=acct-b`) lists only acct-b's links.
"""

from __future__ import annotations

import pytest

from tests.envelope import assert_error

LINKS = "/v1/repurposeLinks"


def _link(platform="instagram", account="acct-a", type_="image", template="tweetImage", delay=12):
    body = {"platform": platform, "type": type_, "templateId": template, "settings": {"delayHours": delay}}
    if account is not None:
        body["accountId"] = account
    return body


def _create(client, user, body) -> str:
    r = client.post(LINKS, json=body, headers=user.key_headers)
    assert r.status_code == 201, r.text
    assert set(r.json()) == {"id"}
    return r.json()["id"]


def _links(client, user, **params) -> list[dict]:
    r = client.get(LINKS, params=params, headers=user.key_headers)
    assert r.status_code == 200, r.text
    return r.json()["links"]


# -- the multi-account test plan (spec 002) -----------------------------------------------------

def test_plan_create_is_stored_per_account_and_get_by_that_account_returns_exactly_it(client, demo, db):
    link_id = _create(client, demo, _link("tiktok", "tt_brand", "video", "videoThumbnail", 6))
    _create(client, demo, _link("tiktok", "tt_main", "video", "videoThumbnail", 6))  # another account

    stored = db.collection("users").document(demo.uid).collection("repurposeLinks").document(link_id).get()
    assert stored.exists
    doc = stored.to_dict()
    assert (doc["platform"], doc["accountId"], doc["type"], doc["templateId"]) == (
        "tiktok", "tt_brand", "video", "videoThumbnail")
    assert doc["settings"] == {"delayHours": 6}

    found = _links(client, demo, platform="tiktok", accountId="tt_brand")
    assert [link["id"] for link in found] == [link_id]
    link = found[0]
    assert link["platform"] == "tiktok" and link["accountId"] == "tt_brand" and link["type"] == "video"
    assert link["templateId"] == "videoThumbnail" and link["settings"] == {"delayHours": 6}
    assert link["createdAt"].endswith("Z") and link["updatedAt"].endswith("Z") and link["lastTrigger"] is None


def test_plan_delete_removes_only_the_targeted_link(client, demo):
    a = _create(client, demo, _link(account="acct-a"))
    b_image = _create(client, demo, _link(account="acct-b"))
    b_text = _create(client, demo, _link(account="acct-b", type_="text"))

    r = client.delete(f"{LINKS}/{a}", headers=demo.key_headers)
    assert r.status_code == 200 and r.json() == {"deleted": True}
    assert _links(client, demo, accountId="acct-a") == []
    assert {link["id"] for link in _links(client, demo, accountId="acct-b")} == {b_image, b_text}
    # A link that is gone, or never was, is 404 (as the reference documents), not "deleted".
    assert_error(client.delete(f"{LINKS}/{a}", headers=demo.key_headers), 404, "not_found",
                 f"Repurpose link {a} not found")
    assert_error(client.delete(f"{LINKS}/link_does_not_exist", headers=demo.key_headers), 404, "not_found")
    assert {link["id"] for link in _links(client, demo, accountId="acct-b")} == {b_image, b_text}


def test_plan_zapier_dropdown_lists_only_the_chosen_account(client, demo):
    _create(client, demo, _link(account="acct-a", type_="image"))
    _create(client, demo, _link(account="acct-a", type_="text"))
    b = _create(client, demo, _link(account="acct-b", type_="image", template="quoteCard"))
    _create(client, demo, _link("facebook", "fb_page_42", "image"))

    found = _links(client, demo, platform="instagram", accountId="acct-b")
    assert [link["id"] for link in found] == [b]
    assert {link["accountId"] for link in _links(client, demo, platform="instagram")} == {"acct-a", "acct-b"}
    assert {link["type"] for link in _links(client, demo, accountId="acct-a")} == {"image", "text"}
    assert [link["accountId"] for link in _links(client, demo, type="image", platform="facebook_pages")] == [
        "fb_page_42"]


# -- creation rules ---------------------------------------------------------------------------

def test_account_is_resolved_as_for_posts(client, demo):
    link_id = _create(client, demo, _link("x", None, "text"))
    assert _links(client, demo, platform="x")[0]["accountId"] == "x_main"  # the only X account

    error = assert_error(client.post(LINKS, json=_link("instagram", None), headers=demo.key_headers),
                         400, "missing_account", "Multiple Instagram accounts connected. Please specify accountId.")
    assert "acct-b" in error["details"]["accounts"]["instagram"]
    assert_error(client.post(LINKS, json=_link("instagram", "ig_nope"), headers=demo.key_headers),
                 400, "missing_integrations", "Missing integrations for platforms: instagram:ig_nope")
    assert link_id.startswith("link_")


def test_platform_not_connected_is_missing_integrations(client, user):
    assert_error(client.post(LINKS, json=_link("x", None, "text"), headers=user.key_headers),
                 400, "missing_integrations", "Missing integrations for platforms: x")


def test_account_with_repurposing_turned_off_is_refused(client, demo, db):
    (db.collection("users").document(demo.uid).collection("integrations").document("instagram")
     .collection("accounts").document("acct-a").update({"repurposeEnabled": False}))
    error = assert_error(client.post(LINKS, json=_link(), headers=demo.key_headers), 400, "repurpose_disabled")
    assert "instagram:acct-a" in error["message"]
    _create(client, demo, _link(account="acct-b"))  # the toggle is per account


def test_template_must_exist(client, demo):
    error = assert_error(client.post(LINKS, json=_link(template="storyboard"), headers=demo.key_headers),
                         400, "validation_error")
    assert error["details"][0]["field"] == "body.templateId"
    assert "tweetImage" in error["message"]  # the available templates are named
    error = assert_error(client.post(LINKS, json=_link(template="tmpl_missing"), headers=demo.key_headers),
                         400, "validation_error")
    assert error["details"][0]["field"] == "body.templateId" and "tmpl_missing" in error["message"]


@pytest.mark.parametrize("settings, field", [
    ({"delayHours": -1}, "body.settings.delayHours"),
    ({"delayHours": 1.5}, "body.settings.delayHours"),
    ({"delayHours": "6"}, "body.settings.delayHours"),
    ({"delayHours": 721}, "body.settings.delayHours"),
    ({"delayHour": 6}, "body.settings.delayHour"),
])
def test_delay_hours_is_an_integer_of_zero_or_more(client, demo, settings, field):
    body = _link() | {"settings": settings}
    error = assert_error(client.post(LINKS, json=body, headers=demo.key_headers), 400, "validation_error")
    assert error["details"][0]["field"] == field


def test_required_fields_and_types(client, demo):
    error = assert_error(client.post(LINKS, json={}, headers=demo.key_headers), 400, "validation_error")
    assert {d["field"] for d in error["details"]} == {"body.platform", "body.type", "body.templateId"}
    for body, field in ((_link(type_="gif"), "body.type"), (_link(platform="myspace"), "body.platform"),
                        (_link(template="a/b"), "body.templateId")):
        error = assert_error(client.post(LINKS, json=body, headers=demo.key_headers), 400, "validation_error")
        assert error["details"][0]["field"] == field
    # YouTube takes videos only: text and image links to it could never post.
    for type_ in ("text", "image"):
        error = assert_error(client.post(LINKS, json=_link("youtube", "yt_channel", type_), headers=demo.key_headers),
                             400, "validation_error")
        assert error["details"][0]["field"] == "body.type" and "videos" in error["message"]
    _create(client, demo, _link("youtube", "yt_channel", "video", "videoThumbnail"))
    # settings are optional: delayHours defaults to 0.
    link_id = _create(client, demo, {"platform": "linkedin", "type": "text", "templateId": "quoteCard"})
    assert [link["settings"] for link in _links(client, demo, platform="linkedin") if link["id"] == link_id] == [
        {"delayHours": 0}]


def test_the_same_link_twice_is_one_link_and_other_settings_conflict(client, demo):
    first = _create(client, demo, _link(delay=12))
    assert _create(client, demo, _link(delay=12)) == first  # a retried POST
    assert len(_links(client, demo, accountId="acct-a")) == 1
    error = assert_error(client.post(LINKS, json=_link(delay=3), headers=demo.key_headers), 409,
                         "repurpose_link_exists")
    assert error["details"]["id"] == first and error["details"]["settings"] == {"delayHours": 12}


def test_links_are_private_to_their_user(client, demo, make_user):
    other = make_user()
    from devstack.seed import seed_demo_user

    seed_demo_user(other.uid)
    mine = _create(client, demo, _link())
    assert _links(client, other) == []
    assert_error(client.delete(f"{LINKS}/{mine}", headers=other.key_headers), 404, "not_found")
    assert [link["id"] for link in _links(client, demo)] == [mine]  # still there
    assert_error(client.get(f"{LINKS}/{mine}/triggers", headers=other.key_headers), 404, "not_found")


def test_routes_need_a_key_and_valid_filters(client, demo):
    assert_error(client.get(LINKS), 401, "unauthorized")
    assert_error(client.post(LINKS, json=_link()), 401, "unauthorized")
    error = assert_error(client.get(LINKS, params={"type": "gif"}, headers=demo.key_headers), 400, "validation_error")
    assert error["details"][0]["field"] == "query.type"
    assert_error(client.get(LINKS, params={"platform": "myspace"}, headers=demo.key_headers), 400, "validation_error")
    assert_error(client.get(f"{LINKS}/link_nope/triggers", headers=demo.key_headers), 404, "not_found")
    assert_error(client.put(LINKS, json=_link(), headers=demo.key_headers), 405, "method_not_allowed")


# -- saved templates ----------------------------------------------------------------------------

def test_saved_templates_can_be_linked_listed_and_deleted(client, demo, db):
    r = client.post("/v1/templates/saved", headers=demo.key_headers, json={
        "name": "Brand card", "templateSlug": "tweetImage", "aspectRatio": "4:5",
        "config": {"author": "@soku", "accentColor": "#FF5500", "theme": "light"}})
    assert r.status_code == 201, r.text
    saved = r.json()
    assert saved["id"].startswith("tmpl_") and saved["templateSlug"] == "tweetImage"
    assert saved["config"] == {"author": "@soku", "accentColor": "#FF5500", "theme": "light"}
    assert db.collection("users").document(demo.uid).collection("templates").document(saved["id"]).get().exists
    listed = client.get("/v1/templates/saved", headers=demo.key_headers).json()["templates"]
    assert [t["id"] for t in listed] == [saved["id"]] and listed[0]["aspectRatio"] == "4:5"

    link_id = _create(client, demo, _link(template=saved["id"]))
    r = client.delete(f"/v1/templates/saved/{saved['id']}", headers=demo.key_headers)
    assert r.status_code == 200 and r.json() == {"deleted": True, "referencedBy": [link_id]}
    assert client.get("/v1/templates/saved", headers=demo.key_headers).json()["templates"] == []
    again = client.delete(f"/v1/templates/saved/{saved['id']}", headers=demo.key_headers)
    assert_error(again, 404, "not_found", f"Saved template {saved['id']} not found")
    # The built-in templates are untouched by the saved-template routes.
    assert client.get("/v1/templates/tweetImage").status_code == 200


def test_saved_template_config_is_checked_like_a_render(client, demo):
    def post(body):
        return client.post("/v1/templates/saved", headers=demo.key_headers,
                           json={"name": "x", "templateSlug": "tweetImage"} | body)

    error = assert_error(post({"config": {"titel": "typo"}}), 400, "validation_error")
    assert error["details"][0]["field"] == "body.config.titel"
    error = assert_error(post({"config": {"accentColor": "orange"}}), 400, "validation_error")
    assert error["details"][0]["field"] == "body.config.accentColor"
    error = assert_error(post({"templateSlug": "storyboard"}), 400, "validation_error")
    assert error["details"][0]["field"] == "body.templateSlug"
    error = assert_error(post({"aspectRatio": "2:1"}), 400, "validation_error")
    assert error["details"][0]["field"] == "body.aspectRatio"
    # A template whose main field is required (quoteCard's quote) saves without it: the post fills it.
    r = client.post("/v1/templates/saved", headers=demo.key_headers,
                    json={"name": "Quotes", "templateSlug": "quoteCard", "config": {"brand": "Soku"}})
    assert r.status_code == 201, r.text
