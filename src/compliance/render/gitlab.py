"""GitLab Code Quality: a JSON array of issues for ``artifacts:reports:codequality``.

GitLab's format ("Code Quality", "Implement a custom tool": docs.gitlab.com/ci/testing/code_quality/) is a
subset of the Code Climate spec, and GitLab reads only these fields of each issue: ``description``,
``check_name``, ``fingerprint``, ``severity`` (``info``, ``minor``, ``major``, ``critical`` or
``blocker``), ``location.path`` (relative to the repository) and ``location.lines.begin``. The file
must not start with a byte-order mark. Issues with the same fingerprint are shown once.

* One issue per partial or missing finding, at the line every format uses (:meth:`Report.locate`).
* Severity: a missing requirement is ``critical`` when it binds the jurisdiction, else ``major``; a
  partial one ``major`` when binding, else ``minor``; waived and not-assessed findings are ``info``.
  ``blocker`` is not used: a verdict on a statute never blocks by itself (thresholds decide that).
* Under ``--baseline`` only new and regressed findings are issues (GitLab compares reports between
  branches too, but a baselined job should not show what the baseline accepted).
* The fingerprint is a SHA-256 of the SARIF fingerprint (jurisdiction + requirement) and the file's
  path: stable across runs and line moves, distinct for two files with the same jurisdiction code.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path, PurePosixPath
from typing import Any

from compliance.model.results import Report, RequirementResult
from compliance.render.ci import KNOWN, clip, finding_id, one_line, unicode_safe, verdict
from compliance.render.sarif import FINGERPRINT

SEVERITIES = ("info", "minor", "major", "critical", "blocker")
#: Short enough to read in the merge request widget.
DESCRIPTION_CHARS = 300


def _severity(req: RequirementResult) -> str:
    if req.waiver is not None or req.status == "not_assessed":
        return "info"
    if req.status == "missing":
        return "critical" if req.binding else "major"
    return "major" if req.binding else "minor"


def _path(file: str, root: Path) -> str:
    """The file's path relative to ``root`` (POSIX separators) when inside it; else the path as given."""
    path = Path(unicode_safe(file))
    absolute = Path(os.path.normpath(path if path.is_absolute() else root / path))
    if absolute.is_relative_to(root):
        return PurePosixPath(*absolute.relative_to(root).parts).as_posix()
    return absolute.as_posix()


def fingerprint(report: Report, req: RequirementResult, path: str) -> str:
    """The issue's fingerprint: SHA-256 hex of the SARIF fingerprint and the file's path."""
    key = f"{FINGERPRINT}\0{finding_id(report, req)}\0{path}"
    return hashlib.sha256(unicode_safe(key).encode("utf-8")).hexdigest()


def _issue(report: Report, req: RequirementResult, root: Path) -> dict[str, Any]:
    file, line, _ = report.locate(req)
    path = _path(file, root)
    j = report.jurisdiction
    head = f"{clip(one_line(j.name), 80)} ({clip(one_line(j.code), 40)}): {req.id} is {verdict(req)}"
    if req.waiver is not None:
        head += " (waived)"
    elif req.baseline in ("new", "regressed"):
        head += f" ({req.baseline})"
    head += ": "
    title = one_line(req.title).rstrip(". ")
    return {
        "description": head + clip(title, max(DESCRIPTION_CHARS - len(head) - 1, 10)) + ".",
        "check_name": f"compliance/{req.id}",
        "fingerprint": fingerprint(report, req, path),
        "severity": _severity(req),
        "location": {"path": path, "lines": {"begin": max(line, 1)}},
    }


def render_gitlab(reports: list[Report], root: Path | None = None) -> str:
    """Render the findings as a GitLab Code Quality report (a JSON array; ``[]`` when there is none).

    Args:
        reports: The reports of the run.
        root: The repository's folder, that paths are relative to (default: the working directory).
    """
    base = Path(os.path.abspath(root if root is not None else Path.cwd()))
    issues = [_issue(r, q, base) for r in reports for q in r.requirements
              if q.status != "met" and q.baseline not in KNOWN]
    return unicode_safe(json.dumps(issues, indent=2, ensure_ascii=False)) + "\n"
