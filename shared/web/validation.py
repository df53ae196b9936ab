"""Validate request bodies and query strings into the spec's 400 `validation_error`.

The pydantic errors -> `details` mapping lives in shared/validation_details.py
(services use it too, and must not import the web layer); `details_from_pydantic`
is re-exported here for existing callers.
"""

from __future__ import annotations

from typing import Any, TypeVar

import pydantic

from shared.errors import ValidationError
from shared.validation_details import details_from_pydantic, received_value

__all__ = ["details_from_pydantic", "parse_body", "parse_query", "validate_response"]

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
    """Validate the query string against a route's query model (first value of each name)."""
    data = {name: args.get(name) for name in args.keys()}
    try:
        return model.model_validate(data)
    except pydantic.ValidationError as exc:
        raise ValidationError(details=details_from_pydantic(exc, "query")) from None


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
