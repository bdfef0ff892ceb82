r"""Output of ``compliance diff``: text for people, JSON for tools.

The text is safe for any input (:mod:`compliance.render.sanitize`): control characters are
escaped and a newline in any field prints as ``\n``, so every line is one the renderer wrote.
"""

from __future__ import annotations

import json

from compliance.model.results import Diff
from compliance.render.sanitize import one_line


def render_diff_text(diff: Diff) -> str:
    """One block per changed requirement: old and new status, the elements and provisions behind it."""
    o, n = diff.old, diff.new
    lines = [f"{o['jurisdiction']}: {o['file']} as of {o['as_of']} -> {n['file']} as of {n['as_of']} "
             f"(standard {n['standard']}, rules {n['rules_version']})",
             f"  overall {diff.old_score} -> {diff.new_score}; {len(diff.changes)} requirement(s) changed, "
             f"{diff.unchanged} unchanged", ""]
    for c in diff.changes:
        mark = "+" if c.change == "improved" else "-"
        lines.append(f"{mark} {c.id} {c.old_status or 'absent'} {c.old_score if c.old_score is not None else ''} -> "
                     f"{c.new_status or 'absent'} {c.new_score if c.new_score is not None else ''} ({c.change}): "
                     f"{c.title}")
        lines += [f"    element {eid}: {old} -> {new}" for eid, (old, new) in c.elements.items()]
        lines += [f"    because {cause}" for cause in c.causes]
    if not diff.changes:
        lines.append("no requirement changed")
    return "\n".join(one_line(line) for line in lines) + "\n"


def render_diff_json(diff: Diff) -> str:
    """The diff as JSON (schema_version 1, kind "diff")."""
    return json.dumps(diff.model_dump(mode="json"), indent=2, ensure_ascii=False) + "\n"
