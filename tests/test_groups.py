"""Regional groups (rules/groups.yaml): every bundled jurisdiction is in one, and `compare --group` keeps exactly it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from compliance import api
from compliance.cli import app

ROOT = Path(__file__).resolve().parents[1]
RULES = api.load_rules(ROOT / "rules")


def test_every_bundled_jurisdiction_belongs_to_exactly_one_group() -> None:
    for path in api.bundled_legislation():
        code = api.load_statute(path, RULES).statute.jurisdiction.code
        found = [g for g, group in RULES.groups.items() if code.split("-")[0] in group.members]
        assert len(found) == 1, (code, found)


@pytest.mark.parametrize("group", sorted(RULES.groups))
def test_compare_group_keeps_exactly_the_group(group: str) -> None:
    members = set(RULES.groups[group].members)
    everyone = [api.load_statute(p, RULES).statute.jurisdiction.code for p in api.bundled_legislation()]
    expected = sorted(c for c in everyone if c.split("-")[0] in members)
    result = CliRunner().invoke(app, ["--no-config", "compare", str(ROOT / "legislation"), "-f", "json",
                                      "--as-of", "2026-11-28", "--group", group])
    if not expected:
        assert result.exit_code == 2 and "no jurisdiction of the group" in result.output
        return
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)["jurisdictions"]
    assert sorted(r["code"] for r in rows) == expected
    assert [r["rank"] for r in rows] == sorted(r["rank"] for r in rows) and rows[0]["rank"] == 1


def test_an_unknown_group_is_a_one_line_error_with_a_suggestion() -> None:
    result = CliRunner().invoke(app, ["--no-config", "compare", str(ROOT / "legislation"), "-f", "json",
                                      "--group", "africa"])
    assert result.exit_code == 2 and "did you mean 'african'?" in result.output and "Traceback" not in result.output


def test_the_corpus_page_counts_jurisdictions_by_group() -> None:
    import datetime as dt

    from compliance.render.corpus import corpus_markdown

    entries = api.corpus(api.bundled_legislation(), RULES, dt.date(2026, 11, 28))
    page = corpus_markdown(entries, "2026-11-28", RULES.version)
    assert "## By regional group" in page
    for gid, group in RULES.groups.items():
        count = sum(1 for e in entries if e.group == group.name)
        if count:
            assert f"| {group.name} | {count} |" in page, gid
