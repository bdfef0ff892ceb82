"""SARIF 2.1.0: findings for code-scanning tools (GitHub, GitLab, IDE viewers).

* one ``reportingDescriptor`` per requirement in ``tool.driver.rules``: its title, its sources (with
  links) and the recommendation as ``help``, and the most specific source URL of the rule data as
  ``helpUri`` (never a URL made up here);
* one result per partial (level ``warning``) or missing (level ``error``) finding, located in the
  statute file at the line of the provision that best meets it, or at the top of the file when no
  provision does; met requirements produce no result. ``message.text`` is one short sentence (GitHub
  shows it as the alert's title); the explanation is in ``message.markdown``;
* file locations are relative to ``%SRCROOT%`` (the folder the tool ran in), never ``file://`` URIs of
  that folder; ``relatedLocations`` point at the requirement in its rule file only when that file is
  inside that folder (the bundled rules of an installed package are not, in a data repository);
* ``partialFingerprints`` keyed on jurisdiction + requirement id, so a finding keeps its identity when
  lines move;
* waived findings carry a ``suppressions`` entry with the justification; with a baseline, results
  carry ``baselineState`` and only new or regressed findings keep their level (see ``_level``).
"""

from __future__ import annotations

import json
import os
from functools import lru_cache
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import quote, urlsplit

from compliance.model.results import Report, RequirementResult
from compliance.render.ci import KNOWN, clip, finding_id, md, one_line, unicode_safe, verdict

SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
FINGERPRINT = "jurisdictionRequirement/v1"
SRCROOT = "%SRCROOT%"
#: GitHub shows ``message.text`` as an alert's title, and only its first sentence where space is short.
MESSAGE_CHARS = 300
#: GitHub code scanning cuts rule descriptions at 1024 characters.
DESCRIPTION_CHARS = 1024
_LEVEL = {"missing": "error", "partial": "warning"}
# SARIF §3.27.24 baselineState: "new", "unchanged", "updated" (present in both runs, changed), "absent".
# A finding that was in the baseline and is now met is "absent": it gets no result at all, which code
# scanning reads as fixed. Emitting it (kind "pass") would not do: GitHub ignores ``kind`` and
# ``baselineState`` and would open an alert for it.
_BASELINE = {"new": "new", "unchanged": "unchanged", "improved": "updated", "regressed": "updated"}


def _level(req: RequirementResult) -> str:
    """The result's level.

    A finding the baseline already knows (unchanged or improved) stays a ``kind: fail`` result with level
    ``note``: the law still has the gap, which is a problem (SARIF §3.27.10 "note": a minor problem),
    whereas ``kind: informational`` would say there is none and, by §3.27.10, force level ``none``. GitHub
    code scanning ignores ``kind`` and ``baselineState`` and ranks and filters by level, so the alert keeps
    its fingerprint (its history and any dismissal) while only new and regressed findings are errors or
    warnings.
    """
    if req.status not in _LEVEL:
        return "none"
    return "note" if req.baseline in KNOWN else _LEVEL[req.status]


def _location_uri(file: str, root: Path) -> dict[str, str]:
    """An ``artifactLocation``: relative to ``%SRCROOT%`` when the file is inside ``root``, else absolute.

    Only path arithmetic: ``..`` is resolved lexically, the file system is not read.
    """
    path = Path(unicode_safe(file))
    absolute = Path(os.path.normpath(path if path.is_absolute() else root / path))
    if absolute.is_relative_to(root):
        relative = PurePosixPath(*absolute.relative_to(root).parts)
        return {"uri": quote(str(relative), safe="/", errors="replace"), "uriBaseId": SRCROOT}
    return {"uri": "file://" + quote(absolute.as_posix(), safe="/", errors="replace")}


def _inside(file: str, root: Path) -> bool:
    """Whether ``file`` (as the report names it, relative to ``root``) is a file inside ``root``."""
    if not file or Path(file).is_absolute() or ".." in Path(file).parts:
        return False
    try:
        return (root / file).is_file()
    except (OSError, ValueError):
        return False


