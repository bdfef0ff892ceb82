"""compliance import akn: Akoma Ntoso acts become statute-file skeletons; analysts' norms are never touched."""

from __future__ import annotations

from pathlib import Path

import yaml
from typer.testing import CliRunner

from compliance.cli import app

ACT = Path(__file__).parent / "fixtures" / "akn" / "act.xml"
runner = CliRunner()


def test_import_produces_a_valid_skeleton(tmp_path: Path) -> None:
    out = tmp_path / "zz.yaml"
    result = runner.invoke(app, ["import", "akn", str(ACT), "-o", str(out)])
    assert result.exit_code == 0, result.stderr
    data = yaml.safe_load(out.read_text(encoding="utf-8"))
    assert data["instruments"][0]["title"] == "Victims of Trafficking (Test) Act 2020"
    assert data["instruments"][0]["url"] == "https://laws.example.org/akn/zz/act/2020/7"
    s1, s2 = data["provisions"]
    assert (s1["id"], s1["eid"], s1["heading"]) == ("s1", "sec_1", "Assistance")
    assert s1["text"] == ("(1) The Minister shall provide assistance to every victim.\n"
                          "(2) Assistance is not conditional on cooperation.\n")
    assert s2["id"] == "s2" and s2["norms"] == []
    assert runner.invoke(app, ["validate", str(out)]).exit_code == 0
    strict = runner.invoke(app, ["validate", "--strict", str(out)])
    assert strict.exit_code == 2 and "provision 's1' speaks of victims" in strict.stderr


def test_import_refuses_to_overwrite(tmp_path: Path) -> None:
    out = tmp_path / "zz.yaml"
    out.write_text("mine\n", encoding="utf-8")
    result = runner.invoke(app, ["import", "akn", str(ACT), "-o", str(out)])
    assert result.exit_code == 2 and "exists; use --force" in result.stderr
    assert out.read_text(encoding="utf-8") == "mine\n"


def test_update_keeps_norms_and_notes_and_refreshes_text(tmp_path: Path) -> None:
    out = tmp_path / "zz.yaml"
    runner.invoke(app, ["import", "akn", str(ACT), "-o", str(out)])
    data = yaml.safe_load(out.read_text(encoding="utf-8"))
    data["provisions"][0]["norms"] = ["state SHALL provide assistance TO victim"]
    data["provisions"][0]["no_norm_reason"] = None
    data["provisions"][0]["notes"] = "analyst's reading"
    data["provisions"][0]["text"] = "old text\n"
    data["provisions"].append({"id": "s9", "instrument": data["instruments"][0]["id"], "heading": "Kept",
                               "source_url": "https://laws.example.org/s9", "text": "x", "text_status": "paraphrase",
                               "no_norm_reason": "definitions"})
    out.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    merged_path = tmp_path / "merged.yaml"
    result = runner.invoke(app, ["import", "akn", str(ACT), "--update", str(out), "-o", str(merged_path)])
    assert result.exit_code == 0, result.stderr
    assert "kept s9 (not in the imported act)" in result.stderr
    merged = yaml.safe_load(merged_path.read_text(encoding="utf-8"))
    s1 = merged["provisions"][0]
    assert s1["norms"] == ["state SHALL provide assistance TO victim"]
    assert s1["notes"] == "analyst's reading"
    assert s1["text"].startswith("(1) The Minister shall provide assistance")
    assert [p["id"] for p in merged["provisions"]] == ["s1", "s2", "s9"]


def test_bad_xml_is_a_positioned_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.xml"
    bad.write_text("<akomaNtoso>\n  <act>\n</akomaNtoso>\n", encoding="utf-8")
    result = runner.invoke(app, ["import", "akn", str(bad)])
    assert result.exit_code == 2
    assert result.stderr.startswith(f"{bad}:3:")
    other = tmp_path / "other.xml"
    other.write_text("<html><body/></html>", encoding="utf-8")
    result = runner.invoke(app, ["import", "akn", str(other)])
    assert result.exit_code == 2 and "no FRBRWork" in result.stderr
