"""The commands that score statutes: check (with the CI gate), compare, diff, baseline create."""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from compliance.cli.app import app
from compliance.cli.common import (
    EXIT_CODES,
    EXIT_FAILED,
    TERMINAL,
    AsOfOpt,
    FilesArg,
    InputError,
    JobsOpt,
    Lang,
    LangOpt,
    MkdirOpt,
    NoCacheOpt,
    Progress,
    RulesOpt,
    StandardOpt,
    counted,
    echo,
    input_errors,
    load_rules,
    paint,
    parse_date,
    suggest,
    write,
)
from compliance.cli.conventions import Typer

if TYPE_CHECKING:
    from compliance.model.results import Report
    from compliance.model.rules import RuleSet


class Format(StrEnum):
    """Output formats of ``check``."""

    text = "text"
    json = "json"
    markdown = "markdown"
    html = "html"
    csv = "csv"
    sarif = "sarif"
    junit = "junit"
    github = "github"
    gitlab = "gitlab"
    pdf = "pdf"


class FailOn(StrEnum):
    """What ``--fail-on`` fails on."""

    missing = "missing"
    partial = "partial"


def check_all(files: list[Path] | None, as_of: str | None, standard: str | None,
              rules_dir: Path | None, jobs: int | None = None, no_cache: bool = False,
              keep: Callable[[Report], Report] | None = None,
              sink: Callable[[int, Report], None] | None = None) -> tuple[RuleSet, list[Path], list[Report]]:
    """Load the rules, expand the inputs (default: bundled; ``-``: stdin), check each file."""
    from compliance import api
    from compliance import cache as result_cache

    if no_cache:
        result_cache.disable()

    day = parse_date(as_of)
    rules = load_rules(rules_dir, standard)
    api.profile_instruments(rules, standard)
    from compliance.checkpoint import reached

    reached("rules-loaded")
    names = [str(f) for f in files or []]
    if "-" in names:
        if len(names) > 1:
            raise InputError("'-' (a statute on stdin) cannot be combined with other files")
        from compliance.limits import current

        raw = sys.stdin.buffer.read(current().file_bytes + 1)  # never more than the limit, whatever comes
        parsed = api.load_statute("<stdin>", rules, text=raw)
        report = api.check(parsed, rules, day, standard=standard)
        if sink is not None:
            sink(0, report)
            return rules, [Path("-")], []
        return rules, [Path("-")], [report]
    paths = api.expand_paths(files) if files else api.bundled_legislation()
    if not files:
        TERMINAL.note(f"checking the bundled legislation ({counted(len(paths), 'file')})")
    shown = {} if files else {p: api.display_name(p) for p in paths}
    progress = Progress(len(paths))
    try:
        reports = api.check_many(paths, rules, day, standard, shown, progress=progress, jobs=jobs, keep=keep,
                                 sink=sink)
    finally:
        progress.close()
    TERMINAL.debug(f"checked {counted(len(paths), 'file')} against rules {rules.version}, standard "
                   f"{reports[0].standard if reports else standard}, as of {reports[0].as_of if reports else day}")
    return rules, paths, reports


def _colour_text(text: str) -> str:
    colours = {"met": "green", "partial": "yellow", "missing": "red"}
    return re.sub(r"\[(met|partial|missing)([^\]]*)\]",
                  lambda m: "[" + paint(m[1], colours[m[1]], sys.stdout) + m[2] + "]", text)


