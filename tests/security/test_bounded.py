"""Work is bounded before any Python object is built: a file of too many nodes is refused from the
parser's event stream (a positioned error, exit 2), whatever its shape, and nothing is composed.

Time and memory themselves are measured by the benchmark, not here; what is proved here is that
the refusal happens before the tree is built, for every shape of hostile file.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from compliance import loader
from compliance.cli import app
from compliance.errors import ComplianceError, LoadError
from compliance.limits import reset, set_limits

runner = CliRunner()

SHAPES = {
    "block list of tiny scalars": lambda n: "- a\n" * n,
    "flow list on one line": lambda n: "x: [" + ",".join("1" for _ in range(n)) + "]\n",
    "mapping of many keys": lambda n: "".join(f"k{i}: v\n" for i in range(n)),
    "flow mappings": lambda n: "x: [" + ",".join("{a: b}" for _ in range(n // 3)) + "]\n",
    "nested lists": lambda n: "x:\n" + "".join("  - [a, b, c]\n" for _ in range(n // 4)),
    "empty values": lambda n: "x:\n" + "  -\n" * n,
}


@pytest.fixture
def small_limit() -> object:
    set_limits(nodes=2_000)
    yield
    reset()


@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_too_many_nodes_is_refused_before_any_tree_is_built(shape: str, small_limit: object,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    text = SHAPES[shape](2_500)

    def no_compose(*args: object, **kwargs: object) -> None:
        raise AssertionError("the tree was built")

    monkeypatch.setattr(loader.yaml, "compose", no_compose)
    with pytest.raises(LoadError, match=r"more than 2,000 YAML nodes") as info:
        loader.parse_yaml(text, "hostile.yaml")
    assert info.value.span.line >= 1 and info.value.span.column >= 1


@settings(max_examples=40, deadline=None)
@given(st.sampled_from(sorted(SHAPES)), st.integers(min_value=1, max_value=4_000))
def test_the_node_limit_is_exact_for_every_shape(shape: str, size: int) -> None:
    """Refused exactly when the parser sees more nodes than the limit; otherwise loaded as before."""
    text = SHAPES[shape](size)
    nodes = sum(isinstance(e, loader._NODE_EVENTS) for e in yaml.parse(text, Loader=yaml.SafeLoader))
    set_limits(nodes=2_000)
    try:
        loader.parse_yaml(text, "f.yaml")
        refused = False
    except ComplianceError as exc:  # a top level that is not a mapping is a schema error: not our concern
        refused = "YAML nodes" in str(exc)
    finally:
        reset()
    assert refused == (nodes > 2_000), (nodes, len(text))


def test_a_sixteen_megabyte_file_of_tiny_nodes_is_one_positioned_line(tmp_path: Path) -> None:
    hostile = tmp_path / "hostile.yaml"
    hostile.write_text("- a\n" * (4 * 1024 * 1024 - 10), encoding="utf-8")  # just under the 16 MiB file limit
    result = runner.invoke(app, ["--no-config", "check", str(hostile)])
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"{hostile}:100000:") and "YAML nodes" in lines[0]
