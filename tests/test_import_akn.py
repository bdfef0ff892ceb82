"""compliance import akn: Akoma Ntoso acts become statute-file skeletons; analysts' norms are never touched."""

from __future__ import annotations

import difflib
import functools
import re
import shutil
from pathlib import Path
from xml.sax.saxutils import escape as xml_escape

import pytest
import yaml
from hypothesis import example, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from compliance import akn, api
from compliance.cli import app
from compliance.loader import parse_yaml
from compliance.model.rules import RuleSet
from tests.conftest import BUNDLED, ROOT

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


# --- --update: a round trip that keeps what the analyst wrote (issue 12, point 3) ---------------

ZZ = Path(__file__).parent / "fixtures" / "akn" / "zz.yaml"
#: A comment: '#' at the start of a line or after a blank (a '#' inside a URL is not one).
COMMENT = re.compile(r"(?:^|\s)(#.*)$")


def _comments(text: str) -> list[str]:
    return [m.group(1).strip() for line in text.splitlines() if (m := COMMENT.search(line))]


def _provisions(text: str) -> dict[str, dict[str, object]]:
    return {str(p["id"]): p for p in parse_yaml(text, "x.yaml").data["provisions"]}


def test_update_in_place_keeps_comments_layout_and_the_analysts_work_and_passes_validate(tmp_path: Path) -> None:
    path = tmp_path / "zz.yaml"
    shutil.copy(ZZ, path)
    before = path.read_text(encoding="utf-8")
    result = runner.invoke(app, ["import", "akn", str(ACT), "--update", str(path), "-o", str(path)])
    assert result.exit_code == 0, result.stderr  # in place: no --force needed
    after = path.read_text(encoding="utf-8")
    assert _comments(after) == _comments(before) and len(_comments(before)) == 14
    # Only the refreshed lines differ; everything else is byte for byte as the analyst wrote it.
    removed = [line for line in difflib.ndiff(before.splitlines(), after.splitlines()) if line.startswith("- ")]
    refreshed = ["-     heading: Assistance (old heading)   # heading as first read", "-     text_status: excerpt"]
    assert removed in (refreshed, [*refreshed, "-     retrieved: 2026-11-28"])  # retrieved: today
    for kept in ("  name: \"Zedland\"\n", "    title: 'Victims of Trafficking (Test) Act 2020'\n",
                 "    note: >-\n      A folded note the analyst wrote, over two lines\n      in the file.\n",
                 "      - state SHALL provide assistance TO victim   # the analyst's norm\n"):
        assert kept in after
    old, new = _provisions(before), _provisions(after)
    assert new["s1"]["text"] == ("(1) The Minister shall provide assistance to every victim.\n"
                                 "(2) Assistance is not conditional on cooperation.\n")
    assert (new["s1"]["heading"], new["s1"]["text_status"]) == ("Assistance", "verbatim")
    assert {k: v for k, v in new["s1"].items() if k not in akn.REFRESHED} == \
        {k: v for k, v in old["s1"].items() if k not in akn.REFRESHED}
    assert [k for k in new["s1"] if k in old["s1"]] == list(old["s1"])  # key order kept; text_source added
    assert new["s2"] == old["s2"]  # the other act's s2 is not the imported act's s2
    assert new["vtta-2020 s2"]["instrument"] == "vtta-2020" and new["vtta-2020 s2"]["eid"] == "sec_2"
    assert "kept" not in result.stderr and "added vtta-2020 s2" in result.stderr
    assert runner.invoke(app, ["validate", str(path)]).exit_code == 0


def test_update_of_a_file_without_the_act_declares_it_and_touches_no_other_act(tmp_path: Path) -> None:
    path = tmp_path / "zz.yaml"
    text = ZZ.read_text(encoding="utf-8")
    start, end = text.index("  - id: vtta-2020"), text.index("  - id: ovo-1999")
    text = text[:start] + text[end:]
    start, end = text.index("  # --- Victims"), text.index("  # --- Old Victims")
    text = text[:start] + text[end:]
    # The old act has an s1 too, imported from its own Akoma Ntoso file: the same eId means nothing.
    text = text.replace("  - id: s2\n", "  - id: s1\n", 1).replace("    heading: Shelter\n",
                                                                  "    heading: Shelter\n    eid: sec_1\n")
    path.write_text(text, encoding="utf-8")
    assert runner.invoke(app, ["validate", str(path)]).exit_code == 0
    out = tmp_path / "new.yaml"
    result = runner.invoke(app, ["import", "akn", str(ACT), "--update", str(path), "-o", str(out)])
    assert result.exit_code == 0, result.stderr
    assert "declared instrument victims-of-trafficking-test-act-2020" in result.stderr
    written = out.read_text(encoding="utf-8")
    data = parse_yaml(written, "new.yaml").data
    act = "victims-of-trafficking-test-act-2020"
    assert [i["id"] for i in data["instruments"]] == ["ovo-1999", act]
    assert data["instruments"][1]["url"] == "https://laws.example.org/akn/zz/act/2020/7"
    provisions = _provisions(written)
    assert provisions["s1"]["text"] == "Victims may be given shelter.\n"  # the other act's s1, untouched
    assert provisions[f"{act} s1"]["instrument"] == act and provisions["s2"]["instrument"] == act
    assert _comments(written) == _comments(text)
    # The comment that introduced the provisions still stands right before them.
    assert "\n  # Provisions follow, act by act.\nprovisions:\n" in written
    assert written.rstrip().endswith("# End of file: nothing follows.")
    assert runner.invoke(app, ["validate", str(out)]).exit_code == 0


