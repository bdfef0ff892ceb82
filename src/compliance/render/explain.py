r"""Plain-text explanations: of a requirement (``explain RULE_ID``) and of one verdict (``explain FILE RULE_ID``).

Safe for any input (:mod:`compliance.render.sanitize`): control characters are escaped, and a
newline only breaks a line in the multi-line texts (treaty and statute text, rationale), which are
indented; in any other field it prints as ``\n``.
"""

from __future__ import annotations

from collections.abc import Mapping

from compliance.model.results import Report, RequirementResult
from compliance.model.rules import Requirement, RuleSet
from compliance.render.sanitize import one_line, terminal_safe


def _indent(text: str, prefix: str = "    ") -> list[str]:
    """A multi-line text, one indented output line per line (split at newlines only: other breaks are escaped)."""
    return [f"{prefix}{line}".rstrip() for line in terminal_safe(text.strip()).split("\n")]


def _lines(out: list[str]) -> str:
    """Join output lines, each made safe as one line (a field's newline cannot start a line)."""
    return "\n".join(one_line(line) for line in out) + "\n"


def explain_rule(req: Requirement, rules: RuleSet) -> str:
    """Describe a requirement: sources, modality, treaty text, rationale, elements, examples."""
    file, line = rules.origins.get(req.id, ("", 0))
    out = [f"{req.id}: {req.title}"]
    for source in req.sources():
        inst = rules.instruments[source.instrument]
        soft = ", soft law" if inst.kind == "soft_law" else ""
        out.append(f"  source:     {source.cite(inst.name)} — {source.modality.replace('_', ' ')}{soft} "
                   f"({source.source_url})")
    out += [f"  area:       {req.area}; weight {req.weight}", f"  defined in: {file}:{line}"]
    for source in req.sources():
        inst = rules.instruments[source.instrument]
        out += ["", f"  {source.cite(inst.name)} ({source.treaty_text_status}):", *_indent(source.treaty_text)]
        if source.treaty_text_note:
            out += _indent(f"Note: {source.treaty_text_note}")
    out += ["", "  Rationale:", *_indent(req.rationale), "", "  Elements:"]
    for el in req.elements:
        sel = el.select
        only = f" [required by {', '.join(el.required_by)} only]" if el.required_by else ""
        if el.required_from:
            only += f" [required from {el.required_from.isoformat()}: {el.required_from_note}]"
        out.append(f"    - {el.id} (weight {el.weight}): {el.description}{only}")
        polarity = f" ({sel.polarity})" if sel.polarity else ""
        out.append(f"      matches: {', '.join(sel.actions)} {', '.join(sel.objects or [])} for "
                   f"{sel.beneficiary}{polarity}")
        out += [f"      requires {name}: {param}" for name, param in el.require.items()]
    out += ["", "  Examples:"]
    for ex in [*req.examples.pass_, *req.examples.fail]:
        out.append(f"    [{ex.expect}] {ex.name}")
        out += [f"        {' '.join(n.split())}" for n in ex.norms]
    out += ["", "  What the law should say:", *_indent(req.recommendation)]
    return _lines(out)


def explain_result(report: Report, result: RequirementResult, texts: Mapping[str, tuple[str, str]]) -> str:
    """Show the derivation of one verdict: each element, the norms that decided it, and why.

    Args:
        report: The jurisdiction's report (for its name, file and date).
        result: The requirement's result.
        texts: Provision id -> (text status, provision text), for the provisions cited as evidence.
    """
    j = report.jurisdiction
    cites = "; ".join(f"{s.citation} ({'binding' if s.binding else 'benchmark'})" for s in result.sources)
    out = [f"{result.id} for {j.name} ({report.file}), law in force on {report.as_of}, standard {report.standard}:",
           f"  {result.status.upper()}, {result.score}/100 — {result.title}", f"  sources: {cites}", ""]
    for element in result.elements:
        out.append(f"  [{element.status} {round(element.score * 100)}] {element.id} (weight {element.weight}): "
                   f"{element.description}")
        for ev in (e for e in result.evidence if e.element == element.id):
            out.append(f"      matched {ev.provision} at {ev.file}:{ev.line}:{ev.column} (factor {ev.score}): "
                       f"{' '.join(ev.norm.split())}")
        out += [f"      because {reason}" for reason in element.reasons]
    cited = list(dict.fromkeys(ev.provision for ev in result.evidence))
    if cited:
        out += ["", "  Provisions cited:"]
        for provision in cited:
            status, text = texts.get(provision, ("", ""))
            out += [f"    {provision} (text {status}):", *_indent(text, "      ")]
    out += ["", "  What the law should say:", *_indent(result.recommendation)]
    return _lines(out)
