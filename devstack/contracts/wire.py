"""Checks shared by every contract: parameters as strings on the wire, bodies by JSON Schema."""

from __future__ import annotations

import json
from typing import Any

from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

ROOT_URI = "urn:soku:contract"

_BOOLEANS = {"true": True, "false": False}


def validator(root: dict) -> Draft202012Validator:
    """A validator whose `#/...` references resolve inside `root` (the facts file, or the
    schemas converted from a discovery document). `evolve(schema=...)` keeps that resolver."""
    resource = Resource.from_contents(root, default_specification=DRAFT202012)
    registry = Registry().with_resource(ROOT_URI, resource)
    return Draft202012Validator({"$id": ROOT_URI, **root}, registry=registry)


def schema_errors(base: Draft202012Validator, schema: dict, instance: Any, where: str, limit: int = 5) -> list[str]:
    if not schema:
        return []
    errors = sorted(base.evolve(schema=schema).iter_errors(instance), key=lambda e: list(e.absolute_path))
    out = []
    for error in errors[:limit]:
        at = "/".join(str(p) for p in error.absolute_path)
        out.append(f"{where}{'/' + at if at else ''}: {_short(error.message)}")
    if len(errors) > limit:
        out.append(f"{where}: {len(errors) - limit} more")
    return out


def _short(message: str, limit: int = 240) -> str:
    return message if len(message) <= limit else message[: limit - 1] + "…"


def _schema_type(schema: dict) -> str | None:
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), None)
    return kind


def wire_value(raw: str, schema: dict) -> tuple[Any, str | None]:
    """A parameter's string as the value its schema describes, or why it cannot be one."""
    kind = _schema_type(schema)
    if kind == "integer":
        try:
            return int(raw), None
        except ValueError:
            return raw, f"{raw!r} is not an integer"
    if kind == "number":
        try:
            return float(raw), None
        except ValueError:
            return raw, f"{raw!r} is not a number"
    if kind == "boolean":
        if raw.lower() in _BOOLEANS:
            return _BOOLEANS[raw.lower()], None
        return raw, f"{raw!r} is not a boolean"
    if kind == "array":
        if schema.get("style") == "form" or not raw.startswith("["):
            item = schema.get("items") or {}
            values, problems = [], []
            for part in raw.split(","):
                value, problem = wire_value(part, item)
                values.append(value)
                if problem:
                    problems.append(problem)
            return values, "; ".join(problems) or None
    if kind in ("array", "object"):
        try:
            return json.loads(raw), None
        except ValueError:
            return raw, f"{raw!r} is not JSON"
    return raw, None


def params_errors(base: Draft202012Validator, declared: dict[str, dict], actual: dict[str, list[str]],
                  where: str) -> list[str]:
    """Every declared parameter that is required is present; every present one is declared,
    given once unless repeatable, and reads as its schema says."""
    out = []
    for name, spec in declared.items():
        if spec.get("required") and name not in actual:
            out.append(f"{where}: required parameter {name!r} missing")
    for name, values in actual.items():
        spec = declared.get(name)
        if spec is None:
            out.append(f"{where}: parameter {name!r} is not in the contract")
            continue
        schema = spec.get("schema") or {}
        if len(values) > 1 and not spec.get("repeated"):
            out.append(f"{where}: parameter {name!r} given {len(values)} times")
        for raw in values:
            value, problem = wire_value(raw, schema)
            if problem:
                out.append(f"{where}: parameter {name!r}: {problem}")
                continue
            check = {k: v for k, v in schema.items() if k != "style"}
            out.extend(schema_errors(base, check, value, f"{where} {name}"))
    return out
