"""The wheel ships the rule set and the bundled legislation, and they are found from any directory."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.conftest import BUNDLED

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if importlib.util.find_spec("hatchling") is None:
        pytest.skip("hatchling is not installed (pip install -e '.[test]')")
    out = tmp_path_factory.mktemp("dist")
    subprocess.run([sys.executable, "-m", "pip", "wheel", str(ROOT), "--no-deps", "--no-build-isolation",
                    "-q", "-w", str(out)], check=True, capture_output=True)
    return next(out.glob("compliance-*.whl"))


def test_wheel_contains_data_and_grammar(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    expected = {
        "compliance/data/rules/instruments.yaml",
        "compliance/data/rules/scoring.yaml",
        "compliance/data/rules/coe_2005/art_26.yaml",
        "compliance/data/legislation/gb-eaw.yaml",
        "compliance/data/legislation/us.yaml",
        "compliance/grammar/norm.lark",
        "compliance/grammar/vocabulary.yaml",
        "compliance/render/templates/gap_report.md.j2",
        "compliance/py.typed",
    }
    assert expected <= names


def test_installed_wheel_finds_bundled_data_from_another_directory(wheel: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {**os.environ, "PYTHONPATH": str(site)}
    result = subprocess.run([sys.executable, "-m", "compliance", "check", "--format", "json"], cwd=elsewhere,
                            env=env, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    codes = [r["jurisdiction"]["code"] for r in json.loads(result.stdout)["results"]]
    assert codes == BUNDLED
    assert [r["file"] for r in json.loads(result.stdout)["results"]] == [f"legislation/{c}.yaml" for c in BUNDLED]
