"""A fuzz target over the real command line (issue 12, point 9): whatever the norms, the statute
file and the options, a run ends with exit 0, 1 or 2 and never with 3 (an uncaught exception, which
``compliance.cli.main`` turns into "internal error ... please report this").

Three families of input, each driven through ``typer.testing.CliRunner`` on ``compliance.cli.app``
with ``--no-config`` (and ``--no-cache`` where the command has it), in a fresh working directory:

* **norms**: grammar-aware norm texts (kinds, modalities, targets, ``FOR AT LEAST N days``,
  hedges, IF/UNLESS/... clauses of AND/OR/NOT and parentheses, qualifiers in brackets) built from
  the vocabulary's own terms, then mutated token by token (deleted, duplicated, swapped, re-cased,
  replaced by random words, unicode, control characters, huge numbers, very long tokens), embedded
  in a copy of ``legislation/ng.yaml`` in every YAML scalar style;
* **statutes**: ``ng.yaml`` mutated as text and as bytes (junk inserted, spans deleted or
  duplicated, lines swapped or re-indented, values replaced by YAML-special junk: dates such as
  2024-13-45, huge numbers, tags, anchors and aliases, deep nesting, directives, second documents,
  byte-order marks, CR line ends, invalid UTF-8, truncation), read from a file or stdin, by
  ``check``, ``validate``, ``compare``, ``diff`` and ``explain``;
* **options**: random ``--as-of``, ``--standard``, ``-f`` (every format), thresholds, waivers,
  baselines, outputs, root options and environment variables.

The property, for every run: exit code 0, 1 or 2; no uncaught exception; on exit 2 stderr is not
empty; stderr never holds a traceback; every stderr line about a statute file (one that starts with
its name; indented context lines aside) is ``file:line:column: message`` with the position inside
the file; and a machine-readable report on stdout (json, sarif, gitlab, junit) parses.

CI runs a bounded number of examples (well under a minute). ``COMPLIANCE_FUZZ_MINUTES=10`` turns
this into a long run (no deadline, thousands of examples, the minutes shared among the three
targets): see tests/security/README.md.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import random
import re
import shlex
import shutil
import tempfile
import time
import traceback
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from compliance import api
from compliance.cli import app
from compliance.vocabulary import load_vocabulary
from tests.conftest import ROOT

# --- budget ----------------------------------------------------------------------------------------


def _minutes() -> float:
    raw = os.environ.get("COMPLIANCE_FUZZ_MINUTES", "").strip()
    if not raw:
        return 0.0
    try:
        value = float(raw)
    except ValueError:
        raise pytest.UsageError(f"COMPLIANCE_FUZZ_MINUTES={raw!r}: expected a number of minutes") from None
    return max(value, 0.0)


MINUTES = _minutes()
LONG = MINUTES > 0
#: Examples per target in CI (each runs the CLI once, ~0.1-0.3 s).
CI_EXAMPLES = {"norms": 70, "statutes": 70, "options": 50}
#: Share of the long run's minutes per target.
SHARE = {"norms": 0.4, "statutes": 0.4, "options": 0.2}
#: In the long run, hypothesis runs in chunks of this many examples until the target's time is up.
CHUNK = 200
#: Where the files of the failing case hypothesis reports are copied, with the command that reproduces it.
REPRO = Path(tempfile.gettempdir()) / "compliance-fuzz-last"

#: The long run's rounds use seeds BASE_SEED, BASE_SEED + 1, ... (printed; set it to repeat a run).
BASE_SEED = int(os.environ.get("COMPLIANCE_FUZZ_SEED") or random.randrange(2**32))

SETTINGS = settings(
    max_examples=CHUNK if LONG else 1, deadline=None, database=settings.default.database if LONG else None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much,
                           HealthCheck.large_base_example],
    print_blob=True,
    # Each round of the long run is a new search (its own seed), even under hypothesis's derandomized CI profile.
    **({"derandomize": False} if LONG else {}),
)

# --- the seed file and what the strategies draw from -----------------------------------------------

SEED_NAME = "ng.yaml"
SEED = (ROOT / "legislation" / SEED_NAME).read_text(encoding="utf-8")
SEED_LINES = SEED.splitlines(keepends=True)
VOCAB = load_vocabulary()
RULES = api.load_rules()
REQUIREMENTS = sorted(r.id for r in RULES.requirements)
AREAS = sorted({r.area for r in RULES.requirements})
PROFILES = sorted(RULES.profiles.profiles)
LOCAL_TERMS = sorted(yaml.safe_load(SEED).get("terms", {}))
FORMATS = ["text", "json", "markdown", "html", "csv", "sarif", "junit", "github", "gitlab"]
#: The formats whose stdout is checked to parse.
PARSED = {"json": "json", "sarif": "json", "gitlab": "json", "junit": "xml"}


def _terms(*categories: str) -> list[str]:
    return sorted({t for c in categories for t in VOCAB.terms.get(c, {})} | (
        set(LOCAL_TERMS) if "condition" in categories else set()))


KEYWORDS = ["FINDING", "POLICY", "SHALL", "MUST", "NOT", "MAY", "NEED", "CONSIDER", "ENDEAVOUR", "TO", "SHOULD",
            "OF", "FROM", "FOR", "SET", "BY", "THE", "EXTENT", "PRACTICABLE", "IN", "APPROPRIATE", "CASES", "AS",
            "FAR", "POSSIBLE", "IF", "WHEN", "WHERE", "UNLESS", "EXCEPT", "UNTIL", "DURING", "OR", "AND", "AT",
            "LEAST", "MOST", "MORE", "LESS", "THAN"]
SYMBOLS = [":", "(", ")", "[", "]", ",", ">=", "<=", ">", "<", "=", "#", "##", "\\", '"', "'", "|", "-", "&", "*"]
#: Characters that have broken text tools before: case mappings that change length (İ, ß, ﬁ),
#: non-ASCII look-alikes (K Kelvin, fullwidth letters), line breaks Python and YAML count differently,
#: escapes, bidi and zero-width controls, lone surrogates, non-ASCII digits, astral characters.
WEIRD = ["İ", "ß", "ﬁ", "\u212a", "ı", "ǅ", "Ⅻ", "e\u0301", "\u200b", "\u202e", "\u2066", "\ufeff", "\u2028",
         "\u2029", "\x85", "\x0b", "\x0c", "\x1c", "\x1e", "\x1b[31m", "\x1b]8;;http://x\x07", "\x00", "\x07",
         "\x7f", "\x9b", "\r", "\r\n", "\t", "\ud800", "\udcff", "\U0001f600", "ＳＨＡＬＬ", "SHALL\u200b", "٣٠",
         "½", "²", "𝟗", "\ufffd", "\uffff", "\U0010ffff", "::error::x", "%0A", "=cmd|' /C calc'!A0"]
#: Numbers the grammar accepts (huge ones included: 5,000 digits is past int()'s default limit), and
#: number-like words it does not.
NUMBERS = ["0", "00", "1", "30", "0.0000001", "99999999999999999999999", "9" * 400, "1" + "0" * 309, "7" * 5000]
BAD_NUMBERS = ["1.5.5", "-1", "+3", "1_000", "1e5", "1e400", "inf", "nan", ".5", "5.", "0x1F", "١٢"]
COMPARATORS = [["AT", "LEAST"], ["AT", "MOST"], ["MORE", "THAN"], ["LESS", "THAN"], [">="], ["<="], [">"], ["<"],
               ["="]]
MODALITIES = [["SHALL"], ["MUST"], ["SHALL", "NOT"], ["MUST", "NOT"], ["MAY", "NOT"], ["MAY"], ["NEED", "NOT"],
              ["SHALL", "CONSIDER"], ["SHALL", "ENDEAVOUR", "TO"], ["SHOULD"], ["SHOULD", "NOT"]]
HEDGES = [["TO", "THE", "EXTENT", "PRACTICABLE"], ["IN", "APPROPRIATE", "CASES"], ["AS", "FAR", "AS", "POSSIBLE"]]
CLAUSES = ["IF", "WHEN", "WHERE", "UNLESS", "EXCEPT", "UNTIL", "DURING"]

@dataclass(frozen=True)
class Case:
    """One run of the CLI: its argv, the files of its working directory, stdin and extra environment."""

    argv: tuple[str, ...]
    files: tuple[tuple[str, bytes], ...] = ()
    stdin: bytes | None = None
    env: tuple[tuple[str, str], ...] = ()
    statute: str = SEED_NAME  # the name error lines about the statute carry ("<stdin>" when read from stdin)
    what: str = ""  # how the input was made, for the report
    stdout_format: str | None = None  # a format whose stdout must parse (json, sarif, gitlab, junit)

    def __repr__(self) -> str:
        return f"Case(argv={self.argv!r}, env={dict(self.env)!r}, what={self.what[:2000]!r})"

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        """How hypothesis prints a falsifying case: argv, environment and the mutations, not 30 KB of YAML."""
        printer.text(repr(self))

    def content(self, name: str) -> bytes:
        """The bytes of a statute name as the CLI reads them (a file of the case, or stdin)."""
        if name == "<stdin>":
            return self.stdin or b""
        return dict(self.files).get(name, b"")


# --- norms ------------------------------------------------------------------------------------------
#
# Unmutated, the generator writes norms that the grammar accepts and whose terms sit in roles that
# take them (a norm may still be refused, e.g. a local term of the wrong category); the mutations then
# break them in every way a hand could.

_random_word = st.from_regex(r"[a-z][a-z0-9_]{0,14}", fullmatch=True)
_hostile_word = st.one_of(
    _random_word,
    st.sampled_from(_terms(*VOCAB.terms)),  # a real term, in the wrong place
    st.text(min_size=1, max_size=10),
    st.sampled_from(WEIRD + BAD_NUMBERS + NUMBERS + KEYWORDS + SYMBOLS + ["day", "hours", "décades", "DAYS"]),
    st.lists(st.sampled_from([*WEIRD, "a", "_", "1", "A"]), min_size=1, max_size=6).map("".join),
    st.integers(50, 6_000).map(lambda n: "a" * n),           # a very long term
    st.integers(4_000, 6_000).map(lambda n: "7" * n),        # a number beyond int()'s 4,300-digit limit
    st.integers(1, 300).map(lambda n: "[" * n),
)


def _term_ref(pool: list[str], qualifiers: list[str] | None = None) -> st.SearchStrategy[list[str]]:
    """A term of ``pool``, with qualifiers in brackets sometimes when it takes them."""
    bare = st.sampled_from(pool).map(lambda t: [t])
    if not qualifiers:
        return bare
    quals = st.lists(st.sampled_from(qualifiers), min_size=1, max_size=3).map(
        lambda q: ["[", *[t for x in q for t in (x, ",")][:-1], "]"])
    return st.one_of(bare, bare, st.tuples(bare, quals).map(lambda t: [*t[0], *t[1]]))


PERSON = _term_ref(_terms("person"), _terms("person_qualifier"))
OBJECT = _term_ref(_terms("object"), _terms("object_qualifier"))
OFFENCE = _term_ref(_terms("offence"), _terms("offence_qualifier"))
_number = st.one_of(st.integers(0, 400).map(str), st.sampled_from(NUMBERS))
_unit = st.sampled_from(_terms("unit"))
QUANTITY = st.tuples(st.sampled_from([[], *COMPARATORS]), _number, _unit).map(lambda t: [*t[0], t[1], t[2]])

_atom = st.one_of(
    _term_ref(_terms("condition")), _term_ref(_terms("condition")), PERSON,
    st.tuples(st.one_of(OFFENCE, _term_ref(_terms("condition"))),
              st.sampled_from(_terms("offence", "condition"))).map(lambda t: [*t[0], "IN", t[1]]),
    st.tuples(st.sampled_from(_terms("condition")), st.sampled_from(COMPARATORS), _number, _unit).map(
        lambda t: [t[0], *t[1], t[2], t[3]]),
)
CONDITIONS = st.recursive(_atom, lambda inner: st.one_of(
    inner.map(lambda c: ["NOT", *c]),
    inner.map(lambda c: ["(", *c, ")"]),
    st.tuples(inner, st.sampled_from(["AND", "OR"]), inner).map(lambda t: [*t[0], t[1], *t[2]]),
), max_leaves=10)

#: One strategy per role; a norm has at most one of each.
ROLES = {
    "object": OBJECT,
    "beneficiary": st.one_of(PERSON, st.tuples(st.sampled_from(["TO", "OF"]), PERSON).map(lambda t: [t[0], *t[1]])),
    "offence": st.tuples(st.sampled_from([[], ["OF"]]), OFFENCE).map(lambda t: [*t[0], *t[1]]),
    "counterparty": st.tuples(st.just("FROM"), st.one_of(PERSON, _term_ref(_terms("actor")))).map(
        lambda t: [t[0], *t[1]]),
    "duration": st.tuples(QUANTITY, st.one_of(st.just([]), st.sampled_from(sorted(VOCAB.sources)).map(
        lambda w: ["SET", "BY", w]))).map(lambda t: ["FOR", *t[0], *t[1]]),
}


@st.composite
def grammar_tokens(draw: st.DrawFn) -> list[str]:
    """The tokens of a norm the grammar accepts, each term in a role that takes it."""
    tokens: list[str] = []
    if draw(st.integers(0, 7)) == 0:
        tokens += [draw(st.sampled_from(["FINDING", "POLICY"])), ":"]
    tokens += draw(st.one_of(_term_ref(_terms("actor")), PERSON))
    tokens += draw(st.sampled_from(MODALITIES))
    tokens += [draw(st.sampled_from(_terms("action")))]
    for role in draw(st.lists(st.sampled_from(sorted(ROLES)), max_size=3, unique=True)):
        tokens += draw(ROLES[role])
    for hedge in draw(st.lists(st.sampled_from(HEDGES), max_size=2)):
        tokens += hedge
    for keyword, cond in draw(st.lists(st.tuples(st.sampled_from(CLAUSES), CONDITIONS), max_size=3)):
        tokens += [keyword, *cond]
    return tokens


@st.composite
def mutate_tokens(draw: st.DrawFn, tokens: list[str]) -> tuple[list[str], bool]:
    """Two times in three the tokens as they are; else one to four token-level mutations (and a mark)."""
    tokens = list(tokens)
    if draw(st.integers(0, 2)):
        return tokens, False
    for _ in range(draw(st.integers(1, 4))):
        op = draw(st.sampled_from(["delete", "duplicate", "swap", "insert", "replace", "case", "glue"]))
        i = draw(st.integers(0, max(len(tokens) - 1, 0)))
        if not tokens:
            tokens = [draw(_hostile_word)]
        elif op == "delete":
            del tokens[i]
        elif op == "duplicate":
            tokens.insert(i, tokens[i])
        elif op == "swap":
            j = draw(st.integers(0, len(tokens) - 1))
            tokens[i], tokens[j] = tokens[j], tokens[i]
        elif op == "insert":
            tokens.insert(i, draw(_hostile_word))
        elif op == "replace":
            tokens[i] = draw(_hostile_word)
        elif op == "case":
            tokens[i] = draw(st.sampled_from([str.lower, str.upper, str.title, str.swapcase]))(tokens[i])
        elif op == "glue" and i + 1 < len(tokens):
            tokens[i:i + 2] = [tokens[i] + tokens[i + 1]]
    return tokens, True


#: Between tokens: white space and comments the grammar ignores, and (for mutated norms only) other
#: white space it does not know (no-break and ideographic spaces) or nothing at all.
_clean_separator = st.sampled_from([" "] * 16 + ["  ", "\n", "\n  ", "\t", "\r\n", " # note\n"])
_any_separator = st.one_of(_clean_separator, st.sampled_from(["", "\u00a0", "\u3000", "\x0c", "\u2028", "\x85"]))


@st.composite
def norm_texts(draw: st.DrawFn) -> str:
    """A norm text: grammar tokens, perhaps mutated, joined by (mostly) spaces, perhaps padded."""
    tokens, mutated = draw(grammar_tokens().flatmap(mutate_tokens))
    separator = _any_separator if mutated else _clean_separator
    text = tokens[0] if tokens else ""
    for token in tokens[1:]:
        text += draw(separator) + token
    before = draw(st.sampled_from([""] * 6 + [" ", "\n", "  \n", "# comment\n"]))
    after = draw(st.sampled_from([""] * 6 + [" ", "\n", "\n\n", "  # trailing comment", "#"]))
    return before + text + after


def yaml_scalar(text: str, style: str, indent: int) -> str:
    """``text`` as a YAML list item in ``style``; raw styles may well make the file invalid, on purpose."""
    pad = " " * indent
    if style == "json-ascii":
        return f"{pad}- {json.dumps(text, ensure_ascii=True)}\n"
    if style == "json":
        return f"{pad}- {json.dumps(text, ensure_ascii=False)}\n"
    if style == "single":
        return f"{pad}- '" + text.replace("'", "''") + "'\n"
    if style == "plain":
        return f"{pad}- {text}\n"
    body = "".join(f"{pad}  {line}\n" if line else "\n" for line in text.split("\n"))
    return f"{pad}- {style}\n{body}"


STYLES = ["json-ascii", "json-ascii", "json", "|", "|", "|-", ">", "single", "plain"]
#: The line ranges [start, end) of each provision's norm items in the seed file.
NORM_BLOCKS = [(i + 1, next((j for j in range(i + 1, len(SEED_LINES))
                             if SEED_LINES[j].strip() and not SEED_LINES[j].startswith("      ")), len(SEED_LINES)))
               for i, line in enumerate(SEED_LINES) if line == "    norms:\n"]
TERMS_LINE = SEED_LINES.index("terms:\n")


@st.composite
def norm_cases(draw: st.DrawFn) -> Case:
    """ng.yaml with one provision's norms replaced by (or extended with) generated norm texts."""
    lines = list(SEED_LINES)
    notes = []
    if draw(st.integers(0, 5)) == 0:  # a local term, perhaps of a category a statute may not extend
        name = draw(st.one_of(_random_word, st.sampled_from(_terms("condition", "actor")), _hostile_word))
        category = draw(st.sampled_from(["condition", "offence", "actor", "unit", "nonsense"]))
        lines.insert(TERMS_LINE + 1, f"  {json.dumps(name)}:\n    category: {category}\n    description: local\n")
        notes.append(f"local term {name[:40]!r} ({category})")
    start, end = draw(st.sampled_from(NORM_BLOCKS))
    shift = len(lines) - len(SEED_LINES)  # the local term's entry comes before every provision
    start, end = start + shift, end + shift
    items = ""
    for text, style in draw(st.lists(st.tuples(norm_texts(), st.sampled_from(STYLES)), min_size=1, max_size=2)):
        items += yaml_scalar(text, style, 6)
        notes.append(f"{style} norm {text[:200]!r}")
    keep = draw(st.booleans())
    lines[start:end] = [*(lines[start:end] if keep else []), items]
    statute = "".join(lines).encode("utf-8", "surrogatepass")
    fmt = draw(st.sampled_from(FORMATS))
    argv = ["--no-config", "check", SEED_NAME, "--no-cache", "-f", fmt]
    if draw(st.integers(0, 3)) == 0:
        argv += ["--as-of", draw(st.sampled_from(["2016-01-01", "2003-07-14", "2100-01-01"]))]
    return Case(tuple(argv), files=((SEED_NAME, statute),), what="; ".join(notes), stdout_format=fmt)


