"""Turn loaded YAML into validated models, mapping every pydantic error back to ``file:line:column``."""

from __future__ import annotations

import re
from functools import cache
from typing import Any, TypeVar
from urllib.parse import urlparse

from pydantic import BaseModel, ValidationError

from compliance.errors import ComplianceError, ErrorList, SchemaError
from compliance.loader import PathKey, YamlDocument
from compliance.model.legislation import Statute

M = TypeVar("M", bound=BaseModel)


def validate_document(doc: YamlDocument, model: type[M], data: Any = None, prefix: PathKey = ()) -> M:
    """Validate ``doc.data`` (or ``data`` found at ``prefix`` in the document) against ``model``.

    Raises:
        ErrorList: One positioned :class:`SchemaError` per problem, sorted by position.
    """
    try:
        return model.model_validate(doc.data if data is None else data)
    except ValidationError as exc:
        raise ErrorList([_to_error(doc, model, err, prefix) for err in exc.errors()]) from None


#: Why some required keys are required, for the message that says one is missing.
_MISSING_HINTS = {
    "allows": (": every element states its stance, the restrictions its standard permits (conditions, "
               "exceptions, ...) with the treaty's wording as the reason; write 'allows: {reason: ...}' "
               "if it permits none (docs/rule-format.md)"),
}


def _to_error(doc: YamlDocument, model: type[BaseModel], err: Any, prefix: PathKey) -> SchemaError:
    loc: PathKey = (*prefix, *(p for p in err["loc"] if not _is_union_tag(p)))
    kind = err["type"]
    where = _dotted(loc)
    if kind == "extra_forbidden":
        key = str(loc[-1])
        allowed = _allowed_keys(model, loc[len(prefix):-1])
        hint = f" (allowed keys: {', '.join(allowed)})" if allowed else ""
        return SchemaError(f"unknown key {key!r}{hint}", doc.span(loc, key=True))
    if kind == "missing":
        why = _MISSING_HINTS.get(str(loc[-1]), "")
        return SchemaError(f"missing required key {str(loc[-1])!r}{why}", doc.span(loc[:-1]))
    message = str(err["msg"])
    if message.startswith("Value error, "):
        message = message[len("Value error, "):]
    if kind.startswith("date") or kind == "date_from_datetime_parsing":
        message = f"invalid date {err.get('input')!r}: use YYYY-MM-DD"
    elif kind == "string_pattern_mismatch":
        key = "rule_id" if loc[:1] == ("requirements",) and loc[-1] == "id" else str(loc[-1])
        message = f"invalid value {err.get('input')!r}: {_pattern_hint(key)}"
    elif kind == "string_type":
        got = type(err.get("input")).__name__
        got = {"dict": "a mapping", "list": "a list", "int": "a number", "float": "a number", "bool": "true/false",
               "NoneType": "nothing"}.get(got, got)
        message = f"expected text, got {got} (quote it if it is text)"
    elif kind == "too_short":
        least = err.get("ctx", {}).get("min_length", 1)
        message = f"needs at least {least} item{'' if least == 1 else 's'}"
    elif kind == "string_too_short" and err.get("ctx", {}).get("min_length") == 1:
        message = "must not be empty"
    elif kind == "literal_error":
        message = f"invalid value {err.get('input')!r}: {message.replace('Input should be', 'expected')}"
    return SchemaError(f"{where}: {message}" if where else message, doc.span(loc))


def _is_union_tag(part: Any) -> bool:
    return isinstance(part, str) and part in {"date", "str", "int", "float", "bool", "none"}


def _dotted(loc: PathKey) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


_PATTERN_HINTS = {
    "code": "a lower-case ISO 3166 code such as 'gb-eaw' or 'us'",
    "url": "an http(s) URL",
    "source_url": "an http(s) URL",
    "id": "letters, digits and . _ ( ) / - only",
    "rule_id": "a rule id: upper-case prefix, optional year, article and paragraph, e.g. 'ABC-2000-12.6'",
    "article": "an article number with optional paragraphs, e.g. '26' or '12(6)'",
}


def _pattern_hint(key: str) -> str:
    return _PATTERN_HINTS.get(key, "does not have the expected form")


def _allowed_keys(model: type[BaseModel], loc: PathKey) -> list[str]:
    current: Any = model
    for part in loc:
        if isinstance(part, int):
            continue
        field = getattr(current, "model_fields", {}).get(part)
        if field is None:
            return []
        current = _inner_model(field.annotation)
        if current is None:
            return []
    fields = getattr(current, "model_fields", {})
    return [f.alias or name for name, f in fields.items()]


