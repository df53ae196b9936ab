"""The contract checks themselves: a request or answer outside a platform's published contract
is caught, through a real sandbox, and one inside it passes (devstack/contracts)."""

from __future__ import annotations

import json

import httpx
import pytest

from devstack.contracts import registry
from devstack.contracts.exchange import Exchange
from devstack.contracts.ledger import LEDGER
from devstack.contracts.recorded import RecordedContract
from devstack.contracts.youtube import YouTubeContract
from devstack.sandboxes.core import mint_tokens


def _youtube(method: str, path: str, query: dict, status: int = 200, answer=None, body=None, headers=None) -> Exchange:
    raw = json.dumps(answer).encode() if answer is not None else b""
    return Exchange(platform="youtube", method=method, path=path, query=query,
                    content_type="application/json" if body is not None else "", body=body,
                    status=status, response_type="application/json" if answer is not None else "",
                    response_body=answer, response_raw=raw, response_headers=headers or {})


@pytest.fixture(scope="module")
def youtube() -> YouTubeContract:
    return YouTubeContract()


def test_youtube_contract_is_googles_own_discovery_document(youtube):
    assert youtube.source.startswith("google-api-python-client ")
    assert youtube.version.startswith("v3 revision ")
    assert ("POST", "/upload/youtube/v3/videos") in youtube.methods  # the mediaUpload path
    assert youtube.methods[("GET", "/youtube/v3/videos")]["name"] == "youtube.videos.list"


def test_a_well_formed_videos_list_passes(youtube):
    answer = {"kind": "youtube#videoListResponse", "etag": "e", "items": [
        {"kind": "youtube#video", "etag": "e", "id": "v1", "status": {"uploadStatus": "processed"}}]}
    checked = youtube.check(_youtube("GET", "/youtube/v3/videos", {"part": ["status"], "id": ["v1"]}, answer=answer))
    assert checked.operation == "youtube.videos.list"
    assert checked.request == [] and checked.response == []


def test_unknown_parameters_parts_and_properties_are_violations(youtube):
    checked = youtube.check(_youtube("POST", "/youtube/v3/playlistItems", {"part": ["snippet,statz"], "colour": ["red"]},
                                     body={"snippet": {"playlistId": "p", "titel": "typo"}},
                                     answer={"kind": "youtube#playlistItem", "etag": "e", "id": "i", "snippet": {}}))
    assert any("'colour' is not in the contract" in v for v in checked.request)
    assert any("part 'statz' is not a part of PlaylistItem" in v for v in checked.request)
    assert any("body/snippet" in v and "titel" in v for v in checked.request)


def test_wrong_types_unrequested_parts_and_error_shapes_in_answers_are_violations(youtube):
    answer = {"kind": "youtube#videoListResponse", "items": [
        {"id": "v1", "status": {}, "snippet": {},
         "processingDetails": {"processingProgress": {"partsTotal": 1000}}}]}
    checked = youtube.check(_youtube("GET", "/youtube/v3/videos", {"part": ["status,processingDetails"]}, answer=answer))
    assert any("partsTotal: 1000 is not of type 'string'" in v for v in checked.response)
    assert any("parts not requested: snippet" in v for v in checked.response)

    error = {"error": {"code": 400, "message": "quota", "errors": [{"reason": "quotaExceeded"}]}}
    checked = youtube.check(_youtube("GET", "/youtube/v3/videos", {"part": ["status"]}, status=403, answer=error))
    assert checked.response == ["error.code 400 differs from the HTTP status 403"]
    checked = youtube.check(_youtube("GET", "/youtube/v3/videos", {"part": ["status"]}, status=403,
                                     answer={"message": "nope"}))
    assert checked.response and all(v.startswith("error") for v in checked.response)


def test_a_resumable_session_must_answer_its_location(youtube):
    query = {"uploadType": ["resumable"], "part": ["snippet,status"]}
    ok = youtube.check(_youtube("POST", "/upload/youtube/v3/videos", query,
                                headers={"Location": "https://x/upload/youtube/v3/videos?upload_id=abc"}))
    assert ok.response == []
    bad = youtube.check(_youtube("POST", "/upload/youtube/v3/videos", query, answer={"id": "v"}))
    assert "a body where starting a resumable session answers none" in bad.response
    assert "no session URI with upload_id in Location" in bad.response


