"""The CI-facing surface end to end: SARIF, JUnit, GitHub annotations, several outputs, thresholds,
waivers, baselines, configuration precedence, stdin, colour and quiet output."""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from typer.testing import CliRunner

from compliance.cli import app
from compliance.render.ci import md
from tests.conftest import BUNDLED, ROOT, sarif_schema_path

SARIF_SCHEMA = sarif_schema_path()
DAY = ["--as-of", "2026-11-28"]


def _gb_score() -> tuple[int, str]:
    """The overall score of the bundled England and Wales file on the tests' day (it follows the data)."""
    import datetime as dt

    from compliance import api

    rules = api.load_rules(ROOT / "rules")
    report = api.check(api.load_statute(ROOT / "legislation" / "gb-eaw.yaml", rules), rules, dt.date(2026, 11, 28))
    return report.score, next(q.id for q in report.requirements if q.status == "met")


GB, GB_MET = _gb_score()
RULES_VERSION = __import__("compliance.api", fromlist=["load_rules"]).load_rules(ROOT / "rules").version
runner = CliRunner()


def run(*args: str, env: dict[str, str] | None = None, stdin: str | None = None):  # type: ignore[no-untyped-def]
    return runner.invoke(app, list(args), env=env, input=stdin)


@pytest.fixture
def work(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A working directory holding copies of two statute files and no configuration."""
    (tmp_path / "legislation").mkdir()
    for code in ("gb-eaw", "us"):
        shutil.copy(ROOT / "legislation" / f"{code}.yaml", tmp_path / "legislation")
    monkeypatch.chdir(tmp_path)
    for var in [v for v in os.environ if v.startswith("COMPLIANCE_") or v in {"NO_COLOR", "FORCE_COLOR",
                                                                            "GITHUB_STEP_SUMMARY"}]:
        monkeypatch.delenv(var)
    return tmp_path


def sarif_of_bundled() -> dict[str, Any]:
    result = run("--no-config", "check", "-f", "sarif", *DAY)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)  # type: ignore[no-any-return]


# --- SARIF ---------------------------------------------------------------------------------------

def test_sarif_of_the_bundled_data_validates_against_the_oasis_schema() -> None:
    if not SARIF_SCHEMA.is_file():
        pytest.skip(f"the SARIF 2.1.0 schema is not at {SARIF_SCHEMA} (set COMPLIANCE_SARIF_SCHEMA)")
    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    log = sarif_of_bundled()
    validator = jsonschema.validators.validator_for(schema)(schema)
    errors = sorted(validator.iter_errors(log), key=lambda e: list(e.path))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors[:10])
    # and a broken log does not validate: the check can fail
    log["runs"][0]["results"][0]["level"] = "fatal"
    assert list(validator.iter_errors(log))


def test_sarif_results_point_at_the_provision_lines() -> None:
    log = sarif_of_bundled()
    run_ = log["runs"][0]
    rules = run_["tool"]["driver"]["rules"]
    assert len(rules) == 23 and all(r["helpUri"].startswith("https://") for r in rules)
    results = run_["results"]
    assert {r["properties"]["jurisdiction"] for r in results} == set(BUNDLED)
    lines = {code: (ROOT / "legislation" / f"{code}.yaml").read_text(encoding="utf-8").splitlines()
             for code in BUNDLED}
    checked = 0
    for res in results:
        loc = res["locations"][0]["physicalLocation"]
        code = res["properties"]["jurisdiction"]
        assert loc["artifactLocation"] == {"uri": f"legislation/{code}.yaml", "uriBaseId": "%SRCROOT%"}
        assert rules[res["ruleIndex"]]["id"] == res["ruleId"]
        assert res["partialFingerprints"] == {"jurisdictionRequirement/v1": f"{code}:{res['ruleId']}"}
        status = res["properties"]["status"]
        assert res["level"] == {"missing": "error", "partial": "warning", "not_assessed": "none"}[status]
        assert res["kind"] == ("review" if status == "not_assessed" else "fail")
        provision = res["properties"]["provision"]
        region = loc["region"]
        if provision is None:
            assert status in ("missing", "not_assessed") and region["startLine"] == 1
            continue
        text = lines[code][region["startLine"] - 1][region["startColumn"] - 1:]
        assert f"Closest provision: {md(provision)}" in res["message"]["markdown"]
        assert re.match(rf"id: ['\"]?{re.escape(provision)}['\"]?\s*$", text), (code, region, text)
        checked += 1
    assert checked > 100


def test_sarif_fingerprints_survive_edits_that_move_lines(work: Path) -> None:
    gb = work / "legislation" / "gb-eaw.yaml"
    first = json.loads(run("check", str(gb), "-f", "sarif", *DAY).stdout)["runs"][0]["results"]
    gb.write_text("# new header line\n" * 7 + gb.read_text(encoding="utf-8"), encoding="utf-8")
    second = json.loads(run("check", str(gb), "-f", "sarif", *DAY).stdout)["runs"][0]["results"]
    assert [r["partialFingerprints"] for r in first] == [r["partialFingerprints"] for r in second]
    moved = [(a["locations"][0]["physicalLocation"]["region"]["startLine"],
              b["locations"][0]["physicalLocation"]["region"]["startLine"]) for a, b in zip(first, second, strict=True)]
    assert all(new == old + 7 for old, new in moved if old > 1)


# --- JUnit and GitHub ----------------------------------------------------------------------------

def test_junit_has_one_case_per_requirement(work: Path) -> None:
    result = run("check", "legislation", "-f", "junit", *DAY)
    root = ET.fromstring(result.stdout)
    suites = root.findall("testsuite")
    assert [s.get("name", "").split(":")[0] for s in suites] == ["gb-eaw", "us"]
    for suite in suites:
        cases = suite.findall("testcase")
        assert len(cases) == 23 == int(suite.get("tests", "0"))
        failures = [c for c in cases if c.find("failure") is not None]
        assert len(failures) == int(suite.get("failures", "-1")) > 0
        assert {f.find("failure").get("type") for f in failures} <= {"partial", "missing"}  # type: ignore[union-attr]
    assert int(root.get("tests", "0")) == 46


def test_github_annotations_name_file_and_line(work: Path) -> None:
    result = run("check", "legislation/us.yaml", "-f", "github", *DAY)
    lines = result.stdout.splitlines()
    data = json.loads(run("check", "legislation/us.yaml", "-f", "json", *DAY).stdout)
    findings = {s: sum(r["status"] == s for r in data["requirements"]) for s in ("missing", "partial", "not_assessed")}
    expected = [min(findings["missing"], 10), min(findings["partial"], 10), min(findings["not_assessed"], 10)]
    left = sum(findings.values()) - sum(expected)
    if left:  # the last notice slot says how many were left out
        expected[2] = min(findings["not_assessed"], 9)
        left = sum(findings.values()) - sum(expected)
        assert lines[-1].startswith(f"::notice title=compliance%3A {left} finding") and "full list" in lines[-1]
        lines = lines[:-1]
    assert [sum(line.startswith(f"::{level} ") for line in lines) for level in ("error", "warning", "notice")] == \
        expected
    pattern = re.compile(r"^::(error|warning|notice) file=legislation/us\.yaml,line=(\d+),col=(\d+),"
                         r"title=us [A-Z].*::.+$")
    assert all(pattern.match(line) for line in lines), lines[0]
    assert all("\n" not in line and "\r" not in line for line in lines)


# --- several outputs, thresholds, exit codes -------------------------------------------------------

def test_several_outputs_in_one_run(work: Path) -> None:
    result = run("check", "legislation", *DAY, "--output-json", "out/r.json", "--output-sarif", "out/r.sarif",
                 "--output-junit", "out/r.xml", "--output-github", "out/gh.txt", "--output-markdown", "out/r.md",
                 "--mkdir")
    assert result.exit_code == 0, result.stderr
    assert "England and Wales (gb-eaw)" in result.stdout
    assert json.loads((work / "out/r.json").read_text())["results"][0]["jurisdiction"]["code"] == "gb-eaw"
    assert json.loads((work / "out/r.sarif").read_text())["version"] == "2.1.0"
    assert ET.parse(work / "out/r.xml").getroot().tag == "testsuites"
    assert (work / "out/gh.txt").read_text().startswith("::")
    assert (work / "out/r.md").read_text().startswith("# ")
    for name in ("r.json", "r.sarif", "r.xml", "gh.txt", "r.md"):
        assert f"wrote out/{name}" in result.stderr


def test_an_output_may_not_overwrite_an_input(work: Path) -> None:
    before = (work / "legislation/us.yaml").read_bytes()
    result = run("check", "legislation/us.yaml", *DAY, "--output-json", "legislation/us.yaml")
    assert result.exit_code == 2 and "refusing to overwrite" in result.stderr
    assert (work / "legislation/us.yaml").read_bytes() == before


@pytest.mark.parametrize(("args", "code", "needle"), [
    (["--fail-under", str(GB)], 0, None),
    (["--fail-under", str(GB + 1)], 1, f"gb-eaw: overall score {GB} is below --fail-under {GB + 1}"),
    (["--fail-on", "missing"], 1, "gb-eaw COE-2005-15.1 is missing (0/100)"),
    (["--fail-on", "missing", "--exit-zero"], 0, "gb-eaw COE-2005-15.1 is missing (0/100)"),
    (["--fail-on", "partial", "--fail-on-requirement", "COE-2005-26"], 1, "gb-eaw COE-2005-26 is partial"),
    (["--fail-on", "missing", "--fail-on-area", "non_punishment"], 0, None),
    (["--fail-on", "missing", "--fail-on-area", "non-punishment"], 2, "--fail-on-area: no such area"),
    (["--fail-on", "partial", "--fail-on-requirement", "COE-2005-62"], 2, "did you mean"),
    (["--fail-on-area", "assistance"], 2, "need --fail-on"),
    (["--fail-on", "sometimes"], 2, "Invalid value for '--fail-on'"),
])
def test_thresholds_and_exit_codes(work: Path, args: list[str], code: int, needle: str | None) -> None:
    result = run("check", "legislation/gb-eaw.yaml", *DAY, *args)
    assert result.exit_code == code, result.stderr
    if needle:
        assert needle in result.stderr
    assert "Traceback" not in result.stderr


def test_threshold_lines_are_positioned(work: Path) -> None:
    result = run("check", "legislation/gb-eaw.yaml", *DAY, "--fail-on", "partial",
                 "--fail-on-requirement", "COE-2005-26")
    line = result.stderr.strip().splitlines()[-1]
    file, lineno, col = re.match(r"^(.+?):(\d+):(\d+): ", line).groups()  # type: ignore[union-attr]
    assert file == "legislation/gb-eaw.yaml"
    assert (work / file).read_text().splitlines()[int(lineno) - 1][int(col) - 1:].startswith("id: ")


# --- waivers -------------------------------------------------------------------------------------

WAIVERS = """waivers:
  - jurisdiction: gb-eaw
    requirement: COE-2005-26
    justification: Schedule 4 under review; re-assess after the consultation.
    reviewer: A. Analyst
    expires: 2099-12-31
"""


def test_the_default_waiver_file_waives_in_every_format(work: Path) -> None:
    (work / ".compliance-waivers.yaml").write_text(WAIVERS)
    gate = ["--fail-on", "partial", "--fail-on-requirement", "COE-2005-26"]
    result = run("check", "legislation/gb-eaw.yaml", *DAY, *gate, "--output-sarif", "r.sarif",
                 "--output-junit", "r.xml", "--output-github", "gh.txt", "--output-json", "r.json",
                 "--output-markdown", "r.md", "--output-html", "r.html", "--output-csv", "r.csv")
    assert result.exit_code == 0, result.stderr
    assert "[partial, waived] COE-2005-26" in result.stdout and "Schedule 4 under review" in result.stdout
    sarif = json.loads((work / "r.sarif").read_text())["runs"][0]["results"]
    (res,) = [r for r in sarif if r["ruleId"] == "COE-2005-26"]
    assert res["suppressions"][0]["kind"] == "external"
    assert res["suppressions"][0]["justification"].startswith("Schedule 4 under review")
    assert all("suppressions" not in r for r in sarif if r["ruleId"] != "COE-2005-26")
    case = next(c for c in ET.parse(work / "r.xml").iter("testcase") if c.get("name", "").startswith("COE-2005-26"))
    assert case.find("skipped") is not None and case.find("failure") is None
    assert any(line.startswith("::notice ") and "COE-2005-26" in line for line in (work / "gh.txt").open())
    req = next(r for r in json.loads((work / "r.json").read_text())["requirements"] if r["id"] == "COE-2005-26")
    assert req["status"] == "partial" and req["waiver"]["reviewer"] == "A. Analyst"
    assert "**Waived until** 2099-12-31" in (work / "r.md").read_text()
    assert "<strong>Waived until</strong> 2099-12-31" in (work / "r.html").read_text()
    assert "Schedule 4 under review" in (work / "r.csv").read_text()
    audit = run("check", "legislation/gb-eaw.yaml", *DAY, *gate, "--no-waivers")
    assert audit.exit_code == 1 and "waived" not in audit.stdout


def test_an_expired_waiver_fails_the_run(work: Path) -> None:
    (work / "w.yaml").write_text(WAIVERS.replace("2099-12-31", "2001-01-01"))
    result = run("check", "legislation/gb-eaw.yaml", *DAY, "--waivers", "w.yaml")
    assert result.exit_code == 1
    assert "w.yaml:2:5: waiver for gb-eaw COE-2005-26 expired on 2001-01-01" in result.stderr
    assert "waived" not in result.stdout


def test_unused_and_invalid_waivers(work: Path) -> None:
    (work / "w.yaml").write_text(WAIVERS.replace("COE-2005-26", GB_MET))
    result = run("check", "legislation/gb-eaw.yaml", *DAY, "--waivers", "w.yaml")
    assert result.exit_code == 0 and f"w.yaml:2:5: unused waiver for gb-eaw {GB_MET}: it is met" in result.stderr
    (work / "w.yaml").write_text(WAIVERS.replace("    justification: Schedule 4 under review; re-assess after the "
                                                 "consultation.\n", ""))
    bad = run("check", "legislation/gb-eaw.yaml", *DAY, "--waivers", "w.yaml")
    assert bad.exit_code == 2 and bad.stderr.strip() == "w.yaml:2:5: missing required key 'justification'"
    validated = run("validate", "w.yaml")
    assert validated.exit_code == 2 and validated.stderr.strip() == "w.yaml:2:5: missing required key 'justification'"
    (work / "w.yaml").write_text(WAIVERS)
    assert run("validate", "w.yaml").exit_code == 0


# --- baseline ------------------------------------------------------------------------------------

def test_baseline_create_then_check_fails_only_on_regressions(work: Path) -> None:
    created = run("baseline", "create", "legislation", *DAY)
    assert created.exit_code == 0, created.stderr
    assert "wrote .compliance-baseline.json: 2 jurisdictions, 46 verdicts" in created.stderr
    again = run("baseline", "create", "legislation", *DAY)
    assert again.exit_code == 2 and "use --force" in again.stderr
    same = run("check", "legislation", *DAY, "--baseline", ".compliance-baseline.json")
    assert same.exit_code == 0, same.stderr
    expected = f"baseline: 2 jurisdictions, 46 verdicts (rules {RULES_VERSION}, standard all, as of 2026-11-28)"
    assert expected in same.stderr
    older = run("check", "legislation", "--as-of", "2020-11-28", "--baseline", ".compliance-baseline.json")
    assert older.exit_code == 1
    assert re.search(r"legislation/us\.yaml:1:1: regression: us COE-2005-15\.4 was partial \(\d+/100\), "
                     r"now missing \(0/100\)", older.stderr), older.stderr
    assert re.search(r"legislation/gb-eaw\.yaml:\d+:\d+: regression: gb-eaw COE-2005-14\.1 was partial", older.stderr)
    data = json.loads(run("check", "legislation/gb-eaw.yaml", "--as-of", "2020-11-28", "-f", "json",
                          "--baseline", ".compliance-baseline.json").stdout)
    assert {r["id"]: r["baseline"] for r in data["requirements"]}["COE-2005-14.1"] == "regressed"
    sarif = json.loads(run("check", "legislation/gb-eaw.yaml", "--as-of", "2020-11-28", "-f", "sarif",
                           "--baseline", ".compliance-baseline.json").stdout)
    assert {r["baselineState"] for r in sarif["runs"][0]["results"]} <= {"unchanged", "updated", "new"}


def test_a_new_jurisdiction_is_not_covered_by_the_baseline(work: Path) -> None:
    assert run("baseline", "create", "legislation/gb-eaw.yaml", *DAY).exit_code == 0
    result = run("check", "legislation", *DAY, "--baseline", ".compliance-baseline.json")
    assert result.exit_code == 1 and "not covered: us" in result.stderr
    assert re.search(r"new finding: us COE-2005-15\.4 is partial \(\d+/100\); the baseline does not cover it",
                     result.stderr), result.stderr


# --- configuration -------------------------------------------------------------------------------

def test_config_file_then_environment_then_flag(work: Path) -> None:
    (work / "pyproject.toml").write_text("[tool.compliance]\npaths = ['legislation/gb-eaw.yaml']\nfail-under = 90\n")
    (work / "sub").mkdir()
    os.chdir(work / "sub")
    from_file = run("check", *DAY)
    assert from_file.exit_code == 1 and f"overall score {GB} is below --fail-under 90" in from_file.stderr
    assert "England and Wales" in from_file.stdout and "United States" not in from_file.stdout
    from_env = run("check", *DAY, env={"COMPLIANCE_FAIL_UNDER": str(GB - 5)})
    assert from_env.exit_code == 0, from_env.stderr
    from_flag = run("check", *DAY, "--fail-under", str(GB + 2), env={"COMPLIANCE_FAIL_UNDER": str(GB - 5)})
    assert from_flag.exit_code == 1 and f"below --fail-under {GB + 2}" in from_flag.stderr
    ignored = run("--no-config", "check", "../legislation/gb-eaw.yaml", *DAY)
    assert ignored.exit_code == 0


def test_unknown_config_keys_are_an_error(work: Path) -> None:
    (work / ".compliance.yaml").write_text("fail-under: 10\nfail-on-areas: [assistance]\n")
    result = run("check", *DAY)
    assert result.exit_code == 2
    assert result.stderr.startswith(".compliance.yaml:2:1: unknown key 'fail-on-areas' (allowed keys: paths, ")
    assert "Traceback" not in result.stderr


# --- terminal manners ----------------------------------------------------------------------------

def test_stdin_statute(work: Path) -> None:
    text = (work / "legislation/gb-eaw.yaml").read_text()
    result = run("check", "-", *DAY, "-f", "json", stdin=text)
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["file"] == "<stdin>" and data["jurisdiction"]["code"] == "gb-eaw" and data["score"] == GB
    bad = run("check", "-", *DAY, stdin="jurisdiction: [\n")
    assert bad.exit_code == 2 and bad.stderr.startswith("<stdin>:")
    mixed = run("check", "-", "legislation/us.yaml", *DAY, stdin=text)
    assert mixed.exit_code == 2 and "cannot be combined" in mixed.stderr


def test_colour_follows_no_color_and_force_color(work: Path) -> None:
    args = ["check", "legislation/gb-eaw.yaml", *DAY]
    assert "\x1b[" not in run(*args).stdout  # not a terminal
    assert "\x1b[31mmissing\x1b[0m" in run(*args, env={"FORCE_COLOR": "1"}).stdout
    assert "\x1b[" not in run(*args, env={"FORCE_COLOR": "1", "NO_COLOR": "1"}).stdout
    assert "\x1b[" not in run(*args, "-f", "json", env={"FORCE_COLOR": "1"}).stdout


def test_quiet_and_verbose(work: Path) -> None:
    loud = run("-v", "check", "legislation/gb-eaw.yaml", *DAY, "-o", "r.txt", "--no-cache")
    assert "wrote r.txt" in loud.stderr and f"checked 1 file against rules {RULES_VERSION}" in loud.stderr
    quiet = run("-q", "check", "legislation/gb-eaw.yaml", *DAY, "-o", "r2.txt")
    assert quiet.exit_code == 0 and quiet.stderr == ""
    failing = run("-q", "check", "legislation/gb-eaw.yaml", *DAY, "--fail-under", "99")
    assert failing.exit_code == 1 and "below --fail-under 99" in failing.stderr


def test_reports_go_to_stdout_and_notes_to_stderr(work: Path) -> None:
    result = run("check", "legislation/gb-eaw.yaml", *DAY, "-f", "json", "--fail-under", "99")
    json.loads(result.stdout)
    assert "below --fail-under" in result.stderr and "below" not in result.stdout


def test_shell_completion_script(monkeypatch: pytest.MonkeyPatch) -> None:
    # Name the shell instead of letting typer detect it from the process tree, which differs
    # between a terminal, CI and an orphaned background job (detection then finds no shell).
    # typer reads this switch when it builds the command, before CliRunner applies its env.
    monkeypatch.setenv("_TYPER_COMPLETE_TEST_DISABLE_SHELL_DETECTION", "1")
    result = run("--show-completion", "bash")
    assert result.exit_code == 0, result.output
    assert "_COMPLIANCE_COMPLETE=complete_bash" in result.stdout


def test_progress_is_drawn_only_on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    from compliance.cli import common

    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    tty = Tty()
    monkeypatch.setattr(common.sys, "stderr", tty)
    monkeypatch.setattr(common.TERMINAL, "quiet", False)
    bar = common.Progress(3)
    for name in ("a.yaml", "b.yaml", "c.yaml"):
        bar(Path(name))
    bar.close()
    assert "[1/3] a.yaml" in tty.getvalue() and "[3/3] c.yaml" in tty.getvalue()
    assert tty.getvalue().endswith("\r\x1b[2K")
    monkeypatch.setattr(common.TERMINAL, "quiet", True)
    quiet = Tty()
    monkeypatch.setattr(common.sys, "stderr", quiet)
    common.Progress(3)(Path("a.yaml"))
    assert quiet.getvalue() == ""
    monkeypatch.setattr(common.TERMINAL, "quiet", False)
    pipe = io.StringIO()
    monkeypatch.setattr(common.sys, "stderr", pipe)
    common.Progress(3)(Path("a.yaml"))
    assert pipe.getvalue() == ""
