"""The benchmark runs (smoke mode: a tiny corpus, one run) and reports every figure against its target.

This checks that the benchmark works and says what it should; it asserts nothing about timings.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import yaml

from compliance import api
from compliance.bench import generate_corpus

FIGURES = {"P1-cold", "P1-warm", "P2-cold", "P2-warm", "P3", "P4", "P4-cold", "P5"}


def test_smoke_run_prints_the_table_and_writes_json(tmp_path: Path) -> None:
    out = tmp_path / "bench.json"
    done = subprocess.run([sys.executable, "-m", "compliance.bench", "--smoke", "--json", str(out)],
                          capture_output=True, text=True, check=False, timeout=600)
    assert done.returncode == 0, done.stderr
    results = json.loads(out.read_text(encoding="utf-8"))
    assert results["smoke"] is True
    assert {f["id"] for f in results["figures"]} == FIGURES
    for figure in results["figures"]:
        assert figure["value"] > 0 and figure["floor"] > 0
        assert figure["ratio"] == round(figure["value"] / figure["floor"], 2)
        assert figure["passed"] == (figure["ratio"] <= figure["target"]) or figure["id"] == "P3"
        assert f"{figure['id']} " in done.stdout
    p3 = next(f for f in results["figures"] if f["id"] == "P3")
    assert p3["note"] == "heavy modules imported: none"
    assert results["corpus"] == {"jurisdictions": 3, "provisions": 20, "norms": 2, "files": 3,
                                 "bytes": results["corpus"]["bytes"]}
    assert done.stdout.splitlines()[1].split() == ["figure", "median", "floor", "ratio", "target", "result", "what"]


def test_the_generated_corpus_is_valid_and_realistic(tmp_path: Path) -> None:
    files = generate_corpus(tmp_path, jurisdictions=4, provisions=30, norms=2)
    rules = api.load_rules()
    assert len(files) == 4
    for path in files:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert len(data["provisions"]) == 30
        assert all(len(p["norms"]) == 2 and p["text"].strip() for p in data["provisions"])
        api.load_statute(path, rules)  # validates, parses every norm
    codes = [yaml.safe_load(p.read_text(encoding="utf-8"))["jurisdiction"]["code"] for p in files]
    assert len(set(codes)) == 4
