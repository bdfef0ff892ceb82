"""Caches can't run code or serve a wrong result.

* Nothing is unpickled from a shared or predictable place: not Lark's default grammar cache in the
  temp folder (whatever turns our cache off), not a planted report entry.
* The cache folder is used only when it is the user's own private folder.
* A cached report equals a fresh check for every option and every change of input, and a file
  rewritten at any moment of a run never leaves a wrong entry behind.
"""

from __future__ import annotations

import datetime as dt
import os
import pickle
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from compliance import api, cache, runner
from compliance.model.rules import RuleSet
from tests.conftest import ROOT

SMALL = ROOT / "legislation" / "ng.yaml"
_RULES = api.load_rules(ROOT / "rules")
DAY = dt.date(2026, 11, 28)


class _Plant:
    """A pickle that, when loaded, creates the file ``marker`` (standing for any code it could run)."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[object, tuple[str, str]]:
        return (open, (str(self.marker), "w"))


def _clean_env(tmp: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("COMPLIANCE_", "XDG_"))}
    (tmp / "home").mkdir(exist_ok=True)
    return {**env, "HOME": str(tmp / "home"), "TMPDIR": str(tmp / "tmpdir"), **extra}


def _plant_lark_cache(tmp: Path, marker: Path) -> Path:
    """Create Lark's default cache file for our grammar (as Lark names it) and swap its body for a planted pickle."""
    folder = tmp / "tmpdir"
    folder.mkdir()
    code = ("from lark import Lark\n"
            "from compliance.norms import _ToAst\n"
            "Lark.open_from_package('compliance', 'norm.lark', ('grammar',), parser='lalr', transformer=_ToAst(),"
            " maybe_placeholders=False, cache=True)\n")
    subprocess.run([sys.executable, "-c", code], env=_clean_env(tmp), check=True, capture_output=True)
    (planted,) = folder.glob(".lark_cache_*.tmp")
    header = planted.read_bytes().split(b"\n", 1)[0]
    planted.write_bytes(header + b"\n" + pickle.dumps(_Plant(marker)))
    return planted


def _cache_off_ways(tmp: Path) -> dict[str, tuple[list[str], dict[str, str]]]:
    """Every way the user's cache can be off or unusable, as (extra CLI args, extra environment)."""
    a_file = tmp / "a-file"
    a_file.write_text("not a folder", encoding="utf-8")
    target = tmp / "elsewhere"
    target.mkdir()
    link = tmp / "link"
    link.symlink_to(target)
    return {
        "--no-cache": (["--no-cache"], {"COMPLIANCE_CACHE_DIR": str(tmp / "unused")}),
        "COMPLIANCE_NO_CACHE": ([], {"COMPLIANCE_NO_CACHE": "1", "COMPLIANCE_CACHE_DIR": str(tmp / "unused")}),
        "cache path is a file": ([], {"COMPLIANCE_CACHE_DIR": str(a_file)}),
        "cache path is a symlink": ([], {"COMPLIANCE_CACHE_DIR": str(link)}),
        "no home cache folder can be made": ([], {"XDG_CACHE_HOME": str(a_file)}),
    }


@pytest.mark.parametrize("way", ["--no-cache", "COMPLIANCE_NO_CACHE", "cache path is a file",
                                 "cache path is a symlink", "no home cache folder can be made"])
