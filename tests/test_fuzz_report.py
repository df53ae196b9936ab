"""`make fuzz`'s report of the operations whose handlers it never reached (devstack/fuzz.py)."""

from __future__ import annotations

from devstack import fuzz

DOCUMENT = {"paths": {
    "/v1/media/uploads": {"post": {"operationId": "media_create_upload"}},
    "/v1/media/{media_id}": {"get": {"operationId": "media_get_media"},
                             "delete": {"operationId": "media_delete_media"}},
    "/v1/templates/saved": {"get": {"operationId": "repurpose_list_templates"}},
    "/v1/templates/{slug}": {"get": {"operationId": "templates_get_template"}},
    "/v1/api-keys/{key_id}": {"delete": {"operationId": "api_keys_revoke_key"}},
    "/v1/me": {"delete": {"operationId": "account_delete_me"}, "parameters": []},
}}


def _har(*exchanges: tuple[str, str, int]) -> dict:
    return {"log": {"entries": [{"request": {"method": method, "url": f"http://127.0.0.1:5000{path}?q=1"},
                                 "response": {"status": status}} for method, path, status in exchanges]}}


def test_statuses_are_grouped_by_operation_literal_segments_first():
    seen = fuzz.statuses_by_operation(_har(
        ("POST", "/v1/media/uploads", 201), ("GET", "/v1/media/uploads", 405),
        ("GET", "/v1/media/abc", 404), ("GET", "/v1/media/m1", 200),
        ("GET", "/v1/templates/saved", 401), ("GET", "/v1/templates/tweetImage", 200),
        ("GET", "/not/documented", 404)), DOCUMENT)
    assert seen == {"POST /v1/media/uploads": {201}, "GET /v1/media/{media_id}": {404, 200},
                    "GET /v1/templates/saved": {401}, "GET /v1/templates/{slug}": {200}}


def test_only_denied_answers_and_never_called_operations_are_listed():
    seen = {"GET /v1/media/{media_id}": {404, 200},       # reached once: not listed
            "DELETE /v1/media/{media_id}": {404},         # only 404
            "GET /v1/templates/saved": {401, 403, 429},   # only denied
            "POST /v1/media/uploads": {400, 404},         # 400 is the handler's (or its validation's)
            "DELETE /v1/me": {404, 500}}                  # a 5xx reached something
    operations = [*seen, "DELETE /v1/api-keys/{key_id}"]  # never called
    assert fuzz.denied_only(seen, operations) == {
        "DELETE /v1/media/{media_id}": {404}, "GET /v1/templates/saved": {401, 403, 429},
        "DELETE /v1/api-keys/{key_id}": set()}
    assert fuzz.denied_only(seen, ["GET /v1/media/{media_id}"]) == {}


def test_each_run_gets_its_own_operations():
    own = {op for _, _, ops, _ in fuzz.RUNS if ops for op in ops}
    assert fuzz._operations(DOCUMENT, None, own) == [
        "POST /v1/media/uploads", "GET /v1/media/{media_id}", "DELETE /v1/media/{media_id}",
        "GET /v1/templates/saved", "GET /v1/templates/{slug}"]
    assert fuzz._operations(DOCUMENT, fuzz.KEY_OPERATIONS, own) == ["DELETE /v1/api-keys/{key_id}"]
    assert fuzz._operations(DOCUMENT, fuzz.DELETE_ME_OPERATIONS, own) == ["DELETE /v1/me"]
    # Deleting the account runs last, after the disconnects, as the throwaway user.
    assert [run[0] for run in fuzz.RUNS][-2:] == ["disconnect", "delete-me"]
    assert {run[1] for run in fuzz.RUNS[-2:]} == {fuzz.THROWAWAY_USER}


def test_unexplained_entries_are_counted(capsys):
    assert fuzz._print_report({}) == 0
    fuzz.EXPLAINED["GET /x"] = "by design"
    try:
        assert fuzz._print_report({"GET /x": {401}, "GET /y": set()}) == 1
    finally:
        del fuzz.EXPLAINED["GET /x"]
    out = capsys.readouterr().out
    assert "GET /x: 401 -- by design" in out and "GET /y: never called -- UNEXPLAINED" in out


def test_the_seeded_ids_become_bound_dictionaries():
    config = fuzz._config({"post_ids": ["p1", "p2"], "media_ids": [], "user_ids": ["u"]})
    assert '[dictionaries.post_ids]\nvalues = ["p1", "p2"]' in config
    assert '"path.post_id" = { dictionary = "post_ids", probability = 0.5 }' in config
    assert '"body.confirm" = { dictionary = "user_ids", probability = 0.5 }' in config
    assert "media_ids" not in config
    import tomllib

    assert tomllib.loads(config)["parameters"]["path.post_id"]["dictionary"] == "post_ids"


def test_the_fuzzer_signs_tiktok_bodies_as_the_route_checks_them():
    import hashlib
    import hmac
    import json

    from devstack import fuzz_hooks

    body = {"client_key": "k", "event": "authorization.removed"}
    raw = fuzz_hooks._json_bytes(body)
    assert raw == json.dumps(body).encode()  # what schemathesis's requests transport sends
    header = fuzz_hooks.tiktok_signature("secret", raw, 1700000000)
    assert header == "t=1700000000,s=" + hmac.new(b"secret", b"1700000000." + raw, hashlib.sha256).hexdigest()
    assert fuzz_hooks._json_bytes(["not", "an", "object"]) is None


def test_a_form_body_that_encodes_to_nothing_is_sent_with_content_length_zero():
    from types import SimpleNamespace

    from devstack import fuzz_hooks

    case = SimpleNamespace(media_type="application/x-www-form-urlencoded", body={"k": {}}, headers=None)
    fuzz_hooks._empty_form_length(case, {})
    assert case.headers == {"Content-Length": "0"}
    kept = SimpleNamespace(media_type="application/x-www-form-urlencoded", body={"signed_request": "a.b"},
                           headers={"X": "1"})
    fuzz_hooks._empty_form_length(kept, {})
    assert kept.headers == {"X": "1"}
