"""JUnit XML: one test suite per jurisdiction, one test case per requirement.

A met requirement passes; a partial or missing one is a ``failure`` (its type is the status); a
waived finding is ``skipped`` with the justification. CI systems show these as test results.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from compliance.model.results import Report


def render_junit(reports: list[Report]) -> str:
    """Render the reports as JUnit XML (the Jenkins/Ant dialect most CI systems read)."""
    root = ET.Element("testsuites", name="compliance")
    totals: dict[str, int] = {"tests": 0, "failures": 0, "skipped": 0}
    for report in reports:
        j = report.jurisdiction
        suite = ET.SubElement(root, "testsuite", name=f"{j.code}: {j.name}", file=report.file)
        counts: dict[str, int] = {"tests": 0, "failures": 0, "skipped": 0}
        props = ET.SubElement(suite, "properties")
        for key, text in (("score", str(report.score)), ("as_of", report.as_of), ("standard", report.standard),
                          ("rules_version", report.rules_version)):
            ET.SubElement(props, "property", name=key, value=text)
        for req in report.requirements:
            counts["tests"] += 1
            _, line, _ = report.locate(req)
            case = ET.SubElement(suite, "testcase", classname=f"{j.code}.{req.area}", name=f"{req.id}: {req.title}",
                                 file=report.file, line=str(line))
            detail = "\n".join([f"{req.status} ({req.score}/100) under {req.citation}", *req.gaps,
                                f"Recommendation: {req.recommendation}" if req.recommendation else ""]).strip()
            if req.status == "met":
                continue
            if req.status == "not_assessed":
                counts["skipped"] += 1
                ET.SubElement(case, "skipped", message="not assessed: the law for this area was not read").text = detail
            elif req.waiver is not None:
                counts["skipped"] += 1
                ET.SubElement(case, "skipped", message=f"waived: {req.waiver.justification}").text = detail
            else:
                counts["failures"] += 1
                failure = ET.SubElement(case, "failure", message=f"{req.status} ({req.score}/100)", type=req.status)
                failure.text = detail
        for key, value in counts.items():
            suite.set(key, str(value))
            totals[key] += value
        suite.set("errors", "0")
    for key, value in totals.items():
        root.set(key, str(value))
    root.set("errors", "0")
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
