"""Code-quality gates that run with the tests: lint, types, layering, and engine/data separation."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src" / "compliance"

#: Words that name a treaty, an article, a country or a statute: they belong in rules/ and legislation/.
DATA_WORDS = re.compile(
    r"CETS|Palermo|Council of Europe|Modern Slavery|schedule_4|England|United States|United Kingdom|"
    r"U\.S\.C|\bUSC\b|GRETA|\bArt(icle)?\.? \d|congress|Secretary of State|\bCOE-|\bPAL-", re.IGNORECASE)


def test_engine_code_names_no_treaty_article_or_country() -> None:
    offenders = []
    for path in sorted(SRC.rglob("*")):
        if path.suffix in {".py", ".lark", ".j2", ".yaml"}:
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
                if DATA_WORDS.search(line):
                    offenders.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert not offenders, "\n".join(offenders)


def _run(tool: str, *args: str) -> None:
    exe = shutil.which(tool, path=str(Path(sys.executable).parent)) or shutil.which(tool)
    if exe is None:
        pytest.skip(f"{tool} is not installed (pip install -e '.[test]')")
    result = subprocess.run([exe, *args], cwd=ROOT, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff() -> None:
    _run("ruff", "check", "src", "tests")


def test_mypy_strict() -> None:
    _run("mypy")


def test_import_layers() -> None:
    _run("lint-imports")
