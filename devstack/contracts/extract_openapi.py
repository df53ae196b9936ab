"""Record the facts of an OpenAPI 3.x document that our sandboxes are checked against (issue 37).

Reads a platform's published OpenAPI document and writes `facts/<platform>.json` in the format
`devstack/contracts/__init__.py` describes: for each named operation, its query parameters, its
request body (form fields for form-encoded and multipart bodies), and the JSON schemas of its
responses, with every `#/components/schemas/...` reference they reach copied into the file's own
`schemas` and rewritten to `#/schemas/Name`. Prose (`description`, `summary`, `title`,
`example(s)`, `externalDocs`) and extensions (`x-*`) are dropped; OpenAPI-only keywords
(`discriminator`, `xml`) too. An OpenAPI 3.0 document's `nullable: true` becomes a type list
(or an `anyOf` with `{"type": "null"}` where the schema has no `type`), its boolean
`exclusiveMinimum`/`exclusiveMaximum` the 2020-12 numeric form, and the siblings of a `$ref`
(which 3.0 ignores) are dropped. The output is deterministic: sorted keys, indent 1.

Usage:

    python -m devstack.contracts.extract_openapi SPEC.json --platform x \\
        --source https://github.com/<owner>/<repo>/blob/<commit>/<path> \\
        --operation "POST /2/tweets" --operation "POST /2/media/upload/{id}/append multipart/form-data" \\
        --uncovered "POST /2/oauth2/token=why it has no contract" \\
        --out devstack/contracts/facts/x.json

An `--operation` may name the request content type after the path; without one the
operation's `application/json` body is recorded (or its only one). `--uncovered` entries are
written to a top-level `"uncovered"` object. X's facts were made with

    git --git-dir=<xdevplatform/xdk clone> show 84c26540df30c0b798e50e34151c56d5d262ba1c:specs/openapi.json \\
        > /tmp/x-openapi.json
    python -m devstack.contracts.extract_openapi /tmp/x-openapi.json --preset x \\
        --source https://github.com/xdevplatform/xdk/blob/84c26540df30c0b798e50e34151c56d5d262ba1c/specs/openapi.json \\
        --out devstack/contracts/facts/x.json

Pinterest's with

    git --git-dir=<pinterest/api-description clone> show c05b18971472342ebdf4bafc15fea8a91c78bf79:v5/openapi.json \\
        > /tmp/pinterest-openapi.json
    python -m devstack.contracts.extract_openapi /tmp/pinterest-openapi.json --preset pinterest \\
        --source https://github.com/pinterest/api-description/blob/c05b18971472342ebdf4bafc15fea8a91c78bf79/v5/openapi.json \\
        --out devstack/contracts/facts/pinterest.json

and Discord's with

    git --git-dir=<discord/discord-api-spec clone> show 74fda0fad044407ea280043a03ffc9bc64c4e49e:specs/openapi.json \\
        > /tmp/discord-openapi.json
    python -m devstack.contracts.extract_openapi /tmp/discord-openapi.json --preset discord \\
        --source https://github.com/discord/discord-api-spec/blob/74fda0fad044407ea280043a03ffc9bc64c4e49e/specs/openapi.json \\
        --out devstack/contracts/facts/discord.json
"""

from __future__ import annotations

import argparse
import copy
import json
import sys
from pathlib import Path
from typing import Any

HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
PROSE = {"description", "summary", "title", "example", "examples", "externalDocs", "discriminator", "xml",
         "$comment"}
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
RESPONSE_TYPE = "application/json"
# Keywords whose value is one schema / a list of schemas / a map of name → schema.
ONE_SCHEMA = ("items", "not", "additionalProperties", "contains", "propertyNames", "if", "then", "else",
              "unevaluatedItems", "unevaluatedProperties")
SCHEMA_LIST = ("allOf", "anyOf", "oneOf", "prefixItems")
SCHEMA_MAP = ("properties", "patternProperties", "dependentSchemas", "$defs")

