"""The rule format: instruments, requirements and scoring under ``rules/``. See docs/rule-format.md."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import Field

from compliance.model.base import Strict

RULE_ID_PATTERN = r"^[A-Z][A-Z0-9]*(-[0-9]{4})?-[0-9]+(\.[0-9a-z]+)*$"
URL_PATTERN = r"^https?://\S+$"


class Instrument(Strict):
    """An international instrument that requirements derive from."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    name: str = Field(description="The name used in outputs; contains the usual short name or number.")
    title: str
    kind: Literal["treaty", "soft_law"]
    adopted: dt.date | None = None
    in_force: dt.date | None = None
    url: str = Field(pattern=URL_PATTERN)
    text_source: str | None = None


class Area(Strict):
    """A thematic area that requirements are grouped and scored in."""

    id: str = Field(pattern=r"^[a-z][a-z_]*$")
    title: str
    weight: float = Field(gt=0)
    description: str


class Scoring(Strict):
    """The scoring method, published as data (``rules/scoring.yaml``)."""

    method: str = Field(description="The formula in words, shown in reports and docs.")
    areas: list[Area] = Field(min_length=1)
    include_benchmarks: bool = Field(
        description="Whether requirements of instruments the state is not party to count in the overall score.")


class Selector(Strict):
    """Which norms are candidates for an element."""

    actions: list[str] = Field(min_length=1)
    objects: list[str] | None = None
    polarity: Literal["positive", "negative"] | None = None
    beneficiary: str = Field(description="A person term with optional qualifiers, e.g. 'victim[child]'.")
    actors: list[str] | None = None


class Element(Strict):
    """One element of a requirement, matched against norms."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    description: str
    weight: float = Field(default=1.0, gt=0)
    select: Selector
    require: dict[str, Any] = Field(default_factory=dict)
    missing: str = Field(description="The gap, in plain words, when no norm satisfies the element.")


class Example(Strict):
    """A short set of norms with the status the requirement must give them."""

    name: str
    norms: list[str] = Field(min_length=1)
    expect: Literal["met", "partial", "missing"]
    terms: dict[str, Literal["condition", "offence"]] = Field(default_factory=dict)


class Examples(Strict):
    """Passing and failing examples; both are run as tests."""

    pass_: list[Example] = Field(alias="pass", min_length=1)
    fail: list[Example] = Field(min_length=1)


class Requirement(Strict):
    """An obligation of an instrument, with the elements a national law needs to meet it."""

    id: str = Field(pattern=RULE_ID_PATTERN)
    title: str
    instrument: str
    article: str = Field(pattern=r"^[0-9]+[a-z]?(\([0-9a-z]+\))*$")
    area: str
    modality: Literal["shall", "shall_in_appropriate_cases", "shall_consider", "shall_endeavour", "should"]
    weight: float = Field(gt=0)
    treaty_text: str
    treaty_text_status: Literal["verbatim", "paraphrase"]
    source_url: str = Field(pattern=URL_PATTERN)
    rationale: str
    recommendation: str
    elements: list[Element] = Field(min_length=1)
    examples: Examples
    notes: str | None = None


class RuleFile(Strict):
    """The content of one ``rules/<instrument>/<article>.yaml`` file."""

    requirements: list[Requirement] = Field(min_length=1)


class InstrumentsFile(Strict):
    """The content of ``rules/instruments.yaml``."""

    rules_version: str = Field(pattern=r"^[0-9]+\.[0-9]+\.[0-9]+$")
    instruments: list[Instrument] = Field(min_length=1)


class RuleSet(Strict):
    """All rules, validated and cross-checked: what the evaluator runs."""

    version: str
    instruments: dict[str, Instrument]
    requirements: list[Requirement]
    scoring: Scoring
    origins: dict[str, tuple[str, int]] = Field(default_factory=dict)

    def requirement(self, rule_id: str) -> Requirement | None:
        """Return the requirement with this id, if any."""
        return next((r for r in self.requirements if r.id == rule_id), None)