@app.command(epilog=EXIT_CODES)
def check(
    files: FilesArg = None,
    fmt: Annotated[Format, typer.Option("--format", "-f", envvar="COMPLIANCE_FORMAT",
                                        help="Output format (stdout or --output).")] = Format.text,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write the report here.")] = None,
    output_text: Annotated[Path | None, typer.Option("--output-text", help="Also write text here.")] = None,
    output_json: Annotated[Path | None, typer.Option("--output-json", help="Also write JSON here.")] = None,
    output_markdown: Annotated[Path | None, typer.Option("--output-markdown", help="Also write Markdown here.")]
    = None,
    output_html: Annotated[Path | None, typer.Option("--output-html", help="Also write HTML here.")] = None,
    output_csv: Annotated[Path | None, typer.Option("--output-csv", help="Also write CSV here.")] = None,
    output_sarif: Annotated[Path | None, typer.Option("--output-sarif", help="Also write SARIF 2.1.0 here.")] = None,
    output_junit: Annotated[Path | None, typer.Option("--output-junit", help="Also write JUnit XML here.")] = None,
    output_github: Annotated[Path | None, typer.Option(
        "--output-github", help="Also write GitHub workflow annotations here.")] = None,
    output_gitlab: Annotated[Path | None, typer.Option(
        "--output-gitlab", help="Also write a GitLab Code Quality report here.")] = None,
    fail_under: Annotated[int | None, typer.Option(
        "--fail-under", min=0, max=100, envvar="COMPLIANCE_FAIL_UNDER",
        help="Exit 1 if any overall score is below N.")] = None,
    fail_on: Annotated[FailOn | None, typer.Option(
        "--fail-on", envvar="COMPLIANCE_FAIL_ON",
        help="Exit 1 on any missing finding, or any partial or missing one (waived findings excepted).")] = None,
    fail_on_area: Annotated[list[str] | None, typer.Option(
        "--fail-on-area", envvar="COMPLIANCE_FAIL_ON_AREA", metavar="AREA",
        help="Limit --fail-on to this area (repeatable).")]
    = None,
    fail_on_requirement: Annotated[list[str] | None, typer.Option(
        "--fail-on-requirement", envvar="COMPLIANCE_FAIL_ON_REQUIREMENT", metavar="ID",
        help="Limit --fail-on to this requirement id (repeatable).")] = None,
    exit_zero: Annotated[bool, typer.Option(
        "--exit-zero", envvar="COMPLIANCE_EXIT_ZERO",
        help="Exit 0 even when a threshold is breached (input errors still exit 2).")] = False,
    waivers: Annotated[Path | None, typer.Option(
        "--waivers", envvar="COMPLIANCE_WAIVERS",
        help="Waiver file (default: .compliance-waivers.yaml in the working directory, if any).")] = None,
    no_waivers: Annotated[bool, typer.Option("--no-waivers", help="Audit: apply no waiver.")] = False,
    baseline: Annotated[Path | None, typer.Option(
        "--baseline", envvar="COMPLIANCE_BASELINE",
        help="Fail only on regressions against this baseline (see 'compliance baseline create').")] = None,
    as_of: AsOfOpt = None,
    standard: StandardOpt = None,
    rules_dir: RulesOpt = None,
    jobs: JobsOpt = None,
    no_cache: NoCacheOpt = False,
    mkdir: MkdirOpt = False,
    lang: LangOpt = Lang.en,
    watch: Annotated[bool, typer.Option(
        "--watch", help="Check again whenever an input changes (statute files, rules, configuration, waivers, "
        "baseline) until Ctrl-C: a terminal is redrawn, other output gets each run after a '---' line. --output "
        "files are rewritten on each run; a failed check or threshold is shown, never the end.")] = False,
) -> None:
    """Score statutes against the rule set and report what is met, partly met or missing.

    In CI: --format sarif/junit/github/gitlab, several --output-FORMAT files in one run, thresholds
    (--fail-under, --fail-on), waivers and a baseline.
    """
    if watch:
        from compliance.cli.watch import watch_check

        watch_check()  # each run comes back here, with watch off
        return
    extra = {"text": output_text, "json": output_json, "markdown": output_markdown, "html": output_html,
             "csv": output_csv, "sarif": output_sarif, "junit": output_junit, "github": output_github,
             "gitlab": output_gitlab}
    wanted = list(dict.fromkeys([fmt.value, *(name for name, target in extra.items() if target is not None)]))

    from compliance.policy.gate import Gate, breaches
    from compliance.render import render

    failed = False
    with input_errors():
        rules, paths, reports = check_all(files, as_of, standard, rules_dir, jobs, no_cache)
        areas, ids = set(fail_on_area or []), set(fail_on_requirement or [])
        known_areas = [a.id for a in rules.scoring.areas]
        for area in sorted(areas - set(known_areas)):
            raise InputError(f"--fail-on-area: no such area {area!r} (areas: {', '.join(known_areas)})")
        for rid in sorted(ids - {r.id for r in rules.requirements}):
            raise InputError(f"--fail-on-requirement: no such requirement {rid!r}"
                             f"{suggest(rid, [r.id for r in rules.requirements])}")
        if (areas or ids) and fail_on is None:
            raise InputError("--fail-on-area and --fail-on-requirement need --fail-on missing|partial")
        reports, waived_fail = _waivers(reports, rules, waivers, no_waivers)
        failed |= waived_fail
        if baseline is not None:
            reports, regressed = _baseline(reports, baseline)
            failed |= regressed
        from compliance.render.i18n import using

        with using(lang.value, rules_dir):
            if fmt is Format.pdf:
                if output is None:
                    raise InputError("-f pdf needs --output FILE.pdf (a PDF is not written to the terminal)")
                from compliance.render.pdf import PdfUnavailable, render_pdf

                try:
                    pdf = render_pdf(reports)
                except PdfUnavailable as exc:
                    raise InputError(str(exc)) from None
                write(output, pdf, paths, mkdir=mkdir)
                TERMINAL.note(f"wrote {output}")
                wanted.remove("pdf")
                output = None
            texts = {name: render(reports, name) for name in wanted}
        _emit(fmt, output, extra, texts, paths, mkdir)
        if "github" in wanted:
            _job_summary(reports)
    found = breaches(reports, Gate(fail_under, fail_on.value if fail_on else None, frozenset(areas), frozenset(ids)))
    for breach in found:
        typer.echo(str(breach), err=True)
    if (found or failed) and not exit_zero:
        raise typer.Exit(EXIT_FAILED)


