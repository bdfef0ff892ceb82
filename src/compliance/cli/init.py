"""``compliance init``: start a statute file, and optionally a configuration file and a GitHub workflow.

Everything jurisdiction- or treaty-specific in the scaffold comes from the loaded rule set: its
instruments become the treaty list to fill in, its areas the coverage block. The example provision
is marked as a placeholder and encodes no norm, so a scaffold passes ``compliance validate``, counts
for nothing in a check (every area is ``not_read``), and fails ``validate --strict`` until its
placeholders are replaced.
"""

from __future__ import annotations

import json
import os
import re
import shlex
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from compliance.cli.app import app
from compliance.cli.common import TERMINAL, InputError, MkdirOpt, RulesOpt, input_errors, load_rules, write

if TYPE_CHECKING:
    from compliance.model.rules import RuleSet

#: The code used when none is given and the output's name is not one.
UNKNOWN_CODE = "xx"
#: The id of the example national act (provisions must name a declared one).
EXAMPLE_ACT = "example-act"
#: A URL that cannot be anyone's official source (RFC 2606 reserves ``.invalid``).
PLACEHOLDER_URL = "https://to-fill-in.invalid/"
#: Starts the example provision's no_norm_reason: the marker ``validate --strict`` knows as "not encoded".
NOT_ENCODED = "not yet encoded (the example provision written by compliance init: replace it)"
#: An example norm, shown commented out in the scaffold (tests parse it, so it stays valid).
EXAMPLE_NORM = "state SHALL provide assistance[accommodation, medical] TO presumed_victim"
CONFIG_FILE = Path(".compliance.yaml")
WORKFLOW_FILE = Path(".github") / "workflows" / "compliance.yml"


def _q(text: str) -> str:
    """A YAML double-quoted scalar (JSON strings are valid YAML)."""
    return json.dumps(text, ensure_ascii=False)


def _one_line(text: str) -> str:
    """Text from the rule set, made safe for a YAML comment: one line, no control characters."""
    return " ".join("".join(c if c.isprintable() else " " for c in text).split())


def statute_scaffold(code: str, rules: RuleSet, path: str | None = None) -> str:
    """The text of a new statute file for ``code`` (to be written at ``path``), every key to fill in from the rules."""
    binding = [i for i in rules.instruments.values() if i.kind != "soft_law"]
    soft = [_one_line(i.name) for i in rules.instruments.values() if i.kind == "soft_law"]
    out = [
        f"# Statute file for the jurisdiction {code!r}, started by `compliance init` (rule set {rules.version}).",
        "# The format is described in docs/statute-format.md. Replace every TO FILL IN and PLACEHOLDER;",
        "# never invent text, section numbers or dates: leave a date out rather than guess.",
        f"# Check it with `compliance validate {shlex.quote(path or code + '.yaml')}`; before publishing, "
        "with --strict.",
        "schema_version: 1",
        "jurisdiction:",
        f"  code: {code}",
        f"  name: {_q('TO FILL IN: the name of the jurisdiction')}",
        "",
        "# The instruments of the rule set that can bind a state. Keep those the state is party to, with",
        "# their dates (YYYY-MM-DD) and where they come from; delete the others. A treaty without a date",
        "# counts as not binding (a benchmark).",
    ]
    if soft:
        out.append(f"# Soft law binds no state and is not listed: {'; '.join(soft)}.")
    out.append("treaties:" if binding else "treaties: []")
    for inst in binding:
        out += [
            f"  - instrument: {inst.id}  # {_one_line(inst.name)}",
            "    # signed: YYYY-MM-DD",
            "    # ratified: YYYY-MM-DD    # ratification, acceptance or accession",
            "    # in_force: YYYY-MM-DD    # entry into force for this state",
            "    # party_by: YYYY-MM-DD    # only when exact dates could not be verified",
            "    # source_url: https://...",
            f"    note: {_q('TO FILL IN: where the dates come from, and what could not be checked.')}",
        ]
    out += [
        "",
        "# The national acts that provisions come from, one entry per act.",
        "instruments:",
        f"  - id: {EXAMPLE_ACT}  # TO FILL IN: a short lower-case id for the act",
        f"    title: {_q('TO FILL IN: the title of the act')}",
        f"    citation: {_q('TO FILL IN: its official citation')}",
        f"    url: {PLACEHOLDER_URL}act  # TO FILL IN: the official text of the act",
        "    # enacted: YYYY-MM-DD",
        "    # in_force: YYYY-MM-DD    # its general commencement",
        "    kind: statute  # statute | regulation | code | guidance | administrative",
        "",
        "# Per area of the rule set: not_read until someone has searched the law for it, then searched.",
        "# A not_read area is reported as not assessed, never as missing.",
        "coverage:",
    ]
    out += [f"  {area.id}: not_read  # {_one_line(area.title)}" for area in rules.scoring.areas]
    first = rules.scoring.areas[0].id
    out += [
        "# coverage_notes:  # optional, per area: what was (not) read",
        f"#   {first}: ...",
        "",
        "provisions:",
        "  # PLACEHOLDER: an example to copy, not law. Replace it with the first real provision; until then",
        "  # it encodes no norm and counts for nothing.",
        "  - id: example-1  # the provision as cited, e.g. s 1 or reg 12(3)",
        f"    instrument: {EXAMPLE_ACT}",
        f"    heading: {_q('PLACEHOLDER: the heading of the provision')}",
        f"    source_url: {PLACEHOLDER_URL}provision  # TO FILL IN: the official text of the provision",
        "    # in_force: YYYY-MM-DD",
        "    # retrieved: YYYY-MM-DD  # the day you read the text (validate --strict asks for it)",
        "    text_status: paraphrase  # PLACEHOLDER: verbatim | excerpt | paraphrase | translation",
        "    text: |",
        "      PLACEHOLDER: this is not the text of any law. Paste the words of the provision here and set",
        "      text_status: verbatim (or excerpt, saying in notes which subsections were left out).",
        f"    notes: {_q('PLACEHOLDER: amendments, unverified facts, and how the norms read the text.')}",
        f"    no_norm_reason: {_q(NOT_ENCODED)}",
        "    # norms:  # instead of no_norm_reason: what the text requires (docs/norm-language.md), e.g.",
        "    #   - |",
        f"    #     {EXAMPLE_NORM}",
    ]
    return "\n".join(out) + "\n"


