"""The `api` function: the spec's base URL (`https://<region>-<project>.cloudfunctions.net/api`)
serves every public route exactly as the Hosting domain does.

Through the test stack's gateway the function's own URL is `/{project}/{region}/api/...`
and, as on cloudfunctions.net, the function sees only the path after its name."""

from __future__ import annotations

import json
import re
from pathlib import Path

import flask
import pytest
from werkzeug.test import EnvironBuilder

from shared.web import routes
from tests.conftest import PROJECT_ID, REGION
from tests.connecting import authorize, consent, new_subject
from tests.envelope import assert_error
from tests.posting import body

ROOT = Path(__file__).resolve().parent.parent
API = f"/{PROJECT_ID}/{REGION}/api"
RATE_HEADERS = ("X-RateLimit-Limit", "X-RateLimit-Tier")


# -- one routing table ------------------------------------------------------------------

def test_firebase_json_rewrites_are_the_routing_table():
    """Hosting (firebase.json) and the api function (shared/web/routes.py) route alike:
    same sources, same order, same function ids and region."""
    rewrites = json.loads((ROOT / "firebase.json").read_text())["hosting"]["rewrites"]
    assert rewrites == routes.hosting_rewrites(), (
        "firebase.json hosting.rewrites differ from shared/web/routes.py REWRITES; they must be:\n"
        + json.dumps(routes.hosting_rewrites(), indent=2))


def test_every_public_function_is_routed_and_served_by_api():
    import main
    from functions.api import ROUTED

    http = {value.__firebase_endpoint__.entryPoint for value in vars(main).values()
            if getattr(getattr(value, "__firebase_endpoint__", None), "httpsTrigger", None) is not None}
    assert "api" in http
    assert set(routes.function_ids()) == http - {"api"}
    assert set(ROUTED) == set(routes.function_ids())


def test_api_fits_the_most_demanding_function_it_serves():
    """Longest timeout, most memory and CPU, fewest concurrent requests, every secret."""
    import main

    endpoints = [getattr(main, function_id).__firebase_endpoint__ for function_id in routes.function_ids()]
    own = main.api.__firebase_endpoint__

    def declared(attr):
        return [v for e in endpoints if isinstance(v := getattr(e, attr), int)]

    assert own.timeoutSeconds == max(declared("timeoutSeconds")) >= 540
    assert own.availableMemoryMb == max(declared("availableMemoryMb")) >= 1024
    assert own.cpu == max(declared("cpu"))
    assert own.concurrency == min(declared("concurrency"))
    secrets = {s["key"] for e in endpoints if isinstance(e.secretEnvironmentVariables, list)
               for s in e.secretEnvironmentVariables}
    assert "OPENAI_API_KEY" in secrets
    assert {s["key"] for s in own.secretEnvironmentVariables} == secrets


# -- where the function is mounted ------------------------------------------------------

def _request(url: str, **environ) -> flask.Request:
    base, _, path = url.partition("/v1")
    return flask.Request(EnvironBuilder(path="/v1" + path, base_url=base, environ_overrides=environ).get_environ())


def test_public_root_on_cloudfunctions_net_emulator_and_gateway(monkeypatch, stack):
    from functions.api import public_root

    monkeypatch.delenv("FUNCTIONS_EMULATOR", raising=False)
    # cloudfunctions.net strips /api: the function gets /v1/me and no script root.
    assert public_root(_request("https://us-central1-p.cloudfunctions.net/v1/me")) == \
        "https://us-central1-p.cloudfunctions.net/api"
    # The function's run.app URL serves the routes at its root.
    assert public_root(_request("https://api-abc-uc.a.run.app/v1/me")) == "https://api-abc-uc.a.run.app/"
    # The local gateway mounts it and says where (SCRIPT_NAME).
    assert public_root(_request(f"http://127.0.0.1:8080{API}/v1/me")).rstrip("/") == f"http://127.0.0.1:8080{API}"
    # The Firebase CLI's emulator strips /{project}/{region}/api and says nothing.
    monkeypatch.setenv("FUNCTIONS_EMULATOR", "true")
    assert public_root(_request("http://127.0.0.1:5001/v1/me")) == f"http://127.0.0.1:5001/{PROJECT_ID}/{REGION}/api"


