from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from compliance.cli import app
from tests.conftest import BUNDLED

ROOT = Path(__file__).resolve().parents[1]
GB = str(ROOT / "legislation" / "gb-eaw.yaml")
US = str(ROOT / "legislation" / "us.yaml")
runner = CliRunner()


def test_check_json_single_file_follows_the_contract() -> None:
    result = runner.invoke(app, ["check", US, "--format", "json", "--as-of", "2026-11-28"])
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["schema_version"] == 1
    assert data["jurisdiction"] == {"code": "us", "name": "United States (federal law)"}
    assert 0 <= data["score"] <= 100
    assert {"non_punishment", "assistance", "compensation", "identification"} <= set(data["areas"])
    assert set(data["areas"]) == {"definition", "non_punishment", "identification", "assistance", "reflection_period",
                                  "residence", "compensation", "legal_aid", "children", "privacy_protection"}
    for area in data["areas"].values():
        assert set(area) >= {"score", "status"}
        assert area["status"] in {"met", "partial", "missing", "not_assessed"}
    for req in data["requirements"]:
        assert set(req) >= {"id", "area", "instrument", "article", "binding", "status", "score",
                            "evidence", "gaps"}
        for ev in req["evidence"]:
            assert set(ev) >= {"provision", "file", "line"}
    articles = {r["article"] for r in data["requirements"]}
    assert {"26", "12(6)", "13(1)"} <= articles
    assert any("CETS 197" in r["instrument"] for r in data["requirements"])
    assert any("Palermo Protocol" in r["instrument"] for r in data["requirements"])


def test_check_json_several_files_wraps_results() -> None:
    result = runner.invoke(app, ["check", GB, US, "-f", "json", "--as-of", "2026-11-28"])
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["schema_version"] == 1
    assert [r["jurisdiction"]["code"] for r in data["results"]] == ["gb-eaw", "us"]


def test_check_a_folder_and_the_default_bundled_corpus() -> None:
    folder = runner.invoke(app, ["check", str(ROOT / "legislation"), "-f", "json"])
    default = runner.invoke(app, ["check", "-f", "json"])
    assert folder.exit_code == default.exit_code == 0
    codes = lambda out: [r["jurisdiction"]["code"] for r in json.loads(out)["results"]]  # noqa: E731
    assert codes(folder.stdout) == codes(default.stdout) == BUNDLED
    assert "checking the bundled legislation" in default.stderr


def test_text_output_has_positioned_lines_per_requirement() -> None:
    result = runner.invoke(app, ["check", US, "--as-of", "2026-11-28"])
    assert result.exit_code == 0
    lines = [line for line in result.stdout.splitlines() if "] COE-2005-13.1 " in line]
    assert len(lines) == 1
    assert lines[0].startswith(f"{US}:1:1: [missing] COE-2005-13.1 ")
    # an area the file declares not read is said so, on its own line, never as missing
    assert next(line for line in result.stdout.splitlines() if "] COE-2005-26 " in line).startswith(
        f"{US}:1:1: [not assessed] COE-2005-26 ")


@pytest.mark.parametrize(("threshold", "code"), [(0, 0), (100, 1)])
def test_fail_under(threshold: int, code: int) -> None:
    result = runner.invoke(app, ["check", US, "--fail-under", str(threshold)])
    assert result.exit_code == code
    if code:
        assert "is below --fail-under 100" in result.stderr


def test_fail_under_out_of_range_is_a_usage_error() -> None:
    assert runner.invoke(app, ["check", US, "--fail-under", "101"]).exit_code == 2


def test_bad_as_of_date_is_an_input_error() -> None:
    result = runner.invoke(app, ["check", US, "--as-of", "2026-13-01"])
    assert result.exit_code == 2
    assert result.stderr.strip() == "error: --as-of: invalid date '2026-13-01': use YYYY-MM-DD"


def test_markdown_output_to_a_file(tmp_path: Path) -> None:
    target = tmp_path / "out" / "report.md"
    result = runner.invoke(app, ["check", US, "-f", "markdown", "-o", str(target), "--as-of", "2026-11-28", "--mkdir"])
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    text = target.read_text(encoding="utf-8")
    assert text.startswith("# Gap report: United States (federal law) (`us`)")
    assert not list(target.parent.glob(".*.tmp"))


def test_output_never_overwrites_an_input(tmp_path: Path) -> None:
    copy = tmp_path / "us.yaml"
    copy.write_text(Path(US).read_text(encoding="utf-8"), encoding="utf-8")
    before = copy.read_bytes()
    result = runner.invoke(app, ["check", str(copy), "-o", str(copy)])
    assert result.exit_code == 2
    assert "is one of the input files" in result.stderr
    assert copy.read_bytes() == before


def test_validate_bundled_data_and_rules() -> None:
    result = runner.invoke(app, ["validate", str(ROOT / "legislation"), str(ROOT / "rules")])
    assert result.exit_code == 0, result.stderr
    assert result.stderr.startswith("ok: ")


