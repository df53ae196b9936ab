"""A body field the request model knows at another level says where it belongs
(`scheduledTime` inside `post` belongs beside it); one it knows nowhere stays "Unrecognized field"."""

from __future__ import annotations

import pytest

from tests.envelope import assert_error
from tests.posting import body, future


def _detail(response, field: str) -> dict:
    details = response.json()["error"]["details"]
    return next(d for d in details if d["field"] == field)


@pytest.mark.parametrize("where", ["post", "content"])
def test_scheduled_time_inside_post_says_it_belongs_beside_post(client, demo, where):
    payload = body(["x"], "scheduled in the wrong place")
    inside = payload["post"] if where == "post" else payload["post"]["content"]
    inside["scheduledTime"] = future(hours=1)
    r = client.post("/v1/posts", json=payload, headers=demo.key_headers)
    assert_error(r, 400, "validation_error")
    field = "body.post.scheduledTime" if where == "post" else "body.post.content.scheduledTime"
    assert _detail(r, field) == {
        "field": field, "code": "unrecognized_keys", "received": inside["scheduledTime"],
        "message": "Unrecognized field: scheduledTime belongs at the top level, beside `post`"}


def test_any_known_field_at_the_wrong_level_says_where_it_goes(client, demo):
    payload = {"post": {"content": {"platform": ["x"], "accountId": "x_main"}, "text": "hi"},
               "enableRepurposing": False}
    r = client.post("/v1/posts/validate", json=payload, headers=demo.key_headers)
    assert_error(r, 400, "validation_error")
    assert _detail(r, "body.post.text")["message"] == "Unrecognized field: text belongs in `post.content`"
    assert _detail(r, "body.post.content.accountId")["message"] == (
        "Unrecognized field: accountId belongs in `post.content.platform`")


def test_a_field_known_nowhere_stays_plainly_unrecognized(client, demo):
    payload = {**body(["x"]), "colour": "blue"}
    r = client.post("/v1/posts/validate", json=payload, headers=demo.key_headers)
    assert_error(r, 400, "validation_error")
    assert _detail(r, "body.colour") == {"field": "body.colour", "message": "Unrecognized field",
                                         "code": "unrecognized_keys", "received": "blue"}
