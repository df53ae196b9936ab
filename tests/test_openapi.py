"""The OpenAPI 3.1 document: generated from the code, checked in, served, and valid."""

from __future__ import annotations

import json
import re
from pathlib import Path

import jsonschema
import pytest
from openapi_spec_validator import OpenAPIV31SpecValidator, validate

from devstack.deploy_bundle import _glob_regex, functions_config
from devstack.gateway import load_rewrites
from shared.web import openapi

ROOT = Path(__file__).resolve().parent.parent
CHECKED_IN = ROOT / "openapi.json"


@pytest.fixture(scope="module")
def document() -> dict:
    return json.loads(CHECKED_IN.read_text())


def test_checked_in_document_matches_the_code():
    generated = openapi.render(openapi.build_document())
    assert CHECKED_IN.read_text() == generated, (
        "openapi.json differs from what the routes and models generate: run `make openapi`")


def test_document_is_valid_openapi_3_1(document):
    assert document["openapi"].startswith("3.1.")
    validate(document, cls=OpenAPIV31SpecValidator)


def test_served_document_is_the_checked_in_one(client):
    r = client.get("/v1/openapi.json")  # no authentication
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/json")
    assert r.content == CHECKED_IN.read_bytes()
    assert r.headers["X-RateLimit-Tier"] == "default"


def test_the_document_ships_with_the_functions():
    ignore = [_glob_regex(p) for p in functions_config().get("ignore", [])]
    assert not any(rx.match("openapi.json") for rx in ignore)


def test_every_public_route_is_documented(document):
    from shared.web.api import Auth

    routes = openapi.public_routes()
    assert {(r.method.lower(), r.pattern) for _, r in routes} == {
        (method, path) for path, ops in document["paths"].items() for method in ops}
    for function_id, route in routes:
        op = document["paths"][route.pattern][route.method.lower()]
        # operationIds are named after the handler's module, stable across function renames.
        assert op["summary"] and op["operationId"] == f"{route.handler.__module__.rsplit('.', 1)[-1]}_{route.handler.__name__}"
        assert {"429", "500", "default"} <= set(op["responses"])
        success = op["responses"][str(route.success_status)]
        assert set(openapi._COMMON_HEADERS) <= set(success["headers"])
        if route.response_model is not None:
            assert success["content"]["application/json"]["schema"] == {
                "$ref": f"#/components/schemas/{route.response_model.__name__}"}
        if route.request_model is not None:
            assert "requestBody" in op
        if route.auth is Auth.API_KEY:
            assert op["security"] == [{"ApiKey": []}] and "401" in op["responses"] and "403" in op["responses"]
        if route.auth is Auth.API_KEY_OR_FIREBASE:  # the console's routes: a key, or the user's ID token
            assert op["security"] == [{"ApiKey": []}, {"FirebaseIdToken": []}]
            assert "401" in op["responses"] and "403" in op["responses"]
    # Every path is reachable through the Hosting rewrites, at its own function.
    rewrites = load_rewrites()
    for path in document["paths"]:
        sample = re.sub(r"\{[^}]+\}", "sample", path)
        assert any(r.regex.match(sample) and r.function_id != "not_found" for r in rewrites), path


def test_the_routes_this_issue_adds_are_there(document):
    paths = document["paths"]
    assert paths["/v1/me"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].endswith("MeResponse")
    accounts = paths["/v1/accounts"]["get"]
    assert [p for p in accounts["parameters"] if p.get("name") == "platform"][0]["in"] == "query"
    assert "/v1/openapi.json" in paths and paths["/v1/openapi.json"]["get"]["security"] == []
    posts = paths["/v1/posts"]["post"]
    assert posts["x-soku-rate-limit"] == {"perMinute": 30}
    assert posts["requestBody"]["content"]["application/json"]["examples"]["text"]["value"]["post"]["content"]["platform"] == ["x", "threads"]
    assert {"Idempotency-Key", "X-RateLimit-Tier"} <= set(posts["responses"]["201"]["headers"])


def test_error_envelope_and_headers_are_shared_components(document):
    components = document["components"]
    assert {"ErrorEnvelope", "ErrorBody", "ErrorDetail"} <= set(components["schemas"])
    assert components["responses"]["RateLimited"]["headers"]["Retry-After"] == {"$ref": "#/components/headers/Retry-After"}
    assert {"X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset", "X-RateLimit-Tier",
            "X-Request-ID", "Idempotency-Key"} <= set(components["headers"])
    assert components["securitySchemes"]["ApiKey"] == {
        "type": "apiKey", "in": "header", "name": "soku-api-key",
        "description": components["securitySchemes"]["ApiKey"]["description"]}


def _validator(document: dict, ref: str):
    schema = {"$ref": ref, "components": document["components"]}
    return jsonschema.Draft202012Validator(schema)


def test_real_responses_match_the_document(client, demo, document):
    """Real answers, errors included, against the served document's schemas."""
    cases = [
        (client.get("/v1/me", headers=demo.key_headers), "MeResponse"),
        (client.get("/v1/accounts", headers=demo.key_headers), "AccountsResponse"),
        (client.get("/health"), "HealthResponse"),
        (client.get("/v1/me"), "ErrorEnvelope"),
        (client.get("/v1/posts", params={"limit": 0}, headers=demo.key_headers), "ErrorEnvelope"),
        (client.put("/v1/me", headers=demo.key_headers), "ErrorEnvelope"),
    ]
    for response, name in cases:
        _validator(document, f"#/components/schemas/{name}").validate(response.json())
    assert cases[-1][0].status_code == 405


def test_a_new_route_is_picked_up_automatically():
    from devstack.gateway import Rewrite, glob_to_regex
    from shared.models.health import HealthResponse
    from shared.web.api import Api, Auth

    api = Api("gadgets")

    @api.route("GET", "/v1/gadgets/{gadget_id}", auth=Auth.NONE, summary="A gadget",
               response_model=HealthResponse, tags=("gadgets",))
    def get_gadget(ctx):
        return {}

    doc = openapi.build_document([("gadgets", r) for r in api.routes])
    op = doc["paths"]["/v1/gadgets/{gadget_id}"]["get"]
    assert op["operationId"] == f"{__name__.rsplit('.', 1)[-1]}_get_gadget" and op["parameters"][0]["name"] == "gadget_id"
    validate(doc, cls=OpenAPIV31SpecValidator)
    # Public only when a Hosting rewrite sends its path to its own function.
    fn = lambda request: None  # noqa: E731
    rewrites = [Rewrite("/v1/gadgets/**", glob_to_regex("/v1/gadgets/**"), "gadgets")]
    assert openapi.public_routes({"gadgets": fn}, rewrites) == []  # this test module has no Api named so
