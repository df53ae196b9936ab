"""Common base of the per-platform option models: unknown option names are errors."""

from pydantic import BaseModel, ConfigDict


class Options(BaseModel):
    # Strict types: `"disableDuet": 0` or `"madeForKids": "yes"` is an error, not a guess.
    model_config = ConfigDict(extra="forbid", strict=True)
