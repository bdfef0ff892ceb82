"""Injection-proof outputs (issue 12, point 4): hostile strings in any field of the data cannot run a
formula in a spreadsheet, reach the terminal as control characters, or forge a line of output.

Two levels: property tests at the renderers, over reports whose every text field (area ids and
element ids included) holds hostile text from hypothesis; and the real pipeline, statute YAML files
with hostile names, headings, texts and file names run through the CLI.

The oracles below (control characters, formula triggers, what a finding line looks like) are written
here from the specifications (ECMA-48 C0/C1, Unicode bidi controls, OWASP's CSV-injection list), not
imported from the code under test.
"""

from __future__ import annotations

import csv
import datetime as dt
import doctest
import functools
import io
import itertools
import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel
from typer.testing import CliRunner

from compliance import api, textsafe
from compliance.cli import app
from compliance.model.results import (
    CorpusEntry,
    Diff,
    Report,
    WaiverApplied,
)
from compliance.render import sanitize
from compliance.render.corpus import corpus_markdown
from compliance.render.csv import COLUMNS, NUMERIC, render_csv
from compliance.render.diff import render_diff_text
from compliance.render.explain import explain_result
from compliance.render.text import render_text
from tests.conftest import ROOT

runner = CliRunner()
IE = ROOT / "legislation" / "ie.yaml"

# --- oracles -------------------------------------------------------------------------------------

#: What must never be printed raw: C0 except tab and newline, DEL, C1, bidi embeddings/overrides/
#: isolates, line/paragraph separators, lone surrogates.
RAW_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
#: OWASP's formula triggers, and their full-width forms.
TRIGGERS = frozenset("=+-@\t\r\uff1d\uff0b\uff0d\uff20")
#: A line that a person, an editor or a CI log parser would read as a finding.
FINDING = re.compile(r"^(?!\s)(.+?):(\d+):(\d+): \[(met|partial|missing|not assessed)[^\]]*\] ")
MARK = {"met": "met", "partial": "partial", "missing": "missing", "not_assessed": "not assessed"}


def formula_like(cell: str) -> bool:
    """A spreadsheet could evaluate the cell: a trigger first, or after blanks and quotes."""
    return cell[:1] in TRIGGERS or cell.lstrip(' \t\r\n"')[:1] in TRIGGERS


def assert_printable(out: str) -> None:
    """No raw control character; so also no line break but ``\\n`` (every other one is in RAW_CONTROL)."""
    found = RAW_CONTROL.search(out)
    assert found is None, f"raw {found[0]!r} at {found.start()}: {out[max(found.start() - 40, 0):found.end() + 40]!r}"


def margin_lines(out: str) -> list[str]:
    """The lines that start at the left margin (the only ones a finding or an error could be)."""
    return [line for line in out.split("\n") if line and not line[0].isspace()]


# --- hostile strings ---------------------------------------------------------------------------

PAYLOADS = [
    "=cmd|' /C calc'!A0", "=HYPERLINK(\"http://x\",\"y\")", "+1+1", "-2+3", "@SUM(A1:A2)", "\t=1", "\r=1",
    " =1", '"=1', "\uff1d1+1", "a;=1", "a; @x", "a\t-1", "a,=1", 'a","=1', "a\n=1", "\x1b[31mred", "\x1b[2J",
    "\x1b]0;title\x07", "\x1b]8;;http://evil\x1b\\link\x1b]8;;\x1b\\", "\x9b31m", "\x9d0;t\x9c", "\x07\x08\x00",
    "\u202eevil\u202c", "\u2066x\u2069", "\nf.yaml:1:1: [met] FORGED", "\r\nf.yaml:1:1: [met] FORGED",
    "\x85f.yaml:1:1: [met] x", "\u2028f.yaml:1:1: [met] x", "\x0bv\x0cf\x1cg", "f.yaml:1:1: [met] forged",
    "x:1:1: [met, waived] y", "\nx.yaml:1:1: unknown key", "\ud800", "日本語の名前", "e\u0301\u0301",
]
CONTROLS = [chr(c) for c in [*range(0x20), 0x7F, *range(0x80, 0xA0)]] + [
    "\u2028", "\u2029", "\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069"]
SPICE = [*CONTROLS, *"=+-@;,\"' :[]\\", "\uff1d", "\uff20", "日"]


