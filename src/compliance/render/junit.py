r"""JUnit XML: one test suite per jurisdiction, one test case per requirement.

A met requirement passes; a partial or missing one is a ``failure`` (its type is the status); a
waived finding is ``skipped`` with the justification. Under ``--baseline`` only new and regressed
findings fail: a finding the baseline already knows (unchanged or improved) is ``skipped``, saying so.
CI systems show these as test results.

The output is well-formed XML 1.0 whatever the reports hold: characters XML forbids (most C0 controls,
U+FFFE, U+FFFF, lone surrogates) are shown as ``\xNN``/``\uNNNN`` text, and the rest is escaped by
ElementTree.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from compliance.model.results import Report
from compliance.render.ci import KNOWN, xml_text


def _element(parent: ET.Element, tag: str, **attributes: str) -> ET.Element:
    return ET.SubElement(parent, tag, {key: xml_text(value) for key, value in attributes.items()})


def render_junit(reports: list[Report]) -> str:
    """Render the reports as JUnit XML (the Jenkins/Ant dialect most CI systems read)."""
    root = ET.Element("testsuites", name="compliance")
    totals: dict[str, int] = {"tests": 0, "failures": 0, "skipped": 0}
    for report in reports:
        j = report.jurisdiction
        suite = _element(root, "testsuite", name=f"{j.code}: {j.name}", file=report.file)
        counts: dict[str, int] = {"tests": 0, "failures": 0, "skipped": 0}
        props = ET.SubElement(suite, "properties")
        for key, text in (("score", str(report.score)), ("as_of", report.as_of), ("standard", report.standard),
                          ("rules_version", report.rules_version)):
            _element(props, "property", name=key, value=text)
        for req in report.requirements:
            counts["tests"] += 1
            file, line, _ = report.locate(req)
            case = _element(suite, "testcase", classname=f"{j.code}.{req.area}", name=f"{req.id}: {req.title}",
                            file=file, line=str(line))
            detail = "\n".join([f"{req.status} ({req.score}/100) under {req.citation}", *req.gaps,
                                f"Recommendation: {req.recommendation}" if req.recommendation else ""]).strip()
            against = f" ({req.baseline} against the baseline)" if req.baseline is not None else ""
            if req.status == "met":
                continue
            if req.status == "not_assessed":
                counts["skipped"] += 1
                skipped = _element(case, "skipped", message="not assessed: the law for this area was not read")
                skipped.text = xml_text(detail)
            elif req.waiver is not None:
                counts["skipped"] += 1
                _element(case, "skipped", message=f"waived: {req.waiver.justification}").text = xml_text(detail)
            elif req.baseline in KNOWN:
                counts["skipped"] += 1
                message = f"known to the baseline: {req.status} ({req.score}/100), {req.baseline}"
                _element(case, "skipped", message=message).text = xml_text(detail)
            else:
                counts["failures"] += 1
                failure = _element(case, "failure", message=f"{req.status} ({req.score}/100){against}",
                                   type=req.status)
                failure.text = xml_text(detail)
        for key, value in counts.items():
            suite.set(key, str(value))
            totals[key] += value
        suite.set("errors", "0")
    for key, value in totals.items():
        root.set(key, str(value))
    root.set("errors", "0")
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
