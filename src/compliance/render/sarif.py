"""SARIF 2.1.0: findings for code-scanning tools (GitHub, GitLab, IDE viewers).

* one ``reportingDescriptor`` per requirement in ``tool.driver.rules``, with the treaty article as
  ``helpUri`` and the recommendation as ``help``;
* one result per partial (level ``warning``) or missing (level ``error``) finding, located in the
  statute file at the line of the provision that best meets it, or at the top of the file when no
  provision does; met requirements produce no result;
* ``partialFingerprints`` keyed on jurisdiction + requirement id, so a finding keeps its identity when
  lines move;
* waived findings carry a ``suppressions`` entry with the justification; with a baseline, results
  carry ``baselineState``.
"""

from __future__ import annotations

import json
from pathlib import PurePath
from typing import Any

from compliance.model.results import Report, RequirementResult

SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
FINGERPRINT = "jurisdictionRequirement/v1"
_LEVEL = {"missing": "error", "partial": "warning"}
_BASELINE = {"new": "new", "unchanged": "unchanged", "improved": "updated", "regressed": "updated"}


def _uri(file: str) -> str:
    path = PurePath(file)
    if path.is_absolute():
        return path.as_uri()
    return path.as_posix()


def _rule(req: RequirementResult) -> dict[str, Any]:
    cites = "; ".join(f"{s.citation} ({'binding' if s.binding else 'benchmark'})" for s in req.sources)
    rule: dict[str, Any] = {
        "id": req.id,
        "name": "".join(w.capitalize() for w in req.area.split("_")) + "/" + req.id,
        "shortDescription": {"text": req.title},
        "fullDescription": {"text": f"{req.title} ({cites})"},
        "help": {"text": req.recommendation or req.title},
        "defaultConfiguration": {"level": "error"},
        "properties": {"area": req.area, "citation": req.citation,
                       "instruments": sorted({s.instrument_id for s in req.sources}),
                       "tags": ["compliance", req.area]},
    }
    if req.source_url:
        rule["helpUri"] = req.source_url
    return rule


def _result(report: Report, req: RequirementResult, index: int) -> dict[str, Any]:
    file, line, column = report.locate(req)
    name = report.jurisdiction.name
    best = max(req.evidence, key=lambda e: (e.score, -e.line, -e.column)) if req.evidence else None
    where = f" Closest provision: {best.provision}." if best else " No provision of the file meets it."
    gaps = " Gaps: " + "; ".join(req.gaps) if req.gaps else ""
    verdict = "not assessed (the law for this area was not read)" if req.status == "not_assessed" else (
        f"{req.status} ({req.score}/100)")
    result: dict[str, Any] = {
        "ruleId": req.id,
        "ruleIndex": index,
        "kind": "review" if req.status == "not_assessed" else "fail",
        "level": _LEVEL.get(req.status, "none"),
        "message": {"text": f"{name}: {verdict} — {req.title}.{where}{gaps}"},
        "locations": [{"physicalLocation": {
            "artifactLocation": {"uri": _uri(file)},
            "region": {"startLine": line, "startColumn": column}}}],
        "partialFingerprints": {FINGERPRINT: f"{report.jurisdiction.code}:{req.id}"},
        "properties": {"jurisdiction": report.jurisdiction.code, "status": req.status, "score": req.score,
                       "binding": req.binding, "area": req.area, "asOf": report.as_of,
                       "standard": report.standard, "provision": best.provision if best else None},
    }
    if req.rule_file:
        result["relatedLocations"] = [{"id": 1, "message": {"text": f"requirement {req.id}"},
                                       "physicalLocation": {"artifactLocation": {"uri": _uri(req.rule_file)},
                                                            "region": {"startLine": max(req.rule_line, 1)}}}]
    if req.waiver is not None:
        w = req.waiver
        result["suppressions"] = [{
            "kind": "external", "status": "accepted", "justification": w.justification,
            "location": {"physicalLocation": {"artifactLocation": {"uri": _uri(w.file)},
                                              "region": {"startLine": w.line, "startColumn": w.column}}},
            "properties": {"reviewer": w.reviewer, "expires": w.expires}}]
    if req.baseline is not None:
        result["baselineState"] = _BASELINE[req.baseline]
    return result


def sarif_log(reports: list[Report], version: str) -> dict[str, Any]:
    """The SARIF log as a dict: one run, the requirements as rules, one result per finding."""
    rules: dict[str, dict[str, Any]] = {}
    for report in reports:
        for req in report.requirements:
            rules.setdefault(req.id, _rule(req))
    index = {rid: i for i, rid in enumerate(rules)}
    results = [_result(r, q, index[q.id]) for r in reports for q in r.requirements if q.status != "met"]
    first = reports[0] if reports else None
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "compliance", "version": version,
                                "semanticVersion": version, "rules": list(rules.values()),
                                "properties": {"rulesVersion": first.rules_version if first else None}}},
            "columnKind": "unicodeCodePoints",
            "results": results,
            "properties": {"asOf": first.as_of if first else None, "standard": first.standard if first else None,
                           "scope": first.scope if first else None,
                           "coverage": {r.jurisdiction.code: r.coverage.sentence() for r in reports}},
        }],
    }


def render_sarif(reports: list[Report]) -> str:
    """Render the reports as a SARIF 2.1.0 log (JSON)."""
    from compliance.version import __version__

    return json.dumps(sarif_log(reports, __version__), indent=2, ensure_ascii=False) + "\n"
