"""Gap reports, comparison, CSV, diff: outputs, snapshots, escaping."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from compliance import api
from compliance.cli import app
from compliance.model.rules import RuleSet
from compliance.render import render
from compliance.render.charts import area_bars, heatmap
from compliance.render.html import render_comparison_markdown, render_html
from tests.conftest import BUNDLED

ROOT = Path(__file__).resolve().parents[1]
SNAPSHOTS = Path(__file__).parent / "snapshots"
AS_OF = "2026-11-28"
runner = CliRunner()


@pytest.fixture(scope="module")
def reports(rules: RuleSet) -> list:  # type: ignore[type-arg]
    paths = [ROOT / "legislation" / "gb-eaw.yaml", ROOT / "legislation" / "us.yaml"]
    names = {p: f"legislation/{p.name}" for p in paths}
    return api.check_many(paths, rules, dt.date.fromisoformat(AS_OF), names=names)


def snapshot(name: str, text: str, update: bool) -> None:
    path = SNAPSHOTS / name
    if update or not path.exists():
        path.write_text(text, encoding="utf-8")
        if not update:
            pytest.fail(f"snapshot {name} was missing and has been written; review and commit it")
    assert text == path.read_text(encoding="utf-8"), f"{name} differs: run pytest --update-snapshots"


def test_comparison_snapshots(reports: list, rules: RuleSet, update_snapshots: bool) -> None:  # type: ignore[type-arg]
    comparison = api.compare(reports, rules)
    snapshot("comparison.md", render_comparison_markdown(comparison), update_snapshots)
    snapshot("comparison.csv", render(reports, "csv"), update_snapshots)
    charts = {"heatmap": heatmap(comparison), "area_bars": area_bars(comparison)}
    snapshot("charts.json", json.dumps(charts, indent=1, ensure_ascii=False) + "\n", update_snapshots)


def test_ranking_and_matrix(reports: list, rules: RuleSet) -> None:  # type: ignore[type-arg]
    comparison = api.compare(reports, rules)
    ranked = comparison.jurisdictions
    assert sorted(r.code for r in ranked) == ["gb-eaw", "us"]  # the two reports of the fixture
    assert [r.rank for r in ranked] == [1, 2] and ranked[0].score >= ranked[1].score
    us = next(r for r in ranked if r.code == "us")
    assert us.cells["COE-2005-26"].status == "not_assessed"  # State law, where the area's law is, was not read
    assert us.cells["COE-2005-13.1"].status == "missing"
    assert {a.id for a in comparison.areas} >= {"non_punishment", "definition", "children"}
    assert len(comparison.requirements) == len(reports[0].requirements)


def test_csv_is_tidy(reports: list) -> None:  # type: ignore[type-arg]
    rows = list(csv.DictReader(io.StringIO(render(reports, "csv"))))
    assert len(rows) == sum(len(r.requirements) for r in reports)
    assert {(r["jurisdiction"], r["requirement"]) for r in rows} == {
        (rep.jurisdiction.code, q.id) for rep in reports for q in rep.requirements}
    gb26 = next(r for r in rows if r["jurisdiction"] == "gb-eaw" and r["requirement"] == "COE-2005-26")
    assert gb26["status"] == "partial" and gb26["binding"] == "true" and "offences listed in Schedule 4" in gb26["gaps"]


def test_gap_report_shows_statute_text_beside_treaty_text(reports: list) -> None:  # type: ignore[type-arg]
    page = render_html([reports[0]])
    assert page.count('<article class="requirement"') == len(reports[0].requirements)
    assert "Subsections (1) and (4) do not apply to an offence listed in Schedule 4." in page
    assert "to the extent that they have been compelled to do so." in page
    for req in reports[0].requirements:
        article = page.split(f'id="gb-eaw-{req.id}"', 1)[1].split("</article>", 1)[0]
        assert "What the law says" in article and "blockquote" in article
        for ev in req.evidence:
            assert f"<strong>{ev.provision}</strong>" in article


HOSTILE = """\
jurisdiction: {code: xx, name: "Evil <script>alert('name')</script>"}
instruments:
  - {id: act, title: "<img src=x onerror=alert(1)>", citation: c, url: "https://example.org/?q=x&y=(1)"}