# --- statute mutations --------------------------------------------------------------------------------

JUNK = ["", ":", ": ", "- ", "-", "  ", "\t", "[", "]", "{", "}", "'", '"', ",", "?", "? ", "|", ">", "|-", ">+",
        "&a ", "*a", "*a ", "&a", "*undefined", "<<: *a\n", "!!str ", "!!int ", "!!binary ", "!!set ", "!!omap ",
        "!!python/object/apply:os.system ", "!local ", "!<tag:yaml.org,2002:str> ", "!!timestamp ", "\n", "\r",
        "\r\n", "#", " #", "%YAML 1.2\n", "---\n", "...\n", "--- |\n", "SHALL ", "IF ", "(", "NOT ", "victim",
        "2024-13-45", "2024-02-30", "0000-00-00", "é", "\x00", "\ufeff", "\u2028", "\x85", "\x1b[2J", "\ud800",
        "~", "null", "yes", "no", "on", "= ", "@", "`", "%", "\\", "\\x00", "\\u0000"]
VALUES = ["2024-13-45", "2024-02-30", "2023-02-29", "0000-01-01", "0001-01-01", "9999-12-31", "10000-01-01",
          "2024-1-1", "20240101", "2024-W01-1", "2024-001", "2001-12-14t21:59:43.10-05:00", "2024-01-01T25:61:61Z",
          "1e309", "-1e309", ".inf", "-.inf", ".nan", ".NaN", "0x1F", "0o777", "0b101", "1_000", "-0", "+1",
          "1" + "0" * 400, "9" * 5000, "0." + "0" * 400 + "1", "~", "null", "Null", "", "''", '""', "yes", "no",
          "on", "off", "true", "False", "y", "n", "[]", "{}", "[[]]", "{a: [}", "[a, {b: c}]", "&a x", "*a", "*nope",
          "&a [*a]", "!!str", "!!str 1", "!!int x", "!!float x", "!!bool maybe", "!!null x", "!!binary aGVsbG8=",
          "!!set {a, b}", "!!omap [a: 1]", "!!pairs [a: 1]", "!!python/name:os.system", "!!timestamp 2024-13-45",
          "!!map {}", "!!seq []", "!custom x", "!<tag:x,2000:y> z", "? a", "|", ">-", "|\n  block", ">\n\n  folded",
          "'unterminated", '"unterminated', '"\\ud800"', '"\\x00"', '"\\U0010ffff"', '"\\e[31m"', '"\\N\\_\\L\\P"',
          "\u202eevil", "https://example.org/a b", "javascript:alert(1)", "s1", "tippea-2015", "aq", "NG", "zz-zz"]
