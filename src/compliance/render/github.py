"""GitHub Actions workflow commands: one annotation per finding, shown on the statute file's line.

Missing findings are ``::error``, partial ones ``::warning``, waived ones ``::notice``; met
requirements print nothing. Values are escaped as the runner expects (``%``, CR, LF, and in
properties also ``:`` and ``,``).
"""

from __future__ import annotations

from compliance.model.results import Report

_COMMAND = {"missing": "error", "partial": "warning"}


def _data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _prop(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def render_github(reports: list[Report]) -> str:
    """Render each partial or missing finding as a workflow-command annotation line."""
    lines: list[str] = []
    for report in reports:
        for req in report.requirements:
            if req.status == "met":
                continue
            file, line, col = report.locate(req)
            command = "notice" if req.waiver is not None else _COMMAND.get(req.status, "notice")
            title = (f"{report.jurisdiction.code} {req.id} not assessed" if req.status == "not_assessed" else
                     f"{report.jurisdiction.code} {req.id} {req.status} ({req.score}/100)")
            body = [f"{req.title} — {req.citation}", *req.gaps]
            if req.waiver is not None:
                body.insert(0, f"Waived: {req.waiver.justification}")
            lines.append(f"::{command} file={_prop(file)},line={line},col={col},title={_prop(title)}::"
                         f"{_data(chr(10).join(body))}")
    return "\n".join(lines) + ("\n" if lines else "")
