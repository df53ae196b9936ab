"""The local gateway routes exactly as firebase.json's Hosting rewrites say."""

from __future__ import annotations

from devstack.gateway import glob_to_regex, load_rewrites


def _target(path: str) -> str | None:
    for rewrite in load_rewrites():
        if rewrite.regex.match(path):
            return rewrite.function_id
    return None


def test_globs():
    assert glob_to_regex("/v1/api-keys/**").match("/v1/api-keys/abc/def")
    assert not glob_to_regex("/v1/api-keys/*").match("/v1/api-keys/abc/def")
    assert glob_to_regex("/v1/api-keys/*").match("/v1/api-keys/abc")


def test_rewrites_route_each_path_to_its_function():
    assert _target("/health") == "health"
    assert _target("/health/ready") == "health"
    assert _target("/v1/api-keys") == "apiKeys"
    assert _target("/v1/api-keys/123") == "apiKeys"
    assert _target("/v1/me") == "account"
    assert _target("/v1/something-new") == "notFound"
    assert _target("/elsewhere") is None


def test_functions_are_also_reachable_by_their_direct_url(client, stack):
    from tests.conftest import PROJECT_ID, REGION

    # As on cloudfunctions.net, the function sees the path after its own name.
    r = client.get(f"/{PROJECT_ID}/{REGION}/health/health")
    assert r.status_code == 200 and r.json()["status"] == "ok"
    r = client.get(f"/{PROJECT_ID}/{REGION}/no_such_function")
    assert r.status_code == 404 and r.json()["error"]["code"] == "not_found"
