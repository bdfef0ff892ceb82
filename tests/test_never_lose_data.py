"""Outputs are reproducible: two runs
on the same input give byte-identical output."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from compliance.cli import app
from tests.conftest import ROOT

runner = CliRunner()
FORMATS = ["text", "json", "markdown", "html", "csv", "sarif", "junit", "github"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_two_runs_give_byte_identical_output(fmt: str) -> None:
    args = ["--no-config", "check", "-f", fmt, "--as-of", "2026-11-28"]
    first, second = runner.invoke(app, args), runner.invoke(app, args)
    assert first.exit_code == 0, first.stderr
    assert first.stdout_bytes == second.stdout_bytes


def test_two_comparison_sites_are_byte_identical(tmp_path: Path) -> None:
    for name in ("a", "b"):
        assert runner.invoke(app, ["--no-config", "compare", "-o", str(tmp_path / name),
                                   "--as-of", "2026-11-28"]).exit_code == 0
    pages = sorted(p.name for p in (tmp_path / "a").iterdir())
    assert pages == sorted(p.name for p in (tmp_path / "b").iterdir()) and len(pages) >= 18
    for page in pages:
        assert (tmp_path / "a" / page).read_bytes() == (tmp_path / "b" / page).read_bytes(), page


def test_no_report_carries_a_timestamp() -> None:
    out = runner.invoke(app, ["--no-config", "check", "legislation/us.yaml", "-f", "html", "--as-of", "2026-11-28"])
    today = time.strftime("%Y-%m-%d")
    assert today == "2026-11-28" or today not in out.stdout


def test_the_bundled_inputs_are_never_written(tmp_path: Path) -> None:
    before = {p: p.read_bytes() for p in (ROOT / "legislation").glob("*.yaml")}
    for fmt in ("json", "html"):
        result = runner.invoke(app, ["--no-config", "check", str(ROOT / "legislation" / "us.yaml"), "-f", fmt,
                                     "-o", str(ROOT / "legislation" / "us.yaml")])
        assert result.exit_code == 2
    assert before == {p: p.read_bytes() for p in (ROOT / "legislation").glob("*.yaml")}
