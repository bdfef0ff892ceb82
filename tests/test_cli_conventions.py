"""CLI conventions (issue 12, point 8): -h, readable help, suggestions, errors in our words, plurals, init."""

from __future__ import annotations

import difflib
import os
import re
import shutil
from pathlib import Path

import pytest
import typer
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from compliance import api
from compliance.cli import app
from compliance.cli.checks import Format
from compliance.cli.common import counted
from compliance.cli.conventions import close_options
from compliance.cli.init import EXAMPLE_NORM, statute_scaffold
from compliance.model.legislation import CODE_PATTERN
from compliance.model.rules import RuleSet
from compliance.policy.config import load_config
from tests.conftest import ROOT

runner = CliRunner()
US = str(ROOT / "legislation" / "us.yaml")
#: Wording of the libraries underneath that must never reach the user.
LEAKS = ("Value error", "Input should", "is not one of", "validation error", "pydantic", "Traceback")
PROFILES = "(profiles: all, coe, eu, ilo, treaties, un)"


@pytest.fixture
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty working directory, no configuration file above it, no COMPLIANCE_* setting but the cache."""
    monkeypatch.chdir(tmp_path)
    for var in [v for v in os.environ if v.startswith("COMPLIANCE_") and v != "COMPLIANCE_CACHE_DIR"]:
        monkeypatch.delenv(var)
    return tmp_path


def _commands(group: typer.core.TyperGroup, path: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    found = [path]
    for name, command in group.commands.items():
        if isinstance(command, typer.core.TyperGroup):
            found += _commands(command, (*path, name))
        else:
            found.append((*path, name))
    return found


COMMANDS = _commands(typer.main.get_command(app))  # type: ignore[arg-type]


def _options(path: tuple[str, ...]) -> list[str]:
    command = typer.main.get_command(app)
    for name in path:
        command = command.commands[name]  # type: ignore[attr-defined]
    ctx = command.make_context("compliance", [], resilient_parsing=True)
    return [n for p in command.get_params(ctx) for n in p.opts if n.startswith("--")]


# --- -h and readable help ------------------------------------------------------------------------

@pytest.mark.parametrize("path", COMMANDS, ids=lambda p: " ".join(p) or "compliance")
def test_dash_h_is_help_on_every_command(path: tuple[str, ...]) -> None:
    short = runner.invoke(app, [*path, "-h"], terminal_width=100)
    long = runner.invoke(app, [*path, "--help"], terminal_width=100)
    assert short.exit_code == 0 and long.exit_code == 0, short.output
    assert short.stdout == long.stdout
    assert "-h, --help" in short.stdout


@pytest.mark.parametrize("path", COMMANDS, ids=lambda p: " ".join(p) or "compliance")
def test_no_help_page_shows_a_python_type(path: tuple[str, ...]) -> None:
    page = runner.invoke(app, [*path, "--help"], terminal_width=100).stdout
    for word in ("<", "list[", "Path", "range", "x>=", "<=x"):
        assert word not in page, f"{' '.join(path)}: {word!r} in\n{page}"
    for option in re.finditer(r"^  (?:-\w, )?(--[\w-]+)(?: (\S+))?", page, re.M):
        flag, metavar = option.groups()
        if metavar:  # a value-taking option shows a readable metavar, never a type
            assert re.fullmatch(r"[A-Z_]+|\d+-\d+|[a-z]+(\|[a-z]+)*", metavar), (flag, metavar)


def test_check_help_names_its_values_the_way_users_write_them() -> None:
    page = runner.invoke(app, ["check", "--help"], terminal_width=100).stdout
    assert page.startswith("Usage: compliance check [OPTIONS] [FILE]...\n")
    for shown in ("FILE...", "--format FORMAT", "--fail-under 0-100", "--as-of DATE", "--rules DIR",
                  "--standard PROFILE", "--jobs N", "--fail-on missing|partial", "--fail-on-area AREA"):
        assert shown in page, shown
    assert "FORMAT: " + ", ".join(f.value for f in Format) + "." in " ".join(page.split())
    assert "at least 1" in page  # --jobs' minimum, in words


# --- suggestions ---------------------------------------------------------------------------------

TYPOS = [(path, option) for path in COMMANDS for option in _options(path) if option != "--help"]


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(case=st.sampled_from(TYPOS), where=st.integers(min_value=0), swap=st.booleans())
def test_a_one_letter_slip_suggests_the_option_meant(here: Path, case: tuple[tuple[str, ...], str],
                                                     where: int, swap: bool) -> None:
    path, option = case
    bare = option[2:]
    i = where % len(bare)
    if swap and i + 1 < len(bare):
        slip = bare[:i] + bare[i + 1] + bare[i] + bare[i + 2:]
    else:
        slip = bare[:i] + bare[i + 1:]
    if "--" + slip in _options(path) or not slip:
        return  # the slip is itself an option (e.g. --fail-on-area minus a word)
    result = runner.invoke(app, [*path, "--" + slip])
    assert result.exit_code == 2
    line = result.stderr.strip().splitlines()[-1]
    assert line.startswith(f"Error: No such option: --{slip}. Did you mean ")
    assert option in line.split("Did you mean ", 1)[1], line


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(path=st.sampled_from(COMMANDS), word=st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=3, max_size=9))
def test_a_word_close_to_no_option_gets_no_suggestion(here: Path, path: tuple[str, ...], word: str) -> None:
    # The root's options too: one of them given after a command gets "put it before" (tested below), not this.
    names = [o[2:] for o in _options(path) + _options(())]
    far = all(difflib.SequenceMatcher(None, word, n).ratio() < 0.6 and word not in n for n in names)
    if not far:
        return
    result = runner.invoke(app, [*path, "--" + word])
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines()[-1] == f"Error: No such option: --{word}"


def test_bogus_suggests_nothing_and_typos_suggest_their_option(here: Path) -> None:
    assert runner.invoke(app, ["check", "--bogus"]).stderr.strip().endswith("Error: No such option: --bogus")
    assert runner.invoke(app, ["check", "--formt"]).stderr.strip().endswith("Did you mean --format?")
    assert runner.invoke(app, ["--verbos", "check"]).stderr.strip().endswith("Did you mean --verbose?")
    assert close_options("--bogus", _options(("check",))) == []


def test_a_root_option_after_the_command_says_where_it_goes(here: Path) -> None:
    result = runner.invoke(app, ["check", "--quiet"])
    assert result.exit_code == 2
    assert _last(result) == "Error: No such option: --quiet. It is an option of 'compliance': put it before 'check'."


# --- errors in our words -------------------------------------------------------------------------

def _last(result: object) -> str:
    return result.stderr.strip().splitlines()[-1]  # type: ignore[attr-defined, no-any-return]


FORMATS = ", ".join(f.value for f in Format)


@pytest.mark.parametrize(("args", "env", "message"), [
    (["-f", "docx"], {}, f"Error: Invalid value for '--format': unknown format 'docx' (formats: {FORMATS})"),
    (["-f", "jsn"], {}, f"Error: Invalid value for '--format': unknown format 'jsn'; did you mean 'json'? "
                        f"(formats: {FORMATS})"),
    (["--fail-on", "sometimes"], {}, "Error: Invalid value for '--fail-on': unknown value 'sometimes' "
                                     "(values: missing, partial)"),
    (["--fail-under", "101"], {}, "Error: Invalid value for '--fail-under': 101 is out of range: use a whole "
                                  "number from 0 to 100"),
    (["--fail-under", "-1"], {}, "Error: Invalid value for '--fail-under': -1 is out of range: use a whole "
                                 "number from 0 to 100"),
    (["--fail-under", "abc"], {}, "Error: Invalid value for '--fail-under': 'abc' is not a whole number"),
    (["--jobs", "0"], {}, "Error: Invalid value for '--jobs': 0 is out of range: use a whole number of at least 1"),
    ([], {"COMPLIANCE_FORMAT": "docx"}, "Error: Invalid value for COMPLIANCE_FORMAT (the environment variable for "
                                       f"--format): unknown format 'docx' (formats: {FORMATS})"),
    ([], {"COMPLIANCE_FAIL_UNDER": "200"}, "Error: Invalid value for COMPLIANCE_FAIL_UNDER (the environment "
                                           "variable for --fail-under): 200 is out of range: use a whole number "
                                           "from 0 to 100"),
    ([], {"COMPLIANCE_EXIT_ZERO": "maybe"}, "Error: Invalid value for COMPLIANCE_EXIT_ZERO (the environment "
                                            "variable for --exit-zero): 'maybe' is not true or false (use "
                                            "true/false, 1/0, yes/no or on/off)"),
])
def test_a_bad_option_value_is_said_in_our_words(here: Path, args: list[str], env: dict[str, str],
                                                 message: str) -> None:
    result = runner.invoke(app, ["check", US, *args], env=env)
    assert result.exit_code == 2
    assert _last(result) == message
    assert not any(leak in result.stderr for leak in LEAKS)


VALUE_OPTIONS = [("check", "--format"), ("check", "--fail-on"), ("check", "--fail-under"), ("check", "--jobs"),
                 ("compare", "--format"), ("diff", "--format"), ("rules", "--format"), ("calibrate", "--format")]


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(case=st.sampled_from(VALUE_OPTIONS), value=st.text(min_size=1, max_size=12).filter(
    lambda v: not v.startswith("-") and "\x00" not in v))
def test_no_option_value_leaks_library_wording(here: Path, case: tuple[str, str], value: str) -> None:
    command, option = case
    # A missing file makes a run that got past the options stop at once (exit 2) whatever the value.
    args = [command, option, value] + (["missing.yaml"] if command in {"check", "compare", "diff"} else [])
    if command == "calibrate":
        args.append("missing.yaml")
    result = runner.invoke(app, args)
    assert result.exit_code in (0, 2), result.output
    assert not any(leak in result.stderr for leak in LEAKS), result.stderr
    if "Invalid value" in result.stderr:
        assert f"Invalid value for '{option}': " in result.stderr


@pytest.mark.parametrize(("args", "env", "message"), [
    (["--standard", "nope"], {}, f"error: --standard: unknown profile 'nope' {PROFILES}"),
    (["-s", "coee"], {}, f"error: --standard: unknown profile 'coee'; did you mean 'coe'? {PROFILES}"),
    ([], {"COMPLIANCE_STANDARD": "uno"}, f"error: COMPLIANCE_STANDARD: unknown profile 'uno'; did you mean 'un'? "
                                         f"{PROFILES}"),
])
def test_an_unknown_standard_names_the_flag_not_the_profiles_file(here: Path, args: list[str],
                                                                  env: dict[str, str], message: str) -> None:
    for command in (["check", US], ["compare", "-f", "json", US], ["diff", US, US], ["explain", "COE-2005-26"],
                    ["baseline", "create", US, "-o", "b.json"]):
        result = runner.invoke(app, [*command, *args], env=env)
        assert result.exit_code == 2, (command, result.output)
        assert result.stderr == message + "\n", command
        assert "profiles.yaml" not in result.stderr


def test_an_unknown_standard_from_the_config_points_at_its_line(here: Path) -> None:
    (here / ".compliance.yaml").write_text("# settings\nstandard: nope\n", encoding="utf-8")
    result = runner.invoke(app, ["check", US])
    assert result.exit_code == 2
    assert result.stderr == f".compliance.yaml:2:11: standard: unknown profile 'nope' {PROFILES}\n"
    (here / ".compliance.yaml").unlink()
    (here / "pyproject.toml").write_text('[tool.compliance]\nstandard = "nope"\n', encoding="utf-8")
    result = runner.invoke(app, ["check", US])
    assert result.stderr.startswith("pyproject.toml") and f"standard: unknown profile 'nope' {PROFILES}" in \
        result.stderr


@pytest.mark.parametrize(("line", "message"), [
    ("fail-under: 101", ".compliance.yaml:1:13: fail-under: 101 is out of range: use a whole number from 0 to 100"),
    ("fail-under: many", ".compliance.yaml:1:13: fail-under: expected a whole number from 0 to 100, got 'many'"),
    ("max-depth: 0", ".compliance.yaml:1:12: max-depth: 0 is out of range: use a whole number of at least 1"),
    ("exit-zero: maybe", ".compliance.yaml:1:12: exit-zero: expected true or false, got 'maybe'"),
    ("paths: 3", ".compliance.yaml:1:8: paths: expected a list (e.g. [a, b]), got 3"),
    ("format: docx", ".compliance.yaml:1:9: format: invalid value 'docx': expected "),
])
def test_a_bad_config_value_is_said_in_our_words(here: Path, line: str, message: str) -> None:
    (here / ".compliance.yaml").write_text(line + "\n", encoding="utf-8")
    result = runner.invoke(app, ["check", US])
    assert result.exit_code == 2
    assert result.stderr.startswith(message), result.stderr
    assert not any(leak in result.stderr for leak in LEAKS)


def test_config_values_in_range_still_work(here: Path) -> None:
    (here / ".compliance.yaml").write_text('fail-under: "0"\nmax-depth: 40\nexit-zero: true\n', encoding="utf-8")
    config = load_config(Path(".compliance.yaml")).config
    assert (config.fail_under, config.max_depth, config.exit_zero) == (0, 40, True)


# --- plurals -------------------------------------------------------------------------------------

def test_counts_agree_with_their_nouns(here: Path) -> None:
    assert (counted(1, "file"), counted(2, "file"), counted(0, "verdict")) == ("1 file", "2 files", "0 verdicts")
    one = runner.invoke(app, ["-v", "check", US, "-f", "json"])
    assert "checked 1 file against rules" in one.stderr
    two = runner.invoke(app, ["-v", "check", US, str(ROOT / "legislation" / "ie.yaml"), "-f", "json"])
    assert "checked 2 files against rules" in two.stderr
    created = runner.invoke(app, ["baseline", "create", US, "-o", "b.json"])
    assert re.search(r"wrote b\.json: 1 jurisdiction, \d+ verdicts", created.stderr), created.stderr
    assert re.match(r"rule set \S+: \d+ requirements\n", runner.invoke(app, ["rules"]).stdout)


# --- init ----------------------------------------------------------------------------------------

def test_init_writes_a_file_that_validates_cleanly_and_says_what_is_left(here: Path) -> None:
    made = runner.invoke(app, ["init", "xx"])
    assert made.exit_code == 0, made.output
    assert "wrote xx.yaml" in made.stderr
    checked = runner.invoke(app, ["validate", "xx.yaml"])
    assert checked.exit_code == 0 and checked.stderr == "ok: 1 checked, no problems\n"
    strict = runner.invoke(app, ["validate", "--strict", "xx.yaml"])
    assert strict.exit_code == 2
    assert "'xx' is not an assigned ISO 3166-1 alpha-2 code" in strict.stderr
    assert "provision 'example-1' has no 'retrieved' date" in strict.stderr
    assert "has no date: give ratified, in_force or party_by" in strict.stderr


def test_a_scaffold_claims_nothing_about_the_law(here: Path) -> None:
    assert runner.invoke(app, ["init", "xx"]).exit_code == 0
    report = api.check(api.load_statute("xx.yaml", api.load_rules(None)), api.load_rules(None))
    assert report.requirements and {r.status for r in report.requirements} == {"not_assessed"}


def test_init_takes_instruments_and_areas_from_the_rule_set(here: Path, rules: RuleSet) -> None:
    data = yaml.safe_load(statute_scaffold("xx", rules))
    assert [t["instrument"] for t in data["treaties"]] == [i.id for i in rules.instruments.values()
                                                           if i.kind != "soft_law"]
    assert data["coverage"] == {a.id: "not_read" for a in rules.scoring.areas}
    # A rule set with one more instrument gets it in the list: nothing is hard-coded.
    shutil.copytree(ROOT / "rules", here / "rules")
    with (here / "rules" / "instruments.yaml").open("a", encoding="utf-8") as handle:
        handle.write("  - id: test-accord\n    name: Test Accord\n    title: A test accord\n    kind: treaty\n"
                     "    url: https://example.org/accord\n")
    assert runner.invoke(app, ["init", "zz", "--rules", "rules"]).exit_code == 0
    text = (here / "zz.yaml").read_text(encoding="utf-8")
    assert "  - instrument: test-accord  # Test Accord\n" in text
    assert runner.invoke(app, ["validate", "zz.yaml", "--rules", "rules"]).exit_code == 0


@settings(max_examples=40, deadline=None)
@given(code=st.from_regex(CODE_PATTERN, fullmatch=True))
def test_every_code_gives_a_valid_scaffold(rules: RuleSet, code: str) -> None:
    statute = api.load_statute(f"{code}.yaml", rules, text=statute_scaffold(code, rules))
    assert statute.statute.jurisdiction.code == code


def test_the_example_norm_in_the_scaffold_is_a_valid_norm(here: Path, rules: RuleSet) -> None:
    text = statute_scaffold("xx", rules)
    assert f"    #     {EXAMPLE_NORM}\n" in text
    data = yaml.safe_load(text)
    del data["provisions"][0]["no_norm_reason"]
    data["provisions"][0]["norms"] = [EXAMPLE_NORM]
    api.load_statute("xx.yaml", rules, text=yaml.safe_dump(data))


def test_init_never_overwrites_and_writes_nothing_when_refusing(here: Path) -> None:
    (here / "xx.yaml").write_text("mine\n", encoding="utf-8")
    result = runner.invoke(app, ["init"])
    assert result.exit_code == 2
    assert result.stderr == ("error: xx.yaml exists and init never overwrites a file: move it away, or choose "
                             "another --output\n")
    assert (here / "xx.yaml").read_text(encoding="utf-8") == "mine\n"
    (here / ".compliance.yaml").write_text("standard: all  # mine\n", encoding="utf-8")
    result = runner.invoke(app, ["init", "yy", "--config", "--github"])
    assert result.exit_code == 2 and "leave out --config" in result.stderr
    assert not (here / "yy.yaml").exists() and not (here / ".github").exists()
    (here / "dangling.yaml").symlink_to(here / "nowhere")
    assert runner.invoke(app, ["init", "-o", "dangling.yaml"]).exit_code == 2
    assert not (here / "nowhere").exists()


def test_init_needs_the_output_folder_to_exist(here: Path) -> None:
    result = runner.invoke(app, ["init", "-o", "sub/xx.yaml"])
    assert result.exit_code == 2
    assert result.stderr == "error: --output sub/xx.yaml: the folder sub does not exist (create it, or pass --mkdir)\n"
    assert not (here / "sub").exists()
    (here / "sub").mkdir()
    assert runner.invoke(app, ["init", "-o", "sub/xx.yaml"]).exit_code == 0 and (here / "sub" / "xx.yaml").is_file()
    assert runner.invoke(app, ["init", "-o", "new/deeper/xx.yaml", "--mkdir"]).exit_code == 0
    assert (here / "new" / "deeper" / "xx.yaml").is_file()


def test_init_writes_all_or_nothing(here: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import compliance.cli.init as init_module
    from compliance.cli.common import write as real

    def failing(path: Path, text: str, inputs: list[Path]) -> None:
        if path.name == "compliance.yml":
            raise OSError(28, "No space left on device")
        real(path, text, inputs)

    monkeypatch.setattr(init_module, "write", failing)
    with pytest.raises(OSError):
        runner.invoke(app, ["init", "xx", "--config", "--github"], catch_exceptions=False)
    assert not (here / "xx.yaml").exists() and not (here / ".compliance.yaml").exists()


def test_init_refuses_a_code_that_is_not_one(here: Path) -> None:
    result = runner.invoke(app, ["init", "France"])
    assert result.exit_code == 2
    assert result.stderr.startswith("error: CODE: 'France' is not a jurisdiction code")
    assert not list(here.iterdir())


def test_init_takes_the_code_from_the_output_name(here: Path) -> None:
    assert runner.invoke(app, ["init", "-o", "gb-sct.yaml"]).exit_code == 0
    assert yaml.safe_load((here / "gb-sct.yaml").read_text(encoding="utf-8"))["jurisdiction"]["code"] == "gb-sct"
    assert runner.invoke(app, ["init", "DE"]).exit_code == 0 and (here / "de.yaml").is_file()


def test_init_config_makes_a_plain_check_check_the_new_file(here: Path) -> None:
    assert runner.invoke(app, ["init", "xx", "--config"]).exit_code == 0
    assert load_config(Path(".compliance.yaml")).config.paths == ["xx.yaml"]
    result = runner.invoke(app, ["check", "-f", "json"])
    assert result.exit_code == 0, result.output
    assert '"code": "xx"' in result.stdout


def test_init_github_writes_a_workflow_that_checks_and_uploads_sarif(here: Path) -> None:
    assert runner.invoke(app, ["init", "xx", "--github"]).exit_code == 0
    flow = yaml.safe_load((here / ".github" / "workflows" / "compliance.yml").read_text(encoding="utf-8"))
    steps = flow["jobs"]["check"]["steps"]
    runs = [s.get("run", "") for s in steps]
    assert "compliance validate xx.yaml" in runs
    check = next(r for r in runs if r.startswith("compliance check"))
    assert check == "compliance check xx.yaml --format github --output-sarif compliance.sarif"
    upload = next(s for s in steps if "upload-sarif" in s.get("uses", ""))
    assert upload["with"]["sarif_file"] == "compliance.sarif" and upload["if"] == "always()"
    assert flow["permissions"]["security-events"] == "write"
    assert not any(r.startswith("pip install compliance") for r in runs)  # that index name is another project


def test_init_github_does_not_follow_a_symlinked_folder(here: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    elsewhere = tmp_path_factory.mktemp("elsewhere")
    (here / ".github").symlink_to(elsewhere, target_is_directory=True)
    result = runner.invoke(app, ["init", "xx", "--github"])
    assert result.exit_code == 2 and "symbolic link" in result.stderr
    assert not list(elsewhere.iterdir()) and not (here / "xx.yaml").exists()