_values = st.one_of(
    st.sampled_from(VALUES),
    st.integers(1, 3_000).map(lambda n: "[" * n + "]" * n),
    st.integers(1, 200).map(lambda n: "{a: " * n + "b" + "}" * n),
    st.integers(1, 60).map(lambda n: "".join(f"\n{'  ' * (k + 1)}k{k}:" for k in range(n)) + " v"),
    st.integers(1, 1_100).map(lambda n: "[" * n),
    st.integers(0, 2 ** 80).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.dates().map(str),
    st.text(max_size=20),
)
#: Lines of the seed that hold ``key: value`` (the value is what the "value" mutation replaces).
KEY_LINES = [i for i, line in enumerate(SEED_LINES) if re.match(r"^\s*(- )?[a-z_]+: \S", line)]
BILLION_LAUGHS = "".join(f"l{k}: &l{k} [" + ", ".join([f"*l{k - 1}" if k else "lol"] * 9) + "]\n" for k in range(9))


def _ops() -> dict[str, Callable[[st.DrawFn, str], tuple[str, str]]]:
    def pos(draw: st.DrawFn, text: str) -> int:
        return draw(st.integers(0, len(text)))

    def line_index(draw: st.DrawFn, lines: list[str]) -> int:
        return draw(st.integers(0, max(len(lines) - 1, 0)))

    def insert(draw: st.DrawFn, text: str) -> tuple[str, str]:
        at, junk = pos(draw, text), draw(st.one_of(st.sampled_from(JUNK), _values, st.text(max_size=8)))
        return text[:at] + junk + text[at:], f"insert {junk[:60]!r} at {at}"

    def delete(draw: st.DrawFn, text: str) -> tuple[str, str]:
        at, size = pos(draw, text), draw(st.integers(1, 300))
        return text[:at] + text[at + size:], f"delete {size} chars at {at}"

    def duplicate(draw: st.DrawFn, text: str) -> tuple[str, str]:
        at, size, to = pos(draw, text), draw(st.integers(1, 400)), pos(draw, text)
        return text[:to] + text[at:at + size] + text[to:], f"copy {size} chars from {at} to {to}"

    def lines_op(draw: st.DrawFn, text: str) -> tuple[str, str]:
        lines = text.splitlines(keepends=True) or [""]
        i, j = line_index(draw, lines), line_index(draw, lines)
        op = draw(st.sampled_from(["delete", "duplicate", "swap", "move", "indent", "dedent", "tab"]))
        if op == "delete":
            del lines[i]
        elif op == "duplicate":
            lines.insert(j, lines[i])
        elif op == "swap":
            lines[i], lines[j] = lines[j], lines[i]
        elif op == "move":
            lines.insert(j, lines.pop(i))
        elif op == "indent":
            lines[i] = " " * draw(st.integers(1, 9)) + lines[i]
        elif op == "dedent":
            lines[i] = lines[i].lstrip(" ")
        else:
            lines[i] = "\t" + lines[i]
        return "".join(lines), f"line {op} {i} {j}"

    def value(draw: st.DrawFn, text: str) -> tuple[str, str]:
        lines = text.splitlines(keepends=True)
        candidates = [i for i, line in enumerate(lines) if re.match(r"^\s*(- )?[a-z_]+: \S", line)]
        if not candidates:
            return insert(draw, text)
        i = draw(st.sampled_from(candidates))
        key = re.match(r"^(\s*(- )?[a-z_]+:) ", lines[i])
        assert key is not None
        new = draw(_values)
        lines[i] = f"{key.group(1)} {new}\n"
        return "".join(lines), f"line {i + 1}: {key.group(1).strip()} {new[:60]!r}"

    def alias(draw: st.DrawFn, text: str) -> tuple[str, str]:
        lines = text.splitlines(keepends=True)
        keys = [i for i, line in enumerate(lines) if re.match(r"^\s*(- )?[a-z_]+:( |$)", line)]
        if len(keys) < 2:
            return insert(draw, text)
        i, j = draw(st.sampled_from(keys)), draw(st.sampled_from(keys))
        lines[i] = re.sub(r":( |$)", r": &a\1", lines[i], count=1)
        key = re.match(r"^(\s*(- )?[a-z_]+:)", lines[j])
        assert key is not None
        use = draw(st.sampled_from(["*a", "[*a, *a]", "{x: *a}", "*a\n"]))
        lines[j] = f"{key.group(1)} {use}\n"
        return "".join(lines), f"anchor at line {i + 1}, {use!r} at line {j + 1}"

    def document(draw: st.DrawFn, text: str) -> tuple[str, str]:
        extra = draw(st.sampled_from([BILLION_LAUGHS, "---\nb: 1\n", "...\n", "--- !!set {}\n", "x: " + "[" * 40,
                                      "provisions: []\n", "schema_version: 2\n", "\n" * 5000, "#" * 70000 + "\n",
                                      "k: " + "x" * 1_000_050 + "\n"]))
        where = draw(st.sampled_from(["start", "end"]))
        directive = draw(st.sampled_from(["", "%YAML 1.1\n---\n", "%YAML 9.9\n---\n", "%TAG ! tag:x,2000:\n---\n"]))
        if where == "start":
            return directive + extra + text, f"prepend {directive!r} {extra[:40]!r}"
        return text + extra, f"append {extra[:40]!r}"

    return {"insert": insert, "delete": delete, "duplicate": duplicate, "lines": lines_op, "value": value,
            "value2": value, "alias": alias, "document": document}