def hostile(*, surrogates: bool = True) -> st.SearchStrategy[str]:
    """Any text, text dense in control and formula characters, and known payloads inside any text."""
    spice = SPICE if surrogates else [c for c in SPICE if not 0xD800 <= ord(c) <= 0xDFFF]
    payloads = PAYLOADS if surrogates else [p for p in PAYLOADS if "\ud800" not in p]
    return st.one_of(
        st.text(min_size=1, max_size=30),
        st.text(alphabet=st.sampled_from(spice), min_size=1, max_size=30),
        st.builds(lambda a, p, b: a + p + b, st.text(max_size=6), st.sampled_from(payloads), st.text(max_size=6)),
    )


KEEP = {"status", "baseline", "change", "old_status", "new_status", "schema_version", "kind"}
KEYED = {"areas", "elements"}  # dicts whose keys are data (ids), not field names


def poison(value: Any, next_string: Callable[[], str], name: str = "") -> Any:
    """``value`` with every string (and the keys of id-keyed dicts) replaced from ``next_string``."""
    if isinstance(value, BaseModel):
        return value.model_copy(update={field: poison(getattr(value, field), next_string, field)
                                        for field in type(value).model_fields if field not in KEEP})
    if isinstance(value, str):
        return next_string()
    if isinstance(value, list):
        return [poison(v, next_string) for v in value]
    if isinstance(value, dict):
        if name in KEYED:  # distinct keys, so no entry is lost
            return {f"{next_string()}{i}": poison(v, next_string) for i, v in enumerate(value.values())}
        return {k: poison(v, next_string) for k, v in value.items()}
    return value


def twin(strings: list[str]) -> list[str]:
    """Plain strings equal where ``strings`` are equal: the same data, with nothing hostile in it."""
    return [f"x{strings.index(s)}" for s in strings]


def cycle(strings: list[str]) -> Callable[[], str]:
    """Hand out ``strings`` in turn, forever (every field gets hostile text, in every combination)."""
    return itertools.cycle(strings).__next__


# --- base data, from the real pipeline -----------------------------------------------------------

@functools.cache
def base() -> tuple[Report, Report, list[CorpusEntry]]:
    """A real report (with waivers, baseline marks and an area not read), an older one, a corpus entry.

    A cached function rather than a fixture, so that hypothesis does not print it with every failure.
    """
    rules = api.load_rules(ROOT / "rules")
    new = api.check_file(IE, rules, dt.date(2026, 11, 28))
    old = api.check_file(IE, rules, dt.date(2015, 1, 1))
    marked = [q.model_copy(update={"waiver": WaiverApplied(
        justification="accepted", reviewer="r", expires="2027-01-01", file="w.yaml", line=3, column=5),
        "baseline": "new"}) if i % 3 == 0 else q for i, q in enumerate(new.requirements)]
    new = new.model_copy(update={"requirements": marked,
                                 "coverage": new.coverage.model_copy(update={"not_assessed": ["children"]})})
    return new, old, api.corpus([IE], rules, dt.date(2026, 11, 28))


def hostile_report(report: Report, strings: list[str]) -> Report:
    poisoned: Report = poison(report, cycle(strings))
    return poisoned


# --- the helpers themselves ------------------------------------------------------------------

def test_the_oracle_knows_every_line_break() -> None:
    assert all(RAW_CONTROL.match(c) for c in "\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")
    assert len("a\rb\x0bc\x0cd\x1ce\x1df\x1eg\x85h\u2028i\u2029j".splitlines()) == 10


@pytest.mark.parametrize("module", [textsafe, sanitize])
def test_the_helpers_doctests_hold(module: Any) -> None:
    result = doctest.testmod(module)
    assert result.attempted > 0 and result.failed == 0


@given(hostile())
def test_one_line_escapes_exactly_the_unsafe_characters_visibly(text: str) -> None:
    expected = "".join(textsafe.escape_char(c) if c == "\n" or RAW_CONTROL.match(c) else c for c in text)
    assert textsafe.one_line(text) == expected
    assert RAW_CONTROL.search(expected) is None and "\n" not in expected
    assert textsafe.one_line(expected) == expected  # idempotent: safe text is left alone
    assert textsafe.terminal_safe(text).count("\n") == text.count("\n")


@pytest.mark.parametrize(("char", "shown"), [("\x1b", "\\x1b"), ("\x9b", "\\x9b"), ("\x7f", "\\x7f"),
                                             ("\r", "\\r"), ("\n", "\\n"), ("\u202e", "\\u202e"),
                                             ("\u2066", "\\u2066"), ("\x00", "\\x00")])
