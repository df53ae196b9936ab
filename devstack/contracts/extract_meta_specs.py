"""Record the facts of Meta's Graph API specs that the Facebook and Instagram sandboxes are held to.

Meta publishes machine-readable Graph API specs in facebook/facebook-business-sdk-codegen,
`api_specs/specs/<Node>.json` (each node's `apis`: method, edge, return type, params with
name/type/required; and its `fields`: name, type) and `api_specs/specs/enum_types.json`.
This reads them (a checkout's `api_specs/specs` directory, or a git directory and commit)
and writes `devstack/contracts/facts/<platform>.json` in the format of
devstack/contracts/__init__.py, for the operations our code calls (OPERATIONS below).

    python -m devstack.contracts.extract_meta_specs --git-dir <codegen.git> --commit <sha>
    python -m devstack.contracts.extract_meta_specs --specs <checkout>/api_specs/specs --commit <sha>

The choices (Graph's universal parameters, the `fields` grammar, bare node ids, documented
answers the specs do not carry) are written into each file's `notes`.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
from pathlib import Path
from typing import Any, Callable

REPO = "facebook/facebook-business-sdk-codegen"
SPECS_PATH = "api_specs/specs"
FACTS = Path(__file__).resolve().parent / "facts"
GRAPH_DOCS = "https://developers.facebook.com/docs/graph-api/"
ERROR_DOCS = "https://developers.facebook.com/docs/graph-api/guides/error-handling"

# -- what our code calls ---------------------------------------------------------------------
# An operation: (key, kind, details). Kinds:
#   edge:   one spec API, (node, method, edge); `creates` names the node a POST makes (its
#           read-after-write `fields`), `answer` the fields Meta documents for the POST's answer.
#   node:   a bare `/{version}/{id}` read or delete, the union of the node types listed.
EDGE, NODE = "edge", "node"

FACEBOOK_OPERATIONS: list[tuple[str, str, dict[str, Any]]] = [
    ("GET /{version}/me/accounts", EDGE, {"node": "User", "method": "GET", "edge": "accounts"}),
    ("DELETE /{version}/me/permissions", EDGE, {"node": "User", "method": "DELETE", "edge": "permissions"}),
    ("POST /{version}/{app_id}/uploads", EDGE, {"node": "Application", "method": "POST", "edge": "uploads",
                                                "answer": {"id": "string"}}),
    ("POST /{version}/{page_id}/feed", EDGE, {"node": "Page", "method": "POST", "edge": "feed",
                                              "creates": "PagePost", "answer": {"id": "string"}}),
    ("GET /{version}/{page_id}/feed", EDGE, {"node": "Page", "method": "GET", "edge": "feed"}),
    ("POST /{version}/{page_id}/photos", EDGE, {"node": "Page", "method": "POST", "edge": "photos",
                                                "creates": "Photo",
                                                "answer": {"id": "string", "post_id": "string"}}),
    ("POST /{version}/{page_id}/videos", EDGE, {"node": "Page", "method": "POST", "edge": "videos",
                                                "creates": "AdVideo", "answer": {"id": "string"}}),
    ("GET /{version}/{page_id}/videos", EDGE, {"node": "Page", "method": "GET", "edge": "videos"}),
    ("POST /{version}/{page_id}/video_reels", EDGE, {
        "node": "Page", "method": "POST", "edge": "video_reels", "creates": "AdVideo",
        # Reels Publishing API: start answers {video_id, upload_url}, finish {success}.
        "answer": {"id": "string", "video_id": "string", "upload_url": "string", "success": "bool"},
        "answer_shapes": [["video_id", "upload_url"], ["success"], ["id"]]}),
    ("GET /{version}/{post_id}/insights", EDGE, {"node": "PagePost", "method": "GET", "edge": "insights"}),
    # options.facebook.firstComment. PagePost's edge stands for a video's or reel's too: AdVideo's
    # `comments` takes the same `message` and answers the same Comment.
    ("GET /{version}/{post_id}/comments", EDGE, {"node": "PagePost", "method": "GET", "edge": "comments"}),
    ("POST /{version}/{post_id}/comments", EDGE, {"node": "PagePost", "method": "POST", "edge": "comments",
                                                  "creates": "Comment", "answer": {"id": "string"}}),
    ("GET /{version}/{id}", NODE, {"method": "GET",
                                   "nodes": ["AdVideo", "Page", "PagePost", "Photo", "Post", "User"],
                                   "upload_session": True}),
    ("DELETE /{version}/{id}", NODE, {"method": "DELETE", "nodes": ["AdVideo", "PagePost", "Photo", "Post"]}),
]
FACEBOOK_UNCOVERED = {
    "GET /{version}/oauth/access_token": "Facebook Login's token endpoint: not a Graph node, no codegen spec",
    "GET /{version}/{upload_session_id}": "Resumable Upload API session (`upload:<id>`): no codegen spec; "
                                          "it shares the bare-node template, whose answer admits "
                                          "the documented {id, file_offset}",
    "POST /{version}/{upload_session_id}": "Resumable Upload API transfer (octet-stream body, file_offset "
                                           "header): no codegen spec",
    "POST /rupload/video-upload/{version}/{video_id}": "Reels upload on rupload.facebook.com (octet-stream, "
                                                       "offset/file_size headers): no codegen spec",
}

INSTAGRAM_OPERATIONS: list[tuple[str, str, dict[str, Any]]] = [
    ("GET /{version}/me/accounts", EDGE, {"node": "User", "method": "GET", "edge": "accounts"}),
    ("DELETE /{version}/me/permissions", EDGE, {"node": "User", "method": "DELETE", "edge": "permissions"}),
    ("POST /{version}/{ig_user_id}/media", EDGE, {"node": "IGUser", "method": "POST", "edge": "media",
                                                  "creates": "ShadowIGMediaBuilder", "answer": {"id": "string"}}),
    ("GET /{version}/{ig_user_id}/media", EDGE, {"node": "IGUser", "method": "GET", "edge": "media"}),
    ("GET /{version}/{ig_user_id}/stories", EDGE, {"node": "IGUser", "method": "GET", "edge": "stories"}),
    ("POST /{version}/{ig_user_id}/media_publish", EDGE, {"node": "IGUser", "method": "POST",
                                                          "edge": "media_publish", "creates": "IGMedia",
                                                          "answer": {"id": "string"}}),
    ("GET /{version}/{ig_user_id}/content_publishing_limit", EDGE, {"node": "IGUser", "method": "GET",
                                                                   "edge": "content_publishing_limit"}),
    ("GET /{version}/{ig_media_id}/insights", EDGE, {"node": "IGMedia", "method": "GET", "edge": "insights"}),
    ("GET /{version}/{ig_media_id}/comments", EDGE, {"node": "IGMedia", "method": "GET", "edge": "comments"}),
    ("POST /{version}/{ig_media_id}/comments", EDGE, {"node": "IGMedia", "method": "POST", "edge": "comments",
                                                      "creates": "IGComment", "answer": {"id": "string"}}),
    ("GET /{version}/{id}", NODE, {"method": "GET", "nodes": ["IGMedia", "IGUser", "ShadowIGMediaBuilder", "User"]}),
]
INSTAGRAM_UNCOVERED = {
    "GET /{version}/oauth/access_token": "Facebook Login's token endpoint: not a Graph node, no codegen spec",
}

PLATFORMS = {"facebook": (FACEBOOK_OPERATIONS, FACEBOOK_UNCOVERED),
             "instagram": (INSTAGRAM_OPERATIONS, INSTAGRAM_UNCOVERED)}

# Parameters every Graph call takes (GRAPH_DOCS: "Using the Graph API", field expansion,
# pagination, "Securing Requests", debugging; `method` and `suppress_http_code` per its
# request-parameter notes). `fields` is typed per operation.
UNIVERSAL = {
    "access_token": "string", "appsecret_proof": "string", "appsecret_time": "int", "method": "string",
    "suppress_http_code": "bool", "pretty": "bool", "format": "string", "transport": "string",
    "debug": "string", "locale": "string", "date_format": "string", "include_headers": "bool",
    "callback": "string", "limit": "unsigned int", "after": "string", "before": "string", "offset": "unsigned int",
    "since": "datetime", "until": "datetime", "summary": "string",
    "__paging_token": "string",  # carried by Graph's own time-paged `paging.next` links
}
# A Graph edge as a field (`reactions.summary(total_count).limit(0)`) or a listing.
EDGE_SCHEMA = "GraphEdge"
PAGING_SCHEMA = "GraphPaging"
ERROR_SCHEMA = "GraphError"
UPLOAD_SESSION_SCHEMA = "ResumableUploadSession"
SCHEMA_DEPTH = 2  # node types this many references away from an operation's get a full schema


class Specs:
    """The codegen's spec files, from a directory or a git commit."""

    def __init__(self, read: Callable[[str], str]) -> None:
        self._read = read
        self._cache: dict[str, dict | None] = {}
        self.enums = {e["name"]: e["values"] for e in json.loads(read("enum_types.json"))}
        self.version = read("version.txt").strip()

    @classmethod
    def from_dir(cls, path: Path) -> "Specs":
        return cls(lambda name: (path / name).read_text())

    @classmethod
    def from_git(cls, git_dir: str, commit: str) -> "Specs":
        def read(name: str) -> str:
            return subprocess.run(["git", f"--git-dir={git_dir}", "show", f"{commit}:{SPECS_PATH}/{name}"],
                                  check=True, capture_output=True, text=True).stdout
        return cls(read)

    def node(self, name: str) -> dict | None:
        if name not in self._cache:
            try:
                self._cache[name] = json.loads(self._read(f"{name}.json"))
            except (FileNotFoundError, subprocess.CalledProcessError):
                self._cache[name] = None
        return self._cache[name]

    def api(self, node: str, method: str, edge: str) -> dict:
        for api in (self.node(node) or {}).get("apis", []):
            if api["method"] == method and (api.get("endpoint") or api.get("name")) == edge:
                return api
        raise KeyError(f"{node} has no {method} {edge}")

    def fields(self, node: str) -> dict[str, str]:
        return {f["name"]: f["type"] for f in (self.node(node) or {}).get("fields", [])}

    def edges(self, node: str) -> list[str]:
        return sorted({a["endpoint"] for a in (self.node(node) or {}).get("apis", [])
                       if a["method"] == "GET" and a.get("endpoint")})


