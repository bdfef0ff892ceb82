"""One malformed file per user-facing error: a one-line positioned message, exit code 2, no traceback.

Each fixture's first line says what to expect: ``# expect: LINE:COLUMN: message``.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from compliance.cli import app

FIXTURES = Path(__file__).parent / "fixtures"
FILES = sorted((FIXTURES / "invalid").glob("*.yaml")) + sorted((FIXTURES / "invalid_rules").glob("*.yaml"))


def _expected(path: Path) -> str:
    first = path.read_bytes().split(b"\n", 1)[0].decode("ascii", errors="replace")
    if not first.startswith("# expect: "):
        return "1:1: file is empty"
    return first[len("# expect: "):]


CASES = [pytest.param(cmd, path, id=f"{cmd} {path.parent.name}/{path.name}")
         for path in FILES for cmd in ("validate", "check") if cmd == "validate" or path.parent.name == "invalid"]


@pytest.mark.parametrize(("command", "path"), CASES)
def test_bad_input_is_reported_with_its_position(command: str, path: Path) -> None:
    result = CliRunner().invoke(app, [command, str(path)])
    assert result.exit_code == 2, result.output
    first_line = result.stderr.splitlines()[0]
    assert first_line.startswith(f"{path}:{_expected(path)}")
    assert "Traceback" not in result.output
    assert result.stdout == ""


def test_there_are_enough_negative_fixtures() -> None:
    assert len(FILES) >= 40
    assert len({p.read_bytes() for p in FILES}) == len(FILES)


@pytest.mark.parametrize("args", [
    ["check", "no/such/file.yaml"],
    ["validate", "no/such/file.yaml"],
])
def test_missing_file(args: list[str]) -> None:
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 2
    assert result.stderr.strip() == "no/such/file.yaml:1:1: no such file or folder"


def test_unknown_rule_id_is_an_error_with_a_suggestion() -> None:
    result = CliRunner().invoke(app, ["explain", "COE-2005-26.1"])
    assert result.exit_code == 2
    assert result.stderr.strip() == "error: no such rule 'COE-2005-26.1'; did you mean 'COE-2005-26'?"


def test_a_syntax_error_shows_the_offending_line_and_a_caret() -> None:
    path = FIXTURES / "invalid" / "unparsable_norm.yaml"
    result = CliRunner().invoke(app, ["validate", str(path)])
    lines = result.stderr.splitlines()
    assert lines[1].strip() == "IF (compelled AND direct_consequence"
    assert lines[2].strip() == "^"
    assert lines[2].index("^") == len(lines[1].rstrip())


def test_every_error_in_a_file_is_reported(tmp_path: Path) -> None:
    bad = tmp_path / "two.yaml"
    bad.write_text(
        "jurisdiction: {code: xx, name: X}\n"
        "instruments: [{id: act, title: A, citation: c, url: 'https://example.org'}]\n"
        "provisions:\n"
        "  - {id: s1, instrument: act, heading: H, source_url: 'https://example.org', text: T,\n"
        "     text_status: verbatim, norms: ['state SHALL provide asistance TO victim',\n"
        "                                    'court SHALL NOT convict victim IF']}\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["validate", str(bad)])
    assert result.exit_code == 2
    errors = [line for line in result.stderr.splitlines() if line.startswith(str(bad))]
    assert len(errors) == 2


def test_strict_validation_warns_on_every_provision_not_cited_from_an_official_publisher(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """The publishers are data (rules/sources.yaml): a mirror warns, the official domain and its subdomains do not."""
    from compliance.validate import is_official, official_publishers

    root = Path(__file__).resolve().parents[1]

    assert official_publishers()["gb"] and is_official("https://www.legislation.gov.uk/ukpga/2015/30", "gb")
    assert not is_official("https://www.law.cornell.edu/uscode/text/22/7105", "us")
    assert not is_official("https://legislation.gov.uk.example.org/x", "gb")
    source = (root / "legislation" / "gb-eaw.yaml").read_text(encoding="utf-8")
    first = source.index("source_url: https://www.legislation.gov.uk", source.index("provisions:"))
    mirrored = source[:first] + source[first:].replace("https://www.legislation.gov.uk", "https://mirror.example.org",
                                                       1)
    path = tmp_path / "gb-eaw.yaml"
    path.write_text(mirrored, encoding="utf-8")
    result = CliRunner().invoke(app, ["--no-config", "validate", "--strict", str(path)])
    line = mirrored[:first].count("\n") + 1
    assert f"{path}:{line}:" in result.output
    assert "mirror.example.org, which is not an official publisher of gb" in result.output
    clean = CliRunner().invoke(app, ["--no-config", "validate", "--strict", str(root / "legislation" / "gb-eaw.yaml")])
    assert "not an official publisher" not in clean.output
