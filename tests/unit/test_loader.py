from __future__ import annotations

import pytest

from compliance.errors import LoadError, SchemaError
from compliance.loader import load_yaml, parse_yaml


def test_keeps_dates_as_strings_and_positions_of_nodes() -> None:
    doc = parse_yaml(b"a: 1\nb:\n  - when: 2015-07-31\n    flag: true\n", "f.yaml")
    assert doc.data == {"a": 1, "b": [{"when": "2015-07-31", "flag": True}]}
    span = doc.span(("b", 0, "when"))
    assert (span.file, span.line, span.column) == ("f.yaml", 3, 11)
    assert doc.span(("b", 0, "when"), key=True).column == 5


def test_yes_and_no_stay_strings() -> None:
    assert parse_yaml(b"code: no\nother: yes\n", "f.yaml").data == {"code": "no", "other": "yes"}


def test_duplicate_key_is_an_error_at_the_second_key() -> None:
    with pytest.raises(LoadError) as info:
        parse_yaml(b"a: 1\nb: 2\na: 3\n", "f.yaml")
    assert str(info.value) == "f.yaml:3:1: duplicate key 'a' (first defined at line 1)"


def test_object_constructing_tag_is_refused_and_nothing_runs() -> None:
    with pytest.raises(LoadError, match=r"tag .*python/object/apply:os\.system.* is not allowed"):
        parse_yaml(b"a: !!python/object/apply:os.system ['echo pwned']\n", "f.yaml")


def test_merge_keys_are_refused() -> None:
    with pytest.raises(LoadError, match="merge keys"):
        parse_yaml(b"base: &b {x: 1}\nother:\n  <<: *b\n", "f.yaml")


@pytest.mark.parametrize(("raw", "message", "line"), [
    (b"", "file is empty", 1),
    (b"   \n\n", "file is empty", 1),
    (b"a: [1, 2\n", "invalid YAML", 2),
    (b"a: 1\n\xff\xfe: 2\n", "not valid UTF-8", 2),
])
def test_bad_files(raw: bytes, message: str, line: int) -> None:
    with pytest.raises(LoadError) as info:
        parse_yaml(raw, "f.yaml")
    assert message in info.value.message
    assert info.value.span.line == line


def test_top_level_must_be_a_mapping() -> None:
    with pytest.raises(SchemaError, match="top level must be a mapping"):
        parse_yaml(b"- a\n- b\n", "f.yaml")


def test_missing_file(tmp_path) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(LoadError) as info:
        load_yaml(tmp_path / "nope.yaml")
    assert str(info.value).endswith("nope.yaml:1:1: no such file")


def test_bom_is_accepted() -> None:
    assert parse_yaml("\ufeffa: 1\n".encode(), "f.yaml").data == {"a": 1}


def test_position_inside_literal_block_scalar() -> None:
    doc = parse_yaml(b"x:\n  norms:\n    - |\n      court SHALL\n        convict victim\n", "f.yaml")
    span = doc.scalar_span(("x", "norms", 0), 2, 3)
    assert (span.line, span.column) == (5, 9)


def test_position_inside_plain_and_quoted_scalars() -> None:
    doc = parse_yaml(b'a: court SHALL x\nb: "court SHALL x"\n', "f.yaml")
    assert doc.scalar_span(("a",), 1, 7).column == 10
    assert doc.scalar_span(("b",), 1, 7).column == 11


def test_without_libyaml_the_pure_python_safe_loader_is_used_with_a_warning() -> None:
    import types

    import pytest
    import yaml

    from compliance.loader import pick_loader

    assert pick_loader() is yaml.CSafeLoader
    without = types.SimpleNamespace(SafeLoader=yaml.SafeLoader)
    with pytest.warns(RuntimeWarning, match="without libyaml"):
        assert pick_loader(without) is yaml.SafeLoader
