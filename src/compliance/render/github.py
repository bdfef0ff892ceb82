r"""GitHub Actions: workflow-command annotations on the statute file's lines, and the job summary.

**Annotations.** Missing findings are ``::error``, partial ones ``::warning``, waived and not assessed
ones ``::notice``; met requirements print nothing. Under ``--baseline`` only new and regressed findings
are annotated. GitHub keeps at most 10 error, 10 warning and 10 notice annotations per step and 50 per
job, and drops the rest without a word (actions/toolkit, docs/problem-matchers.md, "Limitations":
https://github.com/actions/toolkit/blob/main/docs/problem-matchers.md#limitations). So at most
:data:`PER_LEVEL` of each level are printed, the most severe first (missing before partial, then by
weight, then by lowest score), and, when any finding is left out, one last notice (taking one of the
notice slots) says how many and where the full list is: at most 30 annotations, within the job's 50.

Values are escaped as the runner expects: in data ``%``, CR and LF; in properties also ``:`` and
``,``. No user string (file name, provision id, name, message) can end the line and start another
command, or end a property early. Other control characters are shown as ``\xNN``.

**Job summary.** :func:`render_step_summary` is the Markdown the CLI appends to
``$GITHUB_STEP_SUMMARY``: a score table per jurisdiction, the regressions and new findings against the
baseline, and the waivers that expire within :data:`EXPIRY_DAYS` days. GitHub accepts at most 1 MiB of
summary per step (docs.github.com, "Workflow commands for GitHub Actions", "Step isolation and
limits"); user strings are clipped and rows capped so the summary stays far below that.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from compliance.model.results import Report, RequirementResult
from compliance.render.ci import KNOWN, clip, is_failure, md, one_line, severity, visible

#: Annotations GitHub keeps per level (error, warning, notice) per step.
PER_LEVEL = 10
#: Annotations GitHub keeps per job (all steps together).
PER_JOB = 50
#: The job summary lists waivers that expire within this many days of the run.
EXPIRY_DAYS = 30
#: Rows of one table in the job summary (the rest are counted).
SUMMARY_ROWS = 200


def _data(text: str) -> str:
    return visible(text).replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _prop(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")


@dataclass(frozen=True)
class _Finding:
    report: Report
    req: RequirementResult
    level: str


def _level(req: RequirementResult) -> str | None:
    """The annotation level of a finding, or None when it is not annotated (met, or known to the baseline)."""
    if req.status == "met" or req.baseline in KNOWN:
        return None
    if is_failure(req):
        return "error" if req.status == "missing" else "warning"
    return "notice"


def _line(finding: _Finding) -> str:
    report, req = finding.report, finding.req
    file, line, col = report.locate(req)
    code = one_line(report.jurisdiction.code)
    change = f" {req.baseline}" if req.baseline in ("new", "regressed") else ""
    title = (f"{code} {req.id} not assessed" if req.status == "not_assessed" else
             f"{code} {req.id} {req.status}{change} ({req.score}/100)")
    body = [f"{req.title} — {req.citation}", *req.gaps]
    if req.waiver is not None:
        body.insert(0, f"Waived: {req.waiver.justification}")
    return (f"::{finding.level} file={_prop(file)},line={line},col={col},title={_prop(title)}::"
            f"{_data(chr(10).join(body))}")


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def render_github(reports: list[Report]) -> str:
    """Render the most severe findings as workflow-command annotations, within GitHub's per-step limits."""
    by_level: dict[str, list[_Finding]] = {"error": [], "warning": [], "notice": []}
    known = 0
    for report in reports:
        for req in report.requirements:
            level = _level(req)
            if level is not None:
                by_level[level].append(_Finding(report, req, level))
            elif req.status != "met":
                known += 1
    for findings in by_level.values():
        findings.sort(key=lambda f: (severity(f.req), f.req.waiver is not None, f.report.jurisdiction.code,
                                     f.req.id))
    overflow = known > 0 or any(len(f) > PER_LEVEL for f in by_level.values())
    room = {"error": PER_LEVEL, "warning": PER_LEVEL, "notice": PER_LEVEL - 1 if overflow else PER_LEVEL}
    shown = {level: findings[:room[level]] for level, findings in by_level.items()}
    lines = [_line(f) for level in ("error", "warning", "notice") for f in shown[level]]
    if overflow:
        left = {level: len(by_level[level]) - len(shown[level]) for level in by_level}
        parts = [f"{n} {what}" for n, what in ((left["error"], "missing"), (left["warning"], "partly met"),
                                               (left["notice"], "waived or not assessed"),
                                               (known, "known to the baseline, unchanged or improved")) if n]
        total = sum(left.values()) + known
        message = (f"{_count(total, 'finding')} not annotated: {'; '.join(parts)}. GitHub shows at most "
                   f"{PER_LEVEL} error, {PER_LEVEL} warning and {PER_LEVEL} notice annotations per step; the "
                   "full list is in the text, SARIF and JUnit outputs (compliance check -f text, --output-sarif, "
                   "--output-junit).")
        title = f"compliance: {_count(total, 'finding')} not annotated"
        lines.append(f"::notice title={_prop(title)}::{_data(message)}")
    return "\n".join(lines) + ("\n" if lines else "")


