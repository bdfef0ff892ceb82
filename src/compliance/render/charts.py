"""Geometry of the inline SVG charts (heatmap of the matrix, per-area bars), as plain data.

Templates only draw what this module computes, so the chart data can be snapshot-tested and the
pages need no JavaScript. Text widths are estimated (no font is measured): the estimate is on the
wide side for DejaVu Sans, the usual fallback of ``system-ui`` on Linux, so labels keep their room
with the common fonts.
"""

from __future__ import annotations

import math
import re
from typing import Any

from compliance.model.results import Comparison
from compliance.render.i18n import gettext

#: Colour-blind-safe fills (Okabe-Ito hues, lightened so that black text keeps a contrast above 7:1).
FILLS = {"met": "#bfe3d3", "partial": "#f9dfa8", "missing": "#f4c2a8", "not_assessed": "#ffffff"}
STROKES = {"met": "#00785a", "partial": "#a36f00", "missing": "#a84300", "not_assessed": "#6b6b6b"}
SYMBOLS = {"met": "✓", "partial": "◐", "missing": "✗", "not_assessed": "?"}

#: Font sizes (px) the templates draw the chart texts with; the layout below is computed for them.
FONT = 12
SMALL = 11


#: Advance widths (em) of DejaVu Sans, the usual fallback of ``system-ui`` on Linux and wider than
#: the common fonts of other systems, in classes of characters.
_WIDTHS = [(" il.,:;'!|", 0.32), ("ftjr()[]-", 0.41), ("0123456789", 0.64), ("mwMW", 0.95)]


def text_width(text: str, size: float = FONT, bold: bool = False) -> float:
    """Estimated width in px of ``text`` at ``size`` px, from DejaVu Sans's widths (bold: 8% wider).

    >>> text_width("A jurisdiction name")
    121.0
    """
    em = 0.0
    for char in text:
        width = next((w for chars, w in _WIDTHS if char in chars), 0.72 if char.isupper() else 0.62)
        em += width
    return round(em * size * (1.08 if bold else 1.0), 1)


def wrap(text: str, width: float, size: float = SMALL, bold: bool = True) -> list[str]:
    """Split ``text`` into lines of at most ``width`` px, at spaces and after hyphens.

    >>> wrap("Non-punishment of victims", 70)
    ['Non-', 'punishment', 'of victims']
    """
    words = [w for w in re.split(r"(?<=-)|\s+", text) if w]
    lines: list[str] = []
    for word in words:
        joiner = "" if lines and lines[-1].endswith("-") else " "
        if lines and text_width(lines[-1] + joiner + word, size, bold) <= width:
            lines[-1] += joiner + word
        else:
            lines.append(word)
    return lines


CELL = 32  # narrowest column of the heatmap, and the height of its rows (px)
GROUP_GAP = 8  # space between two areas' columns
LINE = 13  # line height of the area titles above the columns
PAD = 8


def _groups(comparison: Comparison) -> list[tuple[str, str, list[Any]]]:
    """The requirements grouped by area, in the comparison's area order (unknown areas last)."""
    titles = {a.id: gettext(a.title) for a in comparison.areas}
    order = [a.id for a in comparison.areas]
    for req in comparison.requirements:
        if req.area not in order:
            order.append(req.area)
    groups = []
    for area in order:
        members = [r for r in comparison.requirements if r.area == area]
        if members:
            groups.append((area, titles.get(area, area), members))
    return groups


