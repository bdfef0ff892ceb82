"""Geometry of the inline SVG charts (heatmap of the matrix, per-area bars), as plain data.

Templates only draw what this module computes, so the chart data can be snapshot-tested and the
pages need no JavaScript.
"""

from __future__ import annotations

from typing import Any

from compliance.model.results import Comparison

#: Colour-blind-safe fills (Okabe-Ito hues, lightened so that black text keeps a contrast above 7:1).
FILLS = {"met": "#bfe3d3", "partial": "#f9dfa8", "missing": "#f4c2a8", "not_assessed": "#ffffff"}
STROKES = {"met": "#00785a", "partial": "#a36f00", "missing": "#a84300", "not_assessed": "#6b6b6b"}
SYMBOLS = {"met": "✓", "partial": "◐", "missing": "✗", "not_assessed": "?"}

CELL = 34
LABEL_WIDTH = 190
HEADER_HEIGHT = 120


def heatmap(comparison: Comparison) -> dict[str, Any]:
    """Cells of the jurisdiction x requirement heatmap, with their position, fill and label."""
    columns = comparison.requirements
    cells = []
    for row_index, row in enumerate(comparison.jurisdictions):
        for col_index, col in enumerate(columns):
            cell = row.cells.get(col.id)
            status = cell.status if cell else None
            cells.append({
                "x": LABEL_WIDTH + col_index * CELL, "y": HEADER_HEIGHT + row_index * CELL,
                "code": row.code, "requirement": col.id, "status": status or "n/a",
                "score": cell.score if cell else None,
                "fill": FILLS.get(status or "", "#eeeeee"), "stroke": STROKES.get(status or "", "#999999"),
                "symbol": SYMBOLS.get(status or "", "–"),
            })
    return {
        "width": LABEL_WIDTH + len(columns) * CELL + 80,
        "height": HEADER_HEIGHT + len(comparison.jurisdictions) * CELL + 10,
        "cell": CELL,
        "columns": [{"id": c.id, "x": LABEL_WIDTH + i * CELL + CELL // 2, "y": HEADER_HEIGHT - 6}
                    for i, c in enumerate(columns)],
        "rows": [{"code": r.code, "name": r.name, "y": HEADER_HEIGHT + i * CELL + CELL // 2 + 5}
                 for i, r in enumerate(comparison.jurisdictions)],
        "cells": cells,
    }


BAR_HEIGHT = 18
BAR_GAP = 6
BAR_WIDTH = 300
BAR_LABEL = 150


def area_bars(comparison: Comparison) -> list[dict[str, Any]]:
    """One small bar chart per area: a bar per jurisdiction, as long as its area score."""
    charts = []
    for area in comparison.areas:
        bars = []
        for index, code in enumerate(area.ranking):
            row = next(r for r in comparison.jurisdictions if r.code == code)
            result = row.areas[area.id]
            bars.append({
                "code": code, "score": result.score, "status": result.status,
                "x": BAR_LABEL, "y": index * (BAR_HEIGHT + BAR_GAP),
                "width": round(BAR_WIDTH * result.score / 100, 1), "height": BAR_HEIGHT,
                "fill": FILLS[result.status], "stroke": STROKES[result.status], "symbol": SYMBOLS[result.status],
            })
        charts.append({"id": area.id, "title": area.title, "bars": bars,
                       "width": BAR_LABEL + BAR_WIDTH + 70,
                       "height": len(bars) * (BAR_HEIGHT + BAR_GAP)})
    return charts