def _help_uri(req: RequirementResult) -> str:
    """The most specific URL the rule data gives: one that names a part of a page (``#…``) over a whole page.

    Candidates are the URLs of the requirement's own instrument (its primary source first); the rule data
    is the only source of URLs.
    """
    urls = [req.source_url, *(s.source_url for s in req.sources if s.instrument_id == req.instrument_id)]
    return next((u for u in urls if u and urlsplit(u).fragment), req.source_url)


def _rule(req: RequirementResult) -> dict[str, Any]:
    cites = "; ".join(f"{s.citation} ({'binding' if s.binding else 'benchmark'})" for s in req.sources)
    title = one_line(req.title)
    sources = "\n".join(f"- [{md(s.citation)}]({s.source_url})" if s.source_url else f"- {md(s.citation)}"
                        for s in req.sources)
    recommendation = one_line(req.recommendation) or title
    rule: dict[str, Any] = {
        "id": req.id,
        "name": "".join(w.capitalize() for w in req.area.split("_")) + "/" + req.id,
        "shortDescription": {"text": clip(title, DESCRIPTION_CHARS)},
        "fullDescription": {"text": clip(f"{title.rstrip('.')}. Required by: {one_line(cites)}.", DESCRIPTION_CHARS)},
        "help": {"text": recommendation,
                 "markdown": f"**Recommendation.** {md(recommendation)}\n\n**Required by**\n\n{sources}\n"},
        "defaultConfiguration": {"level": "error"},
        "properties": {"area": req.area, "citation": req.citation,
                       "instruments": sorted({s.instrument_id for s in req.sources}),
                       "tags": ["compliance", req.area]},
    }
    if req.source_url:
        rule["helpUri"] = _help_uri(req)
    return rule


def _message(report: Report, req: RequirementResult) -> dict[str, str]:
    """One sentence of at most ``MESSAGE_CHARS`` characters as ``text``; the whole story as ``markdown``."""
    j = report.jurisdiction
    head = f"{clip(one_line(j.name), 80)} ({clip(one_line(j.code), 40)}): {req.id} is {verdict(req)}: "
    title = one_line(req.title).rstrip(". ")
    text = head + clip(title, max(MESSAGE_CHARS - len(head) - 1, 10)) + "."
    best = max(req.evidence, key=lambda e: (e.score, -e.line, -e.column)) if req.evidence else None
    lines = [f"**{md(j.name)} ({md(j.code)})**: {md(req.id)} is {md(verdict(req))}. {md(req.title)}", ""]
    if best is not None:
        heading = f" ({md(best.heading)})" if one_line(best.heading) else ""
        lines.append(f"Closest provision: {md(best.provision)}{heading}, under {md(req.citation)}.")
    else:
        lines.append(f"No provision of the file meets it ({md(req.citation)}).")
    if req.gaps:
        lines += ["", "Gaps:", "", *(f"- {md(gap)}" for gap in req.gaps)]
    if req.baseline is not None:
        lines += ["", f"Against the baseline: {req.baseline}."]
    if req.waiver is not None:
        lines += ["", f"Waived: {md(req.waiver.justification)}"]
    return {"text": text, "markdown": "\n".join(lines)}


def _result(report: Report, req: RequirementResult, index: int, root: Path) -> dict[str, Any]:
    file, line, column = report.locate(req)
    best = max(req.evidence, key=lambda e: (e.score, -e.line, -e.column)) if req.evidence else None
    result: dict[str, Any] = {
        "ruleId": req.id,
        "ruleIndex": index,
        "kind": "review" if req.status == "not_assessed" else "fail",
        "level": _level(req),
        "message": _message(report, req),
        "locations": [{"physicalLocation": {
            "artifactLocation": _location_uri(file, root),
            "region": {"startLine": max(line, 1), "startColumn": max(column, 1)}}}],
        "partialFingerprints": {FINGERPRINT: finding_id(report, req)},
        "properties": {"jurisdiction": report.jurisdiction.code, "status": req.status, "score": req.score,
                       "binding": req.binding, "area": req.area, "asOf": report.as_of,
                       "standard": report.standard, "provision": best.provision if best else None},
    }
    if req.rule_file and _inside(req.rule_file, root):
        result["relatedLocations"] = [{"id": 1, "message": {"text": f"Requirement {req.id} in the rule set."},
                                       "physicalLocation": {"artifactLocation": _location_uri(req.rule_file, root),
                                                            "region": {"startLine": max(req.rule_line, 1)}}}]
    if req.waiver is not None:
        w = req.waiver
        suppression: dict[str, Any] = {"kind": "external", "status": "accepted", "justification": w.justification,
                                       "properties": {"reviewer": w.reviewer, "expires": w.expires}}
        where = _location_uri(w.file, root)
        if "uriBaseId" in where:  # a waiver file outside the scanned folder is not linked
            suppression["location"] = {"physicalLocation": {"artifactLocation": where, "region": {
                "startLine": max(w.line, 1), "startColumn": max(w.column, 1)}}}
        result["suppressions"] = [suppression]
    if req.baseline is not None:
        result["baselineState"] = _BASELINE[req.baseline]
    return result


