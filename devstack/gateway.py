"""The local gateway: every function of main.py behind one base URL.

Public routes follow the Hosting rewrites in firebase.json, read at start-up,
so local routing cannot drift from production (a test keeps them equal to
shared/web/routes.py, the table the `api` function routes with). Every function
is also served at `/{project}/{region}/{function}` (the Functions emulator's URL
shape): that is where Cloud Tasks and the scheduler reach task and scheduled
functions, and where the `api` function serves every public route
(`/{project}/{region}/api/v1/me`), as on cloudfunctions.net.
"""

from __future__ import annotations

import threading
from typing import Callable

import flask
from werkzeug.exceptions import NotFound
from werkzeug.serving import BaseWSGIServer, make_server

from shared.errors import NotFoundError
from shared.web.api import request_id_for
from shared.web.responses import error_response, finish
from shared.web.routes import Rewrite, glob_to_regex, load_rewrites  # noqa: F401 - re-exported


def discover_functions() -> dict[str, Callable]:
    """Every Firebase function that main.py exports, keyed by its deployed id."""
    import main

    found = {}
    for value in vars(main).values():
        endpoint = getattr(value, "__firebase_endpoint__", None)
        if endpoint is not None:
            found[endpoint.entryPoint] = value
    return found


def _function_app(function_id: str, function: Callable) -> flask.Flask:
    """A WSGI app that hands every request to one function, as functions-framework does."""
    app = flask.Flask(f"fn-{function_id}")
    methods = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"]

    @app.route("/", defaults={"path": ""}, methods=methods)
    @app.route("/<path:path>", methods=methods)
    def run(path: str) -> flask.Response:
        return flask.make_response(function(flask.request))

    # As in production (functions/not_found.py registers it with functions-framework).
    from functions.not_found import unroutable

    app.register_error_handler(NotFound, unroutable)
    return app


def _not_found(environ, start_response):
    request = flask.Request(environ)
    request_id = request_id_for(request)
    error = NotFoundError(f"No route for {request.method} {request.path}")
    return finish(error_response(error, request_id), request_id)(environ, start_response)


def build_app(project_id: str, region: str, functions: dict[str, Callable] | None = None,
              rewrites: list[Rewrite] | None = None):
    functions = functions if functions is not None else discover_functions()
    rewrites = rewrites if rewrites is not None else load_rewrites()
    missing = {r.function_id for r in rewrites} - set(functions)
    if missing:
        raise RuntimeError(f"firebase.json rewrites name functions main.py does not export: {missing}")
    apps = {name: _function_app(name, fn) for name, fn in functions.items()}
    direct_prefix = f"/{project_id}/{region}/"

    def gateway(environ, start_response):
        path = environ.get("PATH_INFO") or "/"
        for rewrite in rewrites:
            if rewrite.regex.match(path):
                # Hosting passes the full path through to the function.
                return apps[rewrite.function_id](environ, start_response)
        if path.startswith(direct_prefix):
            function_id, _, rest = path[len(direct_prefix):].partition("/")
            if function_id in apps:
                # A function's own URL: it sees only the path after its name.
                environ["SCRIPT_NAME"] = environ.get("SCRIPT_NAME", "") + direct_prefix + function_id
                environ["PATH_INFO"] = "/" + rest
                return apps[function_id](environ, start_response)
        return _not_found(environ, start_response)

    return gateway


class Gateway:
    """The gateway served by werkzeug on a background thread."""

    def __init__(self, app, port: int, host: str = "127.0.0.1") -> None:
        self.server: BaseWSGIServer = make_server(host, port, app, threaded=True)
        self.thread = threading.Thread(target=self.server.serve_forever, name="gateway", daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://{self.server.host}:{self.server.port}"

    def start(self) -> "Gateway":
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
