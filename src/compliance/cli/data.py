"""The commands about data rather than verdicts: validate, rules, explain, corpus, vocabulary, schema, import."""

from __future__ import annotations

import datetime as dt
import json
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from compliance.cli.app import app
from compliance.cli.common import (
    TERMINAL,
    InputError,
    MkdirOpt,
    RulesOpt,
    StandardOpt,
    collect,
    counted,
    fail,
    input_errors,
    load_rules,
    parse_date,
    suggest,
    write,
)
from compliance.cli.conventions import Typer


@app.command()
def validate(
    paths: Annotated[list[Path], typer.Argument(metavar="PATH", help="Statute or rule files, or folders of them.")],
    strict: Annotated[bool, typer.Option(
        "--strict", help="Curated-corpus checks too: retrieval dates, ISO codes, treaty dates, no unencoded "
                         "provision about victims.")] = False,
    rules_dir: RulesOpt = None,
) -> None:
    """Check the schema, grammar and vocabulary of statute, rule and waiver files, without scoring."""
    from compliance import api
    from compliance.errors import ComplianceError
    from compliance.loader import load_yaml
    from compliance.model.rules import InstrumentsFile, ProfilesFile, Scoring
    from compliance.policy.waivers import load_waivers
    from compliance.registry import check_rule_file
    from compliance.validate import validate_document

    rules = load_rules(rules_dir)
    errors: list[str] = []
    warned: list[ComplianceError] = []
    count = 0
    with input_errors():
        for path in paths:
            if path.is_dir() and (path / "instruments.yaml").is_file():
                with collect(errors):
                    count += len(api.load_rules(path).requirements)
                continue
            for file in api.expand_paths([path]):
                count += 1
                with collect(errors):
                    doc = load_yaml(file)
                    if "requirements" in doc.data:
                        check_rule_file(doc, rules)
                    elif "rules_version" in doc.data:
                        validate_document(doc, InstrumentsFile)
                    elif "method" in doc.data and "areas" in doc.data:
                        validate_document(doc, Scoring)
                    elif "profiles" in doc.data:
                        validate_document(doc, ProfilesFile)
                    elif "waivers" in doc.data:
                        load_waivers(file, {r.id for r in rules.requirements})
                    else:
                        api.load_statute(file, rules, strict=strict, warnings=warned)
    for warning in warned:
        typer.echo(warning.display(), err=True)
    if errors:
        fail(errors)
    TERMINAL.note(f"ok: {count} checked, no problems")


class ListFormat(StrEnum):
    """Output formats of ``rules``."""

    text = "text"
    json = "json"
    markdown = "markdown"


@app.command("rules")
def list_rules(
    fmt: Annotated[ListFormat, typer.Option("--format", "-f", help="Output format.")] = ListFormat.text,
    rules_dir: RulesOpt = None,
) -> None:
    """List the requirements of the rule set (markdown: the catalogue page docs/rules.md)."""
    from compliance.render.catalogue import catalogue_json, catalogue_markdown

    rules = load_rules(rules_dir)
    if fmt is ListFormat.json:
        typer.echo(catalogue_json(rules), nl=False)
        return
    if fmt is ListFormat.markdown:
        typer.echo(catalogue_markdown(rules), nl=False)
        return
    typer.echo(f"rule set {rules.version}: {counted(len(rules.requirements), 'requirement')}")
    for r in rules.requirements:
        cites = "; ".join(s.cite(rules.instruments[s.instrument].name) for s in r.sources())
        typer.echo(f"{r.id:<18} {r.area:<15} {cites}: {r.title}")


@app.command()
def explain(
    target: Annotated[str, typer.Argument(
        metavar="ID_OR_FILE", help="A requirement id, or a statute file followed by a requirement id.")],
    rule_id: Annotated[str | None, typer.Argument(metavar="ID", help="With a statute file: the requirement id.",
                                                  show_default=False)] = None,
    as_of: Annotated[str | None, typer.Option(
        "--as-of", metavar="DATE", help="With a statute file: law in force on this date.")] = None,
    standard: StandardOpt = None,
    rules_dir: RulesOpt = None,
) -> None:
    """Explain a requirement, or (with a statute file) how its verdict for that jurisdiction was reached."""
    from compliance import api
    from compliance.render.explain import explain_result, explain_rule

    rules = load_rules(rules_dir, standard)
    wanted = rule_id or target
    req = rules.requirement(wanted)
    if req is None:
        fail([f"error: no such rule {wanted!r}{suggest(wanted, [r.id for r in rules.requirements])}"])
    if rule_id is None:
        typer.echo(explain_rule(req, rules), nl=False)
        return
    with input_errors():
        statute = api.load_statute(target, rules)
        report = api.check(statute, rules, parse_date(as_of), select=[req.id], standard=standard)
    if not report.requirements:
        fail([f"error: {req.id} is not part of standard {report.standard!r}"])
    texts = {p.provision.id: (p.provision.text_status, p.provision.text) for p in statute.provisions}
    typer.echo(explain_result(report, report.requirements[0], texts), nl=False)


@app.command()
def corpus(
    as_of: Annotated[str, typer.Option(
        "--as-of", metavar="DATE", help="Score the law in force on this date (YYYY-MM-DD).")],
    rules_dir: RulesOpt = None,
) -> None:
    """Print the corpus catalogue (docs/corpus.md): provenance figures and scores of the bundled legislation."""
    from compliance import api
    from compliance.render.corpus import corpus_markdown

    with input_errors():
        day = parse_date(as_of) or dt.date.today()
        rules = load_rules(rules_dir)
        paths = api.bundled_legislation()
        entries = api.corpus(paths, rules, day, {p: api.display_name(p) for p in paths})
    typer.echo(corpus_markdown(entries, day.isoformat(), rules.version), nl=False)