class Converter:
    def __init__(self, specs: Specs) -> None:
        self.specs = specs
        self.schemas: dict[str, dict] = {}
        self._depth: dict[str, int] = {}

    # -- types ---------------------------------------------------------------------------
    def param_schema(self, kind: str) -> dict:
        """A parameter's type: what its string on the wire (or its JSON body value) must read as."""
        return self._type(kind, node=lambda name, depth: {})

    def field_schema(self, kind: str, depth: int) -> dict:
        return self._type(kind, node=self._node_ref, depth=depth)

    def _type(self, kind: str, node: Callable[[str, int], dict], depth: int = 0) -> dict:
        kind = kind.strip()
        scalars = {"string": {"type": "string"}, "int": {"type": "integer"},
                   "unsigned int": {"type": "integer", "minimum": 0}, "float": {"type": "number"},
                   "bool": {"type": "boolean"}, "datetime": {"type": "string"}, "map": {"type": "object"},
                   "list": {"type": "array"}, "Object": {}}
        if kind in scalars:
            return dict(scalars[kind])
        if kind.startswith("list<") and kind.endswith(">"):
            return {"type": "array", "items": self._type(kind[5:-1], node, depth)}
        if kind.startswith("map<") and kind.endswith(">"):
            value = _split_top(kind[4:-1])[-1]
            return {"type": "object", "additionalProperties": self._type(value, node, depth)}
        if kind in self.specs.enums:
            values = self.specs.enums[kind]
            return {"type": "string", "enum": sorted(set(values) | {v.lower() for v in values})}
        if self.specs.node(kind) is not None:
            return node(kind, depth)
        return {}  # a type the codegen names but does not describe

    def _node_ref(self, name: str, depth: int) -> dict:
        if depth > SCHEMA_DEPTH:
            return {"type": "object"}
        self.ensure(name, depth)
        return {"$ref": f"#/schemas/{name}"}

    def ensure(self, name: str, depth: int = 0) -> None:
        """`schemas[name]`, its references followed while within SCHEMA_DEPTH; a type met again
        nearer an operation is built again, so the result does not depend on the order."""
        if name in self._depth and self._depth[name] <= depth:
            return
        self._depth[name] = depth
        self.schemas.setdefault(name, {})  # placeholder against cycles
        properties: dict[str, dict] = {e: {"$ref": f"#/schemas/{EDGE_SCHEMA}"} for e in self.specs.edges(name)}
        for field, kind in self.specs.fields(name).items():
            properties[field] = self.field_schema(kind, depth + 1)
        self.schemas[name] = {"type": "object", "properties": properties, "additionalProperties": False}

    # -- parameters ----------------------------------------------------------------------
    def fields_param(self, nodes: list[str]) -> dict:
        """`fields`: a comma list of the nodes' field and edge names, each with Graph's field
        expansion (`name{a,b}`, `name.limit(0).summary(true)`, `.as(alias)`). Commas inside
        braces do not separate, so this is a pattern on the raw string, not a form array."""
        names: set[str] = set()
        for node in nodes:
            names |= set(self.specs.fields(node)) | set(self.specs.edges(node))
        alternatives = "|".join(re.escape(n) for n in sorted(names, key=lambda n: (-len(n), n)))
        modifier = r"(?:\.[A-Za-z_]+\([^()]*\))"
        nested = r"\{(?:[^{}]|\{(?:[^{}]|\{[^{}]*\})*\})*\}"
        item = rf"(?:{alternatives}){modifier}*(?:{nested})?{modifier}*"
        return {"type": "string", "pattern": rf"^\s*{item}(?:\s*,\s*{item})*\s*$"}

    def params(self, api_params: list[dict], fields_nodes: list[str], *, method: str) -> tuple[dict, dict, dict]:
        """(query, form, JSON body schema) for one operation."""
        query: dict[str, dict] = {}
        for name, kind in UNIVERSAL.items():
            query[name] = {"required": False, "schema": self.param_schema(kind)}
        if fields_nodes:
            query["fields"] = {"required": False, "schema": self.fields_param(fields_nodes)}
        required = []
        for param in api_params:
            schema = self.param_schema(param["type"])
            if schema.get("type") == "array":
                schema["style"] = "form"  # Graph reads a list as JSON or comma-separated
            query[param["name"]] = {"required": bool(param.get("required")), "schema": schema}
            if param.get("required"):
                required.append(param["name"])
        form = {k: dict(v) for k, v in query.items()}
        if method != "GET":
            # A POST may carry its required parameters in the query, a form body or a JSON body:
            # the query requires none of them, the form and the JSON body keep the spec's flags.
            query = {k: dict(v, required=False) for k, v in query.items()}
        body = {"type": "object", "additionalProperties": False,
                "properties": {k: {kk: vv for kk, vv in v["schema"].items() if kk != "style"}
                               for k, v in form.items()}}
        if required:
            body["required"] = sorted(required)
        return query, form, body

    # -- answers -------------------------------------------------------------------------
    def listing(self, node: str) -> dict:
        self.ensure(node)
        return {"type": "object", "additionalProperties": False, "required": ["data"],
                "properties": {"data": {"type": "array", "items": {"$ref": f"#/schemas/{node}"}},
                               "paging": {"$ref": f"#/schemas/{PAGING_SCHEMA}"}, "summary": {"type": "object"}}}

    def created(self, details: dict) -> dict:
        """A POST's answer: the fields Meta documents, then whatever the created node's
        `fields` (read-after-write) adds, typed as that node's fields."""
        properties = {}
        creates = details.get("creates")
        if creates:
            for field, kind in self.specs.fields(creates).items():
                properties[field] = self.field_schema(kind, 1)
        for field, kind in details.get("answer", {}).items():
            properties[field] = self.param_schema(kind)
        schema: dict[str, Any] = {"type": "object", "additionalProperties": True, "properties": properties}
        shapes = details.get("answer_shapes")
        if shapes:
            schema["anyOf"] = [{"required": shape} for shape in shapes]
        elif "id" in details.get("answer", {}):
            schema["required"] = ["id"]  # post_id only comes with a published photo
        return schema

    @staticmethod
    def success() -> dict:
        return {"type": "object", "additionalProperties": True, "required": ["success"],
                "properties": {"success": {"type": "boolean"}}}

    def responses(self, ok: dict) -> dict:
        error = {"schema": {"$ref": f"#/schemas/{ERROR_SCHEMA}"}}
        return {"200": {"schema": ok}, "4XX": error, "5XX": error}

    # -- operations ----------------------------------------------------------------------
    def operation(self, kind: str, details: dict) -> dict:
        method = details["method"]
        if kind == EDGE:
            api = self.specs.api(details["node"], method, details["edge"])
            returned = api.get("return")
            if method == "GET":
                fields_nodes = [returned] if self.specs.node(returned) else []
                ok = self.listing(returned) if fields_nodes else {"type": "object"}
            elif method == "DELETE":
                fields_nodes, ok = [], self.success()
            else:
                fields_nodes = [details["creates"]] if details.get("creates") else []
                ok = self.created(details)
            query, form, body = self.params(api.get("params", []), fields_nodes, method=method)
        else:
            nodes = details["nodes"]
            verb = "#get" if method == "GET" else "#delete"
            merged: dict[str, dict] = {}
            for node in nodes:
                for param in self.specs.api(node, method, verb).get("params", []):
                    merged.setdefault(param["name"], dict(param, required=False))  # one type's need is not all's
            query, form, body = self.params([merged[k] for k in sorted(merged)], nodes if method == "GET" else [],
                                            method=method)
            if method == "GET":
                for node in nodes:
                    self.ensure(node)
                shapes = [{"$ref": f"#/schemas/{n}"} for n in nodes]
                if details.get("upload_session"):
                    shapes.append({"$ref": f"#/schemas/{UPLOAD_SESSION_SCHEMA}"})
                ok = {"anyOf": shapes}
            else:
                ok = self.success()
        operation: dict[str, Any] = {"query": query, "responses": self.responses(ok)}
        if method != "GET":
            operation["form"] = form
            operation["request"] = {"required": False, "schema": body}
        return operation

    def common_schemas(self) -> None:
        self.schemas[EDGE_SCHEMA] = {"type": "object", "properties": {
            "data": {"type": "array"}, "paging": {"$ref": f"#/schemas/{PAGING_SCHEMA}"},
            "summary": {"type": "object"}}, "additionalProperties": False}
        self.schemas[PAGING_SCHEMA] = {"type": "object", "additionalProperties": False, "properties": {
            "cursors": {"type": "object", "additionalProperties": False,
                        "properties": {"before": {"type": "string"}, "after": {"type": "string"}}},
            "next": {"type": "string"}, "previous": {"type": "string"}}}
        self.schemas[ERROR_SCHEMA] = {"type": "object", "required": ["error"], "additionalProperties": True,
                                      "properties": {"error": {
                                          "type": "object", "required": ["message", "type", "code"],
                                          "additionalProperties": True, "properties": {
                                              "message": {"type": "string"}, "type": {"type": "string"},
                                              "code": {"type": "integer"}, "error_subcode": {"type": "integer"},
                                              "fbtrace_id": {"type": "string"},
                                              "error_user_title": {"type": "string"},
                                              "error_user_msg": {"type": "string"},
                                              "is_transient": {"type": "boolean"}}}}}

    def upload_session_schema(self) -> None:
        self.schemas[UPLOAD_SESSION_SCHEMA] = {"type": "object", "additionalProperties": False,
                                               "required": ["id", "file_offset"], "properties": {
                                                   "id": {"type": "string"}, "file_offset": {"type": "integer"}}}