def _cell(text: str, limit: int = 80) -> str:
    return md(clip(one_line(text), limit))


def _table(header: list[str], rows: list[list[str]], align: list[str] | None = None) -> list[str]:
    align = align or ["---"] * len(header)
    out = ["| " + " | ".join(header) + " |", "|" + "|".join(align) + "|"]
    out += ["| " + " | ".join(row) + " |" for row in rows[:SUMMARY_ROWS]]
    if len(rows) > SUMMARY_ROWS:
        out += ["", f"… and {len(rows) - SUMMARY_ROWS} more (see the SARIF, JUnit or text output)."]
    return out


def render_step_summary(reports: list[Report], today: dt.date) -> str:
    """The Markdown job summary: scores per jurisdiction, regressions against the baseline, expiring waivers.

    Args:
        reports: The reports of the run (with waiver and baseline marks, if any).
        today: The run's date, which decides which waivers expire soon (like waiver expiry, not ``--as-of``).
    """
    first = reports[0] if reports else None
    out = ["## compliance", ""]
    if first is None:
        return "\n".join([*out, "No statute was checked.", ""]) + "\n"
    out += [f"Rules {md(first.rules_version)}, standard {md(first.standard)}, law in force on {md(first.as_of)}; "
            f"{_count(len(reports), 'jurisdiction')}.", ""]
    baselined = any(q.baseline is not None for r in reports for q in r.requirements)
    header = ["Jurisdiction", "Score", "Binding score", "Met", "Partial", "Missing", "Not assessed", "Waived"]
    if baselined:
        header += ["New", "Regressed"]
    rows = []
    for r in reports:
        statuses = [q.status for q in r.requirements]
        row = [f"{_cell(r.jurisdiction.name)} ({_cell(r.jurisdiction.code, 40)})", str(r.score),
               "" if r.binding_score is None else str(r.binding_score),
               *(str(statuses.count(s)) for s in ("met", "partial", "missing", "not_assessed")),
               str(sum(q.waiver is not None for q in r.requirements))]
        if baselined:
            row += [str(sum(is_failure(q) and q.baseline == "new" for q in r.requirements)),
                    str(sum(is_failure(q) and q.baseline == "regressed" for q in r.requirements))]
        rows.append(row)
    out += _table(header, rows, ["---", *["--:"] * (len(header) - 1)])
    if baselined:
        worse = [(r, q) for r in reports for q in r.requirements if is_failure(q)]
        worse.sort(key=lambda rq: (severity(rq[1]), rq[0].jurisdiction.code, rq[1].id))
        out += ["", "### Against the baseline", ""]
        if worse:
            out += _table(["Jurisdiction", "Requirement", "Now", "Change", "Where"],
                          [[_cell(r.jurisdiction.code, 40), md(q.id), f"{q.status} ({q.score}/100)",
                            str(q.baseline), _cell("{}:{}".format(*r.locate(q)[:2]), 120)] for r, q in worse])
        else:
            out.append("No regression and no new finding.")
    horizon = today + dt.timedelta(days=EXPIRY_DAYS)
    expiring = []
    for r in reports:
        for q in r.requirements:
            if q.waiver is None or q.waiver.expires is None:
                continue
            try:
                expires = dt.date.fromisoformat(q.waiver.expires)
            except ValueError:
                continue
            if expires <= horizon:
                expiring.append((expires, r, q))
    expiring.sort(key=lambda e: (e[0], e[1].jurisdiction.code, e[2].id))
    out += ["", f"### Waivers expiring within {EXPIRY_DAYS} days (by {horizon.isoformat()})", ""]
    if expiring:
        out += _table(["Jurisdiction", "Requirement", "Expires", "Reviewer", "Justification"],
                      [[_cell(r.jurisdiction.code, 40), md(q.id), e.isoformat(), _cell(q.waiver.reviewer or ""),
                        _cell(q.waiver.justification, 200)] for e, r, q in expiring if q.waiver is not None])
    else:
        out.append("None.")
    return "\n".join(out) + "\n\n"