def test_a_renamed_act_is_found_by_its_url_or_else_its_title(tmp_path: Path) -> None:
    path = tmp_path / "zz.yaml"
    for text in (ZZ.read_text(encoding="utf-8"),
                 ZZ.read_text(encoding="utf-8").replace("laws.example.org/akn/zz/act/2020/7\n", "gazette.example/7\n")):
        path.write_text(text, encoding="utf-8")
        assert "gazette" in text or "akn/zz/act/2020/7\n" in text
        result = runner.invoke(app, ["import", "akn", str(ACT), "--update", str(path), "-o", str(path)])
        assert result.exit_code == 0, result.stderr
        assert "the act is the declared instrument vtta-2020" in result.stderr
        data = parse_yaml(path.read_text(encoding="utf-8"), "zz.yaml").data
        assert [i["id"] for i in data["instruments"]] == ["vtta-2020", "ovo-1999"]


def test_update_into_another_existing_file_needs_force(tmp_path: Path) -> None:
    path, other = tmp_path / "zz.yaml", tmp_path / "other.yaml"
    shutil.copy(ZZ, path)
    other.write_text("mine\n", encoding="utf-8")
    result = runner.invoke(app, ["import", "akn", str(ACT), "--update", str(path), "-o", str(other)])
    assert result.exit_code == 2 and "exists; use --force" in result.stderr
    assert other.read_text(encoding="utf-8") == "mine\n"
    assert path.read_text(encoding="utf-8") == ZZ.read_text(encoding="utf-8")
    forced = runner.invoke(app, ["import", "akn", str(ACT), "--update", str(path), "-o", str(other), "--force"])
    assert forced.exit_code == 0, forced.stderr
    assert "vtta-2020 s2" in other.read_text(encoding="utf-8")


def test_update_refuses_a_file_that_fails_validate_and_leaves_it_alone(tmp_path: Path) -> None:
    path = tmp_path / "zz.yaml"
    text = ZZ.read_text(encoding="utf-8").replace("state SHALL provide", "state SHALL provides")
    path.write_text(text, encoding="utf-8")
    result = runner.invoke(app, ["import", "akn", str(ACT), "--update", str(path), "-o", str(path)])
    assert result.exit_code == 2
    assert re.match(rf"{re.escape(str(path))}:44:\d+: ", result.stderr), result.stderr
    assert path.read_text(encoding="utf-8") == text