def _emit(fmt: Format, output: Path | None, extra: dict[str, Path | None], texts: dict[str, str],
          inputs: list[Path], mkdir: bool = False) -> None:
    """Write the report to stdout or ``--output``, and every ``--output-FORMAT`` file."""
    text = texts.get(fmt.value)
    if text is None:  # written already (PDF)
        pass
    elif output is not None:
        write(output, text, inputs, mkdir=mkdir)
        TERMINAL.note(f"wrote {output}")
    else:
        echo(_colour_text(text) if fmt is Format.text else text, nl=False)
    for name, target in extra.items():
        if target is not None:
            write(target, texts[name], inputs, mkdir=mkdir)
            TERMINAL.note(f"wrote {target}")


def _job_summary(reports: list[Report]) -> None:
    """In a GitHub Actions step (``GITHUB_STEP_SUMMARY`` set), append the Markdown job summary; never fail on it."""
    import datetime as dt
    import os

    target = os.environ.get("GITHUB_STEP_SUMMARY")
    if not target:
        return
    from compliance.render.github import render_step_summary

    try:
        with open(target, "a", encoding="utf-8", errors="replace") as handle:
            handle.write(render_step_summary(reports, dt.date.today()))
    except OSError as exc:
        TERMINAL.warn(f"GITHUB_STEP_SUMMARY: could not append the job summary to {target}: {exc.strerror or exc}")


