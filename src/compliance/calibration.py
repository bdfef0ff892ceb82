"""Measure the engine against published expert findings: ``compliance calibrate``.

Each finding about the law is checked at its own date (``as_of``, else the document's date), against
the instruments its body measures the law by (``standard``), with the bundled (or given) statute file
of its jurisdiction; the engine agrees when its status is one of the statuses the finding allows.
Findings about practice are kept in the data set but not scored. Where the engine gives no answer
(``not_assessed``: the statute file says nobody read that area), the finding is reported as an
abstention and counts neither way; the agreement is over the answered findings.
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
    known = {r.id: r for r in rules.requirements}
    for index, finding in enumerate(data.findings):
        at = ("findings", index)
        if finding.id in seen:
            errors.append(SchemaError(f"duplicate finding id {finding.id!r}", doc.span((*at, "id"))))
        seen.add(finding.id)
        if finding.requirement not in known:
            errors.append(SchemaError(f"unknown requirement {finding.requirement!r}", doc.span((*at, "requirement"))))
        elif finding.standard is not None:
            profile = rules.profiles.profiles.get(finding.standard)
            if profile is None:
                errors.append(SchemaError(f"unknown standard {finding.standard!r} (profiles: "
                                          f"{', '.join(rules.profiles.profiles)})", doc.span((*at, "standard"))))
            elif not any(s.instrument in profile.instruments for s in known[finding.requirement].sources()):
                errors.append(SchemaError(f"requirement {finding.requirement} has no source in standard "
                                          f"{finding.standard!r}", doc.span((*at, "standard"))))
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
        standard = finding.standard or rules.profiles.default
        report = api.check(statutes[code], rules, as_of=finding.day(), select=[finding.requirement],
                           standard=standard)
        req = report.requirements[0]
        expected = finding.expected_set()
        results.append(CalibrationResult(
            id=finding.id, jurisdiction=code, requirement=finding.requirement, date=finding.day().isoformat(),
            source_url=finding.source_url, expected=expected, standard=standard, engine=req.status,
            score=req.score, agrees=None if req.status == "not_assessed" else req.status in expected,
            explanation=finding.explanation))
    answered = [r for r in results if r.agrees is not None]
    agreed = sum(bool(r.agrees) for r in answered)
    return Calibration(
        rules_version=rules.version, findings=results, practice=practice, answered=len(answered),
        abstained=[r.id for r in results if r.agrees is None],
        agreement=round(100 * agreed / len(answered), 1) if answered else 0.0,
        jurisdictions=len({r.jurisdiction for r in answered}),
        false_met=[r.id for r in results if r.engine == "met" and "met" not in r.expected])
