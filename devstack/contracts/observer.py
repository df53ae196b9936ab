"""Installs the contract checks on the sandboxes' Flask app: every API exchange is checked.

The request body is read before the route runs (`get_data(cache=True)`: werkzeug then
parses forms and JSON from that cache, so routes see the same bytes); the answer after.
A checker that itself fails records a violation rather than breaking the sandbox: a test
must not pass because its contract could not be read.
"""

from __future__ import annotations

import flask

from devstack.contracts import registry
from devstack.contracts.exchange import MAX_BODY_CHECKED, MULTIPART_JSON, Exchange, parse_json, platform_and_path
from devstack.contracts.ledger import LEDGER, Ledger

_READ_BODY = ("application/json", "application/x-www-form-urlencoded")


def _media_type(value: str | None) -> str:
    return (value or "").split(";", 1)[0].strip().lower()


def install(app: flask.Flask, ledger: Ledger = LEDGER) -> None:
    @app.before_request
    def _keep_request_body() -> None:
        length = flask.request.content_length or 0
        if _media_type(flask.request.content_type) in _READ_BODY and length <= MAX_BODY_CHECKED:
            flask.request.get_data(cache=True)

    @app.after_request
    def _check(response: flask.Response) -> flask.Response:
        located = platform_and_path(flask.request.path)
        if located is not None:
            try:
                _observe(ledger, *located, flask.request, response)
            except Exception as error:  # the checker's own bug: visible, never silent
                ledger.record_violation(located[0], "?", f"{located[0]} {flask.request.method} {located[1]}",
                                        "checker", f"contract check failed: {error!r}")
        return response


def exchange_of(platform: str, path: str, request: flask.Request, response: flask.Response) -> Exchange:
    content_type = _media_type(request.content_type)
    body = form = None
    if content_type == "application/json":
        body = parse_json(request.get_data(cache=True))
    elif content_type == "application/x-www-form-urlencoded":
        form = {name: request.form.getlist(name) for name in request.form}
    elif content_type == "multipart/form-data" and platform in MULTIPART_JSON:
        # The route parsed the form already (werkzeug caches it): its JSON field is the body.
        field = request.form.get(MULTIPART_JSON[platform])
        body = parse_json(field.encode()) if field is not None else None
    raw = None
    if not response.is_streamed and (response.content_length or 0) <= MAX_BODY_CHECKED:
        raw = response.get_data()
    response_type = _media_type(response.content_type)
    return Exchange(
        platform=platform, method=request.method, path=path,
        query={name: request.args.getlist(name) for name in request.args},
        content_type=content_type, body=body, form=form, status=response.status_code,
        response_type=response_type, response_raw=raw, response_headers=dict(response.headers),
        response_body=parse_json(raw) if response_type.endswith("json") else None,
    )


def _observe(ledger: Ledger, platform: str, path: str, request: flask.Request, response: flask.Response) -> None:
    contract = registry.contract_for(platform)
    call = f"{request.method} {path}"
    if contract is None:
        ledger.record_uncovered(platform, registry.generalise(call))
        return
    exchange = exchange_of(platform, path, request, response)
    checked = contract.check(exchange)
    if checked is None:
        ledger.record_uncovered(platform, registry.generalise(call))
        return
    ledger.record_checked(platform, checked.operation, checked.messages)
    for side, messages in (("request", checked.request), ("response", checked.response)):
        for message in messages:
            ledger.record_violation(platform, checked.operation, exchange.describe(), side, message)