provisions:
  - id: s1
    instrument: act
    heading: "<script>alert('heading')</script>"
    source_url: "https://example.org/a(b)?c=d&e=f"
    text: |
      <script>alert('text')</script> {{ 7*7 }} <b onmouseover=alert(1)>x</b>
    text_status: verbatim
    norms: ["court SHALL NOT convict victim OF offence IF compelled"]
"""


def test_statute_html_and_template_syntax_are_escaped_in_every_html_output(tmp_path: Path) -> None:
    bad = tmp_path / "xx.yaml"
    bad.write_text(HOSTILE, encoding="utf-8")
    page = runner.invoke(app, ["check", str(bad), "-f", "html"])
    assert page.exit_code == 0, page.stderr
    out = tmp_path / "site"
    result = runner.invoke(app, ["compare", str(bad), str(ROOT / "legislation" / "us.yaml"), "-o", str(out)])
    assert result.exit_code == 0, result.stderr
    markdown = runner.invoke(app, ["check", str(bad), "-f", "markdown"]).stdout
    for html in [page.stdout, *(p.read_text(encoding="utf-8") for p in out.glob("*.html"))]:
        assert "<script" not in html and "<img" not in html and "<b onmouseover" not in html
    for html in (page.stdout, (out / "xx.html").read_text(encoding="utf-8")):
        assert "{{ 7*7 }}" in html  # template syntax in data is shown, never evaluated
    assert "&lt;script&gt;alert(&#39;text&#39;)&lt;/script&gt;" in page.stdout
    assert "<script" not in markdown and "&lt;script&gt;" in markdown


def test_urls_that_could_break_out_of_markup_are_refused(tmp_path: Path) -> None:
    bad = tmp_path / "xx.yaml"
    bad.write_text(HOSTILE.replace('"https://example.org/a(b)?c=d&e=f"', '"https://example.org/\\"><script>x</script>"'),
                   encoding="utf-8")
    result = runner.invoke(app, ["check", str(bad)])
    assert result.exit_code == 2
    assert "source_url: invalid value" in result.stderr


def test_compare_writes_the_site(tmp_path: Path) -> None:
    out = tmp_path / "reports"
    (out).mkdir()
    (out / "README.md").write_text("mine", encoding="utf-8")
    result = runner.invoke(app, ["compare", str(ROOT / "legislation"), "-o", str(out), "--as-of", AS_OF])
    assert result.exit_code == 0, result.stderr
    rules = api.load_rules(ROOT / "rules")
    regions = {f"region-{g.replace('_', '-')}.html" for c in BUNDLED if (g := rules.group_of(c))}
    assert sorted(p.name for p in out.iterdir()) == sorted(
        [".compliance-manifest.json", "README.md", "comparison.csv", "index.html", *(f"{c}.html" for c in BUNDLED),
         *regions])
    for page in regions:  # one page per regional group, linked from the index: a filter without JavaScript
        region = (out / page).read_text(encoding="utf-8")
        assert 'aria-current="page"' in region and 'href="index.html"' in region
    for page in regions:
        assert f'href="{page}"' in (out / "index.html").read_text(encoding="utf-8")
    assert (out / "README.md").read_text(encoding="utf-8") == "mine"
    index = (out / "index.html").read_text(encoding="utf-8")
    assert 'href="gb-eaw.html"' in index and 'href="us.html"' in index and 'href="comparison.csv"' in index
    assert "<svg" in index and "Ranking" in index
    assert 'href="index.html"' in (out / "us.html").read_text(encoding="utf-8")


def test_compare_other_formats_and_errors(tmp_path: Path) -> None:
    data = json.loads(runner.invoke(app, ["compare", "-f", "json", "--as-of", AS_OF]).stdout)
    assert data["kind"] == "comparison" and sorted(j["code"] for j in data["jurisdictions"]) == BUNDLED
    assert runner.invoke(app, ["compare", "-f", "csv"]).stdout.startswith("jurisdiction,jurisdiction_name,")
    afile = tmp_path / "f"
    afile.write_text("x", encoding="utf-8")
    result = runner.invoke(app, ["compare", "-o", str(afile)])
    assert result.exit_code == 2 and "is a file" in result.stderr


def test_as_of_changes_the_uk_verdict_and_the_report_says_the_date() -> None:
    gb = str(ROOT / "legislation" / "gb-eaw.yaml")
    before = json.loads(runner.invoke(app, ["check", gb, "-f", "json", "--as-of", "2022-06-01"]).stdout)
    after = json.loads(runner.invoke(app, ["check", gb, "-f", "json", "--as-of", "2024-01-01"]).stdout)
    status = {d["as_of"]: {r["id"]: r["status"] for r in d["requirements"]} for d in (before, after)}
    # NABA 2022 s 61 (in force 2023-01-30) is the first statutory recovery period; the file reads that area from
    # then, so 2022 is not assessed. Its s 65 (permission to stay) raises CETS 14(1) on the same day.
    assert status["2022-06-01"]["COE-2005-13.1"] == "not_assessed"
    assert status["2024-01-01"]["COE-2005-13.1"] == "partial"
    scores = {d["as_of"]: {r["id"]: r["score"] for r in d["requirements"]} for d in (before, after)}
    assert scores["2022-06-01"]["COE-2005-14.1"] < scores["2024-01-01"]["COE-2005-14.1"]
    html = runner.invoke(app, ["compare", "-f", "markdown", "--as-of", "2022-06-01"]).stdout
    assert "Law in force on 2022-06-01" in html


def test_diff_one_file_at_two_dates() -> None:
    gb = str(ROOT / "legislation" / "gb-eaw.yaml")
    result = runner.invoke(app, ["diff", gb, "--old-as-of", "2022-06-01", "--new-as-of", "2024-01-01"])
    assert result.exit_code == 0
    assert re.search(r"\+ COE-2005-13\.1 not_assessed 0 -> partial \d+ \(improved\)", result.stdout)
    assert "because s61: now decides (part of) the verdict" in result.stdout
    data = json.loads(runner.invoke(app, ["diff", gb, "--old-as-of", "2022-06-01", "--new-as-of", "2024-01-01",
                                          "-f", "json"]).stdout)
    assert data["kind"] == "diff"
    change = next(c for c in data["changes"] if c["id"] == "COE-2005-13.1")
    assert change["elements"]["thirty_days"][0] == "not_assessed 0"
    assert change["elements"]["thirty_days"][1] not in ("missing 0", "not_assessed 0")


def test_diff_exit_codes() -> None:
    gb = str(ROOT / "legislation" / "gb-eaw.yaml")
    backwards = ["diff", gb, "--old-as-of", "2024-01-01", "--new-as-of", "2022-06-01"]
    assert runner.invoke(app, backwards).exit_code == 0
    assert runner.invoke(app, [*backwards, "--fail-on-regression"]).exit_code == 1
    same = runner.invoke(app, ["diff", gb, gb, "--fail-on-regression"])
    assert same.exit_code == 0 and "no requirement changed" in same.stdout
    assert runner.invoke(app, ["diff", gb]).exit_code == 2


def test_two_files_diff(tmp_path: Path) -> None:
    gb = ROOT / "legislation" / "gb-eaw.yaml"
    edited = tmp_path / "gb-eaw.yaml"
    edited.write_text(gb.read_text(encoding="utf-8").replace(
        "    EXCEPT offence IN schedule_4\n", "\n"), encoding="utf-8")
    result = runner.invoke(app, ["diff", str(gb), str(edited), "-f", "json"])
    data = json.loads(result.stdout)
    change = next(c for c in data["changes"] if c["id"] == "COE-2005-26")
    assert change["change"] == "improved"
    assert change["causes"] == ["s45: its norms or their scores changed"]