def test_rules_lists_every_requirement() -> None:
    text = runner.invoke(app, ["rules"])
    data = json.loads(runner.invoke(app, ["rules", "--format", "json"]).stdout)
    assert text.exit_code == 0
    ids = [r["id"] for r in data["requirements"]]
    assert "COE-2005-26" in ids and "PAL-2000-6.6" in ids
    for rule_id in ids:
        assert rule_id in text.stdout


def test_explain_prints_source_modality_elements_and_examples() -> None:
    result = runner.invoke(app, ["explain", "COE-2005-13.1"])
    assert result.exit_code == 0
    out = result.stdout
    assert "CETS 197" in out and "Art 13(1)" in out
    assert "at least 30" in out
    assert "requires duration: {'at_least': 30" in out
    assert "[met]" in out and "[partial]" in out


def test_version_and_help() -> None:
    assert runner.invoke(app, ["--version"]).stdout.startswith("compliance ")
    help_text = runner.invoke(app, ["--help"]).stdout
    assert "Exit codes" in help_text


def test_unknown_option_is_a_usage_error() -> None:
    result = runner.invoke(app, ["check", US, "--formt", "json"])
    assert result.exit_code == 2


def test_validate_recognises_every_kind_of_rule_file() -> None:
    files = [str(ROOT / "rules" / "instruments.yaml"), str(ROOT / "rules" / "scoring.yaml"),
             str(ROOT / "rules" / "coe_2005")]
    result = runner.invoke(app, ["validate", *files])
    assert result.exit_code == 0, result.stderr


def test_standard_selects_instruments_and_says_so() -> None:
    coe = json.loads(runner.invoke(app, ["check", US, "-f", "json", "--standard", "coe"]).stdout)
    un = json.loads(runner.invoke(app, ["check", US, "-f", "json", "--standard", "un"]).stdout)
    assert coe["standard"] == "coe" and un["standard"] == "un"
    assert {i["id"] for i in coe["instruments"]} == {"cets-197"}
    assert all(s["instrument_id"] == "cets-197" for r in coe["requirements"] for s in r["sources"])
    assert all(not r["binding"] for r in coe["requirements"])  # the US is not party to CETS 197
    assert un["requirements"]
    for r in un["requirements"]:
        for s in r["sources"]:
            assert s["instrument_id"] in {"palermo-protocol", "ohchr-principles"}
            assert s["binding"] == (s["instrument_id"] == "palermo-protocol")  # soft law is never binding
    text = runner.invoke(app, ["check", US, "--standard", "un"]).stdout
    assert "standard un" in text and "Palermo Protocol Art 6(6) (binding)" in text
    assert "(Guideline 4(5)" not in text and "Guideline 4(5) (benchmark)" in text


def test_unknown_standard_is_an_input_error() -> None:
    result = runner.invoke(app, ["check", US, "--standard", "asean"])
    assert result.exit_code == 2
    assert result.stderr == "error: --standard: unknown profile 'asean' (profiles: all, coe, eu, ilo, treaties, un)\n"


def test_explain_a_verdict_names_what_made_it_partial() -> None:
    result = runner.invoke(app, ["explain", GB, "COE-2005-26", "--as-of", "2026-11-28"])
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    assert "PARTIAL, 71/100" in out
    assert "EXCEPT offence IN schedule_4" in out and "no_realistic_alternative" in out
    assert "[partial 50] adult_test" in out and "[met 100] children_without_compulsion" in out
    assert "(7) Subsections (1) and (4) do not apply to an offence listed in Schedule 4." in out
    assert f"matched s45 at {GB}:" in out


def test_explain_a_verdict_for_a_rule_outside_the_standard() -> None:
    result = runner.invoke(app, ["explain", US, "COE-2005-13.1", "--standard", "un"])
    assert result.exit_code == 2
    assert "is not part of standard 'un'" in result.stderr


def test_bundled_legislation_passes_strict_validation() -> None:
    result = runner.invoke(app, ["validate", "--strict", str(ROOT / "legislation")])
    assert result.exit_code == 0, result.stderr


def test_strict_mode_catches_what_plain_validation_allows(tmp_path: Path) -> None:
    loose = tmp_path / "xx.yaml"
    loose.write_text(
        "jurisdiction: {code: qq, name: Nowhere}\n"
        "treaties: [{instrument: cets-197}]\n"
        "instruments: [{id: act, title: A, citation: c, url: 'https://example.org'}]\n"
        "provisions:\n"
        "  - {id: s1, instrument: act, heading: H, source_url: 'https://example.org',\n"
        "     text: 'Victims shall be assisted.', text_status: verbatim, no_norm_reason: not yet encoded}\n",
        encoding="utf-8")
    assert runner.invoke(app, ["validate", str(loose)]).exit_code == 0
    result = runner.invoke(app, ["validate", "--strict", str(loose)])
    assert result.exit_code == 2
    messages = result.stderr
    assert f"{loose}:1:22: 'qq' is not an assigned ISO 3166-1 alpha-2 code" in messages
    assert "treaty 'cets-197' has no date" in messages
    assert "provision 's1' has no 'retrieved' date" in messages
    assert "speaks of victims, compensation, residence or prosecution but encodes no norm" in messages
