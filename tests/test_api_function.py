"""The `api` function: the spec's base URL (`https://<region>-<project>.cloudfunctions.net/api`)
serves every public route exactly as the Hosting domain does. First, the table it routes with."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from shared.web import routes

ROOT = Path(__file__).resolve().parent.parent


# -- one routing table ------------------------------------------------------------------

def test_firebase_json_rewrites_are_the_routing_table():
    """Hosting (firebase.json) and the api function (shared/web/routes.py) route alike:
    same sources, same order, same function ids and region."""
    rewrites = json.loads((ROOT / "firebase.json").read_text())["hosting"]["rewrites"]
    assert rewrites == routes.hosting_rewrites(), (
        "firebase.json hosting.rewrites differ from shared/web/routes.py REWRITES; they must be:\n"
        + json.dumps(routes.hosting_rewrites(), indent=2))


@pytest.mark.parametrize("path", ["/v1/me", "/v1/posts", "/v1/media/render-og", "/v1/templates/saved/x",
                                  "/oauth/x/callback", "/media/a.png", "/v1/nope", "/health/ready"])
def test_api_routes_each_path_as_hosting_does(path):
    from devstack.gateway import load_rewrites

    hosting = next((r.function_id for r in load_rewrites() if r.regex.match(path)), None)
    assert routes.function_for(path) == hosting is not None
