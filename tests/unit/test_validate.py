from __future__ import annotations

import pytest

from compliance.errors import ErrorList
from compliance.loader import parse_yaml
from compliance.validate import validate_statute

GOOD = """\
jurisdiction: {code: gb-eaw, name: England and Wales}
treaties: [{instrument: cets-197, ratified: 2008-12-17}]
instruments:
  - {id: act, title: Act, citation: "2015 c. 30", url: "https://example.org"}
provisions:
  - id: s45
    instrument: act
    heading: H
    source_url: https://example.org/s45
    in_force: 2015-07-31
    text: T
    text_status: verbatim
    norms: ["court SHALL NOT convict victim IF compelled"]
"""


def test_a_valid_statute_validates() -> None:
    statute = validate_statute(parse_yaml(GOOD.encode(), "f.yaml"), {"cets-197"})
    assert statute.jurisdiction.code == "gb-eaw"
    assert statute.provisions[0].in_force is not None and statute.provisions[0].in_force.year == 2015


@pytest.mark.parametrize(("change", "message"), [
    (("code: gb-eaw", "code: UK"), "f.yaml:1:22: jurisdiction.code: invalid value 'UK'"),
    (("in_force: 2015-07-31", "in_force: 31/07/2015"), "f.yaml:10:15: provisions[0].in_force: invalid date"),
    (("text_status: verbatim", "text_status: quoted"),
     "f.yaml:12:18: provisions[0].text_status: invalid value 'quoted'"),
    (("source_url: https://example.org/s45", "source_url: example.org/s45"), "f.yaml:9:17:"),
    (("    heading: H\n", ""), "f.yaml:6:5: missing required key 'heading'"),
])
def test_errors_point_at_the_offending_value(change: tuple[str, str], message: str) -> None:
    text = GOOD.replace(*change)
    with pytest.raises(ErrorList) as info:
        validate_statute(parse_yaml(text.encode(), "f.yaml"), {"cets-197"})
    assert str(info.value.errors[0]).startswith(message)


def test_all_errors_are_reported_sorted_by_position() -> None:
    text = GOOD.replace("code: gb-eaw", "code: UK").replace("text_status: verbatim", "text_status: quoted")
    with pytest.raises(ErrorList) as info:
        validate_statute(parse_yaml(text.encode(), "f.yaml"), {"cets-197"})
    lines = [e.span.line for e in info.value.errors]
    assert lines == sorted(lines) and len(lines) == 2


def test_treaty_ids_are_checked_against_the_rule_set() -> None:
    with pytest.raises(ErrorList, match="unknown instrument 'cets-197'"):
        validate_statute(parse_yaml(GOOD.encode(), "f.yaml"), {"palermo-protocol"})
