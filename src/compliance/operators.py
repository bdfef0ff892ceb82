"""The check vocabulary: a table of small operator classes, one per ``require:`` key of a rule element.

Each operator looks at one norm and returns an :class:`Outcome`: a factor from 0 to 1 (1 = the norm
passes this test) and, below 1, a reason in plain words. Adding an operator is one class plus one
entry in :data:`OPERATORS`; rule files name operators, never the other way round.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from compliance.ast import Norm, positive_terms, satisfiable
from compliance.model.phrase import Arg, Items, Msg, Phrase, lower_first
from compliance.vocabulary import Vocabulary


@dataclass(frozen=True)
class Outcome:
    """The result of one operator on one norm."""

    factor: float
    reason: Phrase | None = None


PASS = Outcome(1.0)


def _factor(param: dict[str, Any], key: str, default: float) -> float:
    value = float(param.get(key, default))
    if not 0.0 <= value <= 1.0:
        raise ValueError(f"'{key}' must be between 0 and 1")
    return value


def _terms(param: dict[str, Any], vocab: Vocabulary, key: str = "terms") -> list[str]:
    terms = param.get(key)
    if not isinstance(terms, list) or not all(isinstance(t, str) for t in terms):
        raise ValueError(f"'{key}' must be a list of condition terms")
    for term in terms:
        if not vocab.knows(term, "condition"):
            hint = vocab.suggest(term, "condition")
            raise ValueError(f"unknown condition term {term!r}" + (f"; did you mean {hint!r}?" if hint else ""))
    return terms


def term_words(name: str, category: str, vocab: Vocabulary) -> Arg:
    """A term in plain words, to continue a sentence.

    A vocabulary term is a catalogue message (translated); a local term is its statute file's own
    description (data, not translated).
    """
    text = vocab.describe(name, category)
    return Msg(text, lower=True) if name in vocab.terms.get(category, {}) else lower_first(text)


def _describe(term: str, vocab: Vocabulary) -> Arg:
    """A condition term in plain words (its description, as in the gaps of every report)."""
    return term_words(term, "condition", vocab)



class Operator:
    """Base class: ``validate`` checks the rule's parameter at load time; ``check`` tests a norm."""

    name: ClassVar[str]
    doc: ClassVar[str]

    def validate(self, param: Any, vocab: Vocabulary) -> None:
        """Raise ``ValueError`` if ``param`` is not a valid parameter."""

    def check(self, norm: Norm, param: Any, vocab: Vocabulary) -> Outcome:
        """Test ``norm`` against ``param``."""
        raise NotImplementedError


class Force(Operator):
    """The norm's modality binds with at least this strength (a number 0-1 or a modality key such as ``shall``).

    Hedges and weaker sources are priced by the closed-world pass (:mod:`compliance.restrictions`),
    not here, so that a hedge costs the same whatever force the element asks for.
    """

    name = "force"
    doc = "Minimum force of the modality: a number 0-1 or a modality key (shall, may, shall_consider, ...)."

    def _required(self, param: Any, vocab: Vocabulary) -> float:
        if isinstance(param, str):
            if param not in vocab.modalities:
                raise ValueError(f"unknown modality {param!r} (known: {', '.join(vocab.modalities)})")
            return float(vocab.modalities[param]["strength"])
        if isinstance(param, int | float) and 0 < param <= 1:
            return float(param)
        raise ValueError("force must be a number in (0, 1] or a modality key")

    def validate(self, param: Any, vocab: Vocabulary) -> None:  # noqa: D102
        self._required(param, vocab)

    def check(self, norm: Norm, param: Any, vocab: Vocabulary) -> Outcome:  # noqa: D102
        required = self._required(param, vocab)
        strength = vocab.strength(norm.kind, norm.modality, (), norm.action.name)
        if strength >= required:
            return PASS
        if norm.kind != "operative":
            return Outcome(0.0, Phrase("it is {kind}, not an operative rule", kind=Msg(f"a {norm.kind}")))
        reads = vocab.modalities[norm.modality]["reads"].split(" / ")[0].lower()
        deontic = vocab.modalities[norm.modality]["deontic"].replace("_", " ")
        return Outcome(round(strength / required, 4),
                       Phrase("it is only {deontic} (the law says '{reads}'), weaker than the duty the standard "
                              "requires", deontic=Msg(("an " if deontic[:1] in "aeiou" else "a ") + deontic),
                              reads=Msg(reads)))


def _required_terms(norm: Norm) -> list[str]:
    """Condition terms the norm's IF/WHEN/WHERE clauses require (outside a NOT), first occurrence first."""
    return list(dict.fromkeys(t.name for c in norm.clauses_of("if") for t in positive_terms(c.cond)))