def _inner_model(annotation: Any) -> Any:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()):
        found = _inner_model(arg)
        if found is not None:
            return found
    return None


def validate_statute(doc: YamlDocument, instrument_ids: set[str], areas: set[str] | None = None) -> Statute:
    """Validate a statute document and its cross-references.

    Args:
        doc: The loaded YAML file.
        instrument_ids: Ids of the international instruments the rule set knows.
        areas: Ids of the rule set's areas, which ``coverage`` keys must name (unchecked if ``None``).

    Raises:
        ErrorList: Schema errors, unknown references or duplicate ids, each positioned.
    """
    statute = validate_document(doc, Statute)
    errors: list[ComplianceError] = []
    local_ids = [i.id for i in statute.instruments]
    for index, treaty in enumerate(statute.treaties):
        if treaty.instrument not in instrument_ids:
            errors.append(SchemaError(
                f"unknown instrument {treaty.instrument!r} (known: {', '.join(sorted(instrument_ids))})",
                doc.span(("treaties", index, "instrument"))))
    for section in ("coverage", "coverage_notes", "coverage_since"):
        for name in getattr(statute, section):
            if areas is not None and name not in areas:
                errors.append(SchemaError(f"{section}: unknown area {name!r} (areas: {', '.join(sorted(areas))})",
                                          doc.span((section, name), key=True)))
    seen: dict[str, int] = {}
    for index, provision in enumerate(statute.provisions):
        act = statute.instrument(provision.instrument)
        if act is None:
            errors.append(SchemaError(
                f"unknown instrument {provision.instrument!r}; declare it under 'instruments' "
                f"(declared: {', '.join(local_ids)})", doc.span(("provisions", index, "instrument"))))
        elif provision.in_force and act.enacted and provision.in_force < act.enacted:
            errors.append(SchemaError(
                f"provision {provision.id!r} is in force from {provision.in_force}, before its act "
                f"{act.id!r} was enacted ({act.enacted})", doc.span(("provisions", index, "in_force"))))
        if provision.made and act and act.enacted and provision.made < act.enacted:
            errors.append(SchemaError(
                f"provision {provision.id!r} was made on {provision.made}, before its act {act.id!r} was enacted "
                f"({act.enacted})", doc.span(("provisions", index, "made"))))
        if provision.id in seen:
            first = doc.span(("provisions", seen[provision.id], "id")).line
            errors.append(SchemaError(
                f"duplicate provision {provision.id!r} (first at line {first}): provision ids are unique in a "
                "file; qualify one with its act, e.g. 'HTE(S)A s1'", doc.span(("provisions", index, "id"))))
        seen.setdefault(provision.id, index)
        if not provision.norms and not provision.no_norm_reason:
            errors.append(SchemaError(
                "a provision needs 'norms' or a 'no_norm_reason' saying why it encodes none",
                doc.span(("provisions", index, "id"))))
    if errors:
        raise ErrorList(errors)
    return statute


#: ISO 3166-1 alpha-2 codes (officially assigned), lower case.
ISO_3166_1 = frozenset("""
ad ae af ag ai al am ao aq ar as at au aw ax az ba bb bd be bf bg bh bi bj bl bm bn bo bq br bs bt bv bw by bz
ca cc cd cf cg ch ci ck cl cm cn co cr cu cv cw cx cy cz de dj dk dm do dz ec ee eg eh er es et fi fj fk fm fo
fr ga gb gd ge gf gg gh gi gl gm gn gp gq gr gs gt gu gw gy hk hm hn hr ht hu id ie il im in io iq ir is it je
jm jo jp ke kg kh ki km kn kp kr kw ky kz la lb lc li lk lr ls lt lu lv ly ma mc md me mf mg mh mk ml mm mn mo
mp mq mr ms mt mu mv mw mx my mz na nc ne nf ng ni nl no np nr nu nz om pa pe pf pg ph pk pl pm pn pr ps pt pw
py qa re ro rs ru rw sa sb sc sd se sg sh si sj sk sl sm sn so sr ss st sv sx sy sz tc td tf tg th tj tk tl tm
tn to tr tt tu tv tw tz ua ug um us uy uz va vc ve vg vi vn vu wf ws ye yt za zm zw
""".split()) - {"tu"}

