"""Party status: a treaty the file records as not ratified, one it does not record, and a party, are three answers."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import yaml

from compliance import api
from compliance.model.rules import RuleSet

ROOT = Path(__file__).resolve().parents[2]


def _basis(tmp_path: Path, rules: RuleSet, treaties: list[dict[str, object]]) -> dict[str, tuple[bool, str]]:
    data = yaml.safe_load((ROOT / "legislation" / "gb-nir.yaml").read_text(encoding="utf-8"))
    data["treaties"] = treaties
    path = tmp_path / "x.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    report = api.check(api.load_statute(path, rules), rules, dt.date(2026, 11, 28))
    return {i.id: (i.binding, i.basis) for i in report.instruments}


def test_not_a_party_not_recorded_and_party_read_differently(tmp_path: Path, rules: RuleSet) -> None:
    basis = _basis(tmp_path, rules, [
        {"instrument": "palermo-protocol", "ratified": "2006-02-09"},
        {"instrument": "cets-197", "party": False, "note": "test: recorded as not ratified"},
    ])
    assert basis["palermo-protocol"][0] is True and basis["palermo-protocol"][1].startswith("party (binding")
    assert basis["cets-197"] == (False, "not a party (as the statute file records it): evaluated as a benchmark")
    assert basis["ilo-p029"] == (False, "party status not recorded in the statute file: evaluated as a benchmark")


def test_a_recorded_non_party_never_binds_even_with_a_date(tmp_path: Path, rules: RuleSet) -> None:
    basis = _basis(tmp_path, rules, [{"instrument": "cets-197", "party": False, "signed": "2005-05-16"}])
    assert basis["cets-197"][0] is False
