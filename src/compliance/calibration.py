"""Measure the engine against published expert findings: ``compliance calibrate``.

Each finding about the law is checked at its own date (``as_of``, else the document's date) with
the bundled (or given) statute file of its jurisdiction; the engine agrees when its status is one of
the statuses the finding allows. Findings about practice are kept in the data set but not scored.
"""

from __future__ import annotations

from pathlib import Path

from compliance import api
from compliance.errors import ComplianceError, ErrorList, SchemaError
from compliance.loader import load_yaml
from compliance.model.calibration import Calibration, CalibrationResult, FindingsFile
from compliance.model.rules import RuleSet
from compliance.validate import validate_document


def load_findings(path: str | Path, rules: RuleSet, legislation: Path) -> FindingsFile:
    """Load and cross-check the findings file: known requirements, bundled jurisdictions, unique ids.

    Raises:
        ErrorList: Every problem, positioned in the file.
    """
    doc = load_yaml(path)
    data = validate_document(doc, FindingsFile)
    errors: list[ComplianceError] = []
    seen: set[str] = set()
    known = {r.id for r in rules.requirements}
    for index, finding in enumerate(data.findings):
        at = ("findings", index)
        if finding.id in seen:
            errors.append(SchemaError(f"duplicate finding id {finding.id!r}", doc.span((*at, "id"))))
        seen.add(finding.id)
        if finding.requirement not in known:
            errors.append(SchemaError(f"unknown requirement {finding.requirement!r}", doc.span((*at, "requirement"))))
        if not (legislation / f"{finding.jurisdiction}.yaml").is_file():
            errors.append(SchemaError(f"no statute file for jurisdiction {finding.jurisdiction!r} in {legislation}",
                                      doc.span((*at, "jurisdiction"))))
    if errors:
        raise ErrorList(errors)
    return data


def calibrate(findings_path: str | Path, rules: RuleSet, legislation: str | Path | None = None) -> Calibration:
    """Run the engine at each finding's date and compare its verdict with the expert's."""
    folder = Path(legislation) if legislation is not None else api.bundled_legislation()[0].parent
    data = load_findings(findings_path, rules, folder)
    statutes = {}
    results: list[CalibrationResult] = []
    practice: list[str] = []
    for finding in data.findings:
        if finding.about == "practice":
            practice.append(finding.id)
            continue
        code = finding.jurisdiction
        if code not in statutes:
            statutes[code] = api.load_statute(folder / f"{code}.yaml", rules, display_path=f"legislation/{code}.yaml")
        report = api.check(statutes[code], rules, as_of=finding.day(), select=[finding.requirement])
        req = report.requirements[0]
        expected = finding.expected_set()
        results.append(CalibrationResult(
            id=finding.id, jurisdiction=code, requirement=finding.requirement, date=finding.day().isoformat(),
            source_url=finding.source_url, expected=expected, engine=req.status, score=req.score,
            agrees=req.status in expected, explanation=finding.explanation))
    agreed = sum(r.agrees for r in results)
    return Calibration(
        rules_version=rules.version, findings=results, practice=practice,
        agreement=round(100 * agreed / len(results), 1) if results else 0.0,
        jurisdictions=len({r.jurisdiction for r in results}),
        false_met=[r.id for r in results if r.engine == "met" and "met" not in r.expected])