NOTES = (
    "Facts of Meta's Graph API specs ({repo}, {path} at the commit in source, Graph {version}). "
    "Paths are as graph.facebook.com sees them (graph-video's /videos is the same operation), "
    "the version a path parameter. Edges are keyed by their literal edge (/feed, /photos, /media...) "
    "and carry that spec API's params; a bare node id is opaque, so GET /{{version}}/{{id}} holds the union "
    "of the node types we read there ({nodes_get}): its params are theirs, its fields= must name a field or "
    "edge one of them has, and its answer must be one of them; DELETE /{{version}}/{{id}} the same for "
    "{nodes_delete}. Every operation also takes Graph's universal parameters ({docs}: access_token, "
    "appsecret_proof, fields, method, suppress_http_code, pretty, format, locale, paging limit/after/before/"
    "offset/since/until, and __paging_token, which Graph's own time-paged next links carry...). fields is a string matched by a pattern (each item a field or edge of the node, "
    "with Graph's field expansion: name{{a,b}}, name.limit(0).summary(true)), not a comma-split array, since "
    "commas inside braces do not separate; a POST's fields reads the node it creates (read-after-write). "
    "Types: string, datetime -> string; int, unsigned int -> integer; float -> number; bool -> boolean; "
    "list<T> -> array (JSON or comma-separated, style form); map -> object; the codegen's Object is its "
    "untyped marker (InsightsValue.value holds numbers) -> any; enums from enum_types.json, with their "
    "lower-case forms (the Reels docs send upload_phase=start where the spec lists START). A parameter may "
    "come in the query, a form body or a JSON body: a POST's query requires nothing, its form and JSON body "
    "keep the spec's required flags, and a POST need not have a body. Node answers list the node's fields "
    "and its edges (an edge read as a field answers {{data, paging, summary}}); nodes more than {depth} "
    "references from an operation are plain objects. A POST answers what Meta documents ({{id}}; /photos "
    "{{id, post_id}}; /video_reels start {{video_id, upload_url}}, finish {{success}}; DELETE {{success}}) "
    "plus the created node's fields, other properties allowed. Errors (4XX, 5XX) are Graph's envelope "
    "{{error: {{message, type, code, error_subcode?, fbtrace_id?, error_user_title?, error_user_msg?, "
    "is_transient?}}}} ({errors}).{extra}"
)


