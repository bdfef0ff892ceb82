"""The closed vocabulary of the norm language, loaded from ``grammar/vocabulary.yaml``.

A term belongs to one category (actor, action, object, person, condition, offence, unit).
Statute files may add jurisdiction-local ``condition`` and ``offence`` terms; nothing else.
"""

from __future__ import annotations

import difflib
import itertools
import re
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

import yaml

from compliance.model.phrase import Items, Msg, Phrase

#: The categories a term can belong to, and the YAML section of each.
CATEGORIES: dict[str, str] = {
    "actor": "actors",
    "action": "actions",
    "object": "objects",
    "person": "persons",
    "condition": "conditions",
    "offence": "offences",
    "unit": "units",
    "person_qualifier": "person_qualifiers",
    "object_qualifier": "object_qualifiers",
    "offence_qualifier": "offence_qualifiers",
}

#: Categories a statute may extend with local terms.
LOCAL_CATEGORIES = ("condition", "offence")

Cell = tuple[str, ...]


@dataclass(frozen=True)
class Vocabulary:
    """Terms by category, modality strengths, hedge factors and the beneficiary cell space."""

    terms: dict[str, dict[str, dict[str, Any]]]
    modalities: dict[str, dict[str, Any]]
    kinds: dict[str, dict[str, Any]]
    hedges: dict[str, dict[str, Any]]
    sources: dict[str, dict[str, Any]]
    dimensions: dict[str, tuple[str, ...]]
    local: dict[str, str] = field(default_factory=dict)  # local term -> category
    #: Local term -> the statute file's description of it (for gaps that name a local condition).
    local_descriptions: dict[str, str] = field(default_factory=dict, compare=False)
    #: Memo of :meth:`cells` (person terms are never local, so copies with local terms share it).
    _cells: dict[tuple[str, tuple[str, ...]], frozenset[Cell]] = field(default_factory=dict, repr=False,
                                                                        compare=False)
    _described: dict[tuple[frozenset[Cell], frozenset[Cell] | None], str] = field(
        default_factory=dict, repr=False, compare=False)

    def category_of(self, name: str) -> list[str]:
        """Return every category that knows ``name`` (usually one)."""
        found = [cat for cat, table in self.terms.items() if name in table]
        if name in self.local:
            found.append(self.local[name])
        return found

    def knows(self, name: str, *categories: str) -> bool:
        """Tell whether ``name`` is a term of one of ``categories``."""
        return any(cat in categories for cat in self.category_of(name))

    def suggest(self, name: str, *categories: str) -> str | None:
        """Return the closest known term of the given categories, if any is close."""
        pool = [t for cat in categories for t in self.terms.get(cat, {})]
        pool += [t for t, cat in self.local.items() if cat in categories]
        match = difflib.get_close_matches(name, pool, n=1, cutoff=0.6)
        return match[0] if match else None

    def with_local(self, local: dict[str, str], descriptions: dict[str, str] | None = None) -> Vocabulary:
        """Return a copy extended with a statute's local terms (term -> category, and their descriptions)."""
        return Vocabulary(self.terms, self.modalities, self.kinds, self.hedges, self.sources, self.dimensions,
                          dict(local), dict(descriptions or {}), self._cells, self._described)

    def describe(self, name: str, category: str = "condition") -> str:
        """A term's description without its final full stop; a local term's as its statute file gives it."""
        entry = self.terms.get(category, {}).get(name)
        if entry:
            return str(entry["description"]).rstrip(".")
        text = " ".join(self.local_descriptions.get(name, name.replace("_", " ")).split())
        first = re.split(r"(?<!\be\.g)(?<!\bi\.e)(?<!\bcf)(?<!\bs)(?<!\bss)(?<!\bart)(?<!\bno)\. ", text)[0].rstrip(".")
        return first if len(first) <= 160 else first[:159].rstrip() + "…"

    def strength(self, kind: str, modality: str, hedges: tuple[str, ...], action: str,
                 source: str = "statute") -> float:
        """Force of a norm on a 0-1 scale: source x kind x modality x hedges (a permission to claim is a right)."""
        base = float(self.modalities[modality]["strength"])
        if self.terms["action"].get(action, {}).get("entitlement") and base > 0:
            base = 1.0
        value = float(self.sources[source]["factor"]) * float(self.kinds[kind]["strength"]) * base
        for hedge in hedges:
            value *= float(self.hedges[hedge]["factor"])
        return value

    def polarity(self, modality: str) -> str:
        """Return ``positive`` or ``negative`` for a modality key."""
        return str(self.modalities[modality]["polarity"])

    def all_cells(self) -> frozenset[Cell]:
        """Every cell of the beneficiary space."""
        return frozenset(itertools.product(*self.dimensions.values()))

    def cells(self, name: str, qualifiers: tuple[str, ...] = ()) -> frozenset[Cell]:
        """The beneficiary cells a person term covers (empty if it is not on the victim space)."""
        key = (name, tuple(qualifiers))
        found = self._cells.get(key)
        if found is None:
            found = self._cells[key] = self._compute_cells(name, key[1])
        return found

    def _compute_cells(self, name: str, qualifiers: tuple[str, ...]) -> frozenset[Cell]:
        person = self.terms["person"].get(name)
        if person is None or "cells" not in person:
            return frozenset()
        allowed = {dim: set(values) for dim, values in self.dimensions.items()}
        for dim, values in person["cells"].items():
            allowed[dim] &= set(values)
        for qualifier in qualifiers:
            for dim, values in self.terms["person_qualifier"][qualifier].get("cells", {}).items():
                allowed[dim] &= set(values)
        return frozenset(itertools.product(*(sorted(allowed[d]) for d in self.dimensions)))

    def describe_cells(self, cells: frozenset[Cell], within: frozenset[Cell] | None = None) -> str:
        """Describe a set of cells in words, relative to ``within`` (default: the whole space).

        A dimension is left out when the cells take every value ``within`` takes in it, so
        ``victims: adult`` rather than a list of every stage and residence. A set that is not a
        single block is split into blocks: ``victims: adult + victims: child; national``.
        """
        key = (cells, within)
        found = self._described.get(key)
        if found is None:
            found = self._described[key] = self._describe(cells, within)
        return found

    def _describe(self, cells: frozenset[Cell], within: frozenset[Cell] | None) -> str:
        if not cells:
            return Msg("no victims")
        within = within or self.all_cells()
        blocks = [self._block_words(block, within) for block in self._blocks(cells)]
        if blocks == [None]:
            return Msg("all victims") if within == self.all_cells() else self.describe_cells(within)
        words = [Phrase("victims: {which}", which=w) if w is not None else Msg("all other victims") for w in blocks]
        return words[0] if len(words) == 1 else Phrase("{blocks}", blocks=Items(words, "plus"))

    def _blocks(self, cells: frozenset[Cell]) -> list[frozenset[Cell]]:
        """Split cells into rectangular blocks (products of values), grouping equal sub-structures."""
        values = [sorted({c[i] for c in cells}) for i in range(len(self.dimensions))]
        if frozenset(itertools.product(*values)) == cells:
            return [cells]
        index = next(i for i, vals in enumerate(values) if len(vals) > 1 and any(
            frozenset(c[:i] + c[i + 1:] for c in cells if c[i] == v)
            != frozenset(c[:i] + c[i + 1:] for c in cells if c[i] == vals[0]) for v in vals))
        groups: dict[frozenset[Cell], set[str]] = {}
        for value in values[index]:
            rest = frozenset(c[:index] + c[index + 1:] for c in cells if c[index] == value)
            groups.setdefault(rest, set()).add(value)
        out: list[frozenset[Cell]] = []
        for rest, group in groups.items():
            block = frozenset((*r[:index], v, *r[index:]) for r in rest for v in group)
            out += self._blocks(block)
        return out

    def _block_words(self, block: frozenset[Cell], within: frozenset[Cell]) -> Items | None:
        parts = []
        for index, dim in enumerate(self.dimensions):
            order = list(self.dimensions[dim])
            values = sorted({cell[index] for cell in block}, key=order.index)
            if set(values) != {cell[index] for cell in within}:
                parts.append(Items([Msg(v.replace("_", " ")) for v in values], "or"))
        return Items(parts, "semicolon") if parts else None