def _waivers(reports: list[Report], rules: RuleSet, path: Path | None, disabled: bool) -> tuple[list[Report], bool]:
    """Apply the waiver file, if any; report expired (failing) and unused waivers."""
    from compliance.policy.waivers import DEFAULT_WAIVERS, apply_waivers, load_waivers

    if disabled:
        if path is not None or Path(DEFAULT_WAIVERS).is_file():
            TERMINAL.note("--no-waivers: auditing without waivers")
        return reports, False
    if path is None:
        if not Path(DEFAULT_WAIVERS).is_file():
            return reports, False
        path = Path(DEFAULT_WAIVERS)
    outcome = apply_waivers(reports, load_waivers(path, {r.id for r in rules.requirements}))
    for problem in outcome.expired:
        echo(paint(f"{problem}", "red", sys.stderr), err=True)
    for problem in outcome.unused:
        TERMINAL.warn(f"{problem}")
    TERMINAL.debug(f"waivers: {path}: {outcome.applied} applied, {len(outcome.expired)} expired, "
                   f"{len(outcome.unused)} unused")
    return outcome.reports, bool(outcome.expired)


def _baseline(reports: list[Report], path: Path) -> tuple[list[Report], bool]:
    """Compare with the baseline; print what it covered and each regression."""
    from compliance.policy.baseline import compare_with_baseline, load_baseline

    outcome = compare_with_baseline(reports, load_baseline(path))
    TERMINAL.note(f"{path}: {outcome.summary}")
    for reg in outcome.regressions:
        typer.echo(f"{reg.span}: {reg.message()}", err=True)
    return outcome.reports, bool(outcome.regressions)


class CompareFormat(StrEnum):
    """Output formats of ``compare``."""

    html = "html"
    markdown = "markdown"
    csv = "csv"
    json = "json"
    pdf = "pdf"


