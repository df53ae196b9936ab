"""YouTube's contract: the Data API v3 discovery document shipped in google-api-python-client.

Google's own client library carries the document it generates its methods from
(`googleapiclient/discovery_cache/documents/youtube.v3.json`); we read it from the
installed package (a dev dependency, pinned in requirements-dev.txt) rather than copy it.

What is checked, per exchange:
- the method exists at that path (media uploads at the document's `mediaUpload` paths;
  the `PUT` of a resumable session, which the document leaves to Google's resumable
  upload protocol, answers as its method does);
- every query parameter is one the method or the API as a whole declares, required ones
  are present, enums hold, and each `part` names a property of the method's resource;
- a JSON request body matches the method's request schema, with no property the schema
  lacks (the document lists every property of every resource);
- a success answer matches the response schema and holds only the parts requested (plus
  `kind`, `etag`, `id`), as the document's `part` description promises;
- an error answer has Google's JSON error shape (developers.google.com/youtube/v3/docs/errors;
  cloud.google.com/apis/design/errors), with `error.code` equal to the HTTP status.
"""

from __future__ import annotations

import json
from importlib import resources
from importlib.metadata import version as package_version

from devstack.contracts import wire
from devstack.contracts.base import Checked
from devstack.contracts.exchange import Exchange

PACKAGE = "google-api-python-client"
DOCUMENT = "discovery_cache/documents/youtube.v3.json"

# Every resource carries these whatever `part` asks for.
ALWAYS_PRESENT = {"kind", "etag", "id"}

# Google's JSON error envelope (cloud.google.com/apis/design/errors, "HTTP mapping";
# developers.google.com/youtube/v3/docs/errors lists YouTube's `reason`s).
GOOGLE_ERROR = {
    "type": "object", "required": ["error"], "additionalProperties": False,
    "properties": {"error": {
        "type": "object", "required": ["code", "message"], "additionalProperties": False,
        "properties": {
            "code": {"type": "integer"}, "message": {"type": "string"}, "status": {"type": "string"},
            "details": {"type": "array"},
            "errors": {"type": "array", "items": {
                "type": "object", "required": ["reason"], "additionalProperties": False,
                "properties": {name: {"type": "string"} for name in (
                    "message", "domain", "reason", "location", "locationType", "extendedHelp", "sendReport")}}},
        }}},
}


def _convert(schema: dict) -> dict:
    """A discovery schema as JSON Schema; objects closed to properties the document lacks."""
    if "$ref" in schema:
        return {"$ref": f"#/schemas/{schema['$ref']}"}
    kind = schema.get("type")
    if kind == "object" or "properties" in schema:
        out: dict = {"type": "object"}
        if "properties" in schema:
            out["properties"] = {name: _convert(sub) for name, sub in schema["properties"].items()}
            out["additionalProperties"] = False
        if "additionalProperties" in schema:
            out["additionalProperties"] = _convert(schema["additionalProperties"])
        return out
    if kind == "array":
        return {"type": "array", "items": _convert(schema.get("items") or {})}
    if kind in ("string", "integer", "number", "boolean"):
        out = {"type": kind}  # int64/uint64 travel as JSON strings: `type` already says so
        if "enum" in schema:
            out["enum"] = schema["enum"]
        return out
    return {}  # "any"


def _param(spec: dict) -> dict:
    schema = _convert(spec)
    return {"required": bool(spec.get("required")), "repeated": bool(spec.get("repeated")), "schema": schema}


