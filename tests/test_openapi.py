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
        scopes = [route.scope] if route.scope is not None else []
        if route.auth is Auth.API_KEY:
            assert op["security"] == [{"ApiKey": scopes}] and "401" in op["responses"] and "403" in op["responses"]
        if route.auth in (Auth.API_KEY_OR_FIREBASE, Auth.API_KEY_OR_SIGNED_IN):  # a key, or the user's ID token
            assert op["security"] == [{"ApiKey": scopes}, {"FirebaseIdToken": []}]
            assert "401" in op["responses"] and "403" in op["responses"]
    # Every path is reachable through the Hosting rewrites, at its own function.
    rewrites = load_rewrites()
    for path in document["paths"]:
        sample = re.sub(r"\{[^}]+\}", "sample", path)
        assert any(r.regex.match(sample) and r.function_id != "not_found" for r in rewrites), path


def test_every_api_key_operation_names_its_scope(document):
    """Scoped keys (issue 40): every operation an API key may call, as openapi.json documents it, has
    its scope in the one table (shared/web/route_scopes.py), marks it (`x-soku-scope`, the ApiKey
    requirement's scope list) and documents 403 insufficient_scope; so a new route cannot forget it."""
    from shared.services.key_scopes import SCOPES
    from shared.web.route_scopes import ROUTE_SCOPES

    key_operations = {f"{method.upper()} {path}": op for path, ops in document["paths"].items()
                      for method, op in ops.items()
                      if any("ApiKey" in requirement for requirement in op["security"])}
    assert len(key_operations) > 50
    assert set(key_operations) <= set(ROUTE_SCOPES), set(key_operations) - set(ROUTE_SCOPES)
    # The MCP endpoint takes a key but is not a REST operation (documented=False): it is in the
    # table, and not in the document.
    assert set(ROUTE_SCOPES) - {"POST /mcp"} == set(key_operations), "the table names routes that are gone"
    for endpoint, op in key_operations.items():
        scope = ROUTE_SCOPES[endpoint]
        assert op["x-soku-scope"] == scope, endpoint
        requirement = next(r for r in op["security"] if "ApiKey" in r)
        assert requirement["ApiKey"] == ([scope] if scope else []), endpoint
        if scope is None:
            assert endpoint == "GET /v1/me"  # the one route any key may call
            continue
        assert scope in SCOPES
        forbidden = op["responses"]["403"]
        assert "`insufficient_scope`" in forbidden["description"], endpoint
        example = forbidden["content"]["application/json"]["example"]["error"]
        assert example["code"] == "insufficient_scope" and scope in example["message"]
    scheme = document["components"]["securitySchemes"]["ApiKey"]["description"]
    assert all(f"`{scope}`" in scheme for scope in SCOPES) and "Bearer" in scheme
    assert "insufficient_scope" in document["components"]["responses"]["Forbidden"]["description"]


def test_a_key_route_without_a_scope_is_refused_at_registration():
    from shared.web.api import Api, Auth
    from shared.web.route_scopes import UndeclaredScope

    api = Api("gadgets")
    with pytest.raises(UndeclaredScope, match="GET /v1/gadgets"):
        @api.route("GET", "/v1/gadgets", auth=Auth.API_KEY)
        def gadgets(ctx):
            return {}


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


# -- every status an operation answers is in its `responses` -------------------------------

def _operation_of(document: dict, method: str, path: str) -> dict:
    """The document's operation serving `method path` (a concrete path, as requested)."""
    for pattern, ops in document["paths"].items():
        if re.fullmatch(re.sub(r"\\\{[a-z_]+\\\}", "[^/]+", re.escape(pattern)), path) and method.lower() in ops:
            return ops[method.lower()]
    raise AssertionError(f"{method} {path} is in no path of the document")


def _answers_as_documented(document: dict, response) -> None:
    request = response.request
    op = _operation_of(document, request.method, request.url.path)
    assert str(response.status_code) in op["responses"], (
        f"{request.method} {request.url.path} answered {response.status_code}, which openapi.json does not "
        f"list for it ({sorted(op['responses'])}): {response.text[:300]}")
    if response.status_code >= 400:
        _validator(document, "#/components/schemas/ErrorEnvelope").validate(response.json())


