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


def test_replayed_outputs_are_identical_and_follow_changes(fresh_cache: Path, tmp_path: Path) -> None:
    path = tmp_path / "us.yaml"
    shutil.copy(ROOT / "legislation" / "us.yaml", path)
    args = ["--no-config", "-v", "check", str(path), "-f", "json", "--as-of", "2026-11-28"]
    first = runner.invoke(app, args)
    second = runner.invoke(app, args)
    assert "replayed from the cache" not in first.stderr and "replayed from the cache" in second.stderr
    assert first.stdout == second.stdout
    path.write_text(path.read_text(encoding="utf-8").replace("name: United States (federal law)",
                                                             "name: United States"), encoding="utf-8")
    third = runner.invoke(app, args)
    assert "replayed from the cache" not in third.stderr and '"name": "United States"' in third.stdout
    gated = runner.invoke(app, [*args, "--fail-under", "99"])
    assert gated.exit_code == 1 and "replayed from the cache" not in gated.stderr


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


def _entry(args: list[str], cache_dir: Path, cwd: Path) -> tuple[int, str, list[str]]:
    import json
    import subprocess
    import sys

    code = ("import sys, json\n"
            f"sys.argv = ['compliance', *{args!r}]\n"
            "from compliance.entry import main\n"
            "code = 0\n"
            "try:\n    main()\nexcept SystemExit as exc:\n    code = exc.code or 0\n"
            "print(json.dumps([code, [m for m in ('yaml', 'lark', 'pydantic', 'jinja2', 'typer') "
            "if m in sys.modules]]), file=sys.stderr)\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith("COMPLIANCE_")}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=cwd,
                          env={**env, "COMPLIANCE_CACHE_DIR": str(cache_dir)}, check=True)
    status, loaded = json.loads(done.stderr.strip().splitlines()[-1])
    return status, done.stderr, loaded


def test_an_unchanged_one_shot_check_is_replayed_without_the_pipeline(tmp_path: Path) -> None:
    statute = tmp_path / "us.yaml"
    shutil.copy(ROOT / "legislation" / "us.yaml", statute)
    args = ["--no-config", "check", "us.yaml", "-f", "json", "-o", "out.json", "--as-of", "2026-11-28"]
    status, _, loaded = _entry(args, tmp_path / "cache", tmp_path)
    assert status == 0 and "pydantic" in loaded
    first = (tmp_path / "out.json").read_bytes()
    (tmp_path / "out.json").unlink()
    status, err, loaded = _entry(args, tmp_path / "cache", tmp_path)
    assert status == 0 and loaded == [] and "wrote out.json" in err
    assert (tmp_path / "out.json").read_bytes() == first
    statute.write_text(statute.read_text(encoding="utf-8").replace("United States (federal law)", "USA"),
                       encoding="utf-8")
    status, _, loaded = _entry(args, tmp_path / "cache", tmp_path)
    assert status == 0 and "pydantic" in loaded and b'"name": "USA"' in (tmp_path / "out.json").read_bytes()
    refused = ["--no-config", "check", "us.yaml", "-f", "json", "-o", "us.yaml", "--as-of", "2026-11-28"]
    status, err, _ = _entry(refused, tmp_path / "cache", tmp_path)
    assert status == 2 and "refusing to overwrite" in err
    gated = [*args, "--fail-under", "99"]
    status, err, loaded = _entry(gated, tmp_path / "cache", tmp_path)
    assert status == 1 and "pydantic" in loaded