def test_an_update_that_would_fail_validate_is_not_written(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The result is validated before it is written: a merge bug could not leave a broken file behind."""
    path = tmp_path / "zz.yaml"
    shutil.copy(ZZ, path)

    def broken(text: str, imported: object, name: str) -> tuple[str, list[str]]:
        return text.replace("instrument: vtta-2020", "instrument: undeclared"), []

    monkeypatch.setattr(akn, "update", broken)
    result = runner.invoke(app, ["import", "akn", str(ACT), "--update", str(path), "-o", str(path)])
    assert result.exit_code == 2
    assert result.stderr.startswith(f"error: {path}: not written: the update would fail validate ({path}:")
    assert "unknown instrument 'undeclared'" in result.stderr and len(result.stderr.splitlines()) == 1
    assert path.read_bytes() == ZZ.read_bytes()


def test_update_in_place_through_a_symlink_is_refused(tmp_path: Path) -> None:
    real, link = tmp_path / "real.yaml", tmp_path / "link.yaml"
    shutil.copy(ZZ, real)
    link.symlink_to(real)
    result = runner.invoke(app, ["import", "akn", str(ACT), "--update", str(link), "-o", str(link)])
    assert result.exit_code == 2 and "symbolic link" in result.stderr
    assert real.read_text(encoding="utf-8") == ZZ.read_text(encoding="utf-8") and link.is_symlink()


@pytest.mark.parametrize("code", BUNDLED)
def test_the_round_trip_writes_every_bundled_file_back_byte_for_byte(code: str) -> None:
    text = (ROOT / "legislation" / f"{code}.yaml").read_text(encoding="utf-8")
    assert akn.round_trip(text, f"{code}.yaml").dump() == text


def test_the_round_trip_keeps_other_layouts() -> None:
    for text in ("a:\n    b: 1   # c\nl:\n- x: 1\n  y: 'q'\n- \"z\"\n",
                 "---\n# top\na:\n  b: [1, 2]\nl:\n    -   x\n",
                 "a:\r\n  b: |\r\n    t\r\n# end\r\n"):
        assert akn.round_trip(text, "x.yaml").dump() == text


# Lines of the fixture where a comment may go (not inside a block scalar, not on a block indicator).
def _comment_slots(lines: list[str]) -> tuple[list[int], list[int]]:
    before, after, block = [], [], None
    for number, line in enumerate(lines):
        indent = len(line) - len(line.lstrip(" "))
        if block is not None and (not line.strip() or indent > block):
            continue
        block = indent if re.search(r"[|>]-?$", line) else None
        before.append(number)
        if block is None and not line.lstrip().startswith("#") and "#" not in line:
            after.append(number)
    return before, after


def _anchors(text: str) -> dict[str, str]:
    """Each generated comment -> the key it stands beside, or the first key below it."""
    lines, found = text.splitlines(), {}
    for number, line in enumerate(lines):
        for label in re.findall(r"# (?:above|beside) \d+", line):
            below = line if "beside" in label else next(
                (other for other in lines[number + 1:] if not other.lstrip().startswith("#")), "(end)")
            found[label] = below.split(":")[0].strip()
    return found


@functools.cache
def _rules() -> RuleSet:
    return api.load_rules(ROOT / "rules")


#: A "key: value" line whose plain value may be quoted without changing what the file means.
QUOTABLE = re.compile(r"^( *(?:- )?(?!schema_version|text_status|language)[a-z_]+: )([A-Za-z0-9][^'\"#:]*?)$")


@settings(max_examples=40, deadline=None)
@given(data=st.data())
def test_any_comments_and_quotes_anywhere_survive_an_update_and_the_result_validates(data: st.DataObject) -> None:
    lines = ZZ.read_text(encoding="utf-8").splitlines()
    before, after = _comment_slots(lines)
    above = data.draw(st.sets(st.sampled_from(before)), label="comment lines above")
    beside = data.draw(st.sets(st.sampled_from(after)), label="end-of-line comments")
    quotable = [n for n in after if QUOTABLE.match(lines[n])]
    quoted = data.draw(st.dictionaries(st.sampled_from(quotable), st.sampled_from("'\"")), label="quoted values")
    out, n, kept = [], 0, []
    for number, line in enumerate(lines):
        if number in above:
            n += 1
            out.append(" " * (len(line) - len(line.lstrip(" "))) + f"# above {n}")
        if number in quoted:
            match = QUOTABLE.match(line)
            assert match
            line = f"{match.group(1)}{quoted[number]}{match.group(2)}{quoted[number]}"
            kept.append(line)
        if number in beside:
            n += 1
            line = f"{line}  # beside {n}"
        out.append(line)
    text = "\n".join(out) + "\n"
    imported = akn.parse_akn(ACT.read_bytes(), str(ACT))
    written, _ = akn.update(text, imported, "zz.yaml")
    assert _comments(written) == _comments(text)
    assert _anchors(written) == _anchors(text)  # each comment still stands above or beside the same key
    written_lines = written.splitlines()
    for line in kept:  # a quoted value the update does not refresh keeps its quotes
        if line.split(":")[0].strip(" -") not in ("heading", "retrieved"):
            assert any(other.startswith(line) for other in written_lines), line
    api.load_statute("zz.yaml", _rules(), text=written)
    old, new = _provisions(text), _provisions(written)
    assert {k: v for k, v in new["s1"].items() if k not in akn.REFRESHED} == \
        {k: v for k, v in old["s1"].items() if k not in akn.REFRESHED}
    assert new["s2"] == old["s2"]
    old_data, new_data = parse_yaml(text, "t").data, parse_yaml(written, "w").data
    assert {k: v for k, v in new_data.items() if k != "provisions"} == \
        {k: v for k, v in old_data.items() if k != "provisions"}


@settings(max_examples=150, deadline=None)
@example(heading="=")
@example(heading="1:20")
@example(heading="0x1F")
@example(heading="null")
@example(heading="yes")
@example(heading="<<")
@example(heading="- a: b # c")
@example(heading="'quoted' \"twice\"")
@given(heading=st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=40)
       .filter(lambda h: h.split() != []))
def test_any_heading_reaches_the_engines_loader_as_written(heading: str) -> None:
    """Whatever a heading says (``1.5``, ``null``, ``yes``, ``#``, quotes, ``: ``), the engine reads it back as text."""
    xml = ACT.read_bytes().replace(b"<heading>Definitions</heading>",
                                   f"<heading>{xml_escape(heading)}</heading>".encode())
    imported = akn.parse_akn(xml, "act.xml")
    wanted = " ".join(heading.split())
    fresh = parse_yaml(akn.skeleton(imported, "act.xml"), "fresh.yaml").data
    assert fresh["provisions"][1]["heading"] == wanted
    updated, _ = akn.update(ZZ.read_text(encoding="utf-8"), imported, "zz.yaml")
    assert _provisions(updated)["vtta-2020 s2"]["heading"] == wanted
    api.load_statute("zz.yaml", _rules(), text=updated)
