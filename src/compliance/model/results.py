"""The result model: what evaluation and scoring produce and what every renderer consumes."""

from __future__ import annotations

import sys
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from compliance.model.phrase import Items, Msg, Phrase

Status = Literal["met", "partial", "missing", "not_assessed"]
BaselineState = Literal["new", "unchanged", "improved", "regressed"]

#: Version of the JSON contract (``--format json``).
SCHEMA_VERSION = 1

SCOPE = ("De jure assessment of the encoded statute text only: it does not assess implementation, "
         "practice, case law or guidance that is not encoded.")


class _Out(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Evidence(_Out):
    """A provision whose norm satisfied (fully or partly) an element."""

    provision: str
    instrument: str = Field(description="Id of the national instrument the provision belongs to.")
    heading: str
    element: str
    norm: str
    score: float
    file: str
    line: int
    column: int
    text_status: str
    source_url: str


class ElementResult(_Out):
    """How one element of a requirement fared."""

    id: str
    description: str
    weight: float
    score: float = Field(ge=0, le=1)
    status: Status
    reasons: list[str]


class SourceResult(_Out):
    """One instrument provision that requires a requirement, and whether it binds the jurisdiction."""

    instrument: str
    instrument_id: str
    article: str
    citation: str
    modality: str
    binding: bool
    kind: str
    source_url: str
    treaty_text_status: str


class WaiverApplied(_Out):
    """A waiver that accepts a finding for now: the finding is still reported, marked as waived."""

    justification: str
    reviewer: str | None
    expires: str | None
    file: str
    line: int
    column: int


class RequirementResult(_Out):
    """The verdict on one requirement for one jurisdiction."""

    id: str
    title: str
    area: str
    instrument: str
    instrument_id: str
    article: str
    citation: str
    modality: str
    binding: bool
    sources: list[SourceResult]
    weight: float
    status: Status
    score: int
    exact_score: float
    elements: list[ElementResult]
    evidence: list[Evidence]
    gaps: list[str]
    #: The same gaps as data (template and arguments, see :mod:`compliance.model.phrase`), so that a
    #: renderer can say them in another language; rendered in English, each is exactly its line in ``gaps``.
    gap_phrases: list[Any] = Field(default_factory=list)
    recommendation: str
    treaty_text: str
    treaty_text_status: str
    source_url: str
    rule_file: str
    rule_line: int
    waiver: WaiverApplied | None = Field(
        default=None, description="Set when a waiver accepts this (partial or missing) finding.")
    baseline: BaselineState | None = Field(
        default=None, description="With --baseline: new, unchanged, improved or regressed against it.")


class ProvisionText(_Out):
    """A provision cited as evidence, with its text, for reports that show law beside treaty."""

    id: str
    instrument: str
    heading: str
    text: str
    text_status: str
    source_url: str
    file: str
    line: int
    column: int = 1


class AreaResult(_Out):
    """The score of one area."""

    title: str
    score: int
    status: Status
    requirements: int


class JurisdictionInfo(_Out):
    """The jurisdiction a report is about."""

    code: str
    name: str


class InstrumentStatus(_Out):
    """Whether an instrument binds the jurisdiction on the assessment date."""

    id: str
    name: str
    binding: bool
    basis: str
    #: ``basis`` as data (a phrase, see :mod:`compliance.model.phrase`), for other languages.
    basis_phrase: Any = None


class Coverage(_Out):
    """What the encoder read: areas not read are reported as not assessed and left out of the score."""

    not_assessed: list[str] = Field(description="Ids of the areas the statute file declares not read.")
    assessed_share: int = Field(
        ge=0, le=100, description="The share (percent) of the overall score's weight that was assessed: 100 "
                                  "when every area was searched; the base shrank by 100 minus this.")
    notes: dict[str, str] = Field(default_factory=dict, description="The statute file's coverage notes, by area.")
    read_from: str | None = Field(
        default=None, description="Set when the report's date is before the statute file's coverage_from: the "
                                  "first day whose law was read (so no area was assessed).")

    def phrase(self) -> Phrase:
        """How much the score's base shrank, and why, as a translatable phrase."""
        if self.read_from:
            return Phrase("Not assessed: the statute file's reading covers the law in force from {start}; the law in "
                          "force on the report's date was not read, so no area is scored.", start=self.read_from)
        if not self.not_assessed:
            return Phrase("Every area was searched: the score's base is complete.")
        areas = Items([Msg(a.replace("_", " ")) for a in self.not_assessed], "comma")
        return Phrase("Not assessed (the law was not read): {areas}. The score covers {share}% of its base; the base "
                      "shrank by {shrunk}%.", areas=areas, share=str(self.assessed_share),
                      shrunk=str(100 - self.assessed_share))

    def sentence(self) -> str:
        """One line for every output: how much the score's base shrank, and why."""
        return str(self.phrase())


#: How key findings are chosen (docs/scoring.md, "Key findings"); every report and comparison carries it.
KEY_FINDINGS_RULE = (
    "The gaps with the largest weight x shortfall (the requirement's weight times 100 minus its score, "
    "over 100) among the requirements of binding instruments, at most five and missing before partly met "
    "on a tie, then by area and article; a jurisdiction bound by no instrument of the rule set is read "
    "against the benchmarks instead, and says so. Requirements not assessed are never key findings.")


class KeyGap(_Out):
    """One of the most serious gaps of a report, in a sentence."""

    requirement: str
    area: str
    citation: str
    status: Status
    score: int
    severity: float = Field(description="weight x (100 - score) / 100: what orders the key findings")
    provisions: list[str] = Field(description="The provisions closest to meeting it (its evidence), if any.")
    sentence: str
    #: ``sentence`` as data (a phrase), for other languages.
    phrase: Any = None


class KeyFindings(_Out):
    """The few gaps a reader should see first, and what is met (chosen by :data:`KEY_FINDINGS_RULE`)."""

    basis: Literal["binding", "benchmark"]
    gaps: list[KeyGap]
    met: list[str] = Field(description="Ids of the requirements of the basis that are met in full.")
    met_sentence: str
    #: ``met_sentence`` as data (a phrase), for other languages.
    met_phrase: Any = None
    rule: str = KEY_FINDINGS_RULE


class Report(_Out):
    """One jurisdiction's assessment: the JSON contract, schema_version 1."""

    schema_version: int = SCHEMA_VERSION
    rules_version: str
    jurisdiction: JurisdictionInfo
    file: str
    as_of: str
    standard: str
    score: int
    status: Status
    binding_score: int | None
    areas: dict[str, AreaResult]
    instruments: list[InstrumentStatus]
    requirements: list[RequirementResult]
    provisions: list[ProvisionText] = []
    scoring_method: str
    scope: str = SCOPE
    coverage: Coverage = Field(default_factory=lambda: Coverage(not_assessed=[], assessed_share=100))
    key_findings: KeyFindings | None = None

    def slim(self, keep_findings: bool = False) -> Report:
        """A copy without the texts a comparison does not need.

        Provision and treaty texts and element details go; with ``keep_findings`` the evidence and
        gaps stay (the CSV lists them). ``compare`` keeps one of these per jurisdiction, so that its
        memory does not grow with the size of every statute.
        """
        intern = sys.intern  # titles and citations repeat across jurisdictions: keep one copy of each
        requirements = [q.model_copy(update={
            "title": intern(q.title), "citation": intern(q.citation), "instrument": intern(q.instrument),
            "elements": [], "treaty_text": "", "recommendation": "", "rule_file": intern(q.rule_file),
            **({"sources": [s.model_copy(update={"citation": intern(s.citation)}) for s in q.sources]}
               if keep_findings else {"evidence": [], "gaps": [], "sources": []})}) for q in self.requirements]
        return self.model_copy(update={"provisions": [], "requirements": requirements, "scoring_method": "",
                                       "scope": intern(self.scope)})

    def locate(self, req: RequirementResult) -> tuple[str, int, int]:
        """Where a finding is: the provision that best meets the requirement, else the top of the file.

        Every machine format (SARIF, GitHub annotations, JUnit, text, threshold messages) points here.
        """
        if not req.evidence:
            return self.file, 1, 1
        best = max(req.evidence, key=lambda e: (e.score, -e.line, -e.column))
        for p in self.provisions:
            if p.id == best.provision and p.instrument == best.instrument:
                return p.file, p.line, p.column
        return best.file, best.line, best.column


class MultiReport(_Out):
    """Several jurisdictions' reports."""

    schema_version: int = SCHEMA_VERSION
    results: list[Report]


class ComparisonArea(_Out):
    """An area of the comparison, with the jurisdictions ranked by their score in it."""

    id: str
    title: str
    ranking: list[str]


class ComparisonRequirement(_Out):
    """A column of the comparison matrix."""

    id: str
    title: str
    area: str
    citation: str


class MatrixCell(_Out):
    """One jurisdiction's verdict on one requirement."""

    status: Status
    score: int
    binding: bool


class ComparisonRow(_Out):
    """One jurisdiction's line in the comparison."""

    code: str
    name: str
    file: str
    rank: int
    score: int
    status: Status
    binding_score: int | None
    areas: dict[str, AreaResult]
    cells: dict[str, MatrixCell]
    assessed_share: int = Field(default=100, description="Percent of the score's base that was assessed.")
    not_assessed: list[str] = Field(default_factory=list, description="Areas whose law was not read.")
    binding_verdicts: dict[str, int] = Field(
        default_factory=dict,
        description="How many requirements of binding instruments are met, partial, missing or not_assessed: "
                    "what tells jurisdictions with the same overall status apart.")


class AreaLeader(_Out):
    """Who leads one area of a comparison."""

    area: str
    title: str
    score: int
    leaders: list[str] = Field(description="Codes of the jurisdictions with the highest score in the area.")


class CommonGap(_Out):
    """A requirement many jurisdictions fall short of."""

    requirement: str
    citation: str
    title: str
    short: int = Field(description="How many jurisdictions partly meet or miss it (among those assessed on it).")
    assessed: int
    missing: int


class ComparisonFindings(_Out):
    """What a comparison leads with: who leads each area, and the gaps most jurisdictions share."""

    leaders: list[AreaLeader]
    common_gaps: list[CommonGap]
    rule: str = ("Leaders: the highest area score (ties share the lead), among the jurisdictions assessed in "
                 "the area. Common gaps: the requirements most jurisdictions partly meet or miss, at most "
                 "five, most first, then by area and requirement.")


class Comparison(_Out):
    """Several jurisdictions compared on the same requirements: the ``compare`` JSON contract."""

    schema_version: int = SCHEMA_VERSION
    kind: str = "comparison"
    rules_version: str
    as_of: str
    standard: str
    instruments: list[str]
    areas: list[ComparisonArea]
    requirements: list[ComparisonRequirement]
    jurisdictions: list[ComparisonRow]
    scope: str = SCOPE
    key_findings: ComparisonFindings | None = None


class RequirementChange(_Out):
    """One requirement whose status or score differs between two reports, and why."""

    id: str
    title: str
    change: str  # improved | regressed
    old_status: Status | None
    new_status: Status | None
    old_score: int | None
    new_score: int | None
    causes: list[str]
    elements: dict[str, list[str]]


class Diff(_Out):
    """The semantic difference between two assessments (files, or one file at two dates)."""

    schema_version: int = SCHEMA_VERSION
    kind: str = "diff"
    old: dict[str, str]
    new: dict[str, str]
    old_score: int
    new_score: int
    changes: list[RequirementChange]
    unchanged: int


class CorpusEntry(_Out):
    """One bundled jurisdiction in the corpus catalogue: provenance figures and scores."""

    code: str
    name: str
    file: str
    instruments: list[dict[str, str]]
    treaties: list[dict[str, str]]
    provisions: int
    by_status: dict[str, int]
    languages: list[str]
    norms: int
    score: int
    binding_score: int | None
    group: str | None = Field(default=None, description="The regional group's name (rules/groups.yaml), if listed.")
    official_sources: int = Field(default=0, description="Provisions cited from an official publisher.")
    not_read: list[str] = Field(default_factory=list, description="Areas the file declares not read.")
