"""Pydantic models of the inputs (statutes, rules) and of the results."""

from compliance.model.legislation import Provision, Statute, StatuteInstrument, TreatyParty
from compliance.model.rules import Element, Instrument, Requirement, RuleSet, Scoring

__all__ = [
    "Element",
    "Instrument",
    "Provision",
    "Requirement",
    "RuleSet",
    "Scoring",
    "Statute",
    "StatuteInstrument",
    "TreatyParty",
]
