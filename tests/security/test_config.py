"""A repository's configuration is read in every valid TOML spelling, within a size limit, and can
only lower the loader's built-in limits (never raise them: the repository may be anyone's pull request).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from compliance.cli import app
from compliance.limits import NAMES, Limits
from compliance.policy.discover import PYPROJECT_BYTES
from tests.conftest import ROOT

runner = CliRunner()
STATUTE = ROOT / "legislation" / "ng.yaml"

#: Valid TOML spellings of a table that sets ``fail-under = 100`` (so a check must fail, exit 1).
SPELLINGS = {
    "plain header": "[tool.compliance]\nfail-under = 100\n",
    "spaces in the header": "[ tool.compliance ]\nfail-under = 100\n",
    "spaces around the dot": "[tool . compliance]\nfail-under = 100\n",
    "double-quoted name": '[tool."compliance"]\nfail-under = 100\n',
    "single-quoted name": "[tool.'compliance']\nfail-under = 100\n",
    "quoted tool": '["tool".compliance]\nfail-under = 100\n',
    "inline table under [tool]": "[tool]\ncompliance = { fail-under = 100 }\n",
    "dotted key under [tool]": "[tool]\ncompliance.fail-under = 100\n",
    "dotted key at the root": "tool.compliance.fail-under = 100\n",
    "quoted key": '[tool.compliance]\n"fail-under" = 100\n',
    "after other tables": ("[project]\nname = 'x'\n\n[tool.other]\na = 1\n\n"
                           "[tool.compliance]  # ours\nfail-under = 100\n"),
}


def _check(folder: Path, monkeypatch: pytest.MonkeyPatch, *args: str,
           env: dict[str, str] | None = None) -> tuple[int, str]:
    monkeypatch.chdir(folder)
    result = runner.invoke(app, ["check", str(STATUTE), "--as-of", "2026-11-28", "-f", "json", *args], env=env)
    return result.exit_code, result.stderr


@pytest.mark.parametrize("spelling", sorted(SPELLINGS))
def test_every_toml_spelling_of_the_table_is_read(spelling: str, tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "pyproject.toml").write_text(SPELLINGS[spelling], encoding="utf-8")
    code, err = _check(tmp_path, monkeypatch)
    assert code == 1, (spelling, err)  # the gate of the table failed the run: the table was read


@pytest.mark.parametrize("spelling", sorted(SPELLINGS))
def test_a_bad_value_is_a_positioned_error_in_every_spelling(spelling: str, tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    text = SPELLINGS[spelling].replace("100", "101")
    (tmp_path / "pyproject.toml").write_text(text, encoding="utf-8")
    code, err = _check(tmp_path, monkeypatch)
    lines = err.strip().splitlines()
    assert code == 2 and len(lines) == 1 and lines[0].startswith("pyproject.toml:"), (spelling, err)
    line = int(lines[0].split(":")[1])
    assert "101" in text.splitlines()[line - 1] or "compliance" in text.splitlines()[line - 1], (spelling, err)


def test_a_pyproject_without_our_table_is_not_a_configuration(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.other]\ncompliance_like = 1\n# compliance\n", encoding="utf-8")
    assert _check(tmp_path, monkeypatch)[0] == 0


def test_an_oversized_pyproject_is_refused_in_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.compliance]\nfail-under = 1\n" + "#" * PYPROJECT_BYTES + "\n",
                                             encoding="utf-8")
    code, err = _check(tmp_path, monkeypatch)
    assert code == 2 and len(err.strip().splitlines()) == 1 and "pyproject.toml:1:1:" in err, err


def test_invalid_toml_that_names_the_tool_is_an_error_not_ignored(tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.compliance\nfail-under = 100\n", encoding="utf-8")
    code, err = _check(tmp_path, monkeypatch)
    assert code == 2 and "pyproject.toml:1:" in err and "invalid TOML" in err, err


# --- limits ----------------------------------------------------------------------------------------

def _over(field: str, folder: Path) -> Path:
    """A statute file that exceeds the built-in limit ``field`` by a little."""
    base = STATUTE.read_text(encoding="utf-8")
    cap = getattr(Limits(), field)
    path = folder / "over.yaml"
    if field == "file_bytes":
        path.write_bytes(base.encode() + b"#" * (cap - len(base.encode()) + 10) + b"\n")
    elif field == "string_chars":
        path.write_text(base + "notes2: '" + "x" * (cap + 10) + "'\n", encoding="utf-8")
    elif field == "nodes":
        path.write_text(base + "many:\n" + "  - a\n" * (cap + 10), encoding="utf-8")
    elif field == "depth":
        path.write_text(base + "deep: " + "[" * (cap + 2) + "]" * (cap + 2) + "\n", encoding="utf-8")
    else:
        anchors = "base: &a x\n" + "".join(f"u{i}: *a\n" for i in range(cap + 10))
        path.write_text(base + anchors, encoding="utf-8")
    return path


LIMIT_WORDS = {"file_bytes": "larger than the limit", "string_chars": "longer than the limit",
               "depth": "deeper than the limit", "aliases": "uses of YAML aliases", "nodes": "YAML nodes"}


@pytest.mark.parametrize("setting", sorted(NAMES))
@pytest.mark.parametrize("config_name", [".compliance.yaml", "pyproject.toml"])
def test_a_configuration_file_can_lower_a_limit_but_never_raise_it(setting: str, config_name: str, tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    field = NAMES[setting]
    cap = getattr(Limits(), field)
    over = _over(field, tmp_path)
    text = f"{setting}: {cap * 1000}\n" if config_name == ".compliance.yaml" else \
        f"[tool.compliance]\n{setting} = {cap * 1000}\n"
    (tmp_path / config_name).write_text(text, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    raised = runner.invoke(app, ["check", str(over), "--as-of", "2026-11-28", "-f", "json"])
    assert raised.exit_code == 2 and LIMIT_WORDS[field] in raised.stderr, raised.stderr
    assert "can only lower limits" in raised.stderr
    variable = "COMPLIANCE_" + setting.upper().replace("-", "_")
    allowed = runner.invoke(app, ["check", str(over), "--as-of", "2026-11-28", "-f", "json"],
                            env={variable: str(cap * 1000)})
    assert LIMIT_WORDS[field] not in allowed.stderr, allowed.stderr  # the person running the tool may raise it
    lowered = f"{setting}: {max(1, cap // 2)}\n" if config_name == ".compliance.yaml" else \
        f"[tool.compliance]\n{setting} = {max(1, cap // 2)}\n"
    (tmp_path / config_name).write_text(lowered, encoding="utf-8")
    result = runner.invoke(app, ["check", str(over), "--as-of", "2026-11-28", "-f", "json"])
    assert result.exit_code == 2 and LIMIT_WORDS[field] in result.stderr
    assert "can only lower" not in result.stderr
