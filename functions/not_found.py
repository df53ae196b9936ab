"""HTTP function `not_found`: the catch-all for `/v1/**` paths no other function owns.

Without it Firebase Hosting would answer unknown API paths with an HTML page;
callers get the spec's JSON `not_found` envelope instead.
"""

from __future__ import annotations

from firebase_functions import https_fn

from shared.web.api import Api

api = Api("not_found")  # no routes: every request becomes 404 not_found


@https_fn.on_request()
def not_found(request: https_fn.Request) -> https_fn.Response:
    return api.handle(request)