def heatmap(comparison: Comparison) -> dict[str, Any]:
    """Cells of the jurisdiction x requirement heatmap, with their position, fill and labels.

    Rows are jurisdictions (labelled by name); columns are requirements, grouped under their area's
    title, each labelled by its id (drawn vertically); each cell shows the verdict's symbol and the score.
    """
    groups = _groups(comparison)
    label_width = math.ceil(max([text_width(r.name) for r in comparison.jurisdictions] + [100.0]) + 2 * PAD)
    # A group is at least as wide as the longest word of its title; its columns share that width.
    widths = []
    for _, title, members in groups:
        longest = max(text_width(w, SMALL, bold=True) for w in wrap(title, 0))
        widths.append(max(CELL, math.ceil((longest + PAD) / len(members))))
    titles = [wrap(title, widths[i] * len(members) - 4) for i, (_, title, members) in enumerate(groups)]
    title_lines = max([len(t) for t in titles] + [1])
    id_height = math.ceil(max([text_width(r.id, SMALL) for r in comparison.requirements] + [0.0]) + PAD)
    group_top = 2
    columns_top = group_top + title_lines * LINE + 8
    cells_top = columns_top + id_height
    x = label_width
    out_groups, columns = [], []
    for (area, title, members), width, lines in zip(groups, widths, titles, strict=True):
        span = width * len(members)
        out_groups.append({
            "area": area, "title": title, "x": x, "width": span, "y": group_top,
            "lines": [{"text": t, "x": x + span / 2, "y": group_top + (i + 1) * LINE - 2} for i, t in enumerate(lines)],
            "rule_y": columns_top - 3,
        })
        for i, req in enumerate(members):
            columns.append({"id": req.id, "area": area, "x": x + i * width, "width": width,
                            "label_x": x + i * width + width / 2 + 4, "label_y": cells_top - 4})
        x += span + GROUP_GAP
    width = x - GROUP_GAP + PAD
    cells = []
    for row_index, row in enumerate(comparison.jurisdictions):
        y = cells_top + row_index * CELL
        for col in columns:
            cell = row.cells.get(col["id"])
            status = cell.status if cell else None
            score = None if cell is None or status == "not_assessed" else cell.score
            cells.append({
                "x": col["x"] + 1, "y": y + 1, "width": col["width"] - 2, "height": CELL - 2,
                "text_x": col["x"] + col["width"] / 2, "symbol_y": y + 13, "score_y": y + 27,
                "code": row.code, "name": row.name, "requirement": col["id"], "status": status or "n/a",
                "score": score,
                "fill": FILLS.get(status or "", "#eeeeee"), "stroke": STROKES.get(status or "", "#999999"),
                "symbol": SYMBOLS.get(status or "", "–"),
            })
    return {
        "width": width,
        "height": cells_top + len(comparison.jurisdictions) * CELL + 4,
        "cell": CELL,
        "label_width": label_width,
        "groups": out_groups,
        "columns": columns,
        "rows": [{"code": r.code, "name": r.name, "x": label_width - PAD, "y": cells_top + i * CELL + CELL / 2 + 4}
                 for i, r in enumerate(comparison.jurisdictions)],
        "cells": cells,
    }


BAR_HEIGHT = 11
BAR_PITCH = 30  # one jurisdiction: its name, then its bar under it
BAR_LEFT = 8  # room for the "0" of the axis
BAR_WIDTH = 260  # a score of 100
BAR_RIGHT = 44  # room for the score after the longest bar
MIN_BAR = 2  # a zero score still shows a bar this wide
TICKS = (0, 25, 50, 75, 100)
AXIS = 34  # the axis line, its tick labels and its title, under the bars


def area_bars(comparison: Comparison) -> list[dict[str, Any]]:
    """One small bar chart per area: a bar per jurisdiction, as long as its area score, on a 0-100 axis.

    Each jurisdiction's name sits above its bar (so that a chart fits a phone's width); a zero score
    shows a thin bar; the jurisdictions not assessed in the area are listed, not drawn.
    """
    names = {r.code: r.name for r in comparison.jurisdictions}
    charts = []
    for area in comparison.areas:
        bars = []
        for index, code in enumerate(area.ranking):
            row = next(r for r in comparison.jurisdictions if r.code == code)
            result = row.areas[area.id]
            top = index * BAR_PITCH
            width = max(MIN_BAR, round(BAR_WIDTH * result.score / 100, 1))
            bars.append({
                "code": code, "name": names[code], "score": result.score, "status": result.status,
                "label_y": top + 12, "x": BAR_LEFT, "y": top + 15,
                "width": width, "height": BAR_HEIGHT, "value_x": BAR_LEFT + width + 5, "value_y": top + 25,
                "fill": FILLS[result.status], "stroke": STROKES[result.status], "symbol": SYMBOLS[result.status],
            })
        axis_y = len(bars) * BAR_PITCH + 4
        not_assessed = [r.name for r in comparison.jurisdictions
                        if area.id in r.areas and r.code not in area.ranking]
        charts.append({
            "id": area.id, "title": gettext(area.title), "bars": bars, "not_assessed": not_assessed,
            "width": BAR_LEFT + BAR_WIDTH + BAR_RIGHT,
            "height": axis_y + AXIS,
            "axis": {"x1": BAR_LEFT, "x2": BAR_LEFT + BAR_WIDTH, "y": axis_y, "label_y": axis_y + 14,
                     "title_y": axis_y + 29, "grid_top": 0,
                     "ticks": [{"value": t, "x": BAR_LEFT + BAR_WIDTH * t / 100} for t in TICKS]},
        })
    return charts