def build(specs: Specs, platform: str, commit: str) -> dict:
    operations_list, uncovered = PLATFORMS[platform]
    converter = Converter(specs)
    converter.common_schemas()
    operations = {}
    nodes = {"GET": [], "DELETE": []}
    extra = ""
    for key, kind, details in operations_list:
        if kind == NODE:
            nodes[details["method"]] = details["nodes"]
            if details.get("upload_session"):
                converter.upload_session_schema()
                extra = (" The bare-node GET also admits the Resumable Upload API's session answer {id, "
                         "file_offset} (developers.facebook.com/docs/graph-api/guides/upload), which has no "
                         "codegen spec.")
        operations[key] = converter.operation(kind, details)
    notes = NOTES.format(repo=REPO, path=SPECS_PATH, version=specs.version, docs=GRAPH_DOCS, errors=ERROR_DOCS,
                         nodes_get=", ".join(nodes["GET"]), nodes_delete=", ".join(nodes["DELETE"]) or "none",
                         depth=SCHEMA_DEPTH, extra=extra)
    return {
        "platform": platform,
        "source": f"https://github.com/{REPO}/blob/{commit}/{SPECS_PATH}",
        "version": specs.version,
        "notes": notes,
        "operations": operations,
        "schemas": converter.schemas,
        "uncovered": dict(uncovered),
    }


