"""HTTP function `notFound`: the catch-all for `/v1/**` paths no other function owns.

Without it Firebase Hosting would answer unknown API paths with an HTML page;
callers get the spec's JSON `not_found` envelope instead.
"""

from __future__ import annotations

from firebase_functions import https_fn

import flask
import functions_framework
from werkzeug.exceptions import NotFound

from shared.web.api import Api

api = Api("notFound")  # no routes: every request becomes 404 not_found


def unroutable(error: NotFound) -> flask.Response:
    """A path functions-framework's own router cannot match (one holding a newline, say)
    would get its HTML 404; every function answers with the JSON envelope instead."""
    return api.handle(flask.request)


# Registered on the function's Flask app while functions-framework imports main.py
# (a no-op anywhere else, e.g. during deploy discovery). The local gateway does the same.
functions_framework.errorhandler(NotFound)(unroutable)


@https_fn.on_request()
def notFound(request: https_fn.Request) -> https_fn.Response:
    return api.handle(request)