@lru_cache(maxsize=1)
def information_uri() -> str | None:
    """The tool's home page, from the installed distribution's metadata (``[project.urls]``), if it has one."""
    from importlib.metadata import PackageNotFoundError, metadata

    try:
        meta = metadata("compliance")
    except PackageNotFoundError:
        return None
    urls: dict[str, str] = {}
    for entry in meta.get_all("Project-URL") or []:
        label, _, url = str(entry).partition(", ")
        urls.setdefault(label.strip().lower(), url.strip())
    home = str(meta["Home-page"] or "") if "Home-page" in meta else ""
    for url in (*(urls.get(k, "") for k in ("homepage", "documentation", "repository", "source")), home):
        if url.startswith(("https://", "http://")):
            return url
    return None


def sarif_log(reports: list[Report], version: str, root: Path | None = None) -> dict[str, Any]:
    """The SARIF log as a dict: one run, the requirements as rules, one result per finding.

    Args:
        reports: The reports of the run.
        version: The tool's version.
        root: The scanned folder, ``%SRCROOT%`` (default: the working directory). File locations inside it
            are relative; a rule file is linked from results only if it is a file inside it.
    """
    root = Path(os.path.abspath(root if root is not None else Path.cwd()))
    rules: dict[str, dict[str, Any]] = {}
    for report in reports:
        for req in report.requirements:
            rules.setdefault(req.id, _rule(req))
    index = {rid: i for i, rid in enumerate(rules)}
    results = [_result(r, q, index[q.id], root) for r in reports for q in r.requirements if q.status != "met"]
    first = reports[0] if reports else None
    driver: dict[str, Any] = {"name": "compliance", "fullName": f"compliance {version}", "version": version,
                              "semanticVersion": version}
    if information_uri():
        driver["informationUri"] = information_uri()
    driver["rules"] = list(rules.values())
    driver["properties"] = {"rulesVersion": first.rules_version if first else None}
    states: dict[str, int] = {}
    for res in results:
        if "baselineState" in res:
            states[res["baselineState"]] = states.get(res["baselineState"], 0) + 1
    properties: dict[str, Any] = {
        "asOf": first.as_of if first else None, "standard": first.standard if first else None,
        "scope": first.scope if first else None,
        "coverage": {r.jurisdiction.code: r.coverage.sentence() for r in reports}}
    if states:
        properties["baselineStates"] = dict(sorted(states.items()))
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": driver},
            # GitHub reads the category from the id's part before its last "/": one per standard.
            "automationDetails": {"id": f"compliance/{first.standard if first else 'none'}/"},
            "originalUriBaseIds": {SRCROOT: {"description": {
                "text": "The folder compliance ran in (in CI, the repository's root); file locations are "
                        "relative to it."}}},
            "columnKind": "unicodeCodePoints",
            "results": results,
            "properties": properties,
        }],
    }


def render_sarif(reports: list[Report]) -> str:
    """Render the reports as a SARIF 2.1.0 log (JSON), valid whatever the strings in the reports hold."""
    from compliance.version import __version__

    text = json.dumps(sarif_log(reports, __version__), indent=2, ensure_ascii=False) + "\n"
    return unicode_safe(text)