@app.command()
def compare(
    files: FilesArg = None,
    fmt: Annotated[CompareFormat, typer.Option("--format", "-f", help="Output format.")] = CompareFormat.html,
    output: Annotated[Path | None, typer.Option(
        "--output", "-o", help="html: the folder to write (default ./reports); other formats: a file.")] = None,
    as_of: AsOfOpt = None,
    standard: StandardOpt = None,
    rules_dir: RulesOpt = None,
    jobs: JobsOpt = None,
    no_cache: NoCacheOpt = False,
    force: Annotated[bool, typer.Option(
        "--force", help="html: overwrite files in the folder that compliance did not write.")] = False,
    mkdir: MkdirOpt = False,
    lang: LangOpt = Lang.en,
    group: Annotated[str | None, typer.Option(
        "--group", metavar="GROUP", help="Only the jurisdictions of one regional group of rules/groups.yaml "
                                         "(e.g. african, latin_american_caribbean).")] = None,
) -> None:
    """Compare jurisdictions: ranking, matrix of requirements, charts; HTML writes a folder of pages."""
    import json

    from compliance import api
    from compliance.render import render

    with input_errors():
        from compliance.comparison import ComparisonBuilder
        from compliance.model.results import Report

        # Only the HTML site needs every report whole (one page each), the CSV their findings; JSON and
        # Markdown need one row per jurisdiction, built as the reports come.
        members: set[str] | None = None
        if group is not None:
            known = load_rules(rules_dir, standard).groups
            if group not in known:
                raise InputError(f"--group: no such group {group!r}{suggest(group, list(known))} "
                                 f"(groups: {', '.join(known) or 'none: the rule set has no groups.yaml'})")
            members = set(known[group].members)

        def wanted(report: Report) -> bool:
            return members is None or report.jurisdiction.code.split("-")[0] in members

        kept = 0
        if fmt in (CompareFormat.json, CompareFormat.markdown):
            builder = ComparisonBuilder()

            def sink(position: int, report: Report) -> None:
                nonlocal kept
                if wanted(report):
                    kept += 1
                    builder.add(position, report)

            rules, paths, reports = check_all(files, as_of, standard, rules_dir, jobs, no_cache, sink=sink)
            if not kept:
                raise InputError(f"--group {group}: no jurisdiction of the group among the inputs")
            comparison = builder.result(rules)
        else:
            keep = (None if fmt in (CompareFormat.html, CompareFormat.pdf)
                    else (lambda r: Report.slim(r, keep_findings=True)))
            rules, paths, reports = check_all(files, as_of, standard, rules_dir, jobs, no_cache, keep)
            reports = [r for r in reports if wanted(r)]
            if not reports:
                raise InputError(f"--group {group}: no jurisdiction of the group among the inputs")
            comparison = api.compare(reports, rules)
        from compliance.render.i18n import using

        with using(lang.value, rules_dir):
            if fmt is CompareFormat.pdf:
                if output is None:
                    raise InputError("-f pdf needs --output FILE.pdf (a PDF is not written to the terminal)")
                from compliance.render.pdf import PdfUnavailable, render_comparison_pdf

                try:
                    pdf = render_comparison_pdf(comparison, reports)
                except PdfUnavailable as exc:
                    raise InputError(str(exc)) from None
                write(output, pdf, paths, mkdir=mkdir)
                TERMINAL.note(f"wrote {output} ({len(reports)} jurisdictions)")
                return
            if fmt is not CompareFormat.html:
                if fmt is CompareFormat.markdown:
                    from compliance.render.html import render_comparison_markdown  # Jinja only for this format

                    text = render_comparison_markdown(comparison)
                elif fmt is CompareFormat.csv:
                    text = render(reports, "csv")
                else:
                    text = json.dumps(comparison.model_dump(mode="json"), indent=2, ensure_ascii=False) + "\n"
                if output is None:
                    typer.echo(text, nl=False)
                else:
                    write(output, text, paths, mkdir=mkdir)
                    TERMINAL.note(f"wrote {output}")
                return
            from compliance.render.html import render_comparison_html, render_html

            folder = output or Path("reports")
            links = _page_names([r.jurisdiction.code for r in reports])
            pages = {page: render_html([report], back="index.html") for report, page in
                     zip(reports, links.values(), strict=True)}
            pages["comparison.csv"] = render(reports, "csv")
            by_code = dict(zip([r.jurisdiction.code for r in reports], links.values(), strict=True))
            regions = _region_pages(reports, rules) if group is None else {}
            nav = [{"name": name, "href": page, "count": str(len(rows))} for page, (name, rows) in regions.items()]
            shown = nav if len(nav) > 1 else None  # one group only: the index is its page
            pages["index.html"] = render_comparison_html(comparison, by_code, "comparison.csv", shown)
            for page, (name, rows) in regions.items() if shown else ():
                pages[page] = render_comparison_html(api.compare(rows, rules), by_code, None, shown, region=name)
            _write_site(folder, pages, paths, force=force, mkdir=mkdir)
            TERMINAL.note(f"wrote {folder / 'index.html'} ({len(reports)} jurisdiction pages, comparison.csv)")


def _region_pages(reports: list[Report], rules: RuleSet) -> dict[str, tuple[str, list[Report]]]:
    """One page per regional group (rules/groups.yaml) with jurisdictions among ``reports``: page -> (name, reports)."""
    pages: dict[str, tuple[str, list[Report]]] = {}
    for gid, group in rules.groups.items():
        members = [r for r in reports if rules.group_of(r.jurisdiction.code) == gid]
        if members:
            pages[f"region-{gid.replace('_', '-')}.html"] = (group.name, members)
    return pages