def test_the_conflicts_of_managing_posts_and_uploads_are_documented(client, demo, document):
    """Cancel, reschedule and retry answer 409 on a post in the wrong state, and so does an
    upload's complete before its bytes arrived: each is listed for its operation."""
    from tests.posting import body, final_run, future, submit

    sid = submit(client, demo, body(["x"], "409s are documented"))
    assert final_run(client, demo, sid, "x:x_main")["status"] == "succeeded"
    post = f"/v1/posts/{sid}"
    answers = [  # a published post: nothing left to cancel, reschedule or retry
        client.delete(post, headers=demo.key_headers),
        client.patch(post, json={"scheduledTime": future(hours=3)}, headers=demo.key_headers),
        client.post(f"{post}/retry", headers=demo.key_headers),
    ]
    upload = client.post("/v1/media/uploads", json={"size": 4096, "contentType": "video/mp4"},
                         headers=demo.key_headers)
    assert upload.status_code == 201, upload.text
    answers.append(client.post(f"/v1/media/uploads/{upload.json()['id']}/complete", headers=demo.key_headers))
    assert [r.status_code for r in answers] == [409, 409, 409, 409], [r.text for r in answers]
    for response in answers:
        _answers_as_documented(document, response)


def test_other_error_statuses_are_documented(client, demo, document):
    answers = [
        client.get("/v1/posts/nope", params={"expand": "runs"}, headers=demo.key_headers),   # 400: no query
        client.get("/health", params={"verbose": "1"}),                                       # 400
        client.delete("/v1/repurposeLinks/link_nope", headers=demo.key_headers),             # 404
        client.delete("/v1/templates/saved/tmpl_nope", headers=demo.key_headers),           # 404
        client.post("/v1/ai/transcribe", json={"mediaId": "nope"}, headers=demo.key_headers),  # 404
    ]
    assert [r.status_code for r in answers] == [400, 400, 404, 404, 404], [r.text for r in answers]
    for response in answers:
        _answers_as_documented(document, response)


def test_every_operation_lists_the_statuses_every_route_answers(document):
    for path, ops in document["paths"].items():
        for method, op in ops.items():
            statuses = set(op["responses"])
            assert {"400", "429", "500"} <= statuses, (method, path)  # 400: an unknown query parameter
            if (method, path) != ("get", "/health"):  # liveness answers whatever the configuration
                assert "503" in statuses, (method, path)
    paths = document["paths"]
    assert {"409", "410"} <= set(paths["/v1/media/uploads/{upload_id}/complete"]["post"]["responses"])
    for method in ("delete", "patch"):
        assert "409" in paths["/v1/posts/{post_id}"][method]["responses"]
    assert "409" in paths["/v1/posts/{post_id}/retry"]["post"]["responses"]
    cancel = paths["/v1/posts/{post_id}"]["delete"]["responses"]["409"]
    assert "`post_not_cancellable`" in cancel["description"]
    assert cancel["content"]["application/json"]["example"]["error"]["code"] == "post_not_cancellable"


def test_each_operations_own_error_codes_are_the_handlers(document):
    """ENDPOINT_ERRORS names real operations, and codes the code really answers with."""
    operations = {f"{method.upper()} {path}" for path, ops in document["paths"].items() for method in ops}
    source = "\n".join(p.read_text() for folder in ("shared", "functions") for p in (ROOT / folder).rglob("*.py")
                       if p.name != "openapi.py")
    for endpoint, statuses in openapi.ENDPOINT_ERRORS.items():
        assert endpoint in operations, endpoint
        for status, codes in statuses.items():
            assert status in openapi.ERRORS, (endpoint, status)
            for code, _ in codes:
                assert f'"{code}"' in source, f"{endpoint} {status}: no handler answers {code}"


def test_each_create_links_its_id_to_the_operations_that_take_it(document):
    """OpenAPI links (LINKS): what `make fuzz`'s stateful phase and clients follow."""
    operations = {op["operationId"]: (p, op) for p, ops in document["paths"].items() for op in ops.values()
                  if isinstance(op, dict) and "operationId" in op}
    schemas = document["components"]["schemas"]
    found = 0
    for create, (field, targets) in openapi.LINKS.items():
        method, path = create.split(" ", 1)
        success = next(r for s, r in document["paths"][path][method.lower()]["responses"].items() if s.startswith("2"))
        body = schemas[success["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]]
        assert field in body["properties"], create
        assert len(success["links"]) == len(targets), create
        for link in success["links"].values():
            target_path, target = operations[link["operationId"]]
            (parameter, expression), = link["parameters"].items()
            assert expression == f"$response.body#/{field}"
            assert f"{{{parameter}}}" in target_path
            found += 1
    assert found >= 18
