"""Common base of the per-platform option models: unknown option names are errors."""

from pydantic import BaseModel, ConfigDict


class Options(BaseModel):
    model_config = ConfigDict(extra="forbid")