def config_scaffold(statute: str, rules: RuleSet, rules_dir: str | None) -> str:
    """The text of a new ``.compliance.yaml`` that checks ``statute`` (a path relative to the file)."""
    profiles = ", ".join(sorted(rules.profiles.profiles))
    out = [
        "# compliance settings (docs/ci.md, Configuration): flags and COMPLIANCE_* variables win over them.",
        "# Paths are relative to this file's folder.",
        "paths:",
        f"  - {_q(statute)}",
    ]
    if rules_dir is not None:
        out.append(f"rules: {_q(rules_dir)}")
    out += [
        f"# standard: {rules.profiles.default}  # the profile to check against: {profiles}",
        "# fail-on: missing  # exit 1 on any missing requirement (or: partial)",
        "# fail-under: 50  # exit 1 if an overall score is below 50",
        "# baseline: .compliance-baseline.json  # fail only on regressions (compliance baseline create)",
    ]
    return "\n".join(out) + "\n"


def workflow_scaffold(statute: str) -> str:
    """The text of a GitHub workflow that validates and checks ``statute`` and uploads SARIF."""
    from compliance.version import __version__

    path = shlex.quote(statute)
    return "\n".join([
        "# Check the statute files on every push and pull request (docs/ci.md, GitHub Actions). Findings",
        "# appear as annotations on the changed lines and as code-scanning alerts (SARIF).",
        "name: compliance",
        "on:",
        "  push:",
        "  pull_request:",
        "permissions:",
        "  contents: read",
        "  security-events: write  # to upload SARIF",
        "jobs:",
        "  check:",
        "    runs-on: ubuntu-latest",
        "    steps:",
        "      - uses: actions/checkout@v4",
        "      - uses: actions/setup-python@v5",
        "        with:",
        '          python-version: "3.12"',
        "      - name: Install compliance",
        "        # TO FILL IN: the git URL and tag you get compliance from (the package index project",
        "        # called compliance is another one).",
        f'        run: pip install "compliance @ git+https://example.org/your-mirror/compliance.git@v{__version__}"',
        "      - name: Validate the statute files",
        f"        run: compliance validate {path}  # add --strict once no placeholder is left",
        "      - name: Check against the standards",
        "        # add a threshold to fail the job: --fail-on missing, --fail-under N, or --baseline FILE",
        f"        run: compliance check {path} --format github --output-sarif compliance.sarif",
        "      - name: Upload findings to code scanning",
        "        if: always()",
        "        uses: github/codeql-action/upload-sarif@v3",
        "        with:",
        "          sarif_file: compliance.sarif",
        "          category: compliance",
    ]) + "\n"


