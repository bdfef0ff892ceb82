"""The shipped rule set (compliance/prebuilt_rules.json) is what loading rules/ gives, and is used only when current."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from compliance import registry
from compliance.resources import bundled_rules_dir
from compliance.vocabulary import load_vocabulary


def test_the_shipped_rule_set_is_current_and_equals_loading_the_yaml() -> None:
    directory = bundled_rules_dir()
    shipped = registry._prebuilt(directory)
    assert shipped is not None, "rules/ or the engine changed: run python -m compliance.prebuild"
    assert shipped == registry.load_rules(directory, load_vocabulary())  # the slow path, through the YAML


def test_any_edit_of_a_rule_file_makes_the_shipped_set_stale(tmp_path: Path) -> None:
    copy = tmp_path / "rules"
    shutil.copytree(bundled_rules_dir(), copy)
    assert registry._prebuilt(copy) is not None
    target = sorted(copy.glob("*/*.yaml"))[0]
    target.write_bytes(target.read_bytes() + b"\n# an edit\n")
    assert registry._prebuilt(copy) is None
    assert registry.load_rules(copy).origins  # loaded from the YAML, positions and all


def test_a_rules_folder_under_another_name_is_loaded_from_its_files(tmp_path: Path) -> None:
    copy = tmp_path / "my-rules"
    shutil.copytree(bundled_rules_dir(), copy)
    assert registry._prebuilt(copy) is None
    assert all(path.startswith("my-rules/") for path, _ in registry.load_rules(copy).origins.values())


@pytest.mark.parametrize("damage", [b"", b"not-a-key\n{}", b"\xff\xfe", None])
def test_a_damaged_or_missing_shipped_file_falls_back_to_the_yaml(damage: bytes | None, tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    fake = tmp_path / "prebuilt_rules.json"
    if damage is not None:
        fake.write_bytes(damage)
    monkeypatch.setattr(registry, "PREBUILT", fake)
    assert registry._prebuilt(bundled_rules_dir()) is None
    assert registry.load_rules(bundled_rules_dir()).requirements
