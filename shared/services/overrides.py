"""Operator overrides of built-in limits, given as a JSON object in one setting.

SOKU_RATE_LIMITS, SOKU_MEDIA_QUOTAS and SOKU_DAILY_LIMITS share one rule: a typo must
never take the API down or lift a limit, so an override that does not parse, or names
something unknown, is logged and the defaults are kept whole (never half applied).
Each caller says how one entry applies; this module owns the rest.
"""

from __future__ import annotations

import copy
import json
import logging
from typing import Any, Callable, TypeVar

T = TypeVar("T")

log = logging.getLogger("soku.config")


def apply_json_overrides(raw: str, defaults: T, apply: Callable[[T, Any, Any], None], setting: str) -> T:
    """A copy of `defaults` with each `key: value` of the JSON object `raw` applied by `apply`
    (which raises ValueError or TypeError to refuse one); the defaults alone if anything is refused."""
    limits = copy.deepcopy(defaults)
    if not raw.strip():
        return limits
    try:
        parsed = json.loads(raw)
        if not isinstance(parsed, dict):
            raise ValueError("expected a JSON object")
        for key, value in parsed.items():
            apply(limits, key, value)
    except (ValueError, TypeError) as exc:
        log.error("ignoring invalid %s (%s); using the defaults", setting, exc)
        return copy.deepcopy(defaults)
    return limits
