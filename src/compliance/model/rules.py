"""The rule format: instruments, requirements and scoring under ``rules/``. See docs/rule-format.md."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import Field, model_validator

from compliance.model.base import Strict

RULE_ID_PATTERN = r"^[A-Z][A-Z0-9]*(-[0-9]{4})?-[0-9]+(\.[0-9a-z]+)*$"
URL_PATTERN = r"^https?://[^\s<>\"'`]+$"


class Instrument(Strict):
    """An international instrument that requirements derive from."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    name: str = Field(description="The name used in outputs; contains the usual short name or number.")
    title: str
    kind: Literal["treaty", "eu_law", "soft_law"]
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


class Restrictions(Strict):
    """Generic factors for restrictions a rule does not allow (closed-world scoring, ``rules/scoring.yaml``).

    Hedges and weaker sources use the vocabulary's own factors (``hedges:``, ``sources:``).
    """

    condition: float = Field(ge=0, le=1, description="Per condition term (IF/WHEN/WHERE) the rule does not allow.")
    exception: float = Field(ge=0, le=1, description="Per exception term (UNLESS/EXCEPT) the rule does not allow.")
    time_limit: float = Field(ge=0, le=1, description="Per UNTIL/DURING term the rule does not allow.")
    cap: float = Field(ge=0, le=1, description="A period capped (FOR AT MOST, LESS THAN) where the rule allows none.")
    narrower_beneficiary: float = Field(
        ge=0, le=1, description="A beneficiary narrowed by a qualifier such as in_custody or certified.")


class Scoring(Strict):
    """The scoring method, published as data (``rules/scoring.yaml``)."""

    method: str = Field(description="The formula in words, shown in reports and docs.")
    restrictions: Restrictions = Field(description="Closed-world factors: what an unallowed restriction costs.")
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
    offences: list[str] | None = None


class Allows(Strict):
    """An element's stance: the restrictions of a norm that the standard itself permits.

    Anything else that narrows the norm (a condition, an exception, a time limit, a cap, a hedge, a
    weaker source, a narrowing qualifier) lowers its score by the factors of ``rules/scoring.yaml``.
    """

    conditions: list[str] = Field(default_factory=list, description="Condition terms IF/WHEN/WHERE may use.")
    time_limits: list[str] = Field(default_factory=list, description="Condition terms UNTIL/DURING may use.")
    exceptions: list[str] = Field(default_factory=list, description="Condition terms UNLESS/EXCEPT may use.")
    hedges: list[str] = Field(default_factory=list,
                              description="Hedges the standard itself has (e.g. in_appropriate_cases).")
    sources: list[str] = Field(default_factory=list, description="Instrument kinds weaker than statute that suffice.")
    qualifiers: list[str] = Field(default_factory=list, description="Narrowing person qualifiers the standard allows.")
    caps: bool = Field(default=False, description="Whether a capped period (FOR AT MOST ...) is allowed.")
    priced_elsewhere: list[Literal["conditions", "time_limits", "exceptions", "caps"]] = Field(
        default_factory=list,
        description="Kinds of restriction another element of the same requirement prices (so they are not "
                    "counted twice); the reason must name it.")
    reason: str = Field(min_length=1, description="Why: the treaty's own wording for each allowance, or why none.")