# What our code calls on each platform that publishes an OpenAPI document, and what it calls that
# the document has no contract for. `--preset x` fills in `--platform`, `--operation` and
# `--uncovered`; `--source` still names the document read (repository, commit, path).
PRESETS: dict[str, dict[str, Any]] = {
    "x": {
        "operations": [
            "POST /2/tweets", "DELETE /2/tweets/{id}", "GET /2/tweets/{id}",
            "GET /2/users/me", "GET /2/users/{id}", "GET /2/users/{id}/tweets",
            "POST /2/media/upload/initialize",
            "POST /2/media/upload/{id}/append multipart/form-data",  # we send the segment as a file part
            "POST /2/media/upload/{id}/finalize", "GET /2/media/upload",
            "POST /2/media/metadata",  # an image's alt text
        ],
        "uncovered": {
            "POST /2/oauth2/token": "not an operation of the API v2 OpenAPI document: it names this URL only as "
                                    "the OAuth2UserToken security scheme's tokenUrl (RFC 6749 token endpoint)",
            "POST /2/oauth2/revoke": "not in the API v2 OpenAPI document (RFC 7009 revocation endpoint)",
            "GET /i/oauth2/authorize": "x.com's consent page (a browser page, not the API; the sandbox serves it "
                                       "at /x/web/i/oauth2/authorize); the document's security scheme names "
                                       "api.x.com/2/oauth2/authorize as the authorizationUrl",
            "GET /i/web/status/{id}": "x.com's page for a post (a browser page, not the API)",
        },
        "errata": [{
            # X's edge answers what it refuses before the API itself (a bad token 401, a rate
            # limit 429, an outage 503, duplicate content 403) with a generic RFC 7807 problem:
            # {"title": "Too Many Requests", "type": "about:blank", "status": 429, "detail": ...}.
            # X's own earlier contract named it (GenericProblem: Problem {title, type required;
            # detail, status}); 2.167 dropped it from Problem's oneOf, so every such real answer
            # would break the document.
            "why": "X's generic problem (type about:blank, RFC 7807 section 4.2), which X's earlier "
                   "published contract defines as GenericProblem and 2.167 leaves out of Problem's oneOf",
            "source": "https://github.com/xdevplatform/twitter-api-typescript-sdk/blob/"
                      "0d12a20a76d6dd9c346decf9cc80bc611975d43f/src/gen/openapi-types.ts (GenericProblem, Problem)",
            "add_schemas": {"GenericProblem": {
                "type": "object", "required": ["title", "type"],
                "properties": {"type": {"const": "about:blank"}, "title": {"type": "string"},
                               "detail": {"type": "string"}, "status": {"type": "integer"}}}},
            "extend_one_of": {"Problem": ["#/schemas/GenericProblem"]},
        }],
    },
    "discord": {
        # What the connector (verify) and the publisher (execute, read back, delete) call; the
        # JSON body of execute also comes as multipart, in `payload_json` (exchange.MULTIPART_JSON).
        "operations": [
            "GET /webhooks/{webhook_id}/{webhook_token}",
            "POST /webhooks/{webhook_id}/{webhook_token}",
            "GET /webhooks/{webhook_id}/{webhook_token}/messages/{message_id}",
            "DELETE /webhooks/{webhook_id}/{webhook_token}/messages/{message_id}",
        ],
        "also_accepts": {"POST /webhooks/{webhook_id}/{webhook_token}": ["multipart/form-data"]},
        "uncovered": {
            "GET /channels/{guild_id}/{channel_id}/{message_id}": "discord.com's page for a message (a browser "
                                                                  "page, not the API; the sandbox serves it at "
                                                                  "/discord/channels/...)",
        },
        "errata": [{
            # The document lists 200/204, 429 and 4XX per operation; Discord's HTTP status table
            # also gives "502 (GATEWAY UNAVAILABLE) ... Wait a bit and retry" and "5xx (SERVER
            # ERROR) The server had an error processing your request (these are rare)", whose
            # body the document does not describe.
            "why": "Discord answers 5xx too (502 gateway unavailable, other server errors), which the document's "
                   "operations do not list",
            "source": "https://github.com/discord/discord-api-docs/blob/c98d64bc233833839cf0d8d369e81b77f21ade60/"
                      "developers/topics/opcodes-and-status-codes.mdx (HTTP Response Codes)",
            "add_responses": {"5XX": {}},
        }, {
            # RatelimitedResponse requires Error's `code`; Discord's rate-limit page gives the 429
            # body as `message`, `retry_after`, `global` and "code? ... for some limits", and its
            # examples of exceeded user, resource and global limits carry no code.
            "why": "a 429's `code` is optional (\"An error code for some limits\"); the document's "
                   "RatelimitedResponse requires it through Error",
            "source": "https://github.com/discord/discord-api-docs/blob/c98d64bc233833839cf0d8d369e81b77f21ade60/"
                      "developers/topics/rate-limits.mdx (Rate Limit Response Structure, and its examples)",
            "add_schemas": {"RatelimitedResponse": {
                "type": "object", "required": ["message", "retry_after", "global"],
                "properties": {"message": {"type": "string"}, "retry_after": {"type": "number"},
                               "global": {"type": "boolean"}, "code": {"type": "integer"}}}},
        }],
    },
    "pinterest": {
        # What the connector (token, user_account), the publisher (boards, pins, media, delete)
        # and the insights (pin analytics) call; the document's server is https://api.pinterest.com/v5.
        "operations": [
            "POST /oauth/token application/x-www-form-urlencoded",
            "GET /user_account", "GET /boards", "GET /boards/{board_id}/pins",
            "POST /pins", "GET /pins/{pin_id}", "DELETE /pins/{pin_id}", "GET /pins/{pin_id}/analytics",
            "POST /media", "GET /media/{media_id}",
        ],
        "uncovered": {
            "GET /oauth/": "www.pinterest.com's consent page (a browser page, not the API; the sandbox serves it "
                           "at /pinterest/web/oauth/)",
            "POST /upload/": "the S3 form upload to the `upload_url` POST /media answers (storage's, not the API)",
        },
        "errata": [{
            # metric_types' items are `oneOf` the standard Pin metric types and the video Pin metric
            # types, two enums that share IMPRESSION, SAVE, PIN_CLICK, OUTBOUND_CLICK, SAVE_RATE,
            # TOTAL_COMMENTS and TOTAL_REACTIONS: under `oneOf` (exactly one) none of those could
            # be asked for, though the parameter's own description and the response's examples
            # ask for IMPRESSION, SAVE and PIN_CLICK.
            "why": "metric_types items: `oneOf` two overlapping enums reads as `anyOf` (a shared metric is "
                   "valid under both)",
            "source": "https://github.com/pinterest/api-description/blob/c05b18971472342ebdf4bafc15fea8a91c78bf79/"
                      "v5/openapi.json (components.parameters.query_pin_analytics_metric_types, "
                      "PinAnalyticsMetricsResponse's examples)",
            "query_items_any_of": {"GET /pins/{pin_id}/analytics": ["metric_types"]},
        }],
    },
}