def _load_yaml_resource(name: str) -> dict[str, Any]:
    text = resources.files("compliance").joinpath("grammar").joinpath(name).read_text(encoding="utf-8")
    data: dict[str, Any] = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    return data


@cache
def load_vocabulary() -> Vocabulary:
    """Load the packaged vocabulary (cached)."""
    data = _load_yaml_resource("vocabulary.yaml")
    terms = {cat: dict(data.get(section) or {}) for cat, section in CATEGORIES.items()}
    return Vocabulary(
        terms=terms,
        modalities=data["modalities"],
        kinds=data["kinds"],
        hedges=data["hedges"],
        sources=data["sources"],
        dimensions={k: tuple(v) for k, v in data["dimensions"].items()},
    )


def vocabulary_markdown(vocab: Vocabulary | None = None) -> str:
    """Render the vocabulary as the Markdown reference page ``docs/vocabulary.md``."""
    vocab = vocab or load_vocabulary()
    out = ["# Norm vocabulary", "",
           "<!-- generated by `compliance vocabulary`; do not edit by hand -->", "",
           "Every lower-case word of a norm is one of these terms. A statute file may add local "
           "`condition` and `offence` terms under `terms:`.", ""]

    def table(title: str, rows: dict[str, dict[str, Any]], extra: str | None = None) -> None:
        out.extend([f"## {title}", "", f"| Term | {'Reads | ' if extra == 'reads' else ''}Meaning |",
                    f"|---|{'---|' if extra == 'reads' else ''}---|"])
        for name, entry in rows.items():
            reads = f"`{entry['reads']}` | " if extra == "reads" else ""
            detail = entry["description"]
            if "strength" in entry:
                detail += f" Strength {entry['strength']}."
            if "factor" in entry:
                detail += f" Multiplies strength by {entry['factor']}."
            if entry.get("cells"):
                cells = "; ".join(f"{d}: {', '.join(v)}" for d, v in entry["cells"].items())
                detail += f" Covers {cells}."
            if entry.get("entitlement"):
                detail += " Confers a right (MAY counts at full strength)."
            if entry.get("general"):
                detail += " A general term: rules that ask for victim-specific provisions count it in part."
            out.append(f"| `{name}` | {reads}{detail} |")
        out.append("")

    table("Modalities", vocab.modalities, "reads")
    table("Kinds of statement", vocab.kinds, "reads")
    table("Hedges", vocab.hedges, "reads")
    table("Sources (instrument kinds)", vocab.sources, "reads")
    out.extend(["## Beneficiary dimensions", "",
                "A rule asks for coverage of cells of this space; a norm covers the cells of its beneficiary.", ""])
    out.extend(f"- `{dim}`: {', '.join(values)}" for dim, values in vocab.dimensions.items())
    out.append("")
    titles = {"actor": "Actors", "action": "Actions", "object": "Objects", "person": "Persons",
              "person_qualifier": "Person qualifiers", "object_qualifier": "Object qualifiers (kinds)",
              "offence_qualifier": "Offence qualifiers (exploitation purposes)",
              "condition": "Conditions", "offence": "Offences", "unit": "Units"}
    for category, title in titles.items():
        table(title, vocab.terms[category])
    return "\n".join(out).rstrip() + "\n"
