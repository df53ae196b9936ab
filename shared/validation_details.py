"""Pydantic validation errors as the spec's `details` entries: pure, no web layer.

The spec's examples come from a Zod backend (`invalid_type`, `invalid_string`,
`Required`), so pydantic's error types are mapped onto those codes: callers and
SDKs written against the spec keep working. Services that validate a nested
part of a request themselves (a template's config, a post's targets) raise
`ValidationError(details=details_from_pydantic(exc, "body.config"))` with it;
shared/web/validation.py uses it for whole bodies and query strings.
"""

from __future__ import annotations

import functools
import types
import typing
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


def details_from_pydantic(exc: pydantic.ValidationError, prefix: str = "body",
                          model: type[pydantic.BaseModel] | None = None) -> list[dict]:
    """`model`, the model `exc` came from: an unrecognized field that it knows at another
    level says where it belongs (`scheduledTime` inside `post` belongs beside it)."""
    details: list[dict] = []
    seen: set[tuple[str, str]] = set()
    for err in exc.errors(include_url=False):
        code, message = _CODE_MAP.get(err["type"], ("custom", None))
        message = message or err["msg"].removeprefix("Value error, ")
        if err["type"] == "extra_forbidden" and model is not None:
            message = _misplaced(model, err["loc"]) or message
        field = _field_path(prefix, err["loc"])
        if (field, message) in seen:
            continue  # unions report the same failure once per member
        seen.add((field, message))
        entry: dict[str, Any] = {"field": field, "message": message, "code": code}
        if err["type"] != "missing" and "input" in err:
            entry["received"] = received_value(err["input"])
        details.append(entry)
    return details


# -- a known field at the wrong level ---------------------------------------------------

_LIST = "[]"  # a path step into each item of an array
_MAX_MODEL_DEPTH = 8


def _models_in(annotation: Any, path: tuple[str, ...] = ()) -> list[tuple[tuple[str, ...], type]]:
    """The models an annotation holds, each with the steps into it (`[]` for an array's items)."""
    if isinstance(annotation, type) and issubclass(annotation, pydantic.BaseModel):
        return [(path, annotation)]
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin is typing.Annotated:
        return _models_in(args[0], path)
    if origin in (typing.Union, types.UnionType):
        return [found for arg in args for found in _models_in(arg, path)]
    if origin in (list, tuple, set, frozenset) or (
            isinstance(origin, type) and issubclass(origin, (list, tuple, set, frozenset))):
        return [found for arg in args if arg is not Ellipsis for found in _models_in(arg, path + (_LIST,))]
    return []  # scalars, and dicts (free-form keys: no field there is "known")


@functools.lru_cache(maxsize=64)
def _field_index(model: type[pydantic.BaseModel]) -> dict[str, tuple[tuple[str, ...], ...]]:
    """Every field name the model knows at any level -> the paths of the objects holding it."""
    index: dict[str, list[tuple[str, ...]]] = {}

    def walk(current: type[pydantic.BaseModel], at: tuple[str, ...], seen: frozenset) -> None:
        if current in seen or len(at) > _MAX_MODEL_DEPTH:
            return
        for name, info in current.model_fields.items():
            key = info.alias or name
            if at not in index.setdefault(key, []):
                index[key].append(at)
            for steps, inner in _models_in(info.annotation):
                walk(inner, at + (key,) + steps, seen | {current})

    walk(model, (), frozenset())
    return {name: tuple(paths) for name, paths in index.items()}


def _parent_path(model: type[pydantic.BaseModel], loc: tuple[Any, ...]) -> tuple[str, ...] | None:
    """The path (as _field_index spells it) of the object holding `loc`'s last part: the
    field names and array steps of `loc`, without pydantic's union and validator tags."""
    models = [model]
    path: list[str] = []
    for part in loc[:-1]:
        if isinstance(part, int):
            path.append(_LIST)
            continue
        fields = {(info.alias or name): info for m in models for name, info in m.model_fields.items()}
        if part in fields:
            path.append(part)
            models = [inner for _, inner in _models_in(fields[part].annotation)]
        elif not models:
            return None  # inside a free-form value
        # else a union member's or validator's tag: not a step through the caller's JSON
    return tuple(path)


def _describe(path: tuple[str, ...]) -> str:
    if not path:
        return "at the top level"
    if path[-1] == _LIST:
        return f"in each item of `{'.'.join(p for p in path[:-1] if p != _LIST)}`"
    return f"in `{'.'.join(p for p in path if p != _LIST)}`"


def _misplaced(model: type[pydantic.BaseModel], loc: tuple[Any, ...]) -> str | None:
    """"Unrecognized field: X belongs …" when the request model knows X elsewhere, else None."""
    if not loc or not isinstance(loc[-1], str):
        return None
    name = loc[-1]
    here = _parent_path(model, loc)
    places = [path for path in _field_index(model).get(name, ()) if path != here]
    if here is None or not places:
        return None
    nearest = min(len(path) for path in places)  # the shallowest: `platform` goes in post.content
    places = [path for path in places if len(path) == nearest]
    where = " or ".join(_describe(path) for path in places)
    if places == [()]:
        beside = next((key for key, info in ((info.alias or n, info) for n, info in model.model_fields.items())
                       if key != name and info.is_required()), None)
        if beside is not None:
            where += f", beside `{beside}`"
    return f"Unrecognized field: {name} belongs {where}"