class Extractor:
    def __init__(self, spec: dict[str, Any]) -> None:
        self.spec = spec
        self.openapi_30 = str(spec.get("openapi", "")).startswith("3.0")
        self.components = (spec.get("components") or {}).get("schemas") or {}
        self.schemas: dict[str, Any] = {}
        self._pending: list[str] = []

    # -- references ---------------------------------------------------------------------
    def _resolve(self, node: Any) -> Any:
        """A `$ref` to anything but a schema (parameters, request bodies, responses), followed."""
        seen = set()
        while isinstance(node, dict) and "$ref" in node:
            ref = node["$ref"]
            if ref in seen or not ref.startswith("#/"):
                raise ValueError(f"cannot follow {ref}")
            seen.add(ref)
            node = self.spec
            for part in ref[2:].split("/"):
                node = node[part.replace("~1", "/").replace("~0", "~")]
        return node

    def _schema_ref(self, ref: str) -> dict[str, Any]:
        prefix = "#/components/schemas/"
        if not ref.startswith(prefix):
            raise ValueError(f"schema reference outside components/schemas: {ref}")
        name = ref[len(prefix):].replace("~1", "/").replace("~0", "~")
        if name not in self.components:
            raise ValueError(f"dangling reference {ref}")
        if name not in self.schemas and name not in self._pending:
            self._pending.append(name)
        return {"$ref": "#/schemas/" + name.replace("~", "~0").replace("/", "~1")}

    def drain(self) -> None:
        """Copy every referenced component schema, and those they reference in turn."""
        while self._pending:
            name = self._pending.pop(0)
            if name not in self.schemas:
                self.schemas[name] = {}  # claimed before converting: a cycle references it again
                self.schemas[name] = self.schema(self.components[name])

    # -- schemas ---------------------------------------------------------------------------
    def schema(self, node: Any) -> Any:
        if not isinstance(node, dict):
            return copy.deepcopy(node)  # `true` / `false` schemas
        nullable = self.openapi_30 and node.get("nullable") is True
        if "$ref" in node:
            out: dict[str, Any] = self._schema_ref(node["$ref"])
            if not self.openapi_30:  # 3.1: siblings of $ref apply alongside it
                out.update(self._keywords({k: v for k, v in node.items() if k != "$ref"}))
        else:
            out = self._keywords(node)
        if nullable:
            out = self._nullable(out)
        return out

    def _keywords(self, node: dict[str, Any]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, value in node.items():
            if key in PROSE or key.startswith("x-") or (self.openapi_30 and key == "nullable"):
                continue
            if key in ONE_SCHEMA and isinstance(value, (dict, bool)):
                out[key] = self.schema(value)
            elif key in SCHEMA_LIST and isinstance(value, list):
                out[key] = [self.schema(v) for v in value]
            elif key in SCHEMA_MAP and isinstance(value, dict):
                out[key] = {name: self.schema(v) for name, v in value.items()}
            elif key == "items" and isinstance(value, list):  # draft-4 tuple form
                out["prefixItems"] = [self.schema(v) for v in value]
            elif key in ("exclusiveMinimum", "exclusiveMaximum") and isinstance(value, bool):
                bound = "minimum" if key == "exclusiveMinimum" else "maximum"
                if value and bound in node:
                    out[key] = node[bound]
            else:
                out[key] = copy.deepcopy(value)
        for key in ("exclusiveMinimum", "exclusiveMaximum"):
            # 3.0's `minimum: 0, exclusiveMinimum: true` is 2020-12's `exclusiveMinimum: 0` alone.
            if node.get(key) is True:
                out.pop("minimum" if key == "exclusiveMinimum" else "maximum", None)
        return out

    @staticmethod
    def _nullable(out: dict[str, Any]) -> dict[str, Any]:
        kind = out.get("type")
        if isinstance(kind, str) and "$ref" not in out:
            out["type"] = [kind, "null"]
            if "enum" in out and None not in out["enum"]:
                out["enum"] = [*out["enum"], None]
            return out
        if isinstance(kind, list) and "$ref" not in out:
            if "null" not in kind:
                out["type"] = [*kind, "null"]
            if "enum" in out and None not in out["enum"]:
                out["enum"] = [*out["enum"], None]
            return out
        return {"anyOf": [out, {"type": "null"}]}

    # -- operations ------------------------------------------------------------------------
    def operation(self, method: str, path: str, content_type: str | None) -> dict[str, Any]:
        item = self.spec.get("paths", {}).get(path)
        if item is None or method.lower() not in item:
            raise KeyError(f"{method} {path} is not in the document")
        op = item[method.lower()]
        facts: dict[str, Any] = {}

        params: dict[tuple[str, str], dict] = {}
        for raw in [*(item.get("parameters") or []), *(op.get("parameters") or [])]:
            param = self._resolve(raw)
            params[(param["in"], param["name"])] = param  # the operation's own win over the path's
        query = {}
        for (where, name), param in sorted(params.items()):
            if where != "query":
                continue
            schema = self.schema(param.get("schema", {}))
            entry: dict[str, Any] = {"required": bool(param.get("required", False)), "schema": schema}
            style = param.get("style", "form")
            explode = param.get("explode", style == "form")
            if self._is_array(schema) and style == "form" and not explode:
                # name=a,b,c on the wire: read as a comma-separated list.
                entry["style"] = "form"
                schema["style"] = "form"
            elif self._is_array(schema) and explode:
                entry["explode"] = True
            query[name] = entry
        if query:
            facts["query"] = query

        if "requestBody" in op:
            body = self._resolve(op["requestBody"])
            content = body.get("content") or {}
            chosen = content_type or (RESPONSE_TYPE if RESPONSE_TYPE in content else
                                      (next(iter(content)) if len(content) == 1 else None))
            if chosen not in content:
                raise KeyError(f"{method} {path}: no request body of type {chosen!r} (has {sorted(content)})")
            schema = self._resolve_schema(content[chosen].get("schema", {}))
            if chosen in FORM_TYPES:
                required = set(schema.get("required") or [])
                # Form fields are strings on the wire, read by their schemas like query parameters;
                # the body's media type is kept beside them (`request` describes JSON bodies).
                facts["form"] = {name: {"required": name in required, "schema": self.schema(prop)}
                                 for name, prop in (schema.get("properties") or {}).items()}
                # A body discriminated by a field (Pinterest's token request by `grant_type`): each
                # variant's fields, its own and its `allOf` members', are fields of the form too,
                # required only where the base requires them (which variant applies is the value's).
                for ref in ((schema.get("discriminator") or {}).get("mapping") or {}).values():
                    variant = self._resolve_schema({"$ref": ref})
                    for part in [variant, *(self._resolve_schema(p) for p in variant.get("allOf") or [])]:
                        for name, prop in (part.get("properties") or {}).items():
                            facts["form"].setdefault(name, {"required": False, "schema": self.schema(prop)})
                facts["form_content_type"] = chosen
            else:
                facts["request"] = {"content_type": chosen, "required": bool(body.get("required", False)),
                                    "schema": self.schema(content[chosen].get("schema", {}))}

        responses = {}
        for status, raw in (op.get("responses") or {}).items():
            response = self._resolve(raw)
            content = response.get("content") or {}
            entry = {}
            if RESPONSE_TYPE in content and "schema" in content[RESPONSE_TYPE]:
                entry["schema"] = self.schema(content[RESPONSE_TYPE]["schema"])
            # The other JSON media types the status may come as (X: application/problem+json).
            others = {kind: {"schema": self.schema(media["schema"])} for kind, media in content.items()
                      if kind != RESPONSE_TYPE and kind.endswith("json") and "schema" in media}
            if others:
                entry["content"] = others
            responses[str(status)] = entry
        facts["responses"] = responses
        return facts

    def _resolve_schema(self, node: Any) -> dict[str, Any]:
        while isinstance(node, dict) and "$ref" in node:
            node = self.components[node["$ref"].rsplit("/", 1)[1]]
        return node

    def _is_array(self, schema: Any) -> bool:
        if not isinstance(schema, dict):
            return False
        if "$ref" in schema:
            return self._is_array(self.schemas.get(schema["$ref"].rsplit("/", 1)[1])
                                  or self.schema(self._resolve_schema(schema)))
        kind = schema.get("type")
        return kind == "array" or (isinstance(kind, list) and "array" in kind)


def apply_errata(schemas: dict[str, Any], errata: list[dict[str, Any]],
                 operations: dict[str, Any] | None = None) -> list[dict[str, str]]:
    """Where the document contradicts what the platform demonstrably answers, the correction,
    each with its source; the facts file lists them under `errata`. `add_responses` adds
    statuses to every operation that does not list them."""
    for erratum in errata:
        for status, response in erratum.get("add_responses", {}).items():
            for operation in (operations or {}).values():
                operation["responses"].setdefault(status, copy.deepcopy(response))
        for name, schema in erratum.get("add_schemas", {}).items():
            schemas[name] = copy.deepcopy(schema)
        for name, refs in erratum.get("extend_one_of", {}).items():
            schemas[name].setdefault("oneOf", []).extend({"$ref": ref} for ref in refs)
        for key, names in erratum.get("query_items_any_of", {}).items():
            for name in names:  # an array parameter's items: `oneOf` read as `anyOf`
                items = (operations or {})[key]["query"][name]["schema"]["items"]
                items["anyOf"] = items.pop("oneOf")
    return [{"why": e["why"], "source": e["source"]} for e in errata]


def extract(spec: dict[str, Any], platform: str, source: str, operations: list[str],
            uncovered: dict[str, str] | None = None, errata: list[dict[str, Any]] | None = None,
            also_accepts: dict[str, list[str]] | None = None) -> dict[str, Any]:
    extractor = Extractor(spec)
    facts: dict[str, Any] = {}
    for line in operations:
        parts = line.split()
        if len(parts) not in (2, 3):
            raise ValueError(f"an operation is `METHOD /path [content/type]`, not {line!r}")
        method, path = parts[0].upper(), parts[1]
        facts[f"{method} {path}"] = extractor.operation(method, path, parts[2] if len(parts) == 3 else None)
    extractor.drain()
    for key, types in (also_accepts or {}).items():
        # Other media types the operation takes for the same JSON body (recorded.py accepts them).
        facts[key]["request"]["also"] = list(types)
    out: dict[str, Any] = {"platform": platform, "source": source,
                           "version": str((spec.get("info") or {}).get("version", "")),
                           "operations": facts, "schemas": extractor.schemas}
    if uncovered:
        out["uncovered"] = dict(uncovered)
    if errata:
        out["errata"] = apply_errata(extractor.schemas, errata, facts)
    return out


def dumps(facts: dict[str, Any]) -> str:
    return json.dumps(facts, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("spec", type=Path, help="the OpenAPI 3.x document (JSON)")
    parser.add_argument("--preset", choices=sorted(PRESETS), help="a platform's operations and uncovered ones")
    parser.add_argument("--platform")
    parser.add_argument("--source", required=True, help="where the document was read: repository, commit, path")
    parser.add_argument("--operation", action="append", default=[], metavar="'METHOD /path [content/type]'")
    parser.add_argument("--uncovered", action="append", default=[], metavar="'METHOD /path=why'")
    parser.add_argument("--out", type=Path, help="the facts file (default: standard output)")
    args = parser.parse_args(argv)
    spec = json.loads(args.spec.read_text(encoding="utf-8"))
    if not str(spec.get("openapi", "")).startswith("3."):
        parser.error("not an OpenAPI 3.x document")
    operations, uncovered = list(args.operation), dict(item.split("=", 1) for item in args.uncovered)
    platform, errata, also_accepts = args.platform, [], {}
    if args.preset:
        preset = PRESETS[args.preset]
        platform = platform or args.preset
        operations = [*preset["operations"], *operations]
        uncovered = {**preset["uncovered"], **uncovered}
        errata = preset.get("errata", [])
        also_accepts = preset.get("also_accepts", {})
    if not platform or not operations:
        parser.error("name the platform and the operations (or a --preset)")
    text = dumps(extract(spec, platform, args.source, operations, uncovered, errata, also_accepts))
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
