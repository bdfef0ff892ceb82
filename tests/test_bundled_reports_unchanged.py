"""Every bundled file's JSON report, at three dates, is pinned: an engine change that is meant to be only
faster (or only a refactoring) must leave every byte of every verdict as it was.

The snapshot (tests/snapshots/bundled-reports.json) records, per file and date, each requirement's
status and exact score (so a failure says which verdict moved) and the SHA-256 of the whole JSON report
(so any change of wording, evidence or order is caught too). A change of data or rules that moves
verdicts on purpose updates it with ``pytest --update-snapshots`` and says why in the commit.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path

import pytest

from compliance import api
from compliance.model.rules import RuleSet

SNAPSHOT = Path(__file__).parent / "snapshots" / "bundled-reports.json"
DATES = ("2026-11-28", "2020-11-28", "2015-07-27")


def _live(rules: RuleSet) -> dict[str, dict[str, dict[str, object]]]:
    out: dict[str, dict[str, dict[str, object]]] = {}
    for path in api.bundled_legislation():
        statute = api.load_statute(path, rules, display_path=f"legislation/{path.name}")
        out[path.stem] = {}
        for day in DATES:
            report = api.check(statute, rules, dt.date.fromisoformat(day))
            out[path.stem][day] = {
                "sha256": hashlib.sha256(report.model_dump_json().encode("utf-8")).hexdigest(),
                "verdicts": {r.id: [r.status, r.exact_score] for r in report.requirements},
            }
    return out


def test_every_bundled_report_is_byte_identical_to_the_snapshot(rules: RuleSet, update_snapshots: bool) -> None:
    live = _live(rules)
    if update_snapshots or not SNAPSHOT.exists():
        SNAPSHOT.write_text(json.dumps(live, indent=1, sort_keys=True) + "\n", encoding="utf-8")
        if not update_snapshots:
            pytest.fail("bundled-reports.json was missing and has been written; review and commit it")
    pinned = json.loads(SNAPSHOT.read_text(encoding="utf-8"))
    assert sorted(live) == sorted(pinned)
    for code, days in pinned.items():
        for day, want in days.items():
            got = live[code][day]
            moved = {rid: (want["verdicts"].get(rid), v) for rid, v in got["verdicts"].items()
                     if want["verdicts"].get(rid) != v}
            assert not moved, f"{code} at {day}: verdicts moved {moved}"
            assert got["sha256"] == want["sha256"], f"{code} at {day}: the JSON report changed (same verdicts)"