def test_calls_the_document_does_not_describe_are_not_pretended_checked(youtube):
    assert youtube.check(_youtube("POST", "/oauth/token", {})) is None


def test_recorded_facts_pick_the_most_literal_route_and_check_status_and_form(tmp_path):
    facts = {"platform": "demo", "source": "https://example.test/spec@abc", "version": "1",
             "operations": {
                 "GET /{version}/{node}": {"query": {"fields": {"schema": {"type": "array", "style": "form",
                                                                           "items": {"enum": ["id", "name"]}}}},
                                           "responses": {"200": {"schema": {"$ref": "#/schemas/Node"}}}},
                 "GET /{version}/me/accounts": {"responses": {"200": {"schema": {}}}},
                 "POST /{version}/{node}/feed": {"form": {"message": {"required": True, "schema": {"type": "string"}},
                                                          "published": {"schema": {"type": "boolean"}}},
                                                 "responses": {"200": {"schema": {"type": "object"}},
                                                               "4XX": {"schema": {"$ref": "#/schemas/Error"}}}}},
             "schemas": {"Node": {"type": "object", "properties": {"id": {"type": "string"}}, "required": ["id"]},
                         "Error": {"type": "object", "required": ["error"]}}}
    path = tmp_path / "demo.json"
    path.write_text(json.dumps(facts))
    contract = RecordedContract(path)

    def exchange(method, url, query=None, form=None, status=200, answer=None):
        return Exchange(platform="demo", method=method, path=url, query=query or {},
                        content_type="application/x-www-form-urlencoded" if form is not None else "",
                        form=form, status=status, response_type="application/json",
                        response_body=answer, response_raw=json.dumps(answer).encode())

    assert contract.check(exchange("GET", "/v1/me/accounts", answer={})).operation == "GET /{version}/me/accounts"
    node = contract.check(exchange("GET", "/v1/42", {"fields": ["id,colour"]}, answer={"name": 1}))
    assert node.operation == "GET /{version}/{node}"
    assert any("'colour' is not one of" in v for v in node.request)
    assert any("'id' is a required property" in v for v in node.response)
    feed = contract.check(exchange("POST", "/v1/42/feed", form={"published": ["maybe"]}, status=500, answer={}))
    assert "form: required parameter 'message' missing" in feed.request
    assert any("'maybe' is not a boolean" in v for v in feed.request)
    assert feed.response == ["status 500 is not one the contract lists (200, 4XX)"]
    assert contract.check(exchange("DELETE", "/v1/42")) is None


@pytest.mark.expects_contract_violations
def test_a_bad_request_through_a_real_sandbox_is_recorded_and_named(stack):
    """End to end: the observer on the running sandboxes sees a request our code would never send."""
    access, _, _ = mint_tokens("youtube", "contract-probe")
    mark = LEDGER.mark
    answer = httpx.get(f"{stack.sandboxes.base_url}/youtube/youtube/v3/videos",
                       params={"part": "status,nonsense", "id": "nope", "colour": "red"},
                       headers={"Authorization": f"Bearer {access}"})
    assert answer.status_code < 500
    found = [str(v) for v in LEDGER.since(mark)]
    assert any("youtube GET /youtube/v3/videos" in v and "'colour' is not in the contract" in v for v in found), found
    assert any("part 'nonsense' is not a part of Video" in v for v in found), found


def test_every_platform_has_a_contract_or_says_which_pages_its_sandbox_follows():
    for platform in ("x", "facebook", "instagram", "threads", "tiktok", "youtube", "linkedin", "snapchat",
                     "google_business"):
        assert registry.contract_for(platform) is not None or platform in registry.NO_CONTRACT, platform
    for platform in registry.platforms_with_contract():
        contract = registry.contract_for(platform)
        assert contract.source and contract.version, platform


def test_the_report_groups_uncovered_calls_by_shape_not_by_id():
    assert registry.generalise("POST /2/oauth2/token") == "POST /2/oauth2/token"
    assert registry.generalise("GET /v23.0/oauth/access_token") == "GET /v23.0/oauth/access_token"
    assert registry.generalise("GET /v1.0/17896/threads") == "GET /v1.0/{id}/threads"
    assert registry.generalise("GET /2/users/x-x_main-954a2e0d") == "GET /2/users/{id}"
