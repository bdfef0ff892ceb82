"""Import an Akoma Ntoso (OASIS LegalDocML) act as a statute-file skeleton.

The FRBR block gives the jurisdiction and the instrument; each ``section`` (or ``article``,
``rule``) becomes a provision with its eId, heading and text (whitespace normalised, otherwise as
in the XML). Norms are left to the analyst. Updating an existing file replaces texts and headings
but never touches norms, notes or anything else the analyst wrote.
"""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import yaml

from compliance.errors import LoadError
from compliance.span import Span

PLACEHOLDER = "not yet encoded (imported from Akoma Ntoso)"
_UNITS = {"section": "s", "article": "art ", "rule": "r "}
_LANGUAGES = {"eng": "en", "fra": "fr", "deu": "de", "nld": "nl", "spa": "es", "ita": "it", "ron": "ro",
              "por": "pt", "swe": "sv", "pol": "pl", "ell": "el", "fin": "fi", "dan": "da"}


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _find(root: ET.Element, name: str) -> ET.Element | None:
    return next((e for e in root.iter() if _local(e.tag) == name), None)


def _text(element: ET.Element) -> str:
    return " ".join("".join(element.itertext()).split())


def parse_akn(xml: bytes, name: str) -> dict[str, Any]:
    """Parse an Akoma Ntoso document into the data of a statute file (not yet validated).

    Raises:
        LoadError: The XML is not well formed, or has no FRBRWork or no sections.
    """
    try:
        root = ET.fromstring(xml)
    except ET.ParseError as exc:
        line, column = exc.position
        raise LoadError(f"invalid XML: {exc.msg if hasattr(exc, 'msg') else exc}", Span(name, line, column + 1)) \
            from None
    work = _find(root, "FRBRWork")
    if work is None:
        raise LoadError("no FRBRWork in the document's meta block: is this Akoma Ntoso?", Span(name))

    def value(parent: ET.Element | None, field: str, attr: str = "value") -> str:
        found = _find(parent, field) if parent is not None else None
        return (found.get(attr) or "").strip() if found is not None else ""

    expression = _find(root, "FRBRExpression")
    country = value(work, "FRBRcountry").lower()
    title = value(work, "FRBRname") or _text(_find(root, "docTitle") or ET.Element("x"))
    uri = value(work, "FRBRuri") or value(work, "FRBRthis")
    number = value(work, "FRBRnumber")
    enacted = value(work, "FRBRdate", "date")
    language = value(expression, "FRBRlanguage", "language")
    instrument_id = re.sub(r"[^a-z0-9]+", "-", (title or "act").lower()).strip("-")[:40] or "act"
    provisions = [_provision(element, instrument_id, uri, name, language) for element in root.iter()
                  if _local(element.tag) in _UNITS and element.get("eId")]
    if not provisions:
        raise LoadError("no section, article or rule with an eId in the document body", Span(name))
    instrument: dict[str, Any] = {"id": instrument_id, "title": title or "(untitled act)",
                                  "citation": number or title or "(no citation)", "url": uri}
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", enacted):
        instrument["enacted"] = enacted
    return {"schema_version": 1,
            "jurisdiction": {"code": country, "name": country.upper()},
            "instruments": [instrument], "provisions": provisions}


def _provision(element: ET.Element, instrument: str, uri: str, name: str, language: str) -> dict[str, Any]:
    num = element.find("{*}num")
    heading = element.find("{*}heading")
    number = _text(num).rstrip(".") if num is not None else ""
    number = re.sub(r"^(section|article|art\.?|rule)\s+", "", number, flags=re.IGNORECASE)
    lines = []
    for child in element:
        if _local(child.tag) in ("num", "heading"):
            continue
        child_num = child.find("{*}num")
        body = _text(child)
        if child_num is not None:
            prefix = _text(child_num)
            body = f"{prefix} {body[len(prefix):].strip()}" if body.startswith(prefix) else body
        if body:
            lines.append(body)
    eid = element.get("eId", "")
    return {
        "id": f"{_UNITS[_local(element.tag)]}{number}" if number else eid,
        "instrument": instrument,
        "heading": _text(heading) if heading is not None else (number or eid),
        "eid": eid,
        "source_url": uri,
        "text_status": "verbatim",
        "text_source": f"Akoma Ntoso XML {Path(name).name}, eId {eid} (whitespace normalised)",
        "language": _LANGUAGES.get(language, language or "en"),
        "retrieved": dt.date.today().isoformat(),
        "text": "\n".join(lines) + "\n" if lines else "(no text in the XML)\n",
        "norms": [],
        "no_norm_reason": PLACEHOLDER,
    }


def merge(existing: dict[str, Any], imported: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """Update ``existing`` statute data with imported texts; never touch norms or notes.

    Provisions are matched by eId, then by id. Matched provisions get the new heading, text, eId
    and source; unmatched imported provisions are appended; existing provisions that the import
    lacks are kept (and reported).
    """
    merged = dict(existing)
    provisions = [dict(p) for p in existing.get("provisions") or []]
    by_key = {(p.get("eid") or p.get("id")): p for p in provisions}
    by_id = {p.get("id"): p for p in provisions}
    notes = []
    seen = set()
    originals = list(provisions)
    for new in imported["provisions"]:
        old = by_key.get(new["eid"]) or by_id.get(new["id"])
        if old is None:
            provisions.append(new)
            notes.append(f"added {new['id']}")
            continue
        seen.add(id(old))
        for field in ("heading", "text", "eid", "text_source", "retrieved"):
            old[field] = new[field]
    notes += [f"kept {p.get('id')} (not in the imported act)" for p in originals if id(p) not in seen]
    merged["provisions"] = provisions
    return merged, notes


class _Dumper(yaml.SafeDumper):
    pass


def _str(dumper: yaml.SafeDumper, data: str) -> yaml.Node:
    style = "|" if "\n" in data else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", data, style=style)


_Dumper.add_representer(str, _str)


def to_yaml(data: dict[str, Any], source: str) -> str:
    """Dump statute data as YAML, texts as literal blocks, with a header saying where it came from."""
    header = (f"# Statute-file skeleton imported from Akoma Ntoso ({source}).\n"
              "# Check the jurisdiction, instrument and URLs, then write each provision's norms.\n")
    return header + yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)
