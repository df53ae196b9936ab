"""A contract read from facts recorded off a platform's published spec (`facts/*.json`).

The file format is described in devstack/contracts/__init__.py. Operations are matched
by method and path; where two templates match (`/{version}/me/accounts` and
`/{version}/{node}/{edge}`), the one with more literal segments wins, as routers do.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from devstack.contracts import wire
from devstack.contracts.base import Checked
from devstack.contracts.exchange import Exchange

FACTS = Path(__file__).resolve().parent / "facts"


class RecordedContract:
    def __init__(self, path: Path) -> None:
        self.facts = json.loads(path.read_text())
        self.platform: str = self.facts["platform"]
        self.source: str = self.facts["source"]
        self.version: str = self.facts.get("version", "")
        self.validator = wire.validator(self.facts)
        self._routes = []
        for key, operation in self.facts["operations"].items():
            method, template = key.split(" ", 1)
            segments = template.strip("/").split("/")
            pattern = "^/" + "/".join("[^/]+" if s.startswith("{") else re.escape(s) for s in segments) + "/?$"
            literals = sum(not s.startswith("{") for s in segments)
            self._routes.append((method, re.compile(pattern), literals, key, operation))
        self._routes.sort(key=lambda route: -route[2])

    def _operation(self, method: str, path: str):
        for route_method, pattern, _, key, operation in self._routes:
            if route_method == method and pattern.match(path):
                return key, operation
        return None

    def check(self, exchange: Exchange) -> Checked | None:
        found = self._operation(exchange.method, exchange.path)
        if found is None:
            return None
        key, operation = found
        checked = Checked(operation=key)
        checked.request += wire.params_errors(self.validator, operation.get("query") or {}, exchange.query, "query")
        if exchange.form is not None:
            declared = operation.get("form")
            if declared is None:
                checked.request.append("a form-encoded body, which the contract does not take here")
            else:
                checked.request += wire.params_errors(self.validator, declared, exchange.form, "form")
        request = operation.get("request")
        if request is not None and exchange.form is None:
            # `also`: other media types the operation takes for the same JSON body (Discord's
            # multipart with `payload_json`; exchange.MULTIPART_JSON reads it out).
            accepted = [request["content_type"], *request.get("also", [])] if request.get("content_type") else []
            if accepted and exchange.content_type not in accepted:
                checked.request.append(f"Content-Type {exchange.content_type or 'none'}, "
                                       f"the contract says {' or '.join(accepted)}")
            elif exchange.body is None and request.get("required", True):
                checked.request.append("no JSON body, which the contract requires")
            elif exchange.body is not None:
                checked.request += wire.schema_errors(self.validator, request.get("schema") or {}, exchange.body, "body")
        self._check_response(operation, exchange, checked)
        return checked

    def _check_response(self, operation: dict, exchange: Exchange, checked: Checked) -> None:
        if exchange.response_raw is None:
            checked.messages = 1
            return
        responses = operation.get("responses") or {}
        status = str(exchange.status)
        # By key, not truthiness: `{}` (a status with no body described: a 204, Discord's 5XX) is listed.
        key = next((k for k in (status, status[0] + "XX", "default") if k in responses), None)
        spec = responses[key] if key is not None else None
        if spec is None:
            checked.response.append(f"status {status} is not one the contract lists ({', '.join(sorted(responses))})")
            return
        # An answer in another JSON media type has its own schema (X: application/problem+json).
        schema = ((spec.get("content") or {}).get(exchange.response_type) or {}).get("schema") or spec.get("schema")
        if not schema:
            return
        if exchange.response_body is None:
            checked.response.append(f"a {exchange.response_type or 'bodiless'} answer where the contract has JSON")
            return
        checked.response += wire.schema_errors(self.validator, schema, exchange.response_body, "answer")
