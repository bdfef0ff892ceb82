r"""Plain-text output: a summary, then one ``file:line:column: [status] ...`` line per requirement.

Text output is for people and may change between versions; machines should read JSON.

Safe for any input (:mod:`compliance.render.sanitize`): control characters are escaped, every field
is kept on its line (a newline in a name or a message prints as ``\n``), and the only lines that
start at the left margin are the findings and each report's header, whose user-supplied parts
cannot hold the finding marker ``: [``. So every line that looks like a finding is one.
"""

from __future__ import annotations

from compliance.model.results import Report, RequirementResult
from compliance.render.i18n import cite, gaps, say
from compliance.render.i18n import gettext as _
from compliance.render.sanitize import display_width, escape_char, ljust, one_line

_MARK = {"met": "met", "partial": "partial", "missing": "missing", "not_assessed": "not assessed"}


def _plain(text: str) -> str:
    """A user-supplied field of a line at the left margin: one line, and no finding marker in it."""
    return one_line(text).replace(": [", ": \\[")


def _locate(report: Report, req: RequirementResult) -> str:
    """``file:line:column``, starting at the margin even for a file name that starts with a blank."""
    file, line, column = report.locate(req)
    shown = _plain(file)
    if shown[:1].isspace():
        shown = escape_char(shown[0]) + shown[1:]
    return f"{shown}:{line}:{column}"


def _overall(report: Report) -> str:
    return _("not assessed") if report.status == "not_assessed" else f"{report.score}/100 ({_(report.status)})"


def _areas(report: Report) -> list[str]:
    """The area table: names padded to the widest (in terminal columns), scores right-aligned."""
    names = {area_id: one_line(area_id) for area_id in report.areas}
    width = max((display_width(n) for n in names.values()), default=0)
    lines = []
    for area_id, area in report.areas.items():
        shown = f"{'-':>3}    " if area.status == "not_assessed" else f"{area.score:>3}/100"
        lines.append(f"  {ljust(names[area_id], width)} {shown}  {_(area.status.replace('_', ' '))}")
    return lines


def _one(report: Report) -> list[str]:
    j = report.jurisdiction
    bind = "" if report.binding_score is None else f"; {_('binding instruments only')}: {report.binding_score}/100"
    lines = [f"{_plain(j.name)} ({_plain(j.code)}) — {_plain(report.file)}",
             f"  {_('overall')} {_overall(report)}{bind}; {_('as of')} {report.as_of}; "
             f"{_('standard')} {report.standard}; {_('rules')} {report.rules_version}"]
    lines.append(f"  {say(report.coverage.phrase(), report.coverage.sentence())}")
    for inst in report.instruments:
        role = _("binding") if inst.binding else _("benchmark")
        lines.append(f"  {_(inst.name)}: {role} — {say(inst.basis_phrase, inst.basis)}")
    lines += _areas(report)
    lines.append("")
    for req in report.requirements:
        cites = "; ".join(f"{cite(s.citation, s.instrument)} ({_('binding') if s.binding else _('benchmark')})"
                          for s in req.sources)
        mark = _(_MARK[req.status]) + (", " + _("waived") if req.waiver else "") + (
            f", {req.baseline}" if req.baseline and req.baseline != "unchanged" else "")
        lines.append(f"{_locate(report, req)}: [{mark}] {req.id} {cites} {req.score}/100: {_(req.title)}")
        if req.waiver:
            lines.append(f"    {_('waived until')} {req.waiver.expires or _('further notice')}: "
                         f"{req.waiver.justification}")
        lines += [f"    - {gap}" for gap in gaps(req)]
    # Every entry is one line: whatever a field held, escaping it here keeps it on its line.
    return [one_line(line) for line in lines]


def render_text(reports: list[Report]) -> str:
    """Render each report as a summary followed by one line per requirement."""
    blocks = ["\n".join(_one(r)) for r in reports]
    return "\n\n".join(blocks) + "\n"
