from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from compliance.errors import ErrorList
from compliance.registry import load_rules

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture()
def rules_copy(tmp_path: Path) -> Path:
    target = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", target)
    return target


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def errors_of(directory: Path) -> str:
    with pytest.raises(ErrorList) as info:
        load_rules(directory)
    return "\n".join(str(e) for e in info.value.errors)


def test_the_bundled_rules_load_with_unique_ids_and_known_instruments() -> None:
    rules = load_rules(ROOT / "rules")
    ids = [r.id for r in rules.requirements]
    assert len(ids) == len(set(ids))
    for req in rules.requirements:
        for source in req.sources():
            assert source.instrument in rules.instruments
    assert {i.kind for i in rules.instruments.values()} == {"treaty", "eu_law", "soft_law"}


def test_a_duplicate_id_is_refused(rules_copy: Path) -> None:
    edit(rules_copy / "coe_2005" / "art_30.yaml", "id: COE-2005-30", "id: COE-2005-26")
    assert "duplicate rule id 'COE-2005-26' (first in rules/coe_2005/art_26.yaml" in errors_of(rules_copy)


def test_an_unknown_source_instrument_is_refused(rules_copy: Path) -> None:
    edit(rules_copy / "coe_2005" / "art_26.yaml", "instrument: ilo-p029", "instrument: ilo-c029")
    assert "unknown instrument 'ilo-c029'" in errors_of(rules_copy)


def test_required_by_must_name_a_source(rules_copy: Path) -> None:
    edit(rules_copy / "coe_2005" / "art_26.yaml", "required_by: [ohchr-principles]", "required_by: [cets-198]")
    assert "required_by 'cets-198' is not one of this requirement's sources" in errors_of(rules_copy)


def test_a_paraphrase_must_say_why(rules_copy: Path) -> None:
    path = rules_copy / "eu_2011" / "art_13.yaml"
    text = path.read_text(encoding="utf-8")
    start = text.index("    treaty_text_note: >-")
    end = text.index("    treaty_text: |", start)
    path.write_text(text[:start] + text[end:], encoding="utf-8")
    assert "a paraphrased treaty_text needs a treaty_text_note" in errors_of(rules_copy)


def test_a_profile_naming_an_unknown_instrument_is_refused(rules_copy: Path) -> None:
    edit(rules_copy / "profiles.yaml", "instruments: [ilo-p029]", "instruments: [ilo-p099]")
    assert "profile 'ilo': unknown instrument 'ilo-p099'" in errors_of(rules_copy)