def test_an_escape_shows_which_character_was_there(char: str, shown: str) -> None:
    assert textsafe.one_line(f"a{char}b") == f"a{shown}b"


@given(hostile())
def test_a_csv_cell_is_never_a_formula_and_keeps_its_text(text: str) -> None:
    cell = sanitize.csv_cell(text)
    assert not formula_like(cell)
    for piece in re.split(r"[;\t\n]", cell):
        assert not formula_like(piece), piece
    assert cell.replace("'", "") == textsafe.terminal_safe(text).replace("'", "")  # only quotes were added
    field = sanitize.csv_field(text)
    assert next(csv.reader(io.StringIO(field + "\n"))) == [cell] or cell == ""


@given(st.integers(-10**6, 10**6) | st.floats(allow_nan=False, allow_infinity=False))
def test_numbers_the_tool_writes_stay_numbers(number: float) -> None:
    assert float(sanitize.csv_field(number)) == number


# --- renderers, property tests ------------------------------------------------------------------

@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(hostile(), min_size=1, max_size=8))
def test_text_report_of_hostile_data_is_printable_and_forges_no_finding(
        strings: list[str]) -> None:
    report = hostile_report(base()[0], strings)
    out = render_text([report, report])
    assert_printable(out)
    reqs = report.requirements * 2
    findings = [FINDING.match(line) for line in out.split("\n")]
    found = [m for m in findings if m]
    assert len(found) == len(reqs)
    # Each finding line, read as a parser would (the first position on the line), has its real status.
    assert [m[4] for m in found] == [MARK[q.status] for q in reqs]
    assert [(int(m[2]), int(m[3])) for m in found] == [report.locate(q)[1:] for q in reqs]
    # Only the two headers and the findings start at the margin; the line count does not depend on the text.
    assert len([line for line in margin_lines(out) if not FINDING.match(line)]) <= 2
    assert len(out.split("\n")) == len(render_text([hostile_report(base()[0], twin(strings))] * 2).split("\n"))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(hostile(), min_size=1, max_size=8))
def test_csv_of_hostile_data_has_no_formula_under_any_separator(
        strings: list[str]) -> None:
    report = hostile_report(base()[0], strings)
    out = render_csv([report])
    assert RAW_CONTROL.search(out) is None
    rows = list(csv.reader(io.StringIO(out)))
    assert rows[0] == COLUMNS and len(rows) == 1 + len(report.requirements)
    for row in rows[1:]:
        assert len(row) == len(COLUMNS)
        for column, cell in zip(COLUMNS, row, strict=True):
            if column in NUMERIC:
                assert float(cell) >= 0, (column, cell)  # a number the tool wrote
            else:
                assert not formula_like(cell), (column, cell)
    # A spreadsheet that splits at ';' or tab (and ignores the CSV's quotes) finds no formula either.
    for line in out.split("\n"):
        for piece in re.split(r"[;\t]", line):
            assert not formula_like(piece), (piece, line)
    for delimiter in (";", "\t"):
        for row in csv.reader(io.StringIO(out), delimiter=delimiter):
            assert not any(formula_like(cell) for cell in row), row


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(hostile(), min_size=1, max_size=8), hostile())
def test_explanation_of_hostile_data_is_printable_and_starts_one_line_at_the_margin(
        strings: list[str], text: str) -> None:
    report = hostile_report(base()[0], strings)
    plain = hostile_report(base()[0], twin(strings))
    for result, other in list(zip(report.requirements, plain.requirements, strict=True))[:6]:
        texts = {ev.provision: (text, f"{text}\n(2) {text}") for ev in result.evidence}
        out = explain_result(report, result, texts)
        assert_printable(out)
        # After the title line, every line is indented: no field can start a line at the margin.
        assert [line for line in out.split("\n")[1:] if line and not line[0].isspace()] == []
        # With the multi-line texts fixed, the line count does not depend on any other field.
        fixed = {"recommendation": "First.\nSecond."}
        two = {ev.provision: ("verbatim", "(1) a\n(2) b") for ev in result.evidence}
        assert len(explain_result(report, result.model_copy(update=fixed), two).split("\n")) == len(
            explain_result(plain, other.model_copy(update=fixed),
                           {ev.provision: two[old.provision] for ev, old in zip(other.evidence, result.evidence,
                                                                                strict=True)}).split("\n"))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(hostile(), min_size=1, max_size=8))
