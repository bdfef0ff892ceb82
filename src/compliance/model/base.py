"""Shared pydantic base: unknown keys are errors, values are not silently coerced into strings."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class Strict(BaseModel):
    """A model that forbids unknown keys and is immutable once validated."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=False)
