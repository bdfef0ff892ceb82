"""Hostile Akoma Ntoso XML cannot expand entities, read local files, fetch a DTD, exhaust memory or
crash the import: each is refused with one positioned line (``FILE:line:column: ...``), exit 2, no
traceback, and nothing is written (issue 12, point 3).

``import akn`` parses with defusedxml (any DTD is refused, so no entity is ever declared), reads at
most ``max-file-bytes`` bytes, and bounds the nesting depth and the number of elements while the
parser runs. A statute file to ``--update`` is read by the engine's own bounded loader before
ruamel.yaml sees it.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from compliance import akn
from compliance.cli import app
from compliance.errors import LoadError
from tests.conftest import ROOT

runner = CliRunner()
ACT = ROOT / "tests" / "fixtures" / "akn" / "act.xml"
ZZ = ROOT / "tests" / "fixtures" / "akn" / "zz.yaml"
SECRET = "s3cr3t-token-from-a-local-file"
HEAD = '<?xml version="1.0"?>\n'
BODY = ACT.read_text(encoding="utf-8").split("\n", 1)[1]


def _laughs() -> str:
    entities = ['<!ENTITY lol0 "lol">'] + [f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10)]
    return HEAD + "<!DOCTYPE akomaNtoso [\n" + "\n".join(entities) + "\n]>\n" + \
        BODY.replace('value="Victims of Trafficking (Test) Act 2020"', 'value="&lol9;"')


def _xxe(secret: Path) -> str:
    return (HEAD + f'<!DOCTYPE akomaNtoso [\n<!ENTITY xxe SYSTEM "file://{secret}">\n]>\n'
            + BODY.replace("The Minister shall provide", "&xxe; The Minister shall provide"))


#: name -> (document, the line the error must point at).
def _hostile(secret: Path) -> dict[str, tuple[str, int]]:
    undeclared = BODY.replace("The Minister", "&xxe; The Minister")
    return {
        "billion laughs (nested entities)": (_laughs(), 2),
        "quadratic blow-up (one large entity used often)": (
            HEAD + f'<!DOCTYPE a [<!ENTITY big "{"x" * 10_000}">]>\n<a>{"&big;" * 1_000}</a>\n', 2),
        "external entity (XXE) reading a local file": (_xxe(secret), 2),
        "external DTD fetched by system id": (
            HEAD + f'<!DOCTYPE akomaNtoso SYSTEM "file://{secret}">\n' + BODY, 2),
        "parameter entity reading a local file": (
            HEAD + f'<!DOCTYPE a [\n<!ENTITY % p SYSTEM "file://{secret}">\n%p;\n]>\n<a/>\n', 2),
        "undeclared entity (no DTD)": (undeclared, undeclared[:undeclared.index("&xxe;")].count("\n") + 1),
        "malformed XML (unclosed element)": ("<akomaNtoso>\n  <act>\n</akomaNtoso>\n", 3),
        "unknown encoding": ('<?xml version="1.0" encoding="x-no-such"?>\n<a/>\n', 1),
        "elements nested 5,000 deep": ("<a>" * 5_000 + "</a>" * 5_000, 1),
        "empty file": ("", 1),
    }


CASES = sorted(_hostile(Path("/x")))


def _one_positioned_line(stderr: str, path: Path, line: int | None = None) -> None:
    lines = stderr.splitlines()
    assert len(lines) == 1, stderr
    where = rf"{line}:\d+" if line is not None else r"\d+:\d+"
    assert re.match(rf"{re.escape(str(path))}:{where}: \S", lines[0]), stderr
    assert "Traceback" not in stderr


@pytest.mark.parametrize("case", CASES)
def test_hostile_xml_is_one_positioned_line_exit_2_and_writes_nothing(case: str, tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text(SECRET, encoding="utf-8")
    text, line = _hostile(secret)[case]
    source, out = tmp_path / "hostile.xml", tmp_path / "out.yaml"
    source.write_text(text, encoding="utf-8")
    result = runner.invoke(app, ["--no-config", "import", "akn", str(source), "-o", str(out)])
    assert result.exit_code == 2, result.output
    _one_positioned_line(result.stderr, source, line)
    assert not out.exists()
    assert SECRET not in result.output and "lollol" not in result.output


@pytest.mark.parametrize("case", ["external entity (XXE) reading a local file", "billion laughs (nested entities)"])
def test_hostile_xml_leaves_the_file_to_update_untouched(case: str, tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text(SECRET, encoding="utf-8")
    source, existing = tmp_path / "hostile.xml", tmp_path / "zz.yaml"
    source.write_text(_hostile(secret)[case][0], encoding="utf-8")
    existing.write_bytes(ZZ.read_bytes())
    result = runner.invoke(app, ["--no-config", "import", "akn", str(source), "--update", str(existing),
                                 "-o", str(existing)])
    assert result.exit_code == 2
    _one_positioned_line(result.stderr, source, 2)
    assert existing.read_bytes() == ZZ.read_bytes() and SECRET not in result.output


def test_the_xxe_target_is_never_opened(tmp_path: Path) -> None:
    """Not only is the secret absent from the output: the parser never reads the entity's target."""
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)  # opening a FIFO with no writer would block the test forever
    source = tmp_path / "xxe.xml"
    source.write_text(_xxe(fifo), encoding="utf-8")
    with pytest.raises(LoadError, match="DTD"):
        akn.parse_akn(source.read_bytes(), str(source))


