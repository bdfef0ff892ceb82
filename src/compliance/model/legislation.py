"""The statute format: ``legislation/<code>.yaml``. See docs/statute-format.md."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Literal

from pydantic import Field, field_validator, model_validator

from compliance.model.base import Strict

#: lowercase ISO 3166-1 alpha-2, optionally with an ISO 3166-2 subdivision (``gb-eaw``).
CODE_PATTERN = r"^[a-z]{2}(-[a-z0-9]{1,3})?$"
URL_PATTERN = r"^https?://[^\s<>\"'`]+$"
ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9 ._()/§-]*$"

TextStatus = Literal["verbatim", "excerpt", "paraphrase", "translation"]
#: Whether the encoder searched the jurisdiction's law for an area (``coverage:``).
CoverageState = Literal["searched", "not_read"]


class Jurisdiction(Strict):
    """The state or sub-national jurisdiction whose law the file encodes."""

    code: str = Field(pattern=CODE_PATTERN, description="ISO 3166-1 alpha-2 or ISO 3166-2, lower case.")
    name: str = Field(min_length=1)


class TreatyParty(Strict):
    """A treaty the jurisdiction (or the state it belongs to) is party to."""

    instrument: str = Field(description="An instrument id from rules/instruments.yaml.")
    signed: dt.date | None = None
    ratified: dt.date | None = Field(default=None, description="Ratification, acceptance or accession.")
    in_force: dt.date | None = Field(default=None, description="Entry into force for this state.")
    party_by: dt.date | None = Field(
        default=None,
        description="A date by which the state was certainly a party, when exact dates could not be verified.",
    )
    source_url: str | None = Field(default=None, pattern=URL_PATTERN)
    party: bool = Field(
        default=True,
        description="false records that the state is not a party (say on what source in `note`); a treaty left "
                    "out of `treaties` is one whose party status the file does not record.")
    note: str | None = None

    def binding_since(self) -> dt.date | None:
        """The first day the treaty is known to bind the state.

        Entry into force for the state, else ratification, else ``party_by``; never for a recorded non-party.
        """
        if not self.party:
            return None
        return self.in_force or self.ratified or self.party_by

    def binding_on(self, day: dt.date) -> bool:
        """Tell whether the treaty is known to bind the state on ``day``."""
        start = self.binding_since()
        return start is not None and start <= day


class StatuteInstrument(Strict):
    """An enacted instrument (act, code, regulation) that provisions belong to."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]*$")
    title: str = Field(min_length=1)
    citation: str = Field(min_length=1)
    url: str = Field(pattern=URL_PATTERN)
    enacted: dt.date | None = Field(default=None, description="The day the act was made (passed, signed, adopted).")
    in_force: dt.date | None = Field(
        default=None,
        description="The day the act (its general commencement) came into force; provisions without their "
                    "own in_force date take this one, else `enacted`.")
    kind: Literal["statute", "regulation", "code", "guidance", "administrative"] = "statute"
    note: str | None = None

    @model_validator(mode="after")
    def _in_force_after_enactment(self) -> StatuteInstrument:
        if self.enacted and self.in_force and self.in_force < self.enacted:
            raise ValueError("in_force is before the enacted date")
        return self

    def starts(self) -> dt.date | None:
        """The day the act is law from, when its provisions say nothing: ``in_force``, else ``enacted``."""
        return self.in_force or self.enacted


class LocalTerm(Strict):
    """A term that exists only in this jurisdiction (an offence list, a local condition)."""

    category: Literal["condition", "offence"]
    description: str = Field(min_length=1)