def test_with_the_cache_off_no_grammar_pickle_is_read_from_the_temp_folder(way: str, tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    planted = _plant_lark_cache(tmp_path, marker)
    before = planted.read_bytes()
    args, extra = _cache_off_ways(tmp_path)[way]
    done = subprocess.run([sys.executable, "-m", "compliance", "--no-config", "check", str(SMALL), "-f", "json",
                           "--as-of", "2026-11-28", *args], env=_clean_env(tmp_path, **extra),
                          capture_output=True, text=True, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert not marker.exists(), "a pickle planted in the shared temp folder was loaded"
    assert sorted(p.name for p in (tmp_path / "tmpdir").iterdir()) == [planted.name]
    assert planted.read_bytes() == before
    assert '"code": "ng"' in done.stdout


def test_no_grammar_pickle_is_written_or_read_anywhere(tmp_path: Path) -> None:
    # The analysed grammar ships as Python data (compliance.grammar.tables): no process writes or reads a
    # Lark cache, neither in the shared temp folder nor in the user's own cache folder.
    marker = tmp_path / "ran"
    planted = _plant_lark_cache(tmp_path, marker)
    folder = tmp_path / "cache"
    done = subprocess.run([sys.executable, "-m", "compliance", "--no-config", "check", str(SMALL), "-f", "json",
                           "--as-of", "2026-11-28"], env=_clean_env(tmp_path, COMPLIANCE_CACHE_DIR=str(folder)),
                          capture_output=True, text=True, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert not marker.exists()
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert not any("lark" in p.name for p in folder.rglob("*")), sorted(p.name for p in folder.rglob("*"))
    assert sorted(p.name for p in (tmp_path / "tmpdir").iterdir()) == [planted.name]


@pytest.fixture
def own_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("COMPLIANCE_CACHE_DIR", str(folder))
    monkeypatch.delenv("COMPLIANCE_NO_CACHE", raising=False)
    cache.enable()
    return folder


def test_a_loose_folder_of_ours_is_made_private(own_cache: Path) -> None:
    own_cache.mkdir(mode=0o777)
    os.chmod(own_cache, 0o777)
    assert cache.cache_dir() == own_cache
    assert stat.S_IMODE(own_cache.stat().st_mode) == 0o700


@pytest.mark.skipif(not hasattr(os, "getuid") or os.getuid() != 0, reason="needs root to give a folder away")
def test_a_folder_owned_by_someone_else_turns_the_cache_off(own_cache: Path, rules: RuleSet) -> None:
    own_cache.mkdir()
    os.chown(own_cache, 54321, 54321)
    assert cache.cache_dir() is None
    api.check_many([SMALL], rules, DAY)
    assert list(own_cache.iterdir()) == []


def _entries(folder: Path) -> list[Path]:
    return sorted(p for p in (folder / "report").rglob("*") if p.is_file())


def test_a_planted_pickle_entry_is_a_clean_miss_and_never_runs(own_cache: Path, rules: RuleSet,
                                                                 tmp_path: Path) -> None:
    good = api.check_many([SMALL], rules, DAY)[0]
    (entry,) = _entries(own_cache)
    marker = tmp_path / "ran"
    payload = pickle.dumps(_Plant(marker))
    entry.write_bytes(b"compliance-cache-1\n" + cache.digest(payload).encode() + b"\n" + payload)
    again = api.check_many([SMALL], rules, DAY)[0]
    assert not marker.exists()
    assert again.model_dump() == good.model_dump()


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(damage=st.one_of(
    st.tuples(st.just("truncate"), st.integers(min_value=0, max_value=10_000)),
    st.tuples(st.just("flip"), st.integers(min_value=0, max_value=10_000)),
    st.tuples(st.just("replace"), st.binary(max_size=200))))
def test_any_damage_to_an_entry_is_a_clean_miss(own_cache: Path, damage: tuple[str, int | bytes]) -> None:
    rules = _RULES
    shutil.rmtree(own_cache, ignore_errors=True)
    good = api.check_many([SMALL], rules, DAY)[0]
    (entry,) = _entries(own_cache)
    data = bytearray(entry.read_bytes())
    kind, value = damage
    if kind == "truncate":
        assert isinstance(value, int)
        data = data[: value % len(data)]
    elif kind == "flip":
        assert isinstance(value, int)
        data[value % len(data)] ^= 0x41
    else:
        assert isinstance(value, bytes)
        data = bytearray(value)
    entry.write_bytes(bytes(data))
    assert api.check_many([SMALL], rules, DAY)[0].model_dump() == good.model_dump()


def test_every_bundled_report_survives_the_cache_exactly(own_cache: Path, rules: RuleSet) -> None:
    paths = sorted((ROOT / "legislation").glob("*.yaml"))
    first = api.check_many(paths, rules, DAY, jobs=1)
    assert len(_entries(own_cache)) == len(paths)
    stamps = {p: p.stat().st_mtime_ns for p in _entries(own_cache)}
    again = api.check_many(paths, rules, DAY, jobs=1)
    assert [r.model_dump() for r in again] == [r.model_dump() for r in first]
    assert {p: p.stat().st_mtime_ns for p in _entries(own_cache)} == stamps  # all hits: nothing rewritten


# --- every option and every input change ---------------------------------------------------------

_STANDARDS = sorted(_RULES.profiles.profiles)
_DAYS = [dt.date(2001, 1, 1), dt.date(2015, 3, 26), dt.date(2026, 11, 28)]
_EDITS = [
    ("name: Nigeria", "name: Nigeria (edited)"),
    ("SHALL", "MAY"),
    ("", "# a comment changes the bytes but not the law\n"),
]


def _variant_rules(tmp: Path) -> Path:
    """A rule-set copy that differs from the bundled one in the weight of the definition requirement."""
    folder = tmp / "rules-variant"
    if not folder.exists():
        shutil.copytree(ROOT / "rules", folder)
        path = folder / "palermo" / "art_03.yaml"
        text = path.read_text(encoding="utf-8")
        assert "weight: 2" in text
        path.write_text(text.replace("weight: 2", "weight: 3", 1), encoding="utf-8")
    return folder


def _outcome(statute: Path, rules: RuleSet, day: dt.date, standard: str, name: str | None,
             cached: bool) -> object:
    """The report (as a dict) or the input error's text of one check, through the cache or not."""
    from compliance.errors import ComplianceError, ErrorList

    (cache.enable if cached else cache.disable)()
    try:
        if cached:
            return api.check_many([statute], rules, day, standard=standard,
                                  names={statute: name} if name else None, jobs=1)[0].model_dump()
        return api.check(api.load_statute(statute, rules, name), rules, day, standard=standard).model_dump()
    except (ComplianceError, ErrorList) as exc:
        return f"error: {exc}"
    finally:
        cache.enable()


_FACTORS = {"standard": _STANDARDS, "day": _DAYS, "edit": list(range(len(_EDITS) + 1)),
            "variant": [False, True], "name": [None, "Renamed"], "tight": [False, True]}


@st.composite
def _runs(draw: st.DrawFn) -> list[dict[str, object]]:
    """A base configuration, then each factor changed alone (in a random order), then the base again."""
    base = {factor: draw(st.sampled_from(values)) for factor, values in _FACTORS.items()}
    order = draw(st.permutations(list(_FACTORS)))
    runs = [base]
    for factor in order:
        other = draw(st.sampled_from([v for v in _FACTORS[factor] if v != base[factor]]))
        runs.append({**base, factor: other})
    return [*runs, base]


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(runs=_runs())
def test_a_cached_report_is_always_what_a_fresh_check_gives(own_cache: Path, tmp_path: Path,
                                                            runs: list[dict[str, object]]) -> None:
    """Runs sharing one cache, each changing one option or the file from a cached base: every answer is fresh-equal."""
    from compliance.limits import reset, set_limits

    rules = _RULES
    variant = api.load_rules(_variant_rules(tmp_path))
    statute = tmp_path / "ng.yaml"
    original = SMALL.read_text(encoding="utf-8")
    try:
        for run in runs:
            text = original
            edit = int(str(run["edit"]))
            if edit < len(_EDITS):
                old, new = _EDITS[edit]
                text = new + text if not old else text.replace(old, new, 1)
            statute.write_text(text, encoding="utf-8")
            chosen = variant if run["variant"] else rules
            set_limits(string_chars=200 if run["tight"] else 1_000_000)  # a tight limit makes the file an error
            day, standard, name = run["day"], str(run["standard"]), run["name"]
            assert isinstance(day, dt.date) and (name is None or isinstance(name, str))
            fresh = _outcome(statute, chosen, day, standard, name, cached=False)
            served = _outcome(statute, chosen, day, standard, name, cached=True)
            assert served == fresh, run
            reset()
    finally:
        reset()
        cache.enable()


# --- a file rewritten during a run ---------------------------------------------------------------

MOMENTS = ["before the run hashes it", "after it is hashed, before it is checked",
           "while it is checked", "after it is checked"]


@pytest.mark.parametrize("jobs", [1, 2])
@pytest.mark.parametrize("moment", MOMENTS)
def test_a_file_rewritten_at_any_moment_never_leaves_a_wrong_entry(
        own_cache: Path, rules: RuleSet, tmp_path: Path, moment: str, jobs: int) -> None:
    """Rewrite a file at each known point of a run (pool too): it answers for one version, later runs for the new."""
    paths = []
    for number in range(4):  # several files, so that jobs=2 really goes through the pool
        path = tmp_path / f"s{number}.yaml"
        path.write_bytes(SMALL.read_bytes())
        paths.append(path)
    target = paths[1]
    old = target.read_text(encoding="utf-8")
    new = old.replace("name: Nigeria", "name: Rewritten", 1)
    assert new != old
    cache.disable()
    try:
        fresh_old = api.check(api.load_statute(target, rules), rules, DAY).model_dump()
    finally:
        cache.enable()

    state = {"reads": 0, "loaded": False, "done": False}

    def rewrite() -> None:
        if not state["done"]:
            state["done"] = True
            target.write_text(new, encoding="utf-8")

    real_read, real_load, real_check = runner.read, api.load_statute, api.check

    def read(path: Path) -> bytes | None:
        first = path == target and state["reads"] == 0
        state["reads"] += path == target
        if first and moment == MOMENTS[0]:
            rewrite()
        data = real_read(path)
        if first and moment == MOMENTS[1]:
            rewrite()
        return data

    def load(path: object, *args: object, **kwargs: object) -> object:
        statute = real_load(path, *args, **kwargs)  # type: ignore[arg-type]
        state["loaded"] = Path(str(path)) == target
        if state["loaded"] and moment == MOMENTS[2]:
            rewrite()
        return statute

    def check(*args: object, **kwargs: object) -> object:
        report = real_check(*args, **kwargs)  # type: ignore[arg-type]
        if state["loaded"] and moment == MOMENTS[3]:
            rewrite()
        return report

    # Forked workers inherit these; each process rewrites at its own first chance.
    with pytest.MonkeyPatch.context() as hooks:
        hooks.setattr(runner, "read", read)
        hooks.setattr(api, "load_statute", load)
        hooks.setattr(api, "check", check)
        racing = api.check_many(paths, rules, DAY, jobs=jobs)
    target.write_text(new, encoding="utf-8")  # whatever the moment, the file now holds the new version
    cache.disable()
    try:
        fresh_new = api.check(api.load_statute(target, rules), rules, DAY).model_dump()
        fresh_rest = [api.check(api.load_statute(p, rules), rules, DAY).model_dump() for p in paths]
    finally:
        cache.enable()
    assert fresh_new != fresh_old
    assert racing[1].model_dump() in (fresh_old, fresh_new)
    for _ in range(2):  # a miss, then a hit: both must be the new version
        later = api.check_many(paths, rules, DAY, jobs=jobs)
        assert later[1].model_dump() == fresh_new
        assert [r.model_dump() for r in later] == [fresh_rest[0], fresh_new, *fresh_rest[2:]]
    target.write_text(old, encoding="utf-8")  # and back: an entry stored under the old bytes must be the old report
    for _ in range(2):
        assert api.check_many(paths, rules, DAY, jobs=jobs)[1].model_dump() == fresh_old