# -- same behaviour through both doors --------------------------------------------------

def _same(hosting, through_api, status: int) -> None:
    assert hosting.status_code == through_api.status_code == status, (hosting.text, through_api.text)
    assert hosting.headers["content-type"] == through_api.headers["content-type"]
    assert hosting.json().keys() == through_api.json().keys()


def test_me_health_and_errors_answer_alike(client, user):
    hosting = client.get("/v1/me", headers=user.key_headers)
    through_api = client.get(f"{API}/v1/me", headers=user.key_headers)
    _same(hosting, through_api, 200)
    assert through_api.json() == hosting.json()
    for name in RATE_HEADERS:  # the same limiter, the same caller
        assert through_api.headers[name] == hosting.headers[name]

    _same(client.get("/health"), client.get(f"{API}/health"), 200)
    assert client.get(f"{API}/health").json()["status"] == "ok"
    _same(client.get("/health/ready"), client.get(f"{API}/health/ready"), 200)

    # Unknown /v1 paths: the notFound function's envelope.
    _same(client.get("/v1/nope", headers=user.key_headers), client.get(f"{API}/v1/nope", headers=user.key_headers), 404)
    assert_error(client.get(f"{API}/v1/nope"), 404, "not_found")
    # Outside every rewrite (Hosting would serve a static page): still the JSON envelope.
    assert_error(client.get(f"{API}/nope"), 404, "not_found")
    assert_error(client.get(f"{API}/"), 404, "not_found")
    # Auth and method errors come from the routed function's pipeline.
    _same(client.get("/v1/me"), client.get(f"{API}/v1/me"), 401)
    error = assert_error(client.put(f"{API}/v1/me", headers=user.key_headers), 405, "method_not_allowed")
    assert error["requestId"]


def test_request_ids_are_kept(client):
    r = client.get(f"{API}/health", headers={"X-Request-ID": "req-through-api-1"})
    assert r.headers["X-Request-ID"] == "req-through-api-1"


def test_public_routes_outside_v1(client, user):
    assert client.get(f"{API}/v1/openapi.json").json()["openapi"].startswith("3.")
    assert client.get(f"{API}/v1/templates").status_code == 200
    # /media/** reaches mediaFiles, /oauth/** the callback (both with their own errors).
    assert_error(client.get(f"{API}/media/nothing-here.png"), 404, "not_found")
    r = client.get(f"{API}/oauth/x/callback")
    assert r.status_code == client.get("/oauth/x/callback").status_code


def test_a_post_created_through_api(client, demo):
    r = client.post(f"{API}/v1/posts", headers=demo.key_headers,
                    json=body([{"platform": "x", "accountId": "x_main"}], "Through the api function"))
    assert r.status_code == 201, r.text
    sid = r.json()["postSubmissionId"]
    # Readable through both doors.
    assert client.get(f"{API}/v1/posts/{sid}", headers=demo.key_headers).json()["id"] == sid
    assert client.get(f"/v1/posts/{sid}", headers=demo.key_headers).json()["id"] == sid


def test_oauth_started_through_api_returns_through_api(client, user, stack):
    """The redirect URI points at the api function's own callback route, and it works."""
    subject = new_subject()
    start = client.post(f"{API}/v1/connections/x/start", headers=user.key_headers)
    assert start.status_code == 200, start.text
    assert start.json()["redirectUri"] == f"{stack.base_url}{API}/oauth/x/callback"
    # Through Hosting the callback stays at the origin's root.
    hosting = client.post("/v1/connections/x/start", headers=user.key_headers)
    assert hosting.json()["redirectUri"] == f"{stack.base_url}/oauth/x/callback"

    assert start.json()["authorizeUrl"].startswith(f"{stack.base_url}{API}/oauth/x/begin?")
    answer = consent(authorize(client, start), user=subject)  # begin, in this browser, through api too
    assert answer.status_code in (302, 303), answer.text
    assert answer.headers["location"].startswith(f"{stack.base_url}{API}/oauth/x/callback?")
    callback = client.get(answer.headers["location"], follow_redirects=False)
    assert callback.status_code == 200, callback.text
    assert f"x_{subject}" in callback.text


