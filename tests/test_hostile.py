"""Hostile and broken input: refused with a positioned one-line error and exit code 2, never run,
never a traceback; limits configurable; mutated statute files fail only with our own errors."""

from __future__ import annotations

import os
import random
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from compliance import api, limits
from compliance.cli import app
from compliance.errors import ComplianceError, ErrorList
from compliance.loader import load_yaml, parse_yaml
from compliance.model.rules import RuleSet
from tests.conftest import ROOT

runner = CliRunner()
US = ROOT / "legislation" / "us.yaml"


@pytest.fixture(autouse=True)
def _default_limits() -> Iterator[None]:
    limits.reset()
    yield
    limits.reset()


def refused(path: Path, *args: str, env: dict[str, str] | None = None, config: bool = False) -> str:
    result = runner.invoke(app, [*([] if config else ["--no-config"]), "check", str(path), *args], env=env)
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr
    first = result.stderr.splitlines()[0]
    assert first.startswith(f"{path}:"), first
    return first


def test_a_file_of_several_gigabytes_is_refused_by_its_size_without_reading_it(tmp_path: Path) -> None:
    big = tmp_path / "big.yaml"
    with big.open("wb") as handle:
        handle.truncate(5 * 1024**3)  # sparse: announced size only
    assert "file is 5.0 GiB, larger than the limit of 16.0 MiB" in refused(big)


def test_a_huge_scalar_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "huge.yaml"
    path.write_text(US.read_text(encoding="utf-8") + "huge: '" + "x" * 1_500_000 + "'\n", encoding="utf-8")
    line = refused(path)
    assert "a value of 1,500,000 characters is longer than the limit of 1,000,000" in line
    assert line.startswith(f"{path}:{len(US.read_text(encoding='utf-8').splitlines()) + 1}:7:")


def test_utf16_and_binary_junk_are_refused(tmp_path: Path) -> None:
    utf16 = tmp_path / "utf16.yaml"
    utf16.write_bytes(US.read_text(encoding="utf-8").encode("utf-16"))
    assert "file is UTF-16 or UTF-32" in refused(utf16)
    junk = tmp_path / "junk.yaml"
    junk.write_bytes(random.Random(7).randbytes(4096))
    assert "not valid UTF-8" in refused(junk) or "binary file" in refused(junk)


def test_a_utf8_bom_is_accepted_and_keeps_columns(tmp_path: Path) -> None:
    text = US.read_text(encoding="utf-8")
    path = tmp_path / "bom.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    plain, bom = load_yaml(US), load_yaml(path)
    assert bom.data == plain.data
    assert bom.span(("provisions", 3, "text")) == plain.span(("provisions", 3, "text")).__class__(
        str(path), *[getattr(plain.span(("provisions", 3, "text")), a) for a in
                     ("line", "column", "end_line", "end_column")])
    result = runner.invoke(app, ["--no-config", "check", str(path), "-f", "json", "--as-of", "2026-11-28"])
    assert result.exit_code == 0, result.stderr


def test_an_object_constructing_tag_constructs_nothing(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    payloads = [
        f"jurisdiction: !!python/object/apply:os.system ['touch {marker}']\n",
        f"jurisdiction: !!python/object/new:subprocess.check_call [['touch', '{marker}']]\n",
        f"!!python/object/apply:pathlib.Path.touch [!!python/object/apply:pathlib.Path ['{marker}']]\n",
    ]
    for number, payload in enumerate(payloads):
        path = tmp_path / f"tag{number}.yaml"
        path.write_text(payload, encoding="utf-8")
        assert "is not allowed" in refused(path)
        with pytest.raises(ComplianceError):
            parse_yaml(payload, "x.yaml")
    assert not marker.exists()


def test_limits_are_configurable_by_environment_and_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The limits apply to every file read, rule files included: these values leave the rules alone.
    statute = tmp_path / "deep.yaml"
    statute.write_text(US.read_text(encoding="utf-8") + "deep: " + "[" * 16 + "]" * 16 + "\n"
                       + "long: '" + "x" * 60_000 + "'\n", encoding="utf-8")
    assert "nested deeper than the limit of 32" not in refused(statute)  # unknown keys: a schema error
    assert "nested deeper than the limit of 12 levels" in refused(statute, env={"COMPLIANCE_MAX_DEPTH": "12"})
    assert "longer than the limit of 50,000" in refused(statute, env={"COMPLIANCE_MAX_STRING_CHARS": "50000"})
    assert "larger than the limit of 97.7 KiB" in refused(statute, env={"COMPLIANCE_MAX_FILE_BYTES": "100000"})
    bad = runner.invoke(app, ["--no-config", "check", str(US)], env={"COMPLIANCE_MAX_DEPTH": "deep"})
    assert bad.exit_code == 2 and "COMPLIANCE_MAX_DEPTH='deep': expected a whole number" in bad.stderr
    (tmp_path / ".compliance.yaml").write_text("max-depth: 12\n")
    monkeypatch.chdir(tmp_path)
    assert "nested deeper than the limit of 12 levels" in refused(statute, config=True)
    assert "nested deeper" not in refused(statute, env={"COMPLIANCE_MAX_DEPTH": "40"}, config=True)
    assert runner.invoke(app, ["check", str(US), "-f", "json"]).exit_code == 0


def test_an_oversized_stdin_is_refused() -> None:
    result = runner.invoke(app, ["--no-config", "check", "-"], input="a: b\n" * 20_000,
                           env={"COMPLIANCE_MAX_FILE_BYTES": "60000"})
    assert result.exit_code == 2 and result.stderr.startswith("<stdin>:1:1: file is larger than the limit")


# --- mutated statute files -----------------------------------------------------------------------

SOURCE = (ROOT / "legislation" / "gb-eaw.yaml").read_text(encoding="utf-8")
JUNK = ["", ":", "- ", "  ", "\t", "[", "]", "{", "}", "'", '"', "&a ", "*a", "!!str ", "\n", "#", "SHALL ",
        "IF ", "(", "victim", "2024-13-45", "é", "\x00", "---\n"]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.data())
