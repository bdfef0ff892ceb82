"""Outputs are atomic and reproducible: an interrupted run leaves no half-written report, and two runs
on the same input give byte-identical output."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from compliance.bench import generate_corpus
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


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("corpus")
    generate_corpus(folder, jurisdictions=24, provisions=120)
    return folder


def _interrupt(args: list[str], after: float, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COMPLIANCE_CACHE_DIR": str(cwd / "cache"), "NO_COLOR": "1"}
    process = subprocess.Popen([sys.executable, "-m", "compliance", "--no-config", *args], cwd=cwd, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    time.sleep(after)
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=120)
    return subprocess.CompletedProcess(process.args, process.returncode, out, err)


@pytest.mark.parametrize("after", [0.2, 0.8, 1.5, 2.5])
def test_an_interrupted_run_leaves_no_half_written_report(corpus: Path, tmp_path: Path, after: float) -> None:
    site = tmp_path / "site"
    done = _interrupt(["compare", str(corpus), "-o", str(site), "--as-of", "2026-11-28"], after, tmp_path)
    assert "Traceback" not in done.stderr
    # 0: finished first; 130: interrupted and said so; -SIGINT: the signal came after the last write,
    # while the interpreter was shutting down (nothing left to lose).
    assert done.returncode in (0, 130, -signal.SIGINT), done.stderr
    if done.returncode == 130:
        assert done.stderr.strip().endswith("interrupted")
    leftovers = [p.name for p in tmp_path.rglob("*.tmp")]
    assert leftovers == []
    for page in site.glob("*.html") if site.exists() else []:
        assert page.read_text(encoding="utf-8").rstrip().endswith("</html>"), page.name
    report = tmp_path / "report.json"
    done = _interrupt(["check", str(corpus), "-f", "json", "-o", str(report), "--as-of", "2026-11-28"], after,
                      tmp_path)
    if report.exists():
        assert len(json.loads(report.read_text(encoding="utf-8"))["results"]) == 24
    assert [p.name for p in tmp_path.glob(".report.json*")] == []


def test_an_existing_report_survives_an_interrupted_rewrite(corpus: Path, tmp_path: Path) -> None:
    report = tmp_path / "report.json"
    report.write_text('{"previous": true}\n', encoding="utf-8")
    _interrupt(["check", str(corpus), "-f", "json", "-o", str(report), "--as-of", "2026-11-28"], 0.5, tmp_path)
    text = report.read_text(encoding="utf-8")
    assert text == '{"previous": true}\n' or len(json.loads(text)["results"]) == 24


def test_the_bundled_inputs_are_never_written(tmp_path: Path) -> None:
    before = {p: p.read_bytes() for p in (ROOT / "legislation").glob("*.yaml")}
    for fmt in ("json", "html"):
        result = runner.invoke(app, ["--no-config", "check", str(ROOT / "legislation" / "us.yaml"), "-f", fmt,
                                     "-o", str(ROOT / "legislation" / "us.yaml")])
        assert result.exit_code == 2
    assert before == {p: p.read_bytes() for p in (ROOT / "legislation").glob("*.yaml")}
