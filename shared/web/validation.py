"""Validate request bodies and query strings into the spec's 400 `validation_error`.

The pydantic errors -> `details` mapping lives in shared/validation_details.py
(services use it too, and must not import the web layer); `details_from_pydantic`
is re-exported here for existing callers.
"""

from __future__ import annotations

import difflib
from typing import Any, Iterable, TypeVar

import pydantic

from shared.errors import ValidationError
from shared.validation_details import details_from_pydantic, received_value

__all__ = ["details_from_pydantic", "parse_body", "parse_query", "refuse_unknown_query", "validate_response"]

Model = TypeVar("Model", bound=pydantic.BaseModel)


def parse_body(model: type[Model], payload: Any, prefix: str = "body") -> Model:
    """Validate a decoded JSON body, raising the spec's 400 `validation_error`."""
    if not isinstance(payload, dict):
        raise ValidationError(
            details=[
                {
                    "field": prefix,
                    "message": "Expected a JSON object",
                    "code": "invalid_type",
                    "received": received_value(payload),
                }
            ]
        )
    try:
        return model.model_validate(payload)
    except pydantic.ValidationError as exc:
        raise ValidationError(details=details_from_pydantic(exc, prefix, model)) from None
    except RecursionError:  # a validator of ours recursing on a deep value: still the caller's input
        raise ValidationError(details=[{"field": prefix, "message": "Nested too deeply",
                                        "code": "too_deep"}]) from None


def parse_query(model: type[Model], args: Any) -> Model:
    """Validate the query string against a route's query model (first value of each name);
    a name the model does not know is refused (refuse_unknown_query)."""
    refuse_unknown_query(args, [info.alias or name for name, info in model.model_fields.items()])
    data = {name: args.get(name) for name in args.keys()}
    try:
        return model.model_validate(data)
    except pydantic.ValidationError as exc:
        raise ValidationError(details=details_from_pydantic(exc, "query")) from None


# Names other APIs page with, for the parameter that does the same here.
_SYNONYMS = {
    "limit": ("pagesize", "perpage", "count", "maxresults", "size", "take", "first"),
    "cursor": ("nextcursor", "pagetoken", "nextpagetoken", "next", "startingafter", "startafter",
               "continuationtoken", "page"),
}
_MAX_UNKNOWN_DETAILS = 20


def _squashed(name: str) -> str:
    return name.lower().replace("_", "").replace("-", "")


def closest_name(name: str, known: Iterable[str]) -> str | None:
    """The known name a caller most likely meant by `name` (`nextCursor` -> `cursor`), or None."""
    by_squashed = {_squashed(k): k for k in known}
    wanted = _squashed(name)
    if wanted in by_squashed:  # `Limit`, `created_after`
        return by_squashed[wanted]
    for target, others in _SYNONYMS.items():
        if target in by_squashed.values() and wanted in others:
            return target
    close = difflib.get_close_matches(wanted, list(by_squashed), n=1, cutoff=0.6)
    return by_squashed[close[0]] if close else None


def refuse_unknown_query(args: Any, known: Iterable[str] = ()) -> None:
    """400 `validation_error` naming each query parameter the route does not take.

    Ignoring one would answer as if it were absent: a poller that sends `nextCursor` for
    `cursor` gets page 1 again, for ever. Details mirror an unknown body field's
    (`unrecognized_keys`), with the likely intended name when one is close.
    """
    known = list(known)
    unknown = [name for name in args.keys() if name not in known]
    if not unknown:
        return
    details = []
    for name in unknown[:_MAX_UNKNOWN_DETAILS]:
        meant = closest_name(name, known)
        message = ("Unrecognized query parameter" + (f"; did you mean `{meant}`?" if meant else "")
                   if known else "Unrecognized query parameter; this route takes none")
        details.append({"field": f"query.{received_value(name)}", "message": message,
                        "code": "unrecognized_keys", "received": received_value(args.get(name))})
    names = ", ".join(str(received_value(name)) for name in unknown[:_MAX_UNKNOWN_DETAILS])
    more = f" and {len(unknown) - _MAX_UNKNOWN_DETAILS} more" if len(unknown) > _MAX_UNKNOWN_DETAILS else ""
    plural = "s" if len(unknown) > 1 else ""
    raise ValidationError(f"Unrecognized query parameter{plural}: {names}{more}", details=details)


def validate_response(model: type[pydantic.BaseModel] | None, response: Any, endpoint: str) -> None:
    """Check a JSON body against the model the route documents (outside production only).

    The OpenAPI document is generated from these models; checking every
    response against them in the test suite, the local stack and the fuzz run
    keeps the document and the handlers from drifting apart.
    """
    if model is None or response.mimetype != "application/json":
        return
    try:
        model.model_validate_json(response.get_data())
    except pydantic.ValidationError as exc:
        from shared.errors import InternalError

        problems = details_from_pydantic(exc, "response")
        raise InternalError(
            f"{endpoint} answered a body that does not match its documented {model.__name__}",
            code="response_contract_violation", details=problems,
        ) from exc