def test_an_oversized_file_is_refused_at_line_1_column_1(tmp_path: Path) -> None:
    result = runner.invoke(app, ["--no-config", "import", "akn", str(ACT)], env={"COMPLIANCE_MAX_FILE_BYTES": "500"})
    assert result.exit_code == 2
    _one_positioned_line(result.stderr, ACT, 1)
    assert result.stderr.startswith(f"{ACT}:1:1: file is larger than the limit of 500 bytes")


def test_a_sparse_17_mib_file_is_refused_without_reading_it(tmp_path: Path) -> None:
    big = tmp_path / "big.xml"
    with big.open("wb") as handle:
        handle.truncate(17 * 1024 * 1024)  # sparse: 17 MiB of size, no data written
    result = runner.invoke(app, ["--no-config", "import", "akn", str(big)])
    assert result.exit_code == 2
    assert result.stderr.startswith(f"{big}:1:1: file is larger than the limit of 16,777,216 bytes")


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero")
def test_an_endless_device_is_read_only_up_to_the_limit() -> None:
    result = runner.invoke(app, ["--no-config", "import", "akn", "/dev/zero"],
                           env={"COMPLIANCE_MAX_FILE_BYTES": "4096"})
    assert result.exit_code == 2
    assert result.stderr.startswith("/dev/zero:1:1: file is larger than the limit of 4,096 bytes")


def test_too_many_elements_is_refused_where_the_limit_is_passed(tmp_path: Path) -> None:
    source = tmp_path / "wide.xml"
    source.write_text("<a>\n" + "<b/>\n" * 200 + "</a>\n", encoding="utf-8")
    result = runner.invoke(app, ["--no-config", "import", "akn", str(source)], env={"COMPLIANCE_MAX_NODES": "100"})
    assert result.exit_code == 2
    _one_positioned_line(result.stderr, source, 101)  # the 101st element
    assert "more than 100 elements" in result.stderr


def test_a_hostile_statute_file_to_update_never_reaches_the_round_trip(tmp_path: Path,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object) -> None:
        raise AssertionError("ruamel.yaml was given a file the loader refused")

    monkeypatch.setattr(akn, "round_trip", refuse)
    bomb = ROOT / "tests" / "fixtures" / "invalid" / "alias_bomb.yaml"
    existing = tmp_path / "bomb.yaml"
    existing.write_bytes(bomb.read_bytes())
    result = runner.invoke(app, ["--no-config", "import", "akn", str(ACT), "--update", str(existing),
                                 "-o", str(existing)])
    assert result.exit_code == 2 and "aliases" in result.stderr
    _one_positioned_line(result.stderr.splitlines()[0], existing)
    assert existing.read_bytes() == bomb.read_bytes()


def _mutations() -> st.SearchStrategy[bytes]:
    raw = ACT.read_bytes()
    spots = st.integers(min_value=0, max_value=len(raw))
    pieces = st.sampled_from([b"<", b">", b"&", b"&amp;", b"<!DOCTYPE a>", b"]]>", b"\x00", b"\xff", b"\n",
                              b"</section>", b"<section eId='x'>", b'"', b"<?xml?>", b"&#0;", b"&#x1F600;"])
    edit = st.tuples(spots, spots, st.lists(pieces, max_size=3).map(b"".join))
    return st.lists(edit, min_size=1, max_size=4).map(lambda edits: _apply(raw, edits))


def _apply(raw: bytes, edits: list[tuple[int, int, bytes]]) -> bytes:
    for start, end, piece in edits:
        start, end = sorted((min(start, len(raw)), min(end, len(raw))))
        raw = raw[:start] + piece + raw[end:]
    return raw


@settings(max_examples=300, deadline=None)
@given(st.one_of(_mutations(), st.binary(max_size=300)))
def test_any_bytes_give_a_skeleton_or_a_positioned_load_error(xml: bytes) -> None:
    """Mutated acts and random bytes: never an exception other than a positioned LoadError."""
    try:
        data = akn.parse_akn(xml, "fuzz.xml")
    except LoadError as exc:
        assert exc.span.file == "fuzz.xml" and exc.span.line >= 1 and exc.span.column >= 1
        assert "\n" not in str(exc)
        return
    assert data["provisions"] and akn.skeleton(data, "fuzz.xml").startswith("# Statute-file skeleton")


@settings(max_examples=40, deadline=None)
@given(_mutations())
def test_any_mutated_act_through_the_cli_is_exit_0_or_one_positioned_line(xml: bytes) -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "act.xml"
        source.write_bytes(xml)
        result = runner.invoke(app, ["--no-config", "import", "akn", str(source)])
        assert result.exit_code in (0, 2), result.output
        if result.exit_code == 2:
            _one_positioned_line(result.stderr, source)