def _code(code: str | None, output: Path | None) -> str:
    """The jurisdiction code: as given (lower case), else the output's name if it is one, else xx."""
    from compliance.model.legislation import CODE_PATTERN

    if code is None:
        stem = output.stem.lower() if output is not None else ""
        return stem if re.fullmatch(CODE_PATTERN, stem) else UNKNOWN_CODE
    wanted = code.strip().lower()
    if not re.fullmatch(CODE_PATTERN, wanted):
        raise InputError(f"CODE: {code!r} is not a jurisdiction code: give the lower-case ISO 3166-1 alpha-2 "
                         "code, with an ISO 3166-2 subdivision after a dash where needed (e.g. xx or xx-abc)")
    return wanted


def _relative(path: Path) -> str:
    """``path`` as written from the working directory (absolute when it is outside it)."""
    absolute = path.absolute()
    try:
        return absolute.relative_to(Path.cwd()).as_posix()
    except ValueError:
        return str(absolute)


@app.command("init")
def init(
    code: Annotated[str | None, typer.Argument(
        metavar="CODE", show_default=False,
        help="The jurisdiction: its lower-case ISO 3166-1 alpha-2 code, or ISO 3166-2 for a subdivision "
             "(default: the name of --output if it is a code, else xx).")] = None,
    output: Annotated[Path | None, typer.Option(
        "--output", "-o", metavar="FILE", help="The statute file to write (default: CODE.yaml here).",
        show_default=False)] = None,
    config: Annotated[bool, typer.Option(
        "--config", help=f"Also write {CONFIG_FILE}, which checks the new file by default.")] = False,
    github: Annotated[bool, typer.Option(
        "--github", help=f"Also write {WORKFLOW_FILE.as_posix()}: validate, check, upload SARIF.")] = False,
    rules_dir: RulesOpt = None,
    mkdir: MkdirOpt = False,
) -> None:
    """Start a statute file: the rule set's instruments and areas to fill in, one example provision.

    Never overwrites a file: if any file to write exists, nothing is written (exit 2).
    """
    with input_errors():
        jurisdiction = _code(code, output)
        rules = load_rules(rules_dir)
        target = output or Path(f"{jurisdiction}.yaml")
        statute = _relative(target)
        files = [(target, statute_scaffold(jurisdiction, rules, statute), "choose another --output")]
        if config:
            rules_path = _relative(rules_dir) if rules_dir else None
            files.append((CONFIG_FILE, config_scaffold(statute, rules, rules_path), "leave out --config"))
        if github:
            files.append((WORKFLOW_FILE, workflow_scaffold(statute), "leave out --github"))
        for path, _, instead in files:
            if path.exists() or path.is_symlink():
                raise InputError(f"{path} exists and init never overwrites a file: move it away, or {instead}")
        if github and any(p.is_symlink() for p in (WORKFLOW_FILE.parent.parent, WORKFLOW_FILE.parent)):
            raise InputError(f"{WORKFLOW_FILE.parent} is (under) a symbolic link; init writes only into real folders")
        if not target.parent.is_dir() and not mkdir:
            raise InputError(f"--output {target}: the folder {target.parent} does not exist "
                             "(create it, or pass --mkdir)")
        if mkdir:
            target.parent.mkdir(parents=True, exist_ok=True)
        if github:
            try:
                os.makedirs(WORKFLOW_FILE.parent, exist_ok=True)
            except OSError as exc:
                raise InputError(f"{WORKFLOW_FILE.parent}: cannot create the folder: {exc.strerror}") from None
        written: list[Path] = []
        try:
            for path, text, _ in files:
                write(path, text, [])
                written.append(path)
        except BaseException:
            for path in written:  # all or nothing: these did not exist before this run
                path.unlink(missing_ok=True)
            raise
    for path in written:
        TERMINAL.note(f"wrote {path}")
    TERMINAL.note(f"next: replace each TO FILL IN and PLACEHOLDER in {statute}, then run "
                  f"'compliance validate {shlex.quote(statute)}'")