TEXT_OPS = _ops()


def _byte_op(draw: st.DrawFn, data: bytes) -> tuple[bytes, str]:
    op = draw(st.sampled_from(["bom", "utf16", "crlf", "cr", "truncate", "bytes", "latin1", "nul-late"]))
    at = draw(st.integers(0, len(data)))
    if op == "bom":
        return b"\xef\xbb\xbf" + data, "utf-8 bom"
    if op == "utf16":
        return data.decode("utf-8", "surrogatepass").encode("utf-16", "surrogatepass"), "utf-16"
    if op == "crlf":
        return data.replace(b"\n", b"\r\n"), "crlf"
    if op == "cr":
        return data.replace(b"\n", b"\r"), "cr"
    if op == "truncate":
        return data[:at], f"truncate at byte {at}"
    if op == "latin1":
        return data.decode("utf-8", "surrogatepass").encode("latin-1", "replace"), "latin-1"
    if op == "nul-late":
        return data[:max(at, 9000)] + b"\x00" + data[max(at, 9000):], "nul after 8 KiB"
    junk = draw(st.binary(min_size=1, max_size=6))
    return data[:at] + junk + data[at:], f"bytes {junk!r} at {at}"


@st.composite
def statute_cases(draw: st.DrawFn) -> Case:
    """ng.yaml after one to four text mutations (and perhaps one byte mutation), through one command."""
    text, notes = SEED, []
    for _ in range(draw(st.integers(1, 4))):
        text, note = TEXT_OPS[draw(st.sampled_from(sorted(TEXT_OPS)))](draw, text)
        notes.append(note)
    data = text.encode("utf-8", "surrogatepass")
    if draw(st.integers(0, 4)) == 0:
        data, note = _byte_op(draw, data)
        notes.append(note)
    stdin = draw(st.integers(0, 5)) == 0
    name = "-" if stdin else SEED_NAME
    files: tuple[tuple[str, bytes], ...] = () if stdin else ((SEED_NAME, data),)
    command = draw(st.sampled_from(["check"] * 8 + ["validate", "compare", "diff", "explain"]))
    fmt: str | None = None
    if command == "check":
        fmt = draw(st.sampled_from(FORMATS))
        argv = ["check", name, "--no-cache", "-f", fmt]
    elif command == "validate":
        argv = ["validate", name, *draw(st.sampled_from([[], ["--strict"]]))]
    elif command == "compare":
        fmt = draw(st.sampled_from(["json", "markdown", "csv", "html"]))
        argv = ["compare", name, "--no-cache", "-f", fmt] + (["-o", "site"] if fmt == "html" else [])
        fmt = fmt if fmt == "json" else None  # compare's JSON is a comparison, checked to parse as JSON too
    elif command == "diff":
        files += (("old.yaml", SEED.encode("utf-8")),)
        argv = ["diff", "old.yaml", name, "-f", draw(st.sampled_from(["text", "json"]))]
        fmt = "json" if argv[-1] == "json" else None
    else:
        argv = ["explain", name, draw(st.sampled_from(REQUIREMENTS))]
    return Case(("--no-config", *argv), files=files, stdin=data if stdin else None, what="; ".join(notes),
                statute="<stdin>" if stdin else SEED_NAME, stdout_format=fmt)