class YouTubeContract:
    platform = "youtube"

    def __init__(self) -> None:
        document = json.loads(resources.files("googleapiclient").joinpath(DOCUMENT).read_text())
        self.document = document
        self.version = f"{document['version']} revision {document['revision']}"
        self.source = f"{PACKAGE} {package_version(PACKAGE)}: googleapiclient/{DOCUMENT}"
        self.schemas = {name: _convert(schema) for name, schema in document["schemas"].items()}
        self.validator = wire.validator({"schemas": self.schemas})
        self.global_params = {name: _param(spec) for name, spec in document["parameters"].items()}
        self.methods: dict[tuple[str, str], dict] = {}
        for resource, body in document["resources"].items():
            for name, method in body.get("methods", {}).items():
                # Converted once here, not per exchange: its query parameters (with the API's
                # global ones) and its request and response schemas as JSON Schema.
                method = dict(method, name=f"youtube.{resource}.{name}",
                              query={param: _param(spec) for param, spec in method.get("parameters", {}).items()
                                     if spec.get("location") == "query"} | self.global_params,
                              request_schema=_convert(method["request"]) if method.get("request") else None,
                              response_schema=_convert(method["response"]) if method.get("response") else None)
                self.methods[(method["httpMethod"], "/" + method["path"])] = method
                for protocol in (method.get("mediaUpload") or {}).get("protocols", {}).values():
                    self.methods[(method["httpMethod"], protocol["path"])] = dict(method, upload=True)

    def _method(self, exchange: Exchange) -> tuple[dict, bool] | None:
        """(method, whether this is the PUT of a resumable upload session)."""
        found = self.methods.get((exchange.method, exchange.path))
        if found is not None:
            return found, False
        if exchange.method == "PUT" and "upload_id" in exchange.query:
            # Resumable upload (developers.google.com/youtube/v3/guides/using_resumable_upload_protocol):
            # the session URI is the POST's path with `upload_id` added; its last PUT answers
            # as the method does.
            initiated = self.methods.get(("POST", exchange.path))
            if initiated is not None and initiated.get("upload"):
                return initiated, True
        return None

    def _resource_schema(self, method: dict) -> tuple[str, dict] | None:
        """The resource a method's `part` names properties of: its request's, or its list's items'."""
        ref = (method.get("request") or method.get("response") or {}).get("$ref")
        if not ref:
            return None
        schema = self.document["schemas"][ref]
        items = schema.get("properties", {}).get("items", {}).get("items", {}).get("$ref")
        name = items or ref
        return name, self.document["schemas"][name]

    def check(self, exchange: Exchange) -> Checked | None:
        found = self._method(exchange)
        if found is None:
            return None
        method, session = found
        checked = Checked(operation=method["name"] + (" (resumable upload)" if session else ""))
        declared = method["query"]
        if session:
            # The session URI carries the POST's own query plus `upload_id`; nothing is required again.
            declared = {name: dict(spec, required=False) for name, spec in declared.items()}
            declared["upload_id"] = {"required": True, "schema": {"type": "string"}}
        checked.request += wire.params_errors(self.validator, declared, exchange.query, "query")
        parts = self._parts(method, exchange, checked)
        if not session and method.get("request") and exchange.content_type == "application/json":
            checked.request += wire.schema_errors(self.validator, method["request_schema"], exchange.body, "body")
        self._check_response(method, exchange, parts, checked)
        return checked

    def _parts(self, method: dict, exchange: Exchange, checked: Checked) -> set[str] | None:
        requested = [p.strip() for raw in exchange.query.get("part", []) for p in raw.split(",")]
        resource = self._resource_schema(method)
        if not requested or resource is None:
            return None
        name, schema = resource
        known = set(schema.get("properties", {})) - ALWAYS_PRESENT
        for part in requested:
            if part not in known:
                checked.request.append(f"part {part!r} is not a part of {name} ({', '.join(sorted(known))})")
        return set(requested)

    def _check_response(self, method: dict, exchange: Exchange, parts: set[str] | None, checked: Checked) -> None:
        if exchange.response_raw is None:
            checked.messages = 1
            return
        status = exchange.status
        if status >= 400:
            if exchange.response_body is None:
                checked.response.append(f"a {exchange.response_type or 'bodiless'} error where Google answers JSON")
                return
            checked.response += wire.schema_errors(self.validator, GOOGLE_ERROR, exchange.response_body, "error")
            code = (exchange.response_body.get("error") or {}).get("code") if isinstance(exchange.response_body, dict) else None
            if isinstance(code, int) and code != status:
                checked.response.append(f"error.code {code} differs from the HTTP status {status}")
            return
        if status == 308:  # resumable upload: more bytes wanted, no body
            return
        if method.get("upload") and exchange.method == "POST" and exchange.query.get("uploadType") == ["resumable"]:
            # Starting a resumable session answers 200, an empty body and the session URI in
            # `Location` (developers.google.com/youtube/v3/guides/using_resumable_upload_protocol, step 1).
            if status != 200:
                checked.response.append(f"status {status} where starting a resumable session answers 200")
            if exchange.response_raw:
                checked.response.append("a body where starting a resumable session answers none")
            if "upload_id=" not in exchange.response_headers.get("Location", ""):
                checked.response.append("no session URI with upload_id in Location")
            return
        response = method["response_schema"]
        if response is None:
            if exchange.response_raw:
                checked.response.append(f"a body on a {status} where the method returns none")
            if status != 204:
                checked.response.append(f"status {status} where the method answers 204 No Content")
            return
        if exchange.response_body is None:
            checked.response.append(f"a {exchange.response_type or 'bodiless'} answer where the method returns JSON")
            return
        checked.response += wire.schema_errors(self.validator, response, exchange.response_body, "answer")
        if parts is not None:
            body = exchange.response_body
            resources_ = body.get("items", []) if "items" in body and "items" not in parts else [body]
            for index, resource in enumerate(resources_):
                extra = set(resource) - parts - ALWAYS_PRESENT if isinstance(resource, dict) else set()
                if extra:
                    where = "answer" if resource is body else f"answer/items/{index}"
                    checked.response.append(f"{where}: parts not requested: {', '.join(sorted(extra))}")
