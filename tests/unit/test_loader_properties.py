"""Property tests for the loader: any data PyYAML can dump loads back; any bytes fail only with our errors."""

from __future__ import annotations

import datetime as dt

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from compliance.errors import ComplianceError
from compliance.loader import parse_yaml

keys = st.text(alphabet=st.characters(min_codepoint=0x20, max_codepoint=0x7E), min_size=1, max_size=8)
# Control and line-separator characters are left out: PyYAML's emitter writes some of them (NEL)
# unescaped, which is a quirk of the dumper, not of the loader under test.
text = st.text(alphabet=st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp")), max_size=20)
dates = st.dates(dt.date(1900, 1, 1), dt.date(2100, 1, 1))
scalars = st.one_of(st.none(), st.booleans(), st.integers(-10**6, 10**6), text, dates)
values = st.recursive(
    scalars, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(keys, inner, max_size=4), max_leaves=12)


def _expected(value: object) -> object:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list):
        return [_expected(v) for v in value]
    if isinstance(value, dict):
        return {k: _expected(v) for k, v in value.items()}
    return value


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(keys, values, min_size=1, max_size=5))
def test_dumped_data_loads_back_with_dates_as_text(data: dict[str, object]) -> None:
    text = yaml.safe_dump(data, allow_unicode=True)
    assert parse_yaml(text.encode(), "f.yaml").data == _expected(data)


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=200))
def test_arbitrary_bytes_fail_only_with_positioned_errors(raw: bytes) -> None:
    try:
        parse_yaml(raw, "f.yaml")
    except ComplianceError as exc:
        assert exc.span.file == "f.yaml"
        assert exc.span.line >= 1 and exc.span.column >= 1