def test_diff_of_hostile_data_is_printable_and_keeps_one_line_per_change(
        strings: list[str]) -> None:
    diff: Diff = poison(api.diff(base()[1], base()[0]), cycle(strings))
    assert diff.changes
    out = render_diff_text(diff)
    assert_printable(out)
    lines = out.split("\n")
    assert len(lines) == len(render_diff_text(poison(api.diff(base()[1], base()[0]), cycle(twin(strings)))).split("\n"))
    assert len(margin_lines("\n".join(lines[1:]))) == len(diff.changes)
    assert sum(line[:2] in ("+ ", "- ") for line in lines[1:]) == len(diff.changes)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(hostile(), min_size=1, max_size=8))
def test_corpus_page_of_hostile_data_is_printable_and_keeps_its_lines(
        strings: list[str]) -> None:
    out = corpus_markdown(poison(base()[2], cycle(strings)), "2026-11-28", "2.0.0")
    assert_printable(out)
    assert len(out.split("\n")) == len(corpus_markdown(poison(base()[2], cycle(twin(strings))), "2026-11-28", "2.0.0")
                                       .split("\n"))


# --- the area column ---------------------------------------------------------------------------

@given(st.lists(st.text(alphabet=st.sampled_from([*"abc_", "日", "é", "\u0301", "\x1b", "\n"]), min_size=1,
                        max_size=25), min_size=1, max_size=6, unique=True))
def test_the_area_column_is_aligned_for_any_names(names: list[str]) -> None:
    report = base()[0]
    areas = dict(zip(names, report.areas.values(), strict=False))
    areas[names[-1]] = areas[names[-1]].model_copy(update={"status": "not_assessed"})
    shown = render_text([report.model_copy(update={"areas": areas})])
    rows = [line for line in shown.split("\n") if line.endswith(("  met", "  partial", "  missing", "  not assessed"))
            and line.startswith("  ") and not line.startswith("   ")]
    assert len(rows) == len(areas)
    # The status starts in the same terminal column on every row (wide characters count two).
    columns = {sanitize.display_width(row[: row.rindex("  ") + 2]) for row in rows}
    assert len(columns) == 1, rows
    scores = {sanitize.display_width(row[: row.index("/100")]) for row in rows if "/100" in row}
    assert len(scores) <= 1, rows


def test_the_area_column_of_a_real_report_is_aligned() -> None:
    result = runner.invoke(app, ["--no-config", "check", str(IE), "--as-of", "2026-11-28", "--no-cache"])
    rows = [line for line in result.stdout.split("\n") if re.match(r"^  [a-z_]+ +\d+/100  ", line)]
    assert len(rows) >= 10
    assert len({line.index("/100") for line in rows}) == 1, rows
    assert len({len(line) - len(line.lstrip()) for line in rows}) == 1


# --- the real pipeline: statute files through the CLI -------------------------------------------

def statute(name: str, text: str) -> dict[str, Any]:
    return {
        "jurisdiction": {"code": "xx", "name": name},
        "instruments": [{"id": "act", "title": f"Act {name}", "citation": f"{text} c. 1",
                         "url": "https://example.org/act"}],
        "terms": {"compelled_local": {"category": "condition", "description": f"local {text}"}},
        "coverage_notes": {"children": text},
        "provisions": [
            {"id": "s1", "instrument": "act", "heading": f"{text} heading", "source_url": "https://example.org/s1",
             "text": f"{text}\n(2) {name}", "text_status": "paraphrase", "notes": text,
             "norms": ["court SHALL NOT convict victim OF offence IF compelled_local"]},
            {"id": "s2", "instrument": "act", "heading": name, "source_url": "https://example.org/s2",
             "text": text, "text_status": "verbatim", "norms": ["state SHALL provide assistance TO victim"]},
        ],
    }


def write(folder: Path, stem: str, data: dict[str, Any]) -> Path:
    path = folder / f"{stem}.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=False, sort_keys=False), encoding="utf-8")
    return path


def cli(*args: str) -> Any:
    return runner.invoke(app, ["--no-config", *args])


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    yield tmp_path_factory.mktemp("hostile")


