"""The result cache: hits are exactly what checking gives, misses on any change, damage is a miss."""

from __future__ import annotations

import datetime as dt
import os
import shutil
from pathlib import Path

import pytest
from tests.conftest import ROOT
from typer.testing import CliRunner

from compliance import api, cache
from compliance.cli import app
from compliance.model.rules import RuleSet
from compliance.runner import plan_jobs

runner = CliRunner()
DAY = dt.date(2026, 11, 28)


@pytest.fixture
def fresh_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("COMPLIANCE_CACHE_DIR", str(folder))
    cache.enable()
    return folder


def _entries(folder: Path, kind: str) -> list[Path]:
    return sorted(p for p in (folder / kind).rglob("*") if p.is_file()) if (folder / kind).exists() else []


def test_a_cached_report_equals_a_fresh_one(fresh_cache: Path, rules: RuleSet) -> None:
    paths = [ROOT / "legislation" / "gb-eaw.yaml", ROOT / "legislation" / "us.yaml"]
    first = api.check_many(paths, rules, DAY)
    assert len(_entries(fresh_cache, "report")) == 2
    second = api.check_many(paths, rules, DAY)
    assert [r.model_dump() for r in first] == [r.model_dump() for r in second]
    other_day = api.check_many(paths, rules, dt.date(2020, 11, 28))
    assert len(_entries(fresh_cache, "report")) == 4
    assert other_day[0].score != first[0].score


def test_a_changed_file_is_checked_again(fresh_cache: Path, rules: RuleSet, tmp_path: Path) -> None:
    path = tmp_path / "gb.yaml"
    shutil.copy(ROOT / "legislation" / "gb-eaw.yaml", path)
    before = api.check_many([path], rules, DAY)[0]
    text = path.read_text(encoding="utf-8")
    assert "name: England and Wales\n" in text
    path.write_text(text.replace("name: England and Wales\n", "name: England and Wales (edited)\n", 1),
                    encoding="utf-8")
    after = api.check_many([path], rules, DAY)[0]
    assert before.jurisdiction.name == "England and Wales"
    assert after.jurisdiction.name == "England and Wales (edited)"
    assert after.model_dump() == api.check(api.load_statute(path, rules), rules, DAY).model_dump()


def test_a_damaged_entry_is_a_miss(fresh_cache: Path, rules: RuleSet) -> None:
    paths = [ROOT / "legislation" / "us.yaml"]
    good = api.check_many(paths, rules, DAY)[0]
    (entry,) = _entries(fresh_cache, "report")
    entry.write_bytes(entry.read_bytes()[:100])
    again = api.check_many(paths, rules, DAY)[0]
    assert again.model_dump() == good.model_dump()
    entry.write_bytes(b"not a pickle")
    assert api.check_many(paths, rules, DAY)[0].model_dump() == good.model_dump()


def test_errors_are_never_cached(fresh_cache: Path, rules: RuleSet, tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("jurisdiction: [\n", encoding="utf-8")
    for _ in range(2):
        with pytest.raises(Exception, match="invalid YAML"):
            api.check_many([bad], rules, DAY)
    assert _entries(fresh_cache, "report") == []


def test_no_cache_writes_nothing(fresh_cache: Path) -> None:
    result = runner.invoke(app, ["--no-config", "check", "legislation/us.yaml", "--no-cache", "-f", "json"])
    assert result.exit_code == 0
    assert not fresh_cache.exists() or _entries(fresh_cache, "report") == []


def test_the_pool_gives_the_same_reports_in_the_same_order(fresh_cache: Path, rules: RuleSet) -> None:
    paths = sorted((ROOT / "legislation").glob("*.yaml"))
    cache.disable()
    try:
        alone = api.check_many(paths, rules, DAY, jobs=1)
        pooled = api.check_many(paths, rules, DAY, jobs=2)
    finally:
        cache.enable()
    assert [r.model_dump() for r in alone] == [r.model_dump() for r in pooled]


def test_the_pool_reports_every_error_with_its_position(rules: RuleSet, tmp_path: Path) -> None:
    paths = []
    for number in range(3):
        path = tmp_path / f"bad{number}.yaml"
        path.write_text(f"# {number}\njurisdiction: {{code: xx}}\n", encoding="utf-8")
        paths.append(path)
    with pytest.raises(Exception) as info:
        api.check_many(paths, rules, DAY, jobs=2)
    lines = str(info.value).splitlines()
    assert [line.split(":")[0] for line in lines if "missing required key 'instruments'" in line] == [
        str(p) for p in paths]
    assert all(":2:1:" in line or ":2:15:" in line for line in lines)


def test_the_pool_is_used_only_when_it_pays() -> None:
    from compliance.runner import Job

    small = [Job(i, Path(f"{i}.yaml"), None, 1000, None) for i in range(20)]
    big = [Job(i, Path(f"{i}.yaml"), None, 1_000_000, None) for i in range(20)]
    assert plan_jobs(small, None) == 1
    assert plan_jobs(big[:2], None) == 1
    expected = min(len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1, 20)
    assert plan_jobs(big, None) == (expected if expected >= 2 else 1)
    assert plan_jobs(small, 3) == 3
