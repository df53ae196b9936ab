"""Hosting's rules that Soku's own code must hold (docs/hosting.md lists them with sources).

Hosting removes `Set-Cookie` from a function answer that is not `private`, caches what is
`public` without varying on `soku-api-key`, and serves a static file before any rewrite. The
Chromium tests (tests/test_console.py) show the cookie through the CLI's Hosting; these hold
the mechanisms themselves, for every route at once.
"""

from __future__ import annotations

from flask import Response

from shared.web.responses import finish
from shared.web.routes import function_for
from tests.conftest import ROOT


def test_an_answer_that_sets_a_cookie_is_private_whatever_the_route_said():
    for said, expected in (("no-store", "private, no-store"), ("public, max-age=60", "private, max-age=60"),
                           ("private, no-store", "private, no-store")):
        response = Response("page", headers={"Cache-Control": said})
        response.set_cookie("__session", "flow.secret", httponly=True)
        assert finish(response, "req-1").headers["Cache-Control"] == expected, said
    assert finish(Response("page"), "req-2").headers["Cache-Control"] == "no-store"  # no cookie: as it was


def test_an_authenticated_callers_answer_is_never_shareable(client, demo, stack):
    me = client.get("/v1/me", headers=demo.key_headers)
    assert me.status_code == 200 and me.headers["Cache-Control"] == "private, no-store"
    account = client.get("/v1/accounts", headers=demo.bearer)
    assert account.status_code == 200 and account.headers["Cache-Control"] == "private, no-store"
    # The same for everyone: shareable, as before.
    assert client.get("/v1/openapi.json").headers["Cache-Control"] == "public, max-age=300"


def test_no_static_file_shadows_a_route():
    """Hosting serves a file under hosting/public before any rewrite (its priority order)."""
    public = ROOT / "hosting/public"
    paths = ["/" + p.relative_to(public).as_posix() for p in public.rglob("*") if p.is_file()]
    assert "/console/index.html" in paths and "/docs/index.html" in paths
    shadowing = [p for p in paths if function_for(p) is not None or p.startswith("/__/")]
    assert not shadowing, shadowing