class _ConditionList(Operator):
    """Shared parameter handling: ``{terms: [condition...], factor: 0-1}``."""

    default_factor: ClassVar[float]

    def validate(self, param: Any, vocab: Vocabulary) -> None:
        _terms(param, vocab)
        _factor(param, "factor", self.default_factor)


class ForbiddenConditions(_ConditionList):
    """The norm must not make its effect depend on any of these conditions."""

    name = "forbidden_conditions"
    doc = "{terms: [condition...], factor: 0-1}: a norm whose IF/WHEN/WHERE requires one scores `factor`."
    default_factor = 0.0

    def check(self, norm: Norm, param: Any, vocab: Vocabulary) -> Outcome:  # noqa: D102
        hits = [t for t in _required_terms(norm) if t in set(param["terms"])]
        if not hits:
            return PASS
        return Outcome(_factor(param, "factor", self.default_factor),
                       Phrase("it applies only where {conditions}",
                              conditions=Items([_describe(h, vocab) for h in hits], "semicolon")))


class Duration(Operator):
    """The norm states a period of at least a floor (units converted to days)."""

    name = "duration"
    doc = "{at_least: N, unit: days|weeks|months|years, factor_missing: 0-1, factor_below: 0-1}."

    def validate(self, param: Any, vocab: Vocabulary) -> None:  # noqa: D102
        if not isinstance(param.get("at_least"), int | float):
            raise ValueError("'at_least' must be a number")
        if not vocab.knows(str(param.get("unit")), "unit"):
            raise ValueError(f"unknown unit {param.get('unit')!r}")
        _factor(param, "factor_missing", 0.5)
        _factor(param, "factor_below", 0.5)

    def check(self, norm: Norm, param: Any, vocab: Vocabulary) -> Outcome:  # noqa: D102
        units = vocab.terms["unit"]
        floor = float(param["at_least"]) * float(units[param["unit"]]["days"])
        floor_text = f"{param['at_least']} {param['unit']}"
        if norm.duration is None:
            return Outcome(_factor(param, "factor_missing", 0.5),
                           Phrase("it states no period (the floor is {floor})", floor=floor_text))
        days = norm.duration.value * float(units[norm.duration.unit]["days"])
        guaranteed = norm.duration.comparator in ("ge", "gt", "eq")
        if days >= floor and guaranteed:
            return self._set_by(norm, vocab)
        return Outcome(_factor(param, "factor_below", 0.5),
                       Phrase("its period ({period}) does not guarantee the floor of {floor}",
                              period=str(norm.duration), floor=floor_text))

    @staticmethod
    def _set_by(norm: Norm, vocab: Vocabulary) -> Outcome:
        """A period that only a weaker instrument sets (``SET BY guidance``) counts at that instrument's force."""
        by = norm.duration.set_by if norm.duration else None
        if by is None:
            return PASS
        factor = float(vocab.sources[by]["factor"]) / float(vocab.sources[norm.source]["factor"])
        if factor >= 1:
            return PASS
        return Outcome(round(factor, 4), Phrase(
            "its period ({period}) is set only in {source}, not in law: the law grants the measure but does not "
            "fix its length", period=str(norm.duration), source=by))


class Kinds(Operator):
    """The object (or, with ``of: offence``, the offence) names at least one of these kinds."""

    name = "kinds"
    doc = ("{any_of: [kind...], factor_unspecified: 0-1, of: object|offence}: a norm of unspecified kind scores "
           "`factor_unspecified`; `of: offence` reads exploitation purposes: trafficking_offence[forced_labour].")

    def validate(self, param: Any, vocab: Vocabulary) -> None:  # noqa: D102
        kinds = param.get("any_of")
        on = param.get("of", "object")
        if on not in ("object", "offence"):
            raise ValueError("'of' must be object or offence")
        if not isinstance(kinds, list) or not kinds:
            raise ValueError("'any_of' must be a non-empty list of kinds")
        for kind in kinds:
            if not vocab.knows(kind, f"{on}_qualifier"):
                raise ValueError(f"unknown kind {kind!r}")
        _factor(param, "factor_unspecified", 0.5)

    def check(self, norm: Norm, param: Any, vocab: Vocabulary) -> Outcome:  # noqa: D102
        wanted = param["any_of"]
        term = norm.offence if param.get("of") == "offence" else norm.object
        given = term.qualifiers if term else ()
        if any(k in given for k in wanted):
            return PASS
        category = f"{param.get('of', 'object')}_qualifier"
        names = Items([Msg(vocab.describe(k, category), lower=True) for k in wanted], "or")
        if not given:
            return Outcome(_factor(param, "factor_unspecified", 0.5),
                           Phrase("it does not say that it includes {kinds}", kinds=names))
        return Outcome(0.0, Phrase("it covers {given} but not {kinds}", kinds=names,
                                   given=Items([term_words(k, category, vocab) for k in given], "comma")))