def file_name(text: str) -> str:
    """A file-name stem with the hostile text (no '/', no NUL, within the 255-byte limit)."""
    stem = "h" + re.sub(r"[/\x00]", "_", text)
    while len(stem.encode("utf-8", "surrogatepass")) > 200:
        stem = stem[:-1]
    return stem


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(hostile(surrogates=False), hostile(surrogates=False))
def test_a_hostile_statute_gives_a_safe_text_report_csv_and_explanation(folder: Path, name: str, text: str) -> None:
    path = write(folder, file_name(name), statute(name, text))
    data = cli("check", str(path), "-f", "json", "--as-of", "2026-11-28", "--no-cache")
    assert data.exit_code == 0, data.stderr
    count = len(json.loads(data.stdout)["requirements"])
    result = cli("check", str(path), "--as-of", "2026-11-28", "--no-cache")
    assert result.exit_code == 0, result.stderr
    assert_printable(result.stdout)
    assert_printable(result.stderr)
    assert sum(bool(FINDING.match(line)) for line in result.stdout.split("\n")) == count
    assert len([line for line in margin_lines(result.stdout) if not FINDING.match(line)]) <= 1

    table = cli("compare", str(path), "-f", "csv", "--as-of", "2026-11-28", "--no-cache")
    assert table.exit_code == 0, table.stderr
    for row in list(csv.reader(io.StringIO(table.stdout)))[1:]:
        assert [c for col, c in zip(COLUMNS, row, strict=True) if col not in NUMERIC and formula_like(c)] == []

    why = cli("explain", str(path), "COE-2005-26", "--as-of", "2026-11-28")
    assert why.exit_code == 0, why.stderr
    assert_printable(why.stdout)
    assert [line for line in why.stdout.split("\n")[1:] if line and not line[0].isspace()] == []

    changed = cli("diff", str(path), "--old-as-of", "2000-01-01", "--new-as-of", "2026-11-28")
    assert changed.exit_code in (0, 1), changed.stderr
    assert_printable(changed.stdout)


def faulty(text: str) -> list[dict[str, Any]]:
    """Three statutes with five faults, each carrying ``text``: schema faults, then reference faults (found
    only in a file whose schema is valid), then a norm that does not parse (found only in a file whose
    references are valid; its error has context lines)."""
    schema, references, norm = statute("Name", "Text"), statute("Name", "Text"), statute("Name", "Text")
    schema[f"bad key {text}"] = 1  # an unknown key
    schema["provisions"][0]["id"] = f"s1!{text}"  # an invalid provision id
    references["provisions"][1]["instrument"] = f"nope {text}"  # an unknown instrument of the statute
    references["treaties"] = [{"instrument": f"zz {text}", "ratified": "2001-01-01"}]  # an unknown treaty
    norm["provisions"][1]["norms"] = [f"state SHALL ~ {text}"]
    return [schema, references, norm]


def run_faulty(folder: Path, stem: str, text: str) -> tuple[Any, list[str]]:
    paths = [write(folder, f"{stem}-{i}", data) for i, data in enumerate(faulty(text))]
    return cli("check", *map(str, paths), "--no-cache"), [textsafe.one_line(str(p)) for p in paths]


@functools.cache
def benign_error_count(folder: Path) -> int:
    result, _ = run_faulty(folder, "benign", "x")
    assert result.exit_code == 2
    assert len(result.stderr.split("\n")) == 5 + 2 + 1  # five errors, two context lines, the final newline
    return len(margin_lines(result.stderr))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(hostile(surrogates=False), hostile(surrogates=False))
def test_errors_about_hostile_input_are_one_line_each(folder: Path, name: str, text: str) -> None:
    result, shown = run_faulty(folder, file_name(name), text)
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr
    assert_printable(result.stderr)
    errors = margin_lines(result.stderr)
    # As many error lines as for the same faults with plain text: no value starts a line of its own.
    assert len(errors) == benign_error_count(folder) == 5, result.stderr
    # Each starts with its real position (what follows is the message, whatever it quotes).
    for line in errors:
        assert any(line.startswith(f"{path}:") and re.match(r"\d+:\d+: ", line[len(path) + 1:]) for path in shown)
    assert len(result.stderr.split("\n")) == 5 + 2 + 1


def test_a_norm_error_context_escapes_the_source_and_keeps_the_caret_under_it(folder: Path) -> None:
    data = statute("Name", "Text")
    data["provisions"][1]["norms"] = ["state SHALL \x1b[2J provide"]
    result = cli("check", str(write(folder, "caret", data)), "--no-cache")
    assert result.exit_code == 2
    assert "\x1b" not in result.stderr
    first, source, caret = result.stderr.split("\n")[:3]
    assert "unexpected character '\\x1b'" in first
    assert source.strip() == "state SHALL \\x1b[2J provide"
    assert source[caret.index("^"):].startswith("\\x1b[2J")