#: Words that mark a provision as being about victims' protection (strict mode asks for a norm).
_VICTIM_WORDS = re.compile(r"\b(victim|compensat|residen|prosecut|trafficked person)", re.IGNORECASE)
_PLACEHOLDER = "not yet encoded"


@cache
def official_publishers() -> dict[str, tuple[str, ...]]:
    """Country code -> its official publishers' domains, from the bundled ``rules/sources.yaml`` (data)."""
    import yaml

    from compliance.model.rules import SourcesFile
    from compliance.resources import bundled_rules_dir

    path = bundled_rules_dir() / "sources.yaml"
    if not path.is_file():
        return {}
    data = SourcesFile.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")) or {})
    return {code: tuple(d.lower() for d in domains) for code, domains in data.publishers.items()}


def is_official(url: str, country: str) -> bool:
    """Whether ``url`` is on one of ``country``'s official publishers' domains (or a subdomain of one)."""
    host = (urlparse(url).hostname or "").lower()
    return any(host == d or host.endswith("." + d) for d in official_publishers().get(country, ()))


def strict_warnings(doc: YamlDocument, statute: Statute) -> list[ComplianceError]:
    """The warnings of ``validate --strict``.

    - Every provision whose in-force date is unknown: it counts as law on every date (``check
      --as-of``), which may be wrong; a warning, because an unverified date must not be invented.
    - Every provision whose ``source_url`` is not on an official publisher's domain of its country
      (``rules/sources.yaml``): cite the official page, and the mirror in ``text_source``.
    """
    found: list[ComplianceError] = []
    country = statute.jurisdiction.code.split("-")[0]
    listed = country in official_publishers()
    for index, provision in enumerate(statute.provisions):
        if listed and not is_official(provision.source_url, country):
            host = urlparse(provision.source_url).hostname or provision.source_url
            found.append(SchemaError(
                f"warning: provision {provision.id!r} cites {host}, which is not an official publisher of "
                f"{country} (rules/sources.yaml): give the official page as source_url and name where the text "
                "was read in text_source (strict)", doc.span(("provisions", index, "source_url"))))
    for index, provision in enumerate(statute.provisions):
        start = statute.starts(provision)
        if start is None:
            found.append(SchemaError(
                f"warning: provision {provision.id!r} has no known in-force date: give its in_force, or its act's "
                "in_force or enacted date; until then it counts as law on every date (strict)",
                doc.span(("provisions", index, "id"))))
        elif provision.in_force is None and provision.made is not None and start == provision.made:
            found.append(SchemaError(
                f"warning: provision {provision.id!r} has no known in-force date, only the day its wording was made "
                f"({provision.made}): it counts as law from that day, which may be too early (strict)",
                doc.span(("provisions", index, "made"))))
    return found


def strict_problems(doc: YamlDocument, statute: Statute) -> list[ComplianceError]:
    """The extra checks of ``validate --strict``: provenance and completeness of a curated file.

    Every provision has a retrieval date; the jurisdiction code is an assigned ISO 3166-1 code
    (with an optional subdivision); every treaty has a date; a provision whose text speaks of
    victims, compensation, residence or prosecution has norms or a real ``no_norm_reason``.
    """
    errors: list[ComplianceError] = []
    country = statute.jurisdiction.code.split("-")[0]
    if country not in ISO_3166_1:
        errors.append(SchemaError(f"'{country}' is not an assigned ISO 3166-1 alpha-2 code",
                                  doc.span(("jurisdiction", "code"))))
    for index, treaty in enumerate(statute.treaties):
        if treaty.binding_since() is None:
            errors.append(SchemaError(
                f"treaty {treaty.instrument!r} has no date: give ratified, in_force or party_by (strict)",
                doc.span(("treaties", index))))
    for index, provision in enumerate(statute.provisions):
        where = ("provisions", index)
        if provision.retrieved is None:
            errors.append(SchemaError(f"provision {provision.id!r} has no 'retrieved' date (strict)",
                                      doc.span((*where, "id"))))
        placeholder = (provision.no_norm_reason or "").lower().startswith(_PLACEHOLDER)
        if not provision.norms and placeholder and _VICTIM_WORDS.search(provision.text):
            errors.append(SchemaError(
                f"provision {provision.id!r} speaks of victims, compensation, residence or prosecution but "
                "encodes no norm: write its norms or a real no_norm_reason (strict)", doc.span((*where, "id"))))
    return errors