def test_mutated_statute_files_fail_only_with_positioned_errors(rules: RuleSet, data: st.DataObject) -> None:
    text = SOURCE
    for _ in range(data.draw(st.integers(1, 3))):
        start = data.draw(st.integers(0, len(text)))
        cut = data.draw(st.integers(0, 12))
        text = text[:start] + data.draw(st.sampled_from(JUNK)) + text[start + cut:]
    try:
        api.load_statute("m.yaml", rules, text=text.encode("utf-8"))
    except (ComplianceError, ErrorList) as exc:
        errors = exc.errors if isinstance(exc, ErrorList) else [exc]
        lines = text.splitlines() or [""]
        for error in errors:
            assert error.span.file == "m.yaml"
            assert 1 <= error.span.line <= len(lines) + 1, str(error)
            assert 1 <= error.span.column <= len(lines[min(error.span.line, len(lines)) - 1]) + 2, str(error)


def test_every_limit_is_documented() -> None:
    page = (ROOT / "docs" / "ci.md").read_text(encoding="utf-8")
    for setting in limits.NAMES:
        assert f"`{setting}`" in page and f"`COMPLIANCE_{setting.upper().replace('-', '_')}`" in page


def test_the_bundled_files_are_far_from_every_limit() -> None:
    biggest = max(p.stat().st_size for p in (ROOT / "legislation").glob("*.yaml"))
    assert biggest * 4 < limits.Limits().file_bytes
    assert os.environ.get("COMPLIANCE_MAX_DEPTH") is None


def _deep_norm_file(cond: str) -> str:
    return (
        "schema_version: 1\njurisdiction: {code: aq, name: Examplia}\ninstruments:\n"
        "  - {id: act, title: Act, citation: Act 1, url: 'https://example.org/act'}\nprovisions:\n"
        "  - id: s1\n    instrument: act\n    heading: H\n    source_url: https://example.org/s1\n"
        "    text: x\n    text_status: paraphrase\n    norms:\n"
        f"      - \"court SHALL NOT convict victim OF offence IF {cond}\"\n")


# Each piece opens one level of nesting; a condition is a run of pieces closed by a term.
_PIECES = st.sampled_from(["NOT ", "(", "(compelled AND ", "(NOT compelled OR ", "NOT ("])


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(_PIECES, min_size=1, max_size=400) | st.lists(_PIECES, min_size=45, max_size=55),
       st.sampled_from(["text", "json", "sarif"]))
def test_deeply_nested_conditions_are_a_positioned_error_or_a_verdict_never_a_crash(
        tmp_path: Path, pieces: list[str], fmt: str) -> None:
    """Any nesting of NOT and parentheses, up to 400 levels (a few KB): exit 0 or 2, never a traceback."""
    closing = "".join(")" * p.count("(") for p in reversed(pieces))
    path = tmp_path / "deep.yaml"
    path.write_text(_deep_norm_file("".join(pieces) + "compelled" + closing), encoding="utf-8")
    result = CliRunner().invoke(app, ["--no-config", "check", str(path), "-f", fmt, "--no-cache"])
    # The depth of the condition tree: each piece adds its levels; "(NOT compelled OR " reaches one more
    # level, for its NOT, before the term closes it.
    adds = {"NOT ": (1, 1), "(": (1, 1), "(compelled AND ": (1, 1), "(NOT compelled OR ": (1, 2), "NOT (": (2, 2)}
    level = depth = 0
    for piece in pieces:
        depth = max(depth, level + adds[piece][1])
        level += adds[piece][0]
    if depth > 50:
        assert result.exit_code == 2, result.output
        assert "nest more than 50 levels deep" in result.stderr and f"{path}:13:" in result.stderr
    else:
        assert result.exit_code in (0, 1), result.output
    assert "Traceback" not in result.output and "internal error" not in result.stderr