# --- options ------------------------------------------------------------------------------------------

#: Argument text a shell can pass (no NUL); invalid UTF-8 in argv arrives as surrogate escapes.
_arg_text = st.text(st.characters(exclude_characters="\x00"), max_size=12) | st.sampled_from(
    ["\udcff", "\udc80x", "-", "--", "", " ", "\n", "\x1b[31m", "../x", "é", "%s", "{0}"])


def _mostly(*valid: str) -> st.SearchStrategy[str]:
    """One of ``valid`` three times in four, else any argument text."""
    pool = st.sampled_from(valid)
    return st.one_of(pool, pool, pool, _arg_text)


DATES = st.one_of(
    st.dates().map(str),
    st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2030, 12, 31)).map(str),
    st.sampled_from(["2024-13-45", "2024-02-30", "2023-02-29", "2024-02-29", "0000-00-00", "0001-01-01",
                     "9999-12-31", "10000-01-01", "+2024-01-01", "20240101", "2024-W01-1", "2024-001", "2024-1-1",
                     " 2024-01-01", "2024-01-01\n", "2024-01-01T00:00", "٢٠٢٤-٠١-٠١", "today", "yesterday", ""]),
    _arg_text,
)


@st.composite
def option_cases(draw: st.DrawFn) -> Case:
    """``check ng.yaml`` (or stdin) under random options, root options and environment variables."""
    files: list[tuple[str, bytes]] = [(SEED_NAME, SEED.encode("utf-8"))]
    stdin = draw(st.integers(0, 6)) == 0
    options: list[list[str]] = []
    fmt: str | None = "text"
    env: dict[str, str] = {}
    for _ in range(draw(st.integers(0, 6))):
        kind = draw(st.sampled_from(["format", "format", "as-of", "as-of", "standard", "standard", "fail-under",
                                     "fail-on", "area", "requirement", "flag", "waivers", "baseline", "output",
                                     "also", "jobs", "rules", "bogus", "env"]))
        if kind == "format":
            value = draw(_mostly(*FORMATS))
            options.append([draw(st.sampled_from(["-f", "--format"])), value])
            fmt = value
        elif kind == "as-of":
            options.append(["--as-of", draw(DATES)])
        elif kind == "standard":
            options.append([draw(st.sampled_from(["-s", "--standard"])), draw(_mostly(*PROFILES))])
        elif kind == "fail-under":
            options.append(["--fail-under", draw(st.one_of(st.integers(-5, 120).map(str), st.sampled_from(
                ["50.5", "nan", "inf", "1e400", "9" * 5000, "0x10", "-0"]), _arg_text))])
        elif kind == "fail-on":
            options.append(["--fail-on", draw(_mostly("missing", "partial", "met", "MISSING"))])
        elif kind == "area":
            options.append(["--fail-on-area", draw(_mostly(*AREAS))])
        elif kind == "requirement":
            options.append(["--fail-on-requirement", draw(_mostly(*REQUIREMENTS))])
        elif kind == "flag":
            options.append([draw(st.sampled_from(["--exit-zero", "--no-waivers", "--mkdir", "-h"]))])
        elif kind == "waivers":
            content = draw(st.sampled_from([
                b"waivers:\n  - jurisdiction: ng\n    requirement: " + draw(st.sampled_from(REQUIREMENTS)).encode()
                + b"\n    justification: under review\n    reviewer: A. Analyst\n    expires: "
                + draw(DATES.filter(lambda d: "\n" not in d)).encode("utf-8", "surrogatepass") + b"\n",
                b"waivers: []\n", b"waivers:\n  - {}\n", b"[]\n", b"", b"\xff\xfe", SEED.encode()]))
            files.append(("waivers.yaml", content))
            options.append(["--waivers", draw(st.sampled_from(["waivers.yaml", "missing.yaml", ".", SEED_NAME]))])
        elif kind == "baseline":
            real = (ROOT / ".compliance-baseline.json").read_bytes()
            content = draw(st.sampled_from([real, real[: len(real) // 2], b"{}", b"[]", b"null", b"\xff",
                                            b'{"schema_version": 9}', SEED.encode(),
                                            real.replace(b'"score": 0', b'"score": 1e400')]))
            files.append(("baseline.json", content))
            options.append(["--baseline", draw(st.sampled_from(["baseline.json", "missing.json", ".", SEED_NAME]))])
        elif kind == "output":
            options.append(["-o", draw(st.sampled_from(["out.txt", "sub/out.txt", ".", SEED_NAME, "waivers.yaml",
                                                        "out\nname.txt", "\udcff.txt"]))])
            fmt = None
        elif kind == "also":
            also = draw(st.sampled_from(FORMATS))
            options.append([f"--output-{also}", draw(st.sampled_from([f"also.{also}", "sub/also.x", ".", SEED_NAME]))])
        elif kind == "jobs":
            options.append(["-j", draw(st.sampled_from(["1", "2", "0", "-1", "x", "999999999999"]))])
        elif kind == "rules":
            options.append(["--rules", draw(st.sampled_from([".", "missing", SEED_NAME, str(ROOT / "rules")]))])
        elif kind == "bogus":
            options.append([draw(st.sampled_from(["--bogus", "-x", "--as-of", "--format", "--", "-", "extra.yaml"]))])
        else:
            name = draw(st.sampled_from(["COMPLIANCE_AS_OF", "COMPLIANCE_FORMAT", "COMPLIANCE_STANDARD",
                                         "COMPLIANCE_FAIL_UNDER", "COMPLIANCE_MAX_DEPTH", "COMPLIANCE_MAX_NODES",
                                         "COMPLIANCE_MAX_STRING_CHARS", "COMPLIANCE_MAX_FILE_BYTES",
                                         "COMPLIANCE_MAX_ALIASES", "COMPLIANCE_NO_CACHE", "COMPLIANCE_JOBS",
                                         "NO_COLOR", "FORCE_COLOR", "TERM", "COLUMNS", "GITHUB_ACTIONS",
                                         "GITHUB_STEP_SUMMARY"]))
            value = draw(st.one_of(st.sampled_from(["1", "0", "12", "200", "true", "dumb", "2024-13-45", "json",
                                                    "sarif", "un", "summary.md", "sub/summary.md", "."]),
                                   _arg_text.filter(lambda v: "\x00" not in v)))
            env[name] = value
            if name == "COMPLIANCE_FORMAT" and not any(o[0] in ("-f", "--format") for o in options):
                fmt = None  # the effective format is not tracked through the environment
    order = draw(st.permutations(range(len(options))))
    flat = [arg for k in order for arg in options[k]]
    root = draw(st.lists(st.sampled_from(["-q", "-v", "--quiet", "--verbose"]), max_size=2, unique=True))
    last_format = [options[k] for k in order if options[k][0] in ("-f", "--format") and len(options[k]) == 2]
    if last_format:
        fmt = last_format[-1][1] if not any(o[0] == "-o" for o in options) else None
    if any(o[0] in ("-h", "--bogus", "-x", "--", "extra.yaml") for o in options):
        fmt = None
    argv = ["--no-config", *root, "check", "-" if stdin else SEED_NAME, "--no-cache", *flat]
    return Case(tuple(argv), files=tuple(files), stdin=SEED.encode() if stdin else None,
                env=tuple(sorted(env.items())), statute="<stdin>" if stdin else SEED_NAME,
                stdout_format=fmt if fmt in PARSED else None, what="options")


# --- running one case, and the property --------------------------------------------------------------


#: Every COMPLIANCE_* variable of the environment the tests run in is removed (except the cache folder,
#: which conftest points at a temporary one), so that the case alone decides the run.
_CLEAN_ENV: dict[str, str | None] = {k: None for k in os.environ if k.startswith(("COMPLIANCE_", "GITHUB_"))
                                     and k != "COMPLIANCE_CACHE_DIR"} | {"NO_COLOR": None, "FORCE_COLOR": None}

STATS: Counter[str] = Counter()
_POSITIONED = re.compile(r"(?P<line>\d+):(?P<column>\d+): \S")


def problems(case: Case, exit_code: int, exception: BaseException | None, stdout: str, stderr: str) -> list[str]:
    """What is wrong with the outcome of ``case`` (nothing, for a run that keeps every promise)."""
    found = []
    if exception is not None and not isinstance(exception, SystemExit):
        trace = "".join(traceback.format_exception(exception))
        return [f"uncaught {type(exception).__name__} (exit 3 from the real command):\n{trace}"]
    if exit_code not in (0, 1, 2):
        found.append(f"exit code {exit_code}")
    if "Traceback (most recent call last)" in stderr or "internal error" in stderr:
        found.append("a traceback or an internal error on stderr")
    if exit_code == 2 and not stderr.strip():
        found.append("exit 2 with nothing on stderr")
    # A line about a statute file starts with its name; one that names it in passing (an option given
    # the file, such as "-o ng.yaml", refused as an input file) is about the option and has no position.
    names = {case.statute} | {name for name, _ in case.files if name.endswith(".yaml") and name != "waivers.yaml"}
    for line in stderr.splitlines():
        if line[:1] in (" ", "\t"):
            continue  # a context line (the offending source line, a caret)
        for name in names:
            if not line.startswith(f"{name}:"):
                continue
            match = _POSITIONED.match(line, len(name) + 1)
            if match is None:
                found.append(f"an error line about {name} without line:column: {line!r}")
                continue
            found += _outside(case.content(name), int(match["line"]), int(match["column"]), line)
    if exit_code in (0, 1) and case.stdout_format in PARSED and stdout.strip():
        try:
            if PARSED[str(case.stdout_format)] == "json":
                json.loads(stdout)
            else:
                ET.fromstring(stdout.encode("utf-8"))
        except (ValueError, ET.ParseError) as exc:
            found.append(f"{case.stdout_format} output does not parse: {exc}")
    return found


def _outside(data: bytes, line: int, column: int, message: str) -> list[str]:
    """A problem if (line, column) is not in the file (one past the end of a line or the file counts)."""
    text = data.decode("utf-8", "replace").removeprefix("\ufeff")
    lines = text.splitlines() or [""]
    raw_lines = data.splitlines() or [b""]
    if not 1 <= line <= max(len(lines), len(raw_lines)) + 1:
        return [f"line {line} is outside the file of {len(lines)} lines: {message!r}"]
    width = max(len(lines[line - 1]) if line <= len(lines) else 0,
                len(raw_lines[line - 1]) if line <= len(raw_lines) else 0)
    if not 1 <= column <= width + 2:
        return [f"column {column} is outside line {line} ({width} characters): {message!r}"]
    return []


def run(case: Case, target: str = "") -> None:
    """Run ``case`` in a fresh working directory and assert the property; keep a reproducer if it fails."""
    with tempfile.TemporaryDirectory(prefix="compliance-fuzz-") as tmp, contextlib.chdir(tmp):
        for name, data in case.files:
            (Path(tmp) / name).write_bytes(data)
        env = {**_CLEAN_ENV, **{k: v.replace("summary.md", str(Path(tmp) / "summary.md")) for k, v in case.env}}
        result = CliRunner().invoke(app, list(case.argv), input=case.stdin, env=env)
        stdout = result.stdout_bytes.decode("utf-8", "replace")
        stderr = result.stderr_bytes.decode("utf-8", "replace")
        found = problems(case, result.exit_code, result.exception, stdout, stderr)
        STATS[f"{target} exit {result.exit_code}" if not found else f"{target} failed"] += 1
        if found:
            if _final():
                _keep(case, tmp)
            pytest.fail("\n".join([*found, f"reproduce: cd {REPRO} && {_command(case)}",
                                   f"stderr: {stderr[:3000]}"]), pytrace=False)


def _final() -> bool:
    """Whether hypothesis is replaying the shrunk example (the one it reports) rather than exploring."""
    from hypothesis.control import _current_build_context

    context = _current_build_context.value
    return context is None or bool(getattr(context, "is_final", True))


def _command(case: Case) -> str:
    env = " ".join(f"{k}={shlex.quote(v)}" for k, v in case.env)
    line = f"{env} compliance {shlex.join(case.argv)}".strip()
    return line + (" < stdin.yaml" if case.stdin is not None else "")


def _keep(case: Case, tmp: str) -> None:
    """Copy the files of the failing case that hypothesis reports to :data:`REPRO`."""
    shutil.rmtree(REPRO, ignore_errors=True)
    shutil.copytree(tmp, REPRO, ignore=shutil.ignore_patterns("site"))
    if case.stdin is not None:
        (REPRO / "stdin.yaml").write_bytes(case.stdin)
    (REPRO / "command.sh").write_text(_command(case) + "\n", encoding="utf-8", errors="surrogateescape")


def fuzz(target: str, strategy: st.SearchStrategy[Case]) -> None:
    """Run ``target`` for its CI examples, or in the long mode for its share of the minutes."""

    def search(examples: int) -> Callable[[], None]:
        @settings(SETTINGS, max_examples=examples,
                  phases=[Phase.explicit, Phase.reuse, Phase.generate, Phase.target, Phase.shrink])
        @given(strategy)
        def one(case: Case) -> None:
            STATS[f"{target} examples"] += 1
            run(case, target)

        return one

    if not LONG:
        search(CI_EXAMPLES[target])()
        return
    started = time.monotonic()
    end = started + MINUTES * 60 * SHARE[target]
    rounds = 0
    try:
        while time.monotonic() < end:
            seed(BASE_SEED + rounds)(search(CHUNK))()
            rounds += 1
    finally:
        outcomes = ", ".join(f"{k.split(' ', 1)[1]}: {v}" for k, v in sorted(STATS.items())
                             if k.startswith(f"{target} ") and k != f"{target} examples")
        seeds = f"{BASE_SEED}..{BASE_SEED + max(rounds - 1, 0)}"
        print(f"\n[fuzz {target}] {STATS[f'{target} examples']} examples in {rounds} rounds of {CHUNK}, "
              f"{(time.monotonic() - started) / 60:.1f} min, seeds {seeds}: {outcomes}")


# --- the targets ---------------------------------------------------------------------------------------


def test_generated_and_mutated_norms_never_crash_the_cli() -> None:
    """Norm texts from the grammar, mutated, in every YAML scalar style, through every format."""
    fuzz("norms", norm_cases())


def test_mutated_statute_files_never_crash_any_command() -> None:
    """ng.yaml mutated as text and bytes, from a file or stdin, through check, validate, compare, diff, explain."""
    fuzz("statutes", statute_cases())


def test_random_options_never_crash_check() -> None:
    """check under random --as-of, --standard, -f, thresholds, waivers, baselines, outputs and environment."""
    fuzz("options", option_cases())


# --- the generators themselves: a fuzzer that only makes YAML errors tests nothing ---------------------


@settings(max_examples=150, deadline=None)
@given(grammar_tokens())
def test_unmutated_generated_norms_are_always_grammatical(tokens: list[str]) -> None:
    """Every norm the generator builds before mutation parses, terms and roles included (so the mutations,
    not the generator, are what breaks a norm)."""
    from compliance.errors import NormSyntaxError
    from compliance.norms import parse_norm

    try:
        parse_norm(" ".join(tokens), VOCAB.with_local({t: "condition" for t in LOCAL_TERMS}))
    except NormSyntaxError as exc:
        if "number too large" not in str(exc):  # more than 308 digits: drawn on purpose, refused on purpose
            raise AssertionError(f"{' '.join(tokens)!r}: {exc}") from None


def test_the_seed_file_is_valid_and_every_norm_block_was_found() -> None:
    """The mutations start from a file that passes, and the norm blocks they replace are all of its norms."""
    result = CliRunner().invoke(app, ["--no-config", "check", str(ROOT / "legislation" / SEED_NAME), "--no-cache",
                                      "-f", "json"])
    assert result.exit_code == 0, result.stderr
    norms = sum(len(p.get("norms", [])) for p in yaml.safe_load(SEED)["provisions"])
    items = sum(1 for start, end in NORM_BLOCKS for line in SEED_LINES[start:end] if line.startswith("      - "))
    assert len(NORM_BLOCKS) >= 3 and items == norms


@pytest.mark.parametrize("style", sorted(set(STYLES)))
def test_every_embedding_style_carries_a_valid_norm_to_a_verdict(style: str) -> None:
    """A valid norm embedded in each scalar style gives a verdict (exit 0), so the styles reach the parser."""
    norm = "state SHALL provide assistance[medical] TO victim IF reasonable_grounds"
    start, end = NORM_BLOCKS[0]
    lines = [*SEED_LINES[:start], yaml_scalar(norm, style, 6), *SEED_LINES[end:]]
    case = Case(("--no-config", "check", SEED_NAME, "--no-cache", "-f", "json"),
                files=((SEED_NAME, "".join(lines).encode()),), stdout_format="json")
    with tempfile.TemporaryDirectory() as tmp, contextlib.chdir(tmp):
        Path(SEED_NAME).write_bytes(case.files[0][1])
        result = CliRunner().invoke(app, list(case.argv))
    assert result.exit_code == 0, result.stderr
    assert problems(case, result.exit_code, result.exception, result.stdout, result.stderr) == []


def test_the_oracle_catches_a_crash_an_unpositioned_error_and_a_position_outside_the_file() -> None:
    """The property fails for the outcomes it exists to catch."""
    case = Case(("check", SEED_NAME), files=((SEED_NAME, b"a: b\nc: d\n"),))
    assert problems(case, 1, RecursionError("deep"), "", "")[0].startswith("uncaught RecursionError")
    assert problems(case, 3, None, "", "internal error: x") != []
    assert problems(case, 2, None, "", "") == ["exit 2 with nothing on stderr"]
    assert problems(case, 2, None, "", f"{SEED_NAME}: bad\n") != []
    assert problems(case, 2, None, "", f"{SEED_NAME}:9:1: bad\n") != []
    assert problems(case, 2, None, "", f"{SEED_NAME}:2:9: bad\n") != []
    assert problems(case, 2, None, "", f"{SEED_NAME}:2:5: bad\n    c: d\n        ^\n") == []
    assert problems(Case(("check",), stdout_format="junit"), 0, None, "<a>\x01</a>", "") != []


def test_the_long_mode_is_documented() -> None:
    page = (Path(__file__).parent / "README.md").read_text(encoding="utf-8")
    assert "COMPLIANCE_FUZZ_MINUTES" in page and "test_fuzz.py" in page


# --- regressions: crashes and positions this fuzz target found -------------------------------------------


def _with_norms(*items: str) -> bytes:
    """The seed file with its first provision's norms replaced by ``items`` (YAML list items, as written)."""
    start, end = NORM_BLOCKS[0]
    return "".join([*SEED_LINES[:start], *items, *SEED_LINES[end:]]).encode("utf-8")


def _run_seed(data: bytes, *args: str) -> tuple[Case, Any]:
    case = Case(("--no-config", "check", SEED_NAME, "--no-cache", *args), files=((SEED_NAME, data),))
    with tempfile.TemporaryDirectory() as tmp, contextlib.chdir(tmp):
        Path(SEED_NAME).write_bytes(data)
        result = CliRunner().invoke(app, list(case.argv))
    assert problems(case, result.exit_code, result.exception, result.stdout, result.stderr) == []
    return case, result


@pytest.mark.parametrize("norm", ["state SHALL grant recovery_period TO presumed_victim FOR AT LEAST {} days",
                                  "court SHALL NOT convict victim OF offence IF age < {} years"])
@pytest.mark.parametrize("fmt", ["text", "json", "sarif"])
def test_a_number_of_more_than_308_digits_is_a_positioned_error_not_a_crash(norm: str, fmt: str) -> None:
    """It was a float of infinity, and rendering it raised OverflowError (exit 3); 308 digits still count."""
    big = norm.format("1" + "0" * 309)
    _, result = _run_seed(_with_norms(f'      - "{big}"\n'), "-f", fmt)
    assert result.exit_code == 2, result.output
    column = big.index("1000") + 10  # the list item's quote is at column 9, the text starts at 10
    assert result.stderr.startswith(f"{SEED_NAME}:{NORM_BLOCKS[0][0] + 1}:{column}: number too large"), result.stderr
    _, result = _run_seed(_with_norms(f'      - "{norm.format("1" + "0" * 307)}"\n'), "-f", fmt)
    assert result.exit_code == 0, result.stderr


@pytest.mark.parametrize("item", [
    "      - >\n        state SHALL provide assistance TO victim IF\n        reasonable_grounds AND (\n",
    "      - >\n\n        state SHALL provide assistance TO victim IF\n        reasonable_grounds AND (\n",
    "      - 'state SHALL provide assistance TO victim IF\n        reasonable_grounds AND ('\n",
    '      - "state SHALL provide assistance TO victim IF\n        reasonable_grounds AND ("\n',
    "      - state SHALL provide assistance TO victim IF\n        reasonable_grounds AND (\n",
    '      - "state SHALL provide assistance TO victim IF \\\n        reasonable_grounds AND ("\n',
], ids=["folded", "folded-after-a-blank-line", "single-quoted", "double-quoted", "plain", "escaped-line-break"])
def test_an_error_in_a_norm_folded_over_several_lines_points_inside_the_file(item: str) -> None:
    """YAML folds these scalars into one line; the error was put at that line's column on the first file line,
    past its end (e.g. ng.yaml:232:106 on a 77-character line). It now points at the start of the value."""
    case, result = _run_seed(_with_norms(item))
    assert result.exit_code == 2 and ("unclosed parenthesis" in result.stderr or "end of norm" in result.stderr)
    first = result.stderr.splitlines()[0]
    line, column = (int(n) for n in first.split(":")[1:3])
    assert _outside(case.files[0][1], line, column, first) == []
    assert NORM_BLOCKS[0][0] + 1 <= line <= NORM_BLOCKS[0][0] + 3, first


def test_a_position_on_one_line_of_a_folded_norm_is_still_exact() -> None:
    """The fallback is only for positions the mapping cannot place: the first line of a folded norm maps exactly."""
    from compliance.loader import parse_yaml

    doc = parse_yaml(b"a:\n  - >\n    court SHALL\n    convict victim\n  - 'court MAY\n    x'\n", "f.yaml")
    assert (doc.scalar_span(("a", 0), 1, 7).line, doc.scalar_span(("a", 0), 1, 7).column) == (3, 11)
    assert (doc.scalar_span(("a", 0), 1, 14).line, doc.scalar_span(("a", 0), 1, 14).column) == (3, 5)
    assert (doc.scalar_span(("a", 1), 1, 7).line, doc.scalar_span(("a", 1), 1, 7).column) == (5, 5)


def test_more_jobs_than_files_is_not_a_crash() -> None:
    """-j 999999999999 on one file tried to make a pool that size (OverflowError in SemLock, exit 3)."""
    from compliance.runner import Job, plan_jobs

    _, result = _run_seed(SEED.encode("utf-8"), "-j", "999999999999", "-f", "json")
    assert result.exit_code == 0, result.stderr
    jobs = [Job(i, Path(f"{i}.yaml"), None, 1_000_000, None) for i in range(3)]
    assert plan_jobs(jobs[:1], 10**12) == 1 and plan_jobs(jobs, 10**12) == 3 and plan_jobs(jobs, 2) == 2