def test_globs_match_paths_as_the_hosting_emulators_minimatch_does():
    """Hosting matches rewrite sources with minimatch (superstatic); ours must agree, dot
    segments included (`**` never takes a segment that starts with a dot)."""
    import shutil
    import subprocess

    superstatic = ROOT / "devstack" / "node" / "node_modules" / "superstatic"
    if shutil.which("node") is None or not superstatic.exists():
        pytest.skip("needs node and the Firebase CLI's superstatic under devstack/node (make tools)")
    paths = ["/v1/posts", "/v1/posts/", "/v1/posts/a", "/v1/posts/a/b", "/v1/posts/.a", "/v1/posts/a/.b",
             "/v1/posts/a.b", "/v1/posts/..", "/v1/posts/a\nb", "/v1/posts//a", "/health", "/health/ready",
             "/v1/x/.y/z", "/media/a.png", "/media/.a.png", "/v1/media/render-og"]
    globs = sorted({source for source, _ in routes.REWRITES})
    regexes = [regex for regex, _ in routes.DOTTED_TWINS]
    # Globs through minimatch; the regex twins through JavaScript's unicode RegExp, superstatic's
    # fallback when RE2 is not installed (it is stricter about escapes than RE2 or Python).
    script = ("const m = require(require.resolve('minimatch', {paths: [process.argv[1]]}));"
              "const [paths, globs, regexes] = [2, 3, 4].map(i => JSON.parse(process.argv[i]));"
              "console.log(JSON.stringify([globs.map(g => paths.map(p => m(p, g))),"
              " regexes.map(r => paths.map(p => p.match(new RegExp(r, 'u')) !== null))]));")
    out = subprocess.run(["node", "-e", script, str(superstatic), json.dumps(paths), json.dumps(globs),
                          json.dumps(regexes)], capture_output=True, text=True, check=True).stdout
    their_globs, their_regexes = json.loads(out)
    ours = [[bool(routes.glob_to_regex(glob).match(path)) for path in paths] for glob in globs]
    for glob, mine, hosting in zip(globs, ours, their_globs):
        assert mine == hosting, (glob, [p for p, a, b in zip(paths, mine, hosting) if a != b])
    ours = [[bool(re.match(regex, path)) for path in paths] for regex in regexes]
    for regex, mine, hosting in zip(regexes, ours, their_regexes):
        assert mine == hosting, (regex, [p for p, a, b in zip(paths, mine, hosting) if a != b])


def test_a_path_segment_starting_with_a_dot_reaches_the_function_of_its_prefix(client, user):
    # minimatch's `**` does not take `.x`: the regex twins of the globs route it instead.
    assert routes.function_for("/v1/posts/.x") == "posts" and routes.function_for("/v1/.x") == "notFound"
    r = client.delete("/v1/posts/.%14x", headers=user.key_headers)
    assert r.status_code == 404 and r.headers["content-type"].startswith("application/json"), r.text
    assert r.json()["error"]["code"] == "not_found" and r.headers.get("X-Request-ID")
    # An id that could never exist is the media function's own 404, in the envelope.
    r = client.delete("/v1/media/...", headers=user.key_headers)
    assert r.status_code == 404 and r.json()["error"]["code"] == "not_found"


@pytest.mark.parametrize("path", ["/v1/me", "/v1/posts", "/v1/media/render-og", "/v1/templates/saved/x",
                                  "/oauth/x/callback", "/media/a.png", "/v1/nope", "/health/ready",
                                  "/v1/posts/.hidden"])
def test_api_routes_each_path_as_hosting_does(path):
    from devstack.gateway import load_rewrites

    hosting = next((r.function_id for r in load_rewrites() if r.regex.match(path)), None)
    assert routes.function_for(path) == hosting is not None
