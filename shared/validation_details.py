"""Pydantic validation errors as the spec's `details` entries: pure, no web layer.

The spec's examples come from a Zod backend (`invalid_type`, `invalid_string`,
`Required`), so pydantic's error types are mapped onto those codes: callers and
SDKs written against the spec keep working. Services that validate a nested
part of a request themselves (a template's config, a post's targets) raise
`ValidationError(details=details_from_pydantic(exc, "body.config"))` with it;
shared/web/validation.py uses it for whole bodies and query strings.
"""

from __future__ import annotations

from typing import Any

import pydantic

# pydantic error type -> (spec code, message override or None to keep pydantic's)
_CODE_MAP: dict[str, tuple[str, str | None]] = {
    "missing": ("invalid_type", "Required"),
    "model_type": ("invalid_type", "Expected object"),
    "dict_type": ("invalid_type", "Expected object"),
    "list_type": ("invalid_type", "Expected array"),
    "string_type": ("invalid_type", "Expected string"),
    "bool_type": ("invalid_type", "Expected boolean"),
    "bool_parsing": ("invalid_type", "Expected boolean"),
    "int_type": ("invalid_type", "Expected integer"),
    "int_parsing": ("invalid_type", "Expected integer"),
    "int_from_float": ("invalid_type", "Expected integer"),
    "float_type": ("invalid_type", "Expected number"),
    "float_parsing": ("invalid_type", "Expected number"),
    "string_too_short": ("too_small", None),
    "string_too_long": ("too_big", None),
    "too_short": ("too_small", None),
    "too_long": ("too_big", None),
    "greater_than": ("too_small", None),
    "greater_than_equal": ("too_small", None),
    "less_than": ("too_big", None),
    "less_than_equal": ("too_big", None),
    "url_parsing": ("invalid_string", "Invalid URL format"),
    "url_scheme": ("invalid_string", "Invalid URL format"),
    "url_type": ("invalid_string", "Invalid URL format"),
    "string_pattern_mismatch": ("invalid_string", None),
    "literal_error": ("invalid_enum_value", None),
    "enum": ("invalid_enum_value", None),
    "extra_forbidden": ("unrecognized_keys", "Unrecognized field"),
    "union_tag_invalid": ("invalid_union_discriminator", None),
    "union_tag_not_found": ("invalid_union_discriminator", None),
    # pydantic-core stops at 255 levels of (recursive) models; its `loc` then has 255 parts.
    "recursion_depth_exceeded": ("too_deep", "Nested too deeply"),
    "recursion_loop": ("too_deep", "Nested too deeply"),
}

# A field path names at most this many levels (deeper paths end with "…").
_MAX_PATH_PARTS = 24


def _field_path(prefix: str, loc: tuple[Any, ...]) -> str:
    # pydantic puts union member names / function validator tags into loc;
    # callers only care about the path through *their* JSON.
    parts = [prefix] if prefix else []
    for part in loc:
        if isinstance(part, int):
            parts.append(str(part))
        elif isinstance(part, str) and not (part.startswith("function-") or "[" in part):
            parts.append(part)
    if len(parts) > _MAX_PATH_PARTS:
        parts = parts[:_MAX_PATH_PARTS] + ["…"]
    return ".".join(parts)


def received_value(value: Any) -> Any:
    """What a detail's `received` shows of a value: short strings and scalars as they are."""
    if isinstance(value, str):
        return value if len(value) <= 200 else value[:200] + "…"
    if isinstance(value, (int, float, bool)) or value is None:
        return value
    if isinstance(value, dict):
        return "object"  # never echo whole nested bodies back
    if isinstance(value, list):
        return "array"
    return str(value)[:200]


def details_from_pydantic(exc: pydantic.ValidationError, prefix: str = "body") -> list[dict]:
    details: list[dict] = []
    seen: set[tuple[str, str]] = set()
    for err in exc.errors(include_url=False):
        code, message = _CODE_MAP.get(err["type"], ("custom", None))
        message = message or err["msg"].removeprefix("Value error, ")
        field = _field_path(prefix, err["loc"])
        if (field, message) in seen:
            continue  # unions report the same failure once per member
        seen.add((field, message))
        entry: dict[str, Any] = {"field": field, "message": message, "code": code}
        if err["type"] != "missing" and "input" in err:
            entry["received"] = received_value(err["input"])
        details.append(entry)
    return details
