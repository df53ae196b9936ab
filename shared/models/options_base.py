"""Common base of the per-platform option models (shared/platforms/<name>/options.py): unknown option
names are errors. Outside shared/models/options/ so that importing one platform's options does not
load every platform's (that package gathers them all)."""

from pydantic import BaseModel, ConfigDict


class Options(BaseModel):
    # Strict types: `"disableDuet": 0` or `"madeForKids": "yes"` is an error, not a guess.
    model_config = ConfigDict(extra="forbid", strict=True)