class Element(Strict):
    """One element of a requirement, matched against norms."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    description: str
    weight: float = Field(default=1.0, gt=0)
    select: Selector
    require: dict[str, Any] = Field(default_factory=dict)
    allows: Allows = Field(
        description="The element's stance on restrictions (closed world): what the standard permits.")
    missing: str = Field(description="The gap, in plain words, when no norm satisfies the element.")
    required_by: list[str] | None = Field(
        default=None, description="Instrument ids that require this element (default: every source).")
    required_from: dt.date | None = Field(
        default=None,
        description="The first day the element is required (e.g. the date of the amending instrument that "
                    "added it): law in force before it is not judged on it.")
    required_from_note: str | None = Field(
        default=None, description="Required with required_from: what the date is and where it was read.")

    @model_validator(mode="after")
    def _date_says_why(self) -> Element:
        if self.required_from is not None and not self.required_from_note:
            raise ValueError("required_from needs a required_from_note saying what the date is and where it was read")
        return self

    def required_on(self, day: dt.date) -> bool:
        """Whether the element is part of the standard on ``day``."""
        return self.required_from is None or day >= self.required_from


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


Modality = Literal["shall", "shall_in_appropriate_cases", "shall_consider", "shall_endeavour", "should"]
ARTICLE_PATTERN = r"^[0-9]+[a-z]?(\([0-9a-z]+\))*$"


class Source(Strict):
    """A provision of an instrument that requires (part of) a requirement."""

    instrument: str
    article: str = Field(pattern=ARTICLE_PATTERN, description="Number with paragraphs: '26', '12(6)'.")
    label: str = Field(default="Art", description="How the instrument names its units: Art, Principle, Guideline.")
    modality: Modality
    treaty_text: str
    treaty_text_status: Literal["verbatim", "paraphrase"]
    treaty_text_note: str | None = Field(default=None, description="Required for a paraphrase: why, and what was read.")
    source_url: str = Field(pattern=URL_PATTERN)

    @model_validator(mode="after")
    def _paraphrase_says_why(self) -> Source:
        if self.treaty_text_status == "paraphrase" and not self.treaty_text_note:
            raise ValueError("a paraphrased treaty_text needs a treaty_text_note saying what could not be checked")
        return self

    def cite(self, name: str) -> str:
        """Cite as ``<instrument name> <label> <article>``."""
        return f"{name} {self.label} {self.article}"


class Requirement(Strict):
    """An obligation, with the elements a national law needs to meet it.

    The primary source is given by the top-level ``instrument``, ``article``... fields; other
    instruments that require the same thing are ``other_sources``. The requirement is scored
    once, whichever instruments are selected.
    """

    id: str = Field(pattern=RULE_ID_PATTERN)
    title: str
    instrument: str
    article: str = Field(pattern=ARTICLE_PATTERN)
    label: str = "Art"
    area: str
    modality: Modality
    weight: float = Field(gt=0)
    treaty_text: str
    treaty_text_status: Literal["verbatim", "paraphrase"]
    treaty_text_note: str | None = None
    source_url: str = Field(pattern=URL_PATTERN)
    other_sources: list[Source] = Field(default_factory=list)
    rationale: str
    recommendation: str
    elements: list[Element] = Field(min_length=1)
    examples: Examples
    notes: str | None = None

    @model_validator(mode="after")
    def _paraphrase_says_why(self) -> Requirement:
        self.sources()  # validates the primary source like the others
        return self

    def sources(self) -> list[Source]:
        """Every source, the primary one first."""
        primary = Source(instrument=self.instrument, article=self.article, label=self.label,
                         modality=self.modality, treaty_text=self.treaty_text,
                         treaty_text_status=self.treaty_text_status, treaty_text_note=self.treaty_text_note,
                         source_url=self.source_url)
        return [primary, *self.other_sources]


class RuleFile(Strict):
    """The content of one ``rules/<instrument>/<article>.yaml`` file."""

    requirements: list[Requirement] = Field(min_length=1)


class InstrumentsFile(Strict):
    """The content of ``rules/instruments.yaml``."""

    rules_version: str = Field(pattern=r"^[0-9]+\.[0-9]+\.[0-9]+$")
    instruments: list[Instrument] = Field(min_length=1)


class TranslatedText(Strict):
    """An article's text in another language, as read in a named source."""

    instrument: str = Field(description="An instrument id of rules/instruments.yaml.")
    article: str = Field(description="The article exactly as a rule file quotes it (same extent).")
    status: Literal["authentic", "official_version", "unofficial_translation"] = Field(
        description="authentic: an authentic text of the instrument; official_version: a version its body "
                    "publishes that is not authentic; unofficial_translation: anything else.")
    source_url: str | None = Field(default=None, description="The official publisher's page for this version.")
    read_in: str | None = Field(default=None, description="Where the wording was actually read, if not source_url.")
    note: str | None = None
    text: str = Field(min_length=1)


class TranslationsFile(Strict):
    """The content of ``rules/translations/<lang>.yaml``: treaty texts in one language."""

    language: str = Field(pattern=r"^[a-z]{2}$")
    texts: list[TranslatedText] = Field(default_factory=list)


class SourcesFile(Strict):
    """The content of ``rules/sources.yaml``: the official publishers' domains of each country."""

    publishers: dict[str, list[str]] = Field(
        default_factory=dict, description="ISO 3166-1 alpha-2 code -> the domains its official publishers use.")


class Group(Strict):
    """A regional group of states (``compare --group``)."""

    name: str
    members: list[str] = Field(min_length=1, description="ISO 3166-1 alpha-2 codes.")
    note: str | None = None


class GroupsFile(Strict):
    """The content of ``rules/groups.yaml``."""

    groups: dict[str, Group] = Field(min_length=1)


class Profile(Strict):
    """A named selection of instruments (``--standard``)."""

    description: str
    instruments: list[str] = Field(min_length=1)


class ProfilesFile(Strict):
    """The content of ``rules/profiles.yaml``."""

    default: str
    profiles: dict[str, Profile] = Field(min_length=1)


class RuleSet(Strict):
    """All rules, validated and cross-checked: what the evaluator runs."""

    version: str
    instruments: dict[str, Instrument]
    requirements: list[Requirement]
    scoring: Scoring
    profiles: ProfilesFile
    origins: dict[str, tuple[str, int]] = Field(default_factory=dict)
    groups: dict[str, Group] = Field(default_factory=dict)

    def group_of(self, code: str) -> str | None:
        """The id of the regional group of a jurisdiction code (``gb-sct`` takes ``gb``'s), if listed."""
        country = code.split("-")[0]
        return next((gid for gid, group in self.groups.items() if country in group.members), None)

    def requirement(self, rule_id: str) -> Requirement | None:
        """Return the requirement with this id, if any."""
        return next((r for r in self.requirements if r.id == rule_id), None)