def _write_site(folder: Path, pages: dict[str, str], inputs: list[Path], *, force: bool, mkdir: bool) -> None:
    """Write the comparison site (see :mod:`compliance.site`); refusals are input errors, nothing written."""
    from compliance.atomic import UnsafeTarget
    from compliance.site import SiteConflict, write_site

    names = {(folder / page).resolve() for page in pages}
    if any(p.resolve() in names for p in inputs if str(p) != "-"):
        raise InputError(f"--output {folder} would overwrite an input file; refusing")
    try:
        done = write_site(folder, {k: v.encode("utf-8") for k, v in pages.items()}, force=force, mkdir=mkdir)
    except (UnsafeTarget, SiteConflict) as exc:
        raise InputError(f"--output: {exc}") from None
    except OSError as exc:
        raise InputError(f"cannot write {folder}: {exc.strerror or exc}") from None
    for name in done.removed:
        TERMINAL.note(f"removed {folder / name} (a page of an earlier run)")
    for name in done.kept:
        TERMINAL.note(f"kept {folder / name}: an earlier run wrote it but it was changed since")


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
    old_as_of: Annotated[str | None, typer.Option(
        "--old-as-of", metavar="DATE", help="Date for OLD (YYYY-MM-DD).")] = None,
    new_as_of: Annotated[str | None, typer.Option(
        "--new-as-of", metavar="DATE", help="Date for NEW (YYYY-MM-DD).")] = None,
    fmt: Annotated[DiffFormat, typer.Option("--format", "-f", help="Output format.")] = DiffFormat.text,
    fail_on_regression: Annotated[bool, typer.Option(
        "--fail-on-regression", help="Exit 1 if any requirement's score went down.")] = False,
    standard: StandardOpt = None,
    rules_dir: RulesOpt = None,
) -> None:
    """Show which requirements changed status or score between two statute files, or one file at two dates."""
    from compliance import api
    from compliance.render.diff import render_diff_json, render_diff_text

    with input_errors():
        if new is None and not (old_as_of and new_as_of):
            raise InputError("give two files, or one file with --old-as-of and --new-as-of")
        rules = load_rules(rules_dir, standard)
        api.profile_instruments(rules, standard)
        before = api.check(api.load_statute(old, rules), rules, parse_date(old_as_of, "--old-as-of"),
                           standard=standard)
        after = api.check(api.load_statute(new or old, rules), rules, parse_date(new_as_of, "--new-as-of"),
                          standard=standard)
        result = api.diff(before, after)
    typer.echo(render_diff_json(result) if fmt is DiffFormat.json else render_diff_text(result), nl=False)
    if fail_on_regression and any(c.change == "regressed" for c in result.changes):
        raise typer.Exit(EXIT_FAILED)


baseline_app = Typer(help="Record today's verdicts so that check --baseline fails only on regressions.",
                     no_args_is_help=True)
app.add_typer(baseline_app, name="baseline")


@baseline_app.command("create")
def baseline_create(
    files: FilesArg = None,
    output: Annotated[Path, typer.Option("--output", "-o", help="The baseline file to write.")]
    = Path(".compliance-baseline.json"),
    force: Annotated[bool, typer.Option("--force", help="Replace an existing baseline file.")] = False,
    as_of: AsOfOpt = None,
    standard: StandardOpt = None,
    rules_dir: RulesOpt = None,
    jobs: JobsOpt = None,
    no_cache: NoCacheOpt = False,
    mkdir: MkdirOpt = False,
) -> None:
    """Record each jurisdiction's verdict on each requirement (keyed on jurisdiction + requirement id)."""
    from compliance.policy.baseline import create_baseline, dump_baseline

    with input_errors():
        if output.exists() and not force:
            raise InputError(f"{output} exists; use --force to replace it")
        _, paths, reports = check_all(files, as_of, standard, rules_dir, jobs, no_cache)
        if not reports:
            raise InputError("no statute to record")
        base = create_baseline(reports)
        write(output, dump_baseline(base), paths, mkdir=mkdir)
    count = sum(len(v) for v in base.jurisdictions.values())
    TERMINAL.note(f"wrote {output}: {counted(len(base.jurisdictions), 'jurisdiction')}, {counted(count, 'verdict')} "
                  f"(rules {base.rules_version}, standard {base.standard}, as of {base.as_of})")


__all__ = ["Format", "baseline_create", "check", "check_all", "compare", "diff"]