class Dispensable(Operator):
    """The norm can apply without these conditions when the given ones hold (no means for a child victim)."""

    name = "dispensable"
    doc = ("{terms: [condition...], given: [condition...], factor: 0-1}: a norm whose IF clause cannot hold "
           "with `terms` false and `given` true scores `factor`.")

    def validate(self, param: Any, vocab: Vocabulary) -> None:  # noqa: D102
        _terms(param, vocab)
        _terms(param, vocab, "given")
        _factor(param, "factor", 0.0)

    def check(self, norm: Norm, param: Any, vocab: Vocabulary) -> Outcome:  # noqa: D102
        terms, given = set(param["terms"]), set(param["given"])
        for clause in norm.clauses_of("if"):
            if not satisfiable(clause.cond, given, terms):
                needed = Items([_describe(t, vocab) for t in sorted(terms)], "or")
                when = Items([_describe(t, vocab) for t in sorted(given)], "and")
                return Outcome(_factor(param, "factor", 0.0),
                               Phrase("it requires {needed}, even where {given}", needed=needed, given=when))
        return PASS


class VictimSpecific(Operator):
    """The norm is made for victims; a rule of general law (for any ``person``) helps them only incidentally."""

    name = "victim_specific"
    doc = "{factor: 0-1}: a norm whose beneficiary is a general person term (e.g. person) scores `factor`."

    def validate(self, param: Any, vocab: Vocabulary) -> None:  # noqa: D102
        _factor(param, "factor", 0.5)

    def check(self, norm: Norm, param: Any, vocab: Vocabulary) -> Outcome:  # noqa: D102
        who = norm.beneficiary
        if who is not None and vocab.terms["person"].get(who.name, {}).get("general"):
            return Outcome(_factor(param, "factor", 0.5),
                           Phrase("it is a rule of general law (for any person), not one made for victims"))
        return PASS


class OffenceScope(Operator):
    """The norm covers every offence (``OF offence``, or no offence named), not only a narrow list of them.

    A norm limited to some of the listed kinds scores in proportion: the kinds it covers out of the
    listed kinds plus one for every other offence (``len(kinds) + 1``); a norm limited to a
    jurisdiction's own list of offences scores ``factor_local``.
    """

    name = "offence_scope"
    doc = ("{kinds: [offence...], factor_local: 0-1}: a norm limited to one of `kinds` scores 1/(len(kinds)+1); "
           "to a local list of offences, `factor_local`; OF offence (any offence) passes.")

    def validate(self, param: Any, vocab: Vocabulary) -> None:  # noqa: D102
        kinds = param.get("kinds")
        if not isinstance(kinds, list) or not kinds:
            raise ValueError("'kinds' must be a non-empty list of offence terms")
        for kind in kinds:
            if not vocab.knows(kind, "offence"):
                raise ValueError(f"unknown offence term {kind!r}")
        _factor(param, "factor_local", 0.5)

    def check(self, norm: Norm, param: Any, vocab: Vocabulary) -> Outcome:  # noqa: D102
        offence = norm.offence
        if offence is None or offence.name == "offence":
            return PASS
        kinds = list(param["kinds"])
        if offence.name in kinds:
            share = 1 / (len(kinds) + 1)
            return Outcome(round(share, 4), Phrase(
                "it covers only {offence}: 1 of the {count} kinds the standard names, and no other offence",
                offence=Msg(vocab.describe(offence.name, "offence"), lower=True), count=str(len(kinds))))
        if offence.name in vocab.local:
            return Outcome(_factor(param, "factor_local", 0.5), Phrase(
                "it covers only {offences}, a list of offences the standard does not have",
                offences=lower_first(vocab.describe(offence.name, "offence"))))
        share = 1 / (len(kinds) + 1)
        return Outcome(round(share, 4), Phrase(
            "it covers only {offence}, not every offence victims are compelled to commit",
            offence=term_words(offence.name, "offence", vocab)))


#: Operator name -> class. Rule files may use only these names under ``require:``.
OPERATORS: dict[str, type[Operator]] = {
    cls.name: cls
    for cls in (Force, ForbiddenConditions, Duration, Kinds, Dispensable, VictimSpecific, OffenceScope)
}
