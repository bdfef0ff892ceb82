from __future__ import annotations

from compliance.vocabulary import load_vocabulary

V = load_vocabulary()
VICTIMS = V.cells("victim")


def test_cells_of_qualified_persons() -> None:
    assert len(V.all_cells()) == 12
    assert len(VICTIMS) == 6
    assert len(V.cells("presumed_victim")) == 12
    assert len(V.cells("victim", ("child", "foreign"))) == 2
    assert V.cells("witness") == frozenset()


def test_descriptions_leave_out_dimensions_in_full() -> None:
    adults = V.cells("victim", ("adult",))
    assert V.describe_cells(adults, VICTIMS) == "victims: adult"
    assert V.describe_cells(V.cells("victim", ("foreign",)), VICTIMS) == (
        "victims: resident foreigner or irregular migrant")
    assert V.describe_cells(V.all_cells()) == "all victims"
    assert V.describe_cells(frozenset(), VICTIMS) == "no victims"


def test_irregular_sets_are_split_into_blocks() -> None:
    cells = frozenset(c for c in VICTIMS if c[2] == "national" or c[1] == "adult")
    assert V.describe_cells(cells, VICTIMS) == "victims: adult + victims: child; national"


def test_suggestions_for_typos() -> None:
    assert V.suggest("shelterr", "object") is None
    assert V.suggest("asistance", "object") == "assistance"
    assert V.with_local({"schedule_4": "offence"}).suggest("schedule4", "offence") == "schedule_4"