class Provision(Strict):
    """One provision as cited, with its text and the norms that encode it."""

    id: str = Field(pattern=ID_PATTERN, description="The provision as cited, e.g. 's45' or 'reg 12(3)'.")
    instrument: str
    heading: str = Field(min_length=1)
    eid: str | None = Field(default=None, description="Akoma Ntoso eId of the provision, when imported.")
    source_url: str = Field(pattern=URL_PATTERN)
    in_force: dt.date | None = None
    made: dt.date | None = Field(
        default=None,
        description="The day this wording was made (adopted, signed, published), or the earliest day it can have "
                    "been made, when its in-force date is unknown: it is not law before that day. A lower bound, not "
                    "a commencement: `in_force` wins when given; the provision's notes say which it is.")
    repealed: dt.date | None = None
    text: str = Field(min_length=1)
    text_status: TextStatus
    text_source: str | None = Field(default=None, description="Where the text was read, if not source_url.")
    language: str = Field(default="en", pattern=r"^[a-z]{2,3}$", description="ISO 639 code of `text`.")
    translation: str | None = Field(default=None, description="An English rendering of a non-English `text`.")
    translation_by: str | None = Field(default=None, description="Whose translation: an official or named source.")
    retrieved: dt.date | None = None
    notes: str | None = None
    norms: list[str] = Field(default_factory=list)
    no_norm_reason: str | None = None

    @model_validator(mode="after")
    def _dates_in_order(self) -> Provision:
        if self.in_force and self.repealed and self.repealed < self.in_force:
            raise ValueError("repealed date is before the in-force date")
        if self.in_force and self.made and self.in_force < self.made:
            raise ValueError("in-force date is before the day the wording was made")
        if (self.translation or self.text_status == "translation") and not self.translation_by:
            raise ValueError("a translation needs translation_by: whose translation it is")
        return self

    def in_force_on(self, day: dt.date, act_starts: dt.date | None = None) -> bool:
        """Tell whether the provision is in force on ``day``.

        A provision without its own ``in_force`` takes ``act_starts`` (its act's in-force or enactment
        date), but never earlier than the day its wording was ``made``; when none is known it counts as
        in force (``validate --strict`` names it).
        """
        start = self.starts(act_starts)
        started = start is None or start <= day
        ended = self.repealed is not None and self.repealed <= day
        return started and not ended

    def starts(self, act_starts: dt.date | None = None) -> dt.date | None:
        """The day the provision is law from: ``in_force``, else the later of ``act_starts`` and ``made``."""
        if self.in_force:
            return self.in_force
        known = [d for d in (act_starts, self.made) if d is not None]
        return max(known) if known else None


class Statute(Strict):
    """A jurisdiction's encoded legislation: the whole content of one ``legislation/<code>.yaml``."""

    schema_version: Literal[1] = 1
    jurisdiction: Jurisdiction
    treaties: list[TreatyParty] = Field(default_factory=list)
    instruments: list[StatuteInstrument] = Field(min_length=1)
    terms: dict[str, LocalTerm] = Field(default_factory=dict)
    coverage: dict[str, CoverageState] = Field(
        default_factory=dict,
        description="Per area of the rule set: `searched` (the law was searched for it; an absent provision is a "
                    "real gap) or `not_read` (nobody read the law for it; reported as not assessed). An area "
                    "left out counts as searched.")
    coverage_notes: dict[str, str] = Field(
        default_factory=dict, description="Per area: what was (or could not be) read, in a sentence.")
    coverage_from: dt.date | None = Field(
        default=None,
        description="The first day whose law the encoder read: `coverage` holds for the law in force on or after "
                    "it. For an earlier day every area is not assessed, since the older law (repealed acts, earlier "
                    "wordings) was not read. Leave it out when earlier law was encoded too.")
    coverage_since: dict[str, dt.date] = Field(
        default_factory=dict,
        description="Per area: the first day whose law the encoder read for that area (e.g. the day the encoded "
                    "wording came into force, when its earlier wordings or the acts it replaced were not read). "
                    "Before that day the area is not assessed rather than missing. An area left out is read as "
                    "far back as `coverage_from` (or without limit).")
    provisions: list[Provision] = Field(min_length=1)
    notes: str | None = None

    def not_read_on(self, day: dt.date, areas: Iterable[str]) -> set[str]:
        """The areas (of ``areas``) whose law in force on ``day`` nobody read.

        Those declared ``not_read``, every area before ``coverage_from``, and an area before its own
        ``coverage_since`` day.
        """
        if self.coverage_from is not None and day < self.coverage_from:
            return set(areas)
        return {a for a in areas if self.coverage.get(a) == "not_read"
                or (a in self.coverage_since and day < self.coverage_since[a])}

    def read_since(self, area: str, day: dt.date) -> dt.date | None:
        """The area's ``coverage_since`` day when ``day`` is before it (why the area is not assessed), else None."""
        since = self.coverage_since.get(area)
        return since if since is not None and day < since else None

    def instrument(self, instrument_id: str) -> StatuteInstrument | None:
        """The national instrument with this id, if declared."""
        return next((i for i in self.instruments if i.id == instrument_id), None)

    def starts(self, provision: Provision) -> dt.date | None:
        """The day ``provision`` is law from: its own ``in_force``, else its act's (never before it was ``made``)."""
        act = self.instrument(provision.instrument)
        return provision.starts(act.starts() if act else None)

    def in_force_on(self, provision: Provision, day: dt.date) -> bool:
        """Tell whether ``provision`` is law on ``day``, with its act's date where it has none of its own."""
        act = self.instrument(provision.instrument)
        return provision.in_force_on(day, act.starts() if act else None)

    @field_validator("terms")
    @classmethod
    def _term_names(cls, value: dict[str, LocalTerm]) -> dict[str, LocalTerm]:
        import re

        for name in value:
            if not re.fullmatch(r"[a-z][a-z0-9_]*", name):
                raise ValueError(f"term name {name!r} must be lower case letters, digits and underscores")
        return value