class SchemaName(StrEnum):
    """The file kinds ``schema`` describes."""

    statute = "statute"
    rules = "rules"
    instruments = "instruments"
    scoring = "scoring"
    profiles = "profiles"
    translations = "translations"
    sources = "sources"
    groups = "groups"
    waivers = "waivers"
    config = "config"
    baseline = "baseline"
    report = "report"
    comparison = "comparison"
    calibration = "calibration"


@app.command()
def schema(
    name: Annotated[SchemaName, typer.Argument(help="Which file kind.")],
) -> None:
    """Print the JSON Schema of a file kind, for editors (yaml-language-server) and other tools."""
    from compliance import api

    typer.echo(json.dumps(api.json_schema(name.value), indent=2, ensure_ascii=False))


import_app = Typer(help="Import statutes from other formats as statute-file skeletons.", no_args_is_help=True)
app.add_typer(import_app, name="import")


@import_app.command("akn")
def import_akn(
    source: Annotated[Path, typer.Argument(metavar="FILE", help="An Akoma Ntoso (LegalDocML) XML file.")],
    output: Annotated[Path | None, typer.Option("--output", "-o", help="The statute file to write.")] = None,
    update: Annotated[Path | None, typer.Option(
        "--update", metavar="FILE", help="An encoded statute file to refresh: texts and headings from the XML; its "
        "norms, notes, comments and layout kept. '-o' the same file updates it in place.")] = None,
    force: Annotated[bool, typer.Option("--force", help="Allow overwriting an existing output file.")] = False,
    mkdir: MkdirOpt = False,
    rules_dir: RulesOpt = None,
) -> None:
    """Turn an Akoma Ntoso act into a statute-file skeleton (one provision per section; norms to write)."""
    from compliance import akn, api
    from compliance.errors import ComplianceError, ErrorList

    with input_errors():
        data = akn.parse_akn(akn.read_limited(source), str(source))
        if update is None:
            text = akn.skeleton(data, source.name)
        else:
            rules = load_rules(rules_dir)
            raw = akn.read_limited(update)
            api.load_statute(update, rules, text=raw)  # the file to update must pass validate
            text, notes = akn.update(raw.decode("utf-8-sig"), data, str(update))
            try:  # so must the result: never write a file that fails validate
                api.load_statute(output or update, rules, text=text)
            except (ComplianceError, ErrorList) as exc:
                first = exc.errors[0] if isinstance(exc, ErrorList) else exc
                raise InputError(f"{output or update}: not written: the update would fail validate ({first}); "
                                 "please report this") from None
            for note in notes:
                TERMINAL.note(f"{update}: {note}")
        if output is None:
            typer.echo(text, nl=False)
            return
        in_place = update is not None and output.resolve() == update.resolve()
        if output.exists() and not force and not in_place:
            raise InputError(f"{output} exists; use --force to overwrite it (or --update {output} to merge into it)")
        write(output, text, [source], mkdir=mkdir)
        TERMINAL.note(f"wrote {output}")


@app.command()
def vocabulary() -> None:
    """Print the norm vocabulary (terms, modalities, hedges) as Markdown."""
    from compliance.vocabulary import vocabulary_markdown

    typer.echo(vocabulary_markdown(), nl=False)


class CalibrationFormat(StrEnum):
    """Output formats of ``calibrate``."""

    text = "text"
    json = "json"
    markdown = "markdown"


@app.command()
def calibrate(
    findings: Annotated[Path | None, typer.Argument(
        metavar="FILE", help="The findings file (default: the bundled calibration/findings.yaml).")] = None,
    fmt: Annotated[CalibrationFormat, typer.Option(
        "--format", "-f", help="Output format (markdown: the page docs/accuracy.md).")] = CalibrationFormat.text,
    legislation: Annotated[Path | None, typer.Option(
        "--legislation", metavar="DIR",
        help="Folder of statute files, one CODE.yaml per jurisdiction (default: the bundled legislation).")] = None,
    rules_dir: RulesOpt = None,
) -> None:
    """Measure the engine against published expert findings: agreement per finding and overall."""
    from compliance import calibration
    from compliance.render.accuracy import render_accuracy_markdown, render_calibration_text
    from compliance.resources import bundled_findings

    with input_errors():
        rules = load_rules(rules_dir)
        result = calibration.calibrate(findings or bundled_findings(), rules, legislation)
    if fmt is CalibrationFormat.json:
        typer.echo(result.model_dump_json(indent=2))
    elif fmt is CalibrationFormat.markdown:
        typer.echo(render_accuracy_markdown(result), nl=False)
    else:
        typer.echo(render_calibration_text(result), nl=False)


@app.command()
def lsp(
    stdio: Annotated[bool, typer.Option(
        "--stdio", help="Talk over stdin and stdout: the only way, accepted because editors pass it.")] = False,
    rules_dir: Annotated[Path | None, typer.Option(
        "--rules", envvar="COMPLIANCE_RULES", metavar="DIR",
        help="Rule set folder (default: the workspace's configuration file's, else the bundled rules).")] = None,
) -> None:
    """Run the language server for statute, rule and waiver files, over stdio (set-up: docs/editors.md)."""
    from compliance.lsp.server import serve

    serve(rules_dir)
