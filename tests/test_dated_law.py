"""Dated law: provisions inherit their act's date, are not law before it, and undated ones are named."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from typer.testing import CliRunner

from compliance import api
from compliance.cli import app
from compliance.model.rules import RuleSet

runner = CliRunner()

STATUTE = """\
schema_version: 1
jurisdiction: {{code: aq, name: Examplia (fictional)}}
instruments:
  - id: act
    title: Anti-Trafficking Act
    citation: Act 1
    url: https://example.org/act
{act_dates}
provisions:
  - id: s1
    instrument: act
    heading: Recovery period
    source_url: https://example.org/act/s1
{own_date}
    text: (fictional)
    text_status: paraphrase
    retrieved: 2026-11-28
    norms:
      - state SHALL grant recovery_period TO presumed_victim FOR AT LEAST 30 days IF reasonable_grounds
"""


def _file(tmp_path: Path, act_dates: str = "", own_date: str = "") -> Path:
    path = tmp_path / "aq.yaml"
    path.write_text(STATUTE.format(act_dates=act_dates, own_date=own_date), encoding="utf-8")
    return path


@pytest.mark.parametrize(("act_dates", "own_date", "law_from"), [
    ("    enacted: 2010-05-01", "", dt.date(2010, 5, 1)),
    ("    enacted: 2010-05-01\n    in_force: 2011-01-01", "", dt.date(2011, 1, 1)),
    ("    enacted: 2010-05-01\n    in_force: 2011-01-01", "    in_force: 2012-03-01", dt.date(2012, 3, 1)),
])
def test_a_provision_is_law_from_its_own_date_else_its_acts(tmp_path: Path, rules: RuleSet, act_dates: str,
                                                            own_date: str, law_from: dt.date) -> None:
    statute = api.load_statute(_file(tmp_path, act_dates, own_date), rules)
    for day, expected in ((law_from - dt.timedelta(days=1), 0), (law_from, 1)):
        report = api.check(statute, rules, as_of=day, select=["COE-2005-13.1"])
        assert len(report.requirements[0].evidence) > 0 if expected else not report.requirements[0].evidence, day


def test_check_and_diff_leave_an_act_out_before_its_enactment(tmp_path: Path) -> None:
    path = _file(tmp_path, "    enacted: 2010-05-01")
    before = runner.invoke(app, ["check", str(path), "--as-of", "2010-04-30", "-f", "json", "--no-cache"])
    after = runner.invoke(app, ["check", str(path), "--as-of", "2010-05-01", "-f", "json", "--no-cache"])
    assert '"provision": "s1"' not in before.stdout and '"provision": "s1"' in after.stdout
    diff = runner.invoke(app, ["diff", str(path), "--old-as-of", "2010-04-30", "--new-as-of", "2010-05-01"])
    assert "COE-2005-13.1" in diff.stdout


def test_a_provision_dated_before_its_act_is_an_error(tmp_path: Path) -> None:
    path = _file(tmp_path, "    enacted: 2010-05-01", "    in_force: 2009-01-01")
    result = runner.invoke(app, ["validate", str(path)])
    assert result.exit_code == 2
    message = "aq.yaml:14:15: provision 's1' is in force from 2009-01-01, before its act 'act' was enacted"
    assert message in result.stderr


def test_strict_validation_names_every_undated_provision_without_failing(tmp_path: Path) -> None:
    undated = runner.invoke(app, ["validate", "--strict", str(_file(tmp_path))])
    assert undated.exit_code == 0
    assert "aq.yaml:10:9: warning: provision 's1' has no known in-force date" in undated.stderr
    dated = runner.invoke(app, ["validate", "--strict", str(_file(tmp_path, "    enacted: 2010-05-01"))])
    assert "no known in-force date" not in dated.stderr


def test_before_coverage_from_every_area_is_not_assessed_in_every_format(tmp_path: Path, rules: RuleSet) -> None:
    """A file whose reading starts on a day says nothing (not "missing") about the law before it."""
    path = _file(tmp_path, "    enacted: 2010-05-01")
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("instruments:\n", "coverage_from: 2012-01-01\ninstruments:\n"), encoding="utf-8")
    statute = api.load_statute(path, rules)
    before = api.check(statute, rules, as_of=dt.date(2011, 12, 31))
    assert before.status == "not_assessed"
    assert {r.status for r in before.requirements} == {"not_assessed"}
    assert before.coverage.assessed_share == 0 and before.coverage.read_from == "2012-01-01"
    assert "2012-01-01" in before.coverage.sentence()
    on = api.check(statute, rules, as_of=dt.date(2012, 1, 1))
    assert on.status != "not_assessed" and "not_assessed" not in {r.status for r in on.requirements}
    assert on.coverage.read_from is None and on.coverage.assessed_share == 100
    for fmt in ("text", "json", "markdown", "csv", "sarif", "junit", "html"):
        result = runner.invoke(app, ["--no-config", "check", str(path), "--as-of", "2011-12-31", "-f", fmt])
        assert result.exit_code == 0, (fmt, result.output)
        assert "not_assessed" in result.stdout or "not assessed" in result.stdout or "skipped" in result.stdout, fmt
        if fmt == "json":
            import json

            data = json.loads(result.stdout)
            assert data["status"] == "not_assessed"
            assert {r["status"] for r in data["requirements"]} == {"not_assessed"}


def test_an_element_is_not_asked_of_law_before_the_day_the_standard_added_it(rules: RuleSet) -> None:
    """rules/palermo/art_03.yaml: the 2024 forms of exploitation are not asked of 2019 law."""
    requirement = next(r for r in rules.requirements if r.id == "PAL-2000-5.1")
    dated = {e.id: e.required_from for e in requirement.elements if e.required_from}
    assert dated and all(e.required_from_note for e in requirement.elements if e.required_from)
    first = min(dated.values())
    norms = ["state SHALL punish offender OF trafficking_offence[sexual_exploitation, forced_labour, slavery, "
             "servitude, organ_removal, criminal_activities] IF trafficking_act AND coercive_means AND "
             "exploitation_purpose"]
    from compliance.testing import run_requirement

    assert run_requirement(requirement, rules, norms, as_of=first - dt.timedelta(days=1)).status == "met"
    later = run_requirement(requirement, rules, norms, as_of=first)
    assert later.status == "partial"
    assert {e.id for e in later.elements if e.status == "missing"} == set(dated)
