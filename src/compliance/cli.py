"""The command-line interface: a thin typer layer over :mod:`compliance.api`.

Exit codes: 0 success; 1 a score below ``--fail-under``; 2 invalid input or usage; 3 internal error.
Reports go to stdout (or ``--output``); errors and notes go to stderr, one line each.
Heavy modules are imported inside commands so that ``--help`` stays fast.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer

if TYPE_CHECKING:
    from compliance.model.results import Report
    from compliance.model.rules import RuleSet

EXIT_OK, EXIT_BELOW_THRESHOLD, EXIT_INPUT, EXIT_INTERNAL = 0, 1, 2, 3

app = typer.Typer(
    name="compliance",
    help="Check anti-trafficking legislation against international victim-protection standards.\n\n"
    "Exit codes: 0 success; 1 a score below --fail-under; 2 invalid input or usage; 3 internal error.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


class Format(StrEnum):
    """Output formats of ``check``."""

    text = "text"
    json = "json"
    markdown = "markdown"
    html = "html"
    csv = "csv"


class ListFormat(StrEnum):
    """Output formats of ``rules``."""

    text = "text"
    json = "json"
    markdown = "markdown"


class InputError(Exception):
    """A usage problem that is not tied to a position in a file."""


def _fail(lines: list[str], code: int = EXIT_INPUT) -> NoReturn:
    for line in lines:
        typer.echo(line, err=True)
    raise typer.Exit(code)


def _errors_of(exc: Exception) -> list[str]:
    from compliance.errors import ComplianceError, ErrorList

    if isinstance(exc, ErrorList):
        return [e.display() for e in exc.errors]
    if isinstance(exc, ComplianceError):
        return [exc.display()]
    return [f"error: {exc}"]


@contextmanager
def _input_errors() -> Iterator[None]:
    """Turn input errors (positioned or not) into lines on stderr and exit code 2."""
    from compliance.errors import ComplianceError, ErrorList

    try:
        yield
    except (ComplianceError, ErrorList) as exc:
        _fail(_errors_of(exc))
    except InputError as exc:
        _fail([f"error: {exc}"])


def _load_rules(rules_dir: Path | None) -> RuleSet:
    from compliance import api

    with _input_errors():
        return api.load_rules(rules_dir)


def _parse_date(value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise InputError(f"--as-of: invalid date {value!r}: use YYYY-MM-DD") from None


def _write(output: Path, text: str, inputs: list[Path]) -> None:
    target = output.resolve()
    if any(target == p.resolve() for p in inputs):
        raise InputError(f"--output {output} is one of the input files; refusing to overwrite it")
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


RulesOpt = Annotated[Path | None, typer.Option("--rules", help="Rule set folder (default: the bundled rules).")]
StandardOpt = Annotated[str | None, typer.Option(
    "--standard", "-s", help="Instruments to check against: a profile of rules/profiles.yaml (e.g. all, un, coe).")]


@app.command()
def check(
    files: Annotated[list[Path] | None, typer.Argument(
        help="Statute files or folders (default: the bundled legislation).", show_default=False)] = None,
    fmt: Annotated[Format, typer.Option("--format", "-f", help="Output format.")] = Format.text,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write the report here.")] = None,
    fail_under: Annotated[int | None, typer.Option(
        "--fail-under", min=0, max=100, help="Exit 1 if any overall score is below N.")] = None,
    as_of: Annotated[str | None, typer.Option(
        "--as-of", help="Evaluate the law in force on this date (YYYY-MM-DD; default today).")] = None,
    standard: StandardOpt = None,
    rules_dir: RulesOpt = None,
) -> None:
    """Score statutes against the rule set and report what is met, partly met or missing."""
    from compliance.render import render

    with _input_errors():
        _, paths, reports = _check_all(files, as_of, standard, rules_dir)
        text = render(reports, fmt.value)
        if output is not None:
            _write(output, text, paths)
            typer.echo(f"wrote {output}", err=True)
        else:
            typer.echo(text, nl=False)
    if fail_under is not None:
        low = [r for r in reports if r.score < fail_under]
        for r in low:
            typer.echo(f"{r.file}: score {r.score} is below --fail-under {fail_under}", err=True)
        if low:
            raise typer.Exit(EXIT_BELOW_THRESHOLD)


def _check_all(files: list[Path] | None, as_of: str | None, standard: str | None,
               rules_dir: Path | None) -> tuple[RuleSet, list[Path], list[Report]]:
    """Shared by check and compare: load the rules, expand the inputs (default: bundled), check each."""
    from compliance import api

    day = _parse_date(as_of)
    rules = _load_rules(rules_dir)
    api.profile_instruments(rules, standard)
    paths = api.expand_paths(files) if files else api.bundled_legislation()
    if not files:
        typer.echo(f"checking the bundled legislation ({len(paths)} files)", err=True)
    names = {} if files else {p: api.display_name(p) for p in paths}
    return rules, paths, api.check_many(paths, rules, day, standard, names)


@contextmanager
def _collect(errors: list[str]) -> Iterator[None]:
    """Add the input errors of one file to ``errors`` and carry on with the next file."""
    from compliance.errors import ComplianceError, ErrorList

    try:
        yield
    except (ComplianceError, ErrorList) as exc:
        errors += _errors_of(exc)


class CompareFormat(StrEnum):
    """Output formats of ``compare``."""

    html = "html"
    markdown = "markdown"
    csv = "csv"
    json = "json"


@app.command()
def compare(
    files: Annotated[list[Path] | None, typer.Argument(
        help="Statute files or folders (default: the bundled legislation).", show_default=False)] = None,
    fmt: Annotated[CompareFormat, typer.Option("--format", "-f", help="Output format.")] = CompareFormat.html,
    output: Annotated[Path | None, typer.Option(
        "--output", "-o", help="html: the folder to write (default ./reports); other formats: a file.")] = None,
    as_of: Annotated[str | None, typer.Option(
        "--as-of", help="Compare the law in force on this date (YYYY-MM-DD; default today).")] = None,
    standard: StandardOpt = None,
    rules_dir: RulesOpt = None,
) -> None:
    """Compare jurisdictions: ranking, matrix of requirements, charts; HTML writes a folder of pages."""
    import json

    from compliance import api
    from compliance.render import render
    from compliance.render.html import render_comparison_html, render_comparison_markdown, render_html

    with _input_errors():
        rules, paths, reports = _check_all(files, as_of, standard, rules_dir)
        comparison = api.compare(reports, rules)
        if fmt is not CompareFormat.html:
            text = {
                CompareFormat.markdown: lambda: render_comparison_markdown(comparison),
                CompareFormat.csv: lambda: render(reports, "csv"),
                CompareFormat.json: lambda: json.dumps(comparison.model_dump(mode="json"), indent=2,
                                                       ensure_ascii=False) + "\n",
            }[fmt]()
            if output is None:
                typer.echo(text, nl=False)
            else:
                _write(output, text, paths)
                typer.echo(f"wrote {output}", err=True)
            return
        folder = output or Path("reports")
        if folder.exists() and not folder.is_dir():
            raise InputError(f"--output {folder} is a file; the HTML comparison is a folder of pages")
        links = _page_names([r.jurisdiction.code for r in reports])
        for report, page in zip(reports, links.values(), strict=True):
            _write(folder / page, render_html([report], back="index.html"), paths)
        _write(folder / "comparison.csv", render(reports, "csv"), paths)
        by_code = dict(zip([r.jurisdiction.code for r in reports], links.values(), strict=True))
        _write(folder / "index.html", render_comparison_html(comparison, by_code, "comparison.csv"), paths)
        typer.echo(f"wrote {folder / 'index.html'} ({len(reports)} jurisdiction pages, comparison.csv)", err=True)


def _page_names(codes: list[str]) -> dict[int, str]:
    """One page name per report: ``<code>.html``, numbered if two reports share a code."""
    names: dict[int, str] = {}
    for index, code in enumerate(codes):
        name = f"{code}.html" if codes.count(code) == 1 else f"{code}-{codes[:index + 1].count(code)}.html"
        names[index] = name
    return names


class DiffFormat(StrEnum):
    """Output formats of ``diff``."""

    text = "text"
    json = "json"


@app.command()
def diff(
    old: Annotated[Path, typer.Argument(help="The earlier statute file (or the only one, with two dates).")],
    new: Annotated[Path | None, typer.Argument(help="The later statute file.", show_default=False)] = None,
    old_as_of: Annotated[str | None, typer.Option("--old-as-of", help="Date for OLD (YYYY-MM-DD).")] = None,
    new_as_of: Annotated[str | None, typer.Option("--new-as-of", help="Date for NEW (YYYY-MM-DD).")] = None,
    fmt: Annotated[DiffFormat, typer.Option("--format", "-f", help="Output format.")] = DiffFormat.text,
    fail_on_regression: Annotated[bool, typer.Option(
        "--fail-on-regression", help="Exit 1 if any requirement's score went down.")] = False,
    standard: StandardOpt = None,
    rules_dir: RulesOpt = None,
) -> None:
    """Show which requirements changed status or score between two statute files, or one file at two dates."""
    from compliance import api
    from compliance.render.diff import render_diff_json, render_diff_text

    with _input_errors():
        if new is None and not (old_as_of and new_as_of):
            raise InputError("give two files, or one file with --old-as-of and --new-as-of")
        rules = _load_rules(rules_dir)
        api.profile_instruments(rules, standard)
        before = api.check(api.load_statute(old, rules), rules, _parse_date(old_as_of), standard=standard)
        after = api.check(api.load_statute(new or old, rules), rules, _parse_date(new_as_of), standard=standard)
        result = api.diff(before, after)
    typer.echo(render_diff_json(result) if fmt is DiffFormat.json else render_diff_text(result), nl=False)
    if fail_on_regression and any(c.change == "regressed" for c in result.changes):
        raise typer.Exit(EXIT_BELOW_THRESHOLD)


@app.command()
def validate(
    paths: Annotated[list[Path], typer.Argument(help="Statute or rule files, or folders of them.")],
    strict: Annotated[bool, typer.Option(
        "--strict", help="Curated-corpus checks too: retrieval dates, ISO codes, treaty dates, no unencoded "
                         "provision about victims.")] = False,
    rules_dir: RulesOpt = None,
) -> None:
    """Check the schema, grammar and vocabulary of statute and rule files, without scoring."""
    from compliance import api
    from compliance.loader import load_yaml
    from compliance.model.rules import InstrumentsFile, Scoring
    from compliance.registry import check_rule_file
    from compliance.validate import validate_document

    rules = _load_rules(rules_dir)
    errors: list[str] = []
    count = 0
    with _input_errors():
        for path in paths:
            if path.is_dir() and (path / "instruments.yaml").is_file():
                with _collect(errors):
                    count += len(api.load_rules(path).requirements)
                continue
            for file in api.expand_paths([path]):
                count += 1
                with _collect(errors):
                    doc = load_yaml(file)
                    if "requirements" in doc.data:
                        check_rule_file(doc, rules)
                    elif "rules_version" in doc.data:
                        validate_document(doc, InstrumentsFile)
                    elif "method" in doc.data and "areas" in doc.data:
                        validate_document(doc, Scoring)
                    else:
                        api.load_statute(file, rules, strict=strict)
    if errors:
        _fail(errors)
    typer.echo(f"ok: {count} checked, no problems", err=True)


@app.command("rules")
def list_rules(
    fmt: Annotated[ListFormat, typer.Option("--format", "-f", help="Output format.")] = ListFormat.text,
    rules_dir: RulesOpt = None,
) -> None:
    """List the requirements of the rule set (markdown: the catalogue page docs/rules.md)."""
    from compliance.render.catalogue import catalogue_json, catalogue_markdown

    rules = _load_rules(rules_dir)
    if fmt is ListFormat.json:
        typer.echo(catalogue_json(rules), nl=False)
        return
    if fmt is ListFormat.markdown:
        typer.echo(catalogue_markdown(rules), nl=False)
        return
    typer.echo(f"rule set {rules.version}: {len(rules.requirements)} requirements")
    for r in rules.requirements:
        cites = "; ".join(s.cite(rules.instruments[s.instrument].name) for s in r.sources())
        typer.echo(f"{r.id:<18} {r.area:<15} {cites}: {r.title}")


@app.command()
def explain(
    target: Annotated[str, typer.Argument(help="A requirement id, or a statute file followed by a requirement id.")],
    rule_id: Annotated[str | None, typer.Argument(help="With a statute file: the requirement id.",
                                                  show_default=False)] = None,
    as_of: Annotated[str | None, typer.Option(
        "--as-of", help="With a statute file: law in force on this date.")] = None,
    standard: StandardOpt = None,
    rules_dir: RulesOpt = None,
) -> None:
    """Explain a requirement, or (with a statute file) how its verdict for that jurisdiction was reached."""
    from compliance import api
    from compliance.render.explain import explain_result, explain_rule

    rules = _load_rules(rules_dir)
    wanted = rule_id or target
    req = rules.requirement(wanted)
    if req is None:
        _fail([f"error: no such rule {wanted!r}{_suggest(wanted, [r.id for r in rules.requirements])}"])
    if rule_id is None:
        typer.echo(explain_rule(req, rules), nl=False)
        return
    with _input_errors():
        statute = api.load_statute(target, rules)
        report = api.check(statute, rules, _parse_date(as_of), select=[req.id], standard=standard)
    if not report.requirements:
        _fail([f"error: {req.id} is not part of standard {report.standard!r}"])
    texts = {p.provision.id: (p.provision.text_status, p.provision.text) for p in statute.provisions}
    typer.echo(explain_result(report, report.requirements[0], texts), nl=False)


def _suggest(wanted: str, ids: list[str]) -> str:
    import difflib

    prefixes = sorted((i for i in ids if wanted.startswith(i)), key=len, reverse=True)
    close = prefixes[:1] or difflib.get_close_matches(wanted, ids, n=1)
    return f"; did you mean {close[0]!r}?" if close else " (see 'compliance rules')"


@app.command()
def corpus(
    as_of: Annotated[str, typer.Option("--as-of", help="Score the law in force on this date (YYYY-MM-DD).")],
    rules_dir: RulesOpt = None,
) -> None:
    """Print the corpus catalogue (docs/corpus.md): provenance figures and scores of the bundled legislation."""
    from compliance import api
    from compliance.render.corpus import corpus_markdown

    with _input_errors():
        day = _parse_date(as_of) or dt.date.today()
        rules = _load_rules(rules_dir)
        paths = api.bundled_legislation()
        entries = api.corpus(paths, rules, day, {p: api.display_name(p) for p in paths})
    typer.echo(corpus_markdown(entries, day.isoformat(), rules.version), nl=False)


import_app = typer.Typer(help="Import statutes from other formats as statute-file skeletons.", no_args_is_help=True)
app.add_typer(import_app, name="import")


@import_app.command("akn")
def import_akn(
    source: Annotated[Path, typer.Argument(help="An Akoma Ntoso (LegalDocML) XML file.")],
    output: Annotated[Path | None, typer.Option("--output", "-o", help="The statute file to write.")] = None,
    update: Annotated[Path | None, typer.Option(
        "--update", help="An existing statute file: keep its norms and notes, refresh texts and headings.")] = None,
    force: Annotated[bool, typer.Option("--force", help="Allow overwriting an existing output file.")] = False,
) -> None:
    """Turn an Akoma Ntoso act into a statute-file skeleton (one provision per section; norms to write)."""
    from compliance import akn
    from compliance.loader import load_yaml

    with _input_errors():
        try:
            xml = source.read_bytes()
        except OSError as exc:
            raise InputError(f"{source}: {exc.strerror}") from None
        data = akn.parse_akn(xml, str(source))
        if update is not None:
            data, notes = akn.merge(load_yaml(update).data, data)
            for note in notes:
                typer.echo(f"{update}: {note}", err=True)
        text = akn.to_yaml(data, source.name)
        if output is None:
            typer.echo(text, nl=False)
            return
        if output.exists() and not force:
            raise InputError(f"{output} exists; use --force to overwrite it (or --update to merge into it)")
        if update is not None and output.resolve() == update.resolve():
            typer.echo(f"{output}: comments of the existing file are not kept", err=True)
        _write(output, text, [source])
        typer.echo(f"wrote {output}", err=True)


@app.command()
def vocabulary() -> None:
    """Print the norm vocabulary (terms, modalities, hedges) as Markdown."""
    from compliance.vocabulary import vocabulary_markdown

    typer.echo(vocabulary_markdown(), nl=False)


def _version(value: bool) -> None:
    if value:
        from compliance import __version__

        typer.echo(f"compliance {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                          help="Print the version and exit.")] = False,
) -> None:
    """Check anti-trafficking legislation against international victim-protection standards."""


def main() -> None:
    """Run the CLI; turn any unexpected exception into a one-line message and exit code 3."""
    try:
        app()
    except SystemExit:
        raise
    except KeyboardInterrupt:
        sys.stderr.write("interrupted\n")
        sys.exit(130)
    except Exception as exc:
        sys.stderr.write(f"internal error: {type(exc).__name__}: {exc} (please report this)\n")
        sys.exit(EXIT_INTERNAL)
