"""JSON output: the stable machine contract (``schema_version`` 1)."""

from __future__ import annotations

import json

from compliance.model.results import MultiReport, Report


def render_json(reports: list[Report]) -> str:
    """One report as an object; several as ``{"schema_version": 1, "results": [...]}``."""
    if len(reports) == 1:
        data = reports[0].model_dump(mode="json")
    else:
        data = MultiReport(results=reports).model_dump(mode="json")
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