def _split_top(inner: str) -> list[str]:
    """`string, list<map<string, string>>` -> its top-level comma-separated parts."""
    parts, depth, start = [], 0, 0
    for i, ch in enumerate(inner):
        if ch == "<":
            depth += 1
        elif ch == ">":
            depth -= 1
        elif ch == "," and depth == 0:
            parts.append(inner[start:i].strip())
            start = i + 1
    parts.append(inner[start:].strip())
    return parts


def write(facts: dict, path: Path) -> None:
    path.write_text(json.dumps(facts, indent=1, sort_keys=True, ensure_ascii=False) + "\n")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--specs", type=Path, help="a checkout's api_specs/specs directory")
    source.add_argument("--git-dir", help="a git directory of the codegen repository")
    parser.add_argument("--commit", required=True, help="the codegen commit the specs come from")
    parser.add_argument("--out", type=Path, default=FACTS)
    parser.add_argument("--platform", choices=sorted(PLATFORMS), action="append")
    args = parser.parse_args(argv)
    specs = Specs.from_dir(args.specs) if args.specs else Specs.from_git(args.git_dir, args.commit)
    for platform in args.platform or sorted(PLATFORMS):
        write(build(specs, platform, args.commit), args.out / f"{platform}.json")


if __name__ == "__main__":
    main()
