"""CI formats that fit their hosts, and that no user string can break.

* ``-f github``: at most GitHub's documented 10 error, 10 warning and 10 notice annotations per step
  (and so within its 50 per job: actions/toolkit docs/problem-matchers.md, "Limitations",
  https://github.com/actions/toolkit/blob/main/docs/problem-matchers.md#limitations), the most severe
  first, then one notice counting what was left out; no name, file or message forges a workflow command;
  a Markdown job summary appended to ``$GITHUB_STEP_SUMMARY`` whose tables no name can break.
* Under ``--baseline`` only new and regressed findings fail, in JUnit, annotations, SARIF and GitLab.
* SARIF: informationUri/fullName/automationDetails, short messages, relative URIs under ``%SRCROOT%``,
  related locations only inside the scanned folder; valid against the OASIS schema for any strings, and
  clean under Microsoft's SARIF multitool (when installed).
* JUnit is well-formed XML 1.0 for any strings.
* GitLab Code Quality carries exactly the documented fields, with stable, distinct fingerprints.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from compliance import api
from compliance.cli import app
from compliance.model.results import Report, RequirementResult, WaiverApplied
from compliance.render.ci import KNOWN, clip, is_failure, one_line, severity, visible, xml_text
from compliance.render.github import render_github, render_step_summary
from compliance.render.gitlab import SEVERITIES, render_gitlab
from compliance.render.junit import render_junit
from compliance.render.sarif import information_uri, render_sarif, sarif_log
from tests.conftest import ROOT, sarif_schema_path

DAY = dt.date(2026, 11, 28)
AS_OF = ["--as-of", DAY.isoformat()]
RULES = api.load_rules(ROOT / "rules")
BASE = api.check(api.load_statute(ROOT / "legislation" / "gb-eaw.yaml", RULES, "legislation/gb-eaw.yaml"), RULES,
                 DAY)
runner = CliRunner()
#: GitHub's documented limits (actions/toolkit docs/problem-matchers.md, "Limitations"): 10 error, 10 warning
#: and 10 notice annotations per step; 50 annotations per job.
PER_LEVEL, PER_JOB = 10, 50


SCHEMA_PATH = sarif_schema_path()
VALIDATOR = (jsonschema.validators.validator_for(schema := json.loads(SCHEMA_PATH.read_text(encoding="utf-8")))(
    schema) if SCHEMA_PATH.is_file() else None)


def _schema_errors(log: dict[str, Any]) -> list[str]:
    assert VALIDATOR is not None
    return [f"{list(e.path)}: {e.message}" for e in VALIDATOR.iter_errors(log)]


@pytest.fixture
def work(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A working directory with copies of two statute files, no rules folder and no configuration."""
    (tmp_path / "legislation").mkdir()
    for code in ("gb-eaw", "us"):
        shutil.copy(ROOT / "legislation" / f"{code}.yaml", tmp_path / "legislation")
    monkeypatch.chdir(tmp_path)
    for var in [v for v in os.environ if v.startswith(("COMPLIANCE_", "GITHUB_"))]:
        monkeypatch.delenv(var)
    return tmp_path


def run(*args: str, env: dict[str, str] | None = None) -> Any:
    return runner.invoke(app, ["--no-config", *args], env=env)


# --- hostile strings -------------------------------------------------------------------------------

PIECES = ["]]>", "\n::error file=x.yaml,line=1::forged", "\r\n::warning::x", "\r", "\x00", "\x1b[31m", "\x07",
          "\ud800", "\udfff", "\ufffe", "\uffff", "|", "| --- |", "\u2028", "\u0085", '"', "'", "<![CDATA[", "&amp;",
          "%0A", "%25", "::", ":", ",", "`", "*", "_", "[x](javascript:alert(1))", "<script>", "\\", "\\|", "\t",
          "file:///etc/passwd", "..", "/", "#", "\u202e", "  "]
HOSTILE = st.lists(st.one_of(st.sampled_from(PIECES), st.text(st.characters(exclude_categories=[]), max_size=6)),
                   max_size=5).map("".join)


def _hostile(base: Report, s: dict[str, str]) -> Report:
    """``base`` with every user string replaced by a hostile one (and one finding waived, hostile too)."""
    provisions = [p.model_copy(update={"id": s["provision"] + p.id, "heading": s["heading"], "text": s["text"],
                                       "file": s["file"]}) for p in base.provisions]
    requirements = []
    for index, q in enumerate(base.requirements):
        update: dict[str, Any] = {
            "title": s["title"] + q.title,
            "gaps": [*q.gaps, s["text"]],
            "evidence": [e.model_copy(update={"provision": s["provision"] + e.provision, "heading": s["heading"],
                                              "file": s["file"]}) for e in q.evidence]}
        if index == 0 and q.status in ("partial", "missing"):
            update["waiver"] = WaiverApplied(justification=s["text"] or "x", reviewer=s["name"], expires="2026-12-01",
                                             file=s["file"], line=2, column=5)
        requirements.append(q.model_copy(update=update))
    return base.model_copy(update={
        "file": s["file"], "provisions": provisions, "requirements": requirements,
        "jurisdiction": base.jurisdiction.model_copy(update={"code": s["code"], "name": s["name"]})})


HOSTILE_FIELDS = st.fixed_dictionaries({k: HOSTILE for k in ("code", "name", "file", "provision", "heading", "text",
                                                             "title")})
FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

_ANNOTATION = re.compile(r"^::(error|warning|notice) file=([^,:\r\n]*),line=(\d+),col=(\d+),title=([^,:\r\n]*)::"
                         r"([^\r\n]*)$")
_SUMMARY = re.compile(r"^::notice title=([^,:\r\n]*)::([^\r\n]*)$")


def _unescape(value: str, prop: bool) -> str:
    """What the Actions runner reads back (it undoes the escapes in this order, ``%25`` last)."""
    pairs = [("%0D", "\r"), ("%0A", "\n")] + ([("%3A", ":"), ("%2C", ",")] if prop else []) + [("%25", "%")]
    for code, char in pairs:
        value = value.replace(code, char)
    return value


# --- GitHub annotations ----------------------------------------------------------------------------

@FUZZ
@given(HOSTILE_FIELDS)
def test_no_user_string_forges_a_workflow_command_or_a_property(s: dict[str, str]) -> None:
    report = _hostile(BASE, s)
    out = render_github([report])
    lines = out.split("\n")
    assert lines[-1] == "" and all(line.startswith("::") for line in lines[:-1])
    lines = lines[:-1]
    assert len(lines) == _expected_lines([report])
    for line in lines:
        match = _ANNOTATION.match(line)
        if match is None:
            assert _SUMMARY.match(line), line
            continue
        file = _unescape(match[2], prop=True)
        assert file == visible(s["file"]) or file == visible(report.locate(report.requirements[0])[0])
        title = _unescape(match[5], prop=True)
        assert title.startswith(one_line(s["code"]) + " ")
        assert "\n" not in title and "\r" not in title


def _expected_lines(reports: list[Report]) -> int:
    """How many lines: up to 10 per level; with anything left out, 9 notices and the counting notice."""
    reqs = [q for r in reports for q in r.requirements if q.status != "met"]
    known = sum(q.baseline in KNOWN for q in reqs)
    errors = sum(is_failure(q) and q.status == "missing" for q in reqs)
    warnings = sum(is_failure(q) and q.status == "partial" for q in reqs)
    notices = len(reqs) - known - errors - warnings
    if known or max(errors, warnings, notices) > PER_LEVEL:
        return min(errors, PER_LEVEL) + min(warnings, PER_LEVEL) + min(notices, PER_LEVEL - 1) + 1
    return errors + warnings + notices


def _requirement(q: RequirementResult, status: str, weight: float, score: int, waived: bool,
                 baseline: str | None) -> RequirementResult:
    waiver = WaiverApplied(justification="j", reviewer=None, expires=None, file="w.yaml", line=1, column=1)
    return q.model_copy(update={"status": status, "weight": weight, "score": 0 if status == "missing" else score,
                                "waiver": waiver if waived and status in ("partial", "missing") else None,
                                "baseline": baseline})


FINDING = st.tuples(st.sampled_from(["met", "partial", "missing", "not_assessed"]), st.sampled_from([1.0, 2.0, 3.0]),
                    st.integers(1, 99), st.booleans(), st.sampled_from([None, "new", "unchanged", "improved",
                                                                         "regressed"]))


@settings(max_examples=120, deadline=None)
@given(st.lists(FINDING, min_size=1, max_size=4 * len(BASE.requirements)), st.booleans())
def test_annotations_keep_to_the_per_step_limits_most_severe_first_then_count_the_rest(
        findings: list[tuple[str, float, int, bool, str | None]], baselined: bool) -> None:
    """At most 10 errors, 10 warnings and 10 notices (GitHub's per-step limits, problem-matchers.md), so at
    most 30 in all (GitHub's job limit is 50); the most severe kept; one notice counts the rest."""
    reports, size = [], len(BASE.requirements)
    for start in range(0, len(findings), size):
        chunk = findings[start:start + size]
        reqs = [_requirement(q, st_, w, sc, wv, bl if baselined else None)
                for q, (st_, w, sc, wv, bl) in zip(BASE.requirements, chunk, strict=False)]
        reports.append(BASE.model_copy(update={
            "requirements": reqs, "jurisdiction": BASE.jurisdiction.model_copy(update={"code": f"x{start}"})}))
    lines = render_github(reports).splitlines()
    levels = Counter(line.split(" ", 1)[0][2:] for line in lines)
    assert all(levels[level] <= PER_LEVEL for level in ("error", "warning", "notice"))
    assert len(lines) <= 3 * PER_LEVEL <= PER_JOB
    everything = [(r, q) for r in reports for q in r.requirements if q.status != "met"]
    known = [rq for rq in everything if rq[1].baseline in KNOWN]
    errors = [rq for rq in everything if is_failure(rq[1]) and rq[1].status == "missing"]
    warnings = [rq for rq in everything if is_failure(rq[1]) and rq[1].status == "partial"]
    notices = [rq for rq in everything if rq not in known and not is_failure(rq[1])]
    assert levels["error"] == min(len(errors), PER_LEVEL)
    assert levels["warning"] == min(len(warnings), PER_LEVEL)
    counted = bool(lines) and _SUMMARY.match(lines[-1]) is not None
    left = len(everything) - levels["error"] - levels["warning"] - (levels["notice"] - counted)
    if left:
        assert _SUMMARY.match(lines[-1]) and f"{left} finding" in lines[-1] and "full list" in lines[-1]
        assert sum(1 for line in lines if _SUMMARY.match(line)) == 1
    else:
        assert not any(_SUMMARY.match(line) for line in lines)
        assert levels["notice"] == len(notices)
    # the most severe are kept: no annotated error is less severe than one left out
    shown = {m[5] for line in lines if (m := _ANNOTATION.match(line)) and m[1] == "error"}
    def title(rq: tuple[Report, RequirementResult]) -> str:
        r, q = rq
        change = f" {q.baseline}" if q.baseline in ("new", "regressed") else ""
        return _escaped_title(f"{r.jurisdiction.code} {q.id} {q.status}{change} ({q.score}/100)")
    kept = [rq for rq in errors if title(rq) in shown]
    dropped = [rq for rq in errors if title(rq) not in shown]
    if kept and dropped:
        assert max(severity(q) for _, q in kept) <= min(severity(q) for _, q in dropped)
    # known findings are never annotated
    for r, q in known:
        assert not any(f"title={r.jurisdiction.code} {q.id} " in line for line in lines)


def _escaped_title(text: str) -> str:
    return text.replace("%", "%25").replace(":", "%3A").replace(",", "%2C")


# --- JUnit -----------------------------------------------------------------------------------------

@FUZZ
@given(HOSTILE_FIELDS)
def test_junit_is_well_formed_xml_with_the_right_counts_for_any_strings(s: dict[str, str]) -> None:
    report = _hostile(BASE, s)
    text = render_junit([report])
    text.encode("utf-8")  # always encodable
    root = ET.fromstring(text)
    (suite,) = root.findall("testsuite")
    cases = suite.findall("testcase")
    assert len(cases) == len(report.requirements) == int(suite.get("tests", "-1"))
    failures = [c for c in cases if c.find("failure") is not None]
    assert len(failures) == sum(is_failure(q) for q in report.requirements) == int(suite.get("failures", "-1"))
    skipped = [c for c in cases if c.find("skipped") is not None]
    assert len(skipped) == sum(q.status != "met" and not is_failure(q) for q in report.requirements)
    # attribute values come back exactly: only the characters XML cannot hold are shown escaped
    assert suite.get("name") == xml_text(f"{s['code']}: {s['name']}") and suite.get("file") == xml_text(s["file"])
    assert [c.get("name") for c in cases] == [xml_text(f"{q.id}: {q.title}") for q in report.requirements]


# --- SARIF -----------------------------------------------------------------------------------------

@FUZZ
@given(HOSTILE_FIELDS)
def test_sarif_is_valid_json_and_valid_sarif_for_any_strings(s: dict[str, str]) -> None:
    report = _hostile(BASE, s)
    text = render_sarif([report])
    text.encode("utf-8")
    log = json.loads(text)
    results = log["runs"][0]["results"]
    assert len(results) == sum(q.status != "met" for q in report.requirements)
    for res in results:
        message = res["message"]["text"]
        assert "\n" not in message and "\r" not in message and len(message) <= 300 and message.endswith(".")
    if VALIDATOR is not None:
        assert not _schema_errors(log)


def test_sarif_of_the_bundled_data_has_short_messages_tool_details_and_relative_uris() -> None:
    result = run("check", "-f", "sarif", *AS_OF)
    assert result.exit_code == 0, result.stderr
    run_ = json.loads(result.stdout)["runs"][0]
    driver = run_["tool"]["driver"]
    assert driver["name"] == "compliance" and driver["fullName"].startswith("compliance ")
    assert driver.get("informationUri") == information_uri()
    assert run_["automationDetails"]["id"] == "compliance/all/"
    assert "%SRCROOT%" in run_["originalUriBaseIds"] and "uri" not in run_["originalUriBaseIds"]["%SRCROOT%"]
    assert len(run_["results"]) > 200
    for res in run_["results"]:
        text = res["message"]["text"]
        assert len(text) <= 300 and ".." not in text and "\n" not in text and text.endswith(".")
        assert res["ruleId"] in text and res["message"]["markdown"]
        for loc in res["locations"] + res.get("relatedLocations", []):
            artifact = loc["physicalLocation"]["artifactLocation"]
            assert artifact["uriBaseId"] == "%SRCROOT%" and not artifact["uri"].startswith(("file:", "/"))
    for rule in driver["rules"]:
        urls = {s_.source_url for q in BASE.requirements if q.id == rule["id"] for s_ in q.sources}
        assert not urls or rule["helpUri"] in urls  # the rule data's own URL, never one made up
        assert len(rule["fullDescription"]["text"]) <= 1024 and rule["help"]["text"]


def test_information_uri_comes_only_from_the_package_metadata(monkeypatch: pytest.MonkeyPatch) -> None:
    from email.message import Message

    import compliance.render.sarif as sarif

    def meta(urls: list[str]) -> Message:
        message = Message()
        for url in urls:
            message["Project-URL"] = url
        return message

    for urls, expected in [([], None), (["Changelog, https://x.example/changes"], None),
                           (["Source, https://x.example/src", "Homepage, https://x.example/"], "https://x.example/"),
                           (["Documentation, ftp://x.example/"], None)]:
        monkeypatch.setattr("importlib.metadata.metadata", lambda _name, urls=urls: meta(urls))
        sarif.information_uri.cache_clear()
        assert sarif.information_uri() == expected
        driver = sarif_log([BASE], "1.0", root=ROOT)["runs"][0]["tool"]["driver"]
        assert driver.get("informationUri") == expected
    sarif.information_uri.cache_clear()


def test_related_locations_only_point_at_rule_files_inside_the_scanned_folder(work: Path) -> None:
    report = api.check(api.load_statute(work / "legislation" / "us.yaml", RULES, "legislation/us.yaml"), RULES, DAY)
    outside = sarif_log([report], "0", root=work)["runs"][0]["results"]
    assert outside and all("relatedLocations" not in r for r in outside)  # no rules/ folder in a data repository
    inside = sarif_log([report], "0", root=ROOT)["runs"][0]["results"]
    related = [r["relatedLocations"][0]["physicalLocation"]["artifactLocation"] for r in inside]
    assert len(related) == len(inside)
    assert all((ROOT / a["uri"]).is_file() and a["uriBaseId"] == "%SRCROOT%" for a in related)


def test_absolute_input_paths_become_relative_uris_and_outside_ones_stay_absolute(work: Path, tmp_path: Path) -> None:
    absolute = work / "legislation" / "us.yaml"
    log = json.loads(run("check", str(absolute), "-f", "sarif", *AS_OF).stdout)
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in log["runs"][0]["results"]}
    assert uris == {"legislation/us.yaml"}
    report = api.check(api.load_statute(absolute, RULES), RULES, DAY)
    elsewhere = sarif_log([report], "0", root=work / "legislation" / "sub")["runs"][0]["results"]
    artifact = elsewhere[0]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert artifact == {"uri": absolute.as_uri()}
    odd = report.model_copy(update={"file": "a b/c#d?e:f%.yaml", "provisions": [], "requirements": [
        q.model_copy(update={"evidence": []}) for q in report.requirements]})
    for res in sarif_log([odd], "0", root=work)["runs"][0]["results"]:
        assert res["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "a%20b/c%23d%3Fe%3Af%25.yaml"


def test_help_uri_is_the_most_specific_url_of_the_rule_data() -> None:
    req = next(q for q in BASE.requirements if len(q.sources) > 1)
    article = req.sources[0].source_url + "#article-1"
    sources = [req.sources[0], req.sources[0].model_copy(update={"source_url": article}), *req.sources[1:]]
    specific = BASE.model_copy(update={"requirements": [req.model_copy(update={"sources": sources})]})
    (rule,) = sarif_log([specific], "0", root=ROOT)["runs"][0]["tool"]["driver"]["rules"]
    assert rule["helpUri"] == article
    other = [req.sources[0], req.sources[1].model_copy(update={"source_url": "https://example.org/x#y"})]
    foreign = BASE.model_copy(update={"requirements": [req.model_copy(update={"sources": other})]})
    (rule,) = sarif_log([foreign], "0", root=ROOT)["runs"][0]["tool"]["driver"]["rules"]
    assert rule["helpUri"] == req.source_url  # another instrument's article is not this rule's article


# --- baselines: only new or regressed findings fail ---------------------------------------------

def test_under_a_baseline_only_new_and_regressed_findings_fail_in_every_ci_format(work: Path) -> None:
    assert run("baseline", "create", "legislation", *AS_OF).exit_code == 0
    gate = ["--baseline", ".compliance-baseline.json"]
    outs = ["--output-sarif", "r.sarif", "--output-junit", "r.xml", "--output-gitlab", "gl.json"]
    same = run("check", "legislation", *AS_OF, *gate, "-f", "github", *outs)
    assert same.exit_code == 0, same.stderr
    root = ET.parse(work / "r.xml").getroot()
    findings = sum(q["status"] != "met" for r in json.loads(run("check", "legislation", *AS_OF, "-f", "json").stdout)[
        "results"] for q in r["requirements"])
    assert root.get("failures") == "0" and int(root.get("skipped", "-1")) == findings > 20
    results = json.loads((work / "r.sarif").read_text())["runs"][0]["results"]
    assert {r["baselineState"] for r in results} == {"unchanged"}
    assert {r["level"] for r in results} <= {"note", "none"}
    assert json.loads((work / "gl.json").read_text()) == []
    lines = same.stdout.splitlines()
    assert len(lines) == 1 and lines[0].startswith("::notice title=compliance%3A ")
    assert "known to the baseline" in lines[0]

    older = run("check", "legislation", "--as-of", "2020-11-28", *gate, "-f", "github", *outs)
    assert older.exit_code == 1
    results = json.loads((work / "r.sarif").read_text())["runs"][0]["results"]
    worse = [r for r in results if r["level"] in ("error", "warning")]
    assert worse and all(r["baselineState"] in ("new", "updated") for r in worse)
    assert all(r["level"] in ("note", "none") for r in results if r["baselineState"] == "unchanged")
    data = json.loads(run("check", "legislation", "--as-of", "2020-11-28", *gate, "-f", "json").stdout)
    failing = sum(q["status"] in ("partial", "missing") and q["baseline"] in ("new", "regressed") and not q["waiver"]
                  for r in data["results"] for q in r["requirements"])
    assert failing == len(worse)
    root = ET.parse(work / "r.xml").getroot()
    assert int(root.get("failures", "-1")) == failing
    assert {f.get("message", "").rsplit("(", 1)[-1] for f in root.iter("failure")} <= {
        "new against the baseline)", "regressed against the baseline)"}
    issues = json.loads((work / "gl.json").read_text())
    # Not-assessed verdicts new against the baseline (a file whose reading of an area starts later) are listed
    # for information only; every other issue is a failing finding.
    gaps = [i for i in issues if " is not assessed " not in i["description"]]
    assert 0 < len(gaps) == failing
    assert all(i["severity"] == "info" for i in issues if i not in gaps)
    annotated = [line for line in older.stdout.splitlines() if line.startswith(("::error ", "::warning "))]
    assert annotated and all(" new (" in line or " regressed (" in line for line in annotated)


# --- GitLab Code Quality ---------------------------------------------------------------------------

def test_gitlab_issues_have_exactly_the_documented_fields(work: Path) -> None:
    """docs.gitlab.com, Code Quality, "Implement a custom tool": description, check_name, fingerprint,
    severity (info/minor/major/critical/blocker), location.path (relative), location.lines.begin."""
    result = run("check", "legislation", "-f", "gitlab", *AS_OF)
    assert result.exit_code == 0, result.stderr
    assert not result.stdout_bytes.startswith(b"\xef\xbb\xbf")
    issues = json.loads(result.stdout)
    data = json.loads(run("check", "legislation", "-f", "json", *AS_OF).stdout)
    assert len(issues) == sum(q["status"] != "met" for r in data["results"] for q in r["requirements"]) > 0
    for issue in issues:
        assert set(issue) == {"description", "check_name", "fingerprint", "severity", "location"}
        assert set(issue["location"]) == {"path", "lines"} and set(issue["location"]["lines"]) == {"begin"}
        assert issue["severity"] in SEVERITIES
        assert issue["location"]["path"] in ("legislation/gb-eaw.yaml", "legislation/us.yaml")
        assert isinstance(issue["location"]["lines"]["begin"], int) and issue["location"]["lines"]["begin"] >= 1
        assert issue["check_name"].startswith("compliance/") and len(issue["description"]) <= 300
        assert re.fullmatch(r"[0-9a-f]{64}", issue["fingerprint"])
    assert len({i["fingerprint"] for i in issues}) == len(issues)
    assert {i["severity"] for i in issues} <= {"info", "minor", "major", "critical"}


def test_gitlab_fingerprints_survive_edits_that_move_lines(work: Path) -> None:
    gb = work / "legislation" / "gb-eaw.yaml"
    first = json.loads(run("check", str(gb.relative_to(work)), "-f", "gitlab", *AS_OF).stdout)
    gb.write_text("# a new header line\n" * 5 + gb.read_text(encoding="utf-8"), encoding="utf-8")
    assert run("check", str(gb.relative_to(work)), *AS_OF, "--output-gitlab", "gl.json").exit_code == 0
    second = json.loads((work / "gl.json").read_text())
    assert [i["fingerprint"] for i in first] == [i["fingerprint"] for i in second]
    moved = [(a["location"]["lines"]["begin"], b["location"]["lines"]["begin"]) for a, b in zip(first, second,
                                                                                                    strict=True)]
    assert all(new == old + 5 for old, new in moved if old > 1)


@FUZZ
@given(HOSTILE_FIELDS)
def test_gitlab_report_is_valid_json_with_the_documented_fields_for_any_strings(s: dict[str, str]) -> None:
    report = _hostile(BASE, s)
    issues = json.loads(render_gitlab([report], root=ROOT))
    assert len(issues) == sum(q.status != "met" for q in report.requirements)
    for issue in issues:
        assert issue["severity"] in SEVERITIES and isinstance(issue["location"]["path"], str)
        assert "\n" not in issue["description"] and len(issue["description"]) <= 300


# --- the job summary -------------------------------------------------------------------------------

def _rows(markdown: str) -> list[list[str]]:
    """Table rows split at unescaped pipes (what GitHub's GFM table parser does)."""
    rows = []
    for line in markdown.splitlines():
        if line.startswith("|"):
            cells = re.split(r"(?<!\\)\|", line)
            assert cells[0] == "" and cells[-1] == "", line
            rows.append([c.strip() for c in cells[1:-1]])
    return rows


def _tables(markdown: str) -> list[str]:
    """The tables of a Markdown text: runs of consecutive lines that start with ``|``."""
    tables: list[list[str]] = []
    previous = False
    for line in markdown.splitlines():
        if line.startswith("|"):
            if not previous:
                tables.append([])
            tables[-1].append(line)
        previous = line.startswith("|")
    return ["\n".join(t) for t in tables]


@FUZZ
@given(HOSTILE_FIELDS)
def test_no_name_breaks_the_job_summary_tables(s: dict[str, str]) -> None:
    report = _hostile(BASE, s)
    marked = report.model_copy(update={"requirements": [q.model_copy(update={"baseline": "new"})
                                                        for q in report.requirements]})
    summary = render_step_summary([marked, BASE], DAY)
    summary.encode("utf-8")
    tables = _tables(summary)
    waived = BASE.requirements[0].status in ("partial", "missing")  # _hostile waives it until 2026-12-01
    assert len(tables) == 2 + waived  # scores, against the baseline, expiring waivers
    for table in tables:
        rows = _rows(table)
        assert len({len(r) for r in rows}) == 1, rows
    assert len(_rows(tables[0])) == 2 + 2  # header, delimiter, one row per report
    # a CommonMark parser with GFM tables (markdown-it-py, where installed) sees the same cells, and the
    # name's cell shows the name as it is (on one line, clipped)
    markdown_it = pytest.importorskip("markdown_it")
    tokens = markdown_it.MarkdownIt("commonmark").enable("table").parse(summary)
    cells = [t for t in tokens if t.type in ("th_open", "td_open")]
    assert len(cells) == sum((len(_rows(t)) - 1) * len(_rows(t)[0]) for t in tables)
    texts = ["".join(c.content for c in (t.children or []) if c.type in ("text", "text_special"))
             for t in tokens if t.type == "inline"]
    expected = f"{clip(one_line(s['name']), 80)} ({clip(one_line(s['code']), 40)})"
    assert expected.strip() in [x.strip() for x in texts]


def test_the_job_summary_is_appended_with_scores_regressions_and_waivers_expiring_soon(work: Path) -> None:
    summary = work / "summary.md"
    summary.write_text("earlier step\n", encoding="utf-8")
    soon, later = (dt.date.today() + dt.timedelta(days=d) for d in (10, 100))
    (work / ".compliance-waivers.yaml").write_text(
        "waivers:\n"
        f"  - {{jurisdiction: gb-eaw, requirement: COE-2005-26, justification: 'Bill | pending', expires: {soon}}}\n"
        f"  - {{jurisdiction: us, requirement: COE-2005-26, justification: Later, expires: {later}}}\n")
    assert run("baseline", "create", "legislation", "--as-of", "2026-11-28").exit_code == 0
    result = run("check", "legislation", "--as-of", "2020-11-28", "--baseline", ".compliance-baseline.json",
                 "-f", "github", env={"GITHUB_STEP_SUMMARY": str(summary)})
    assert result.exit_code == 1, result.stderr
    text = summary.read_text(encoding="utf-8")
    assert text.startswith("earlier step\n## compliance\n")
    rows = _rows(text)
    assert ["England and Wales (gb-eaw)"] == [r[0] for r in rows if r[0].startswith("England")]
    assert any(r[:2] == ["gb-eaw", "COE-2005-14.1"] and r[3] == "regressed" for r in rows)
    assert any(r[:3] == ["gb-eaw", "COE-2005-26", soon.isoformat()] and r[4] == r"Bill \| pending" for r in rows)
    assert not any(later.isoformat() in r for r in rows)
    again = run("check", "legislation", "--as-of", "2026-11-28", "--output-github", "gh.txt",
                env={"GITHUB_STEP_SUMMARY": str(summary)})
    assert again.exit_code == 0 and summary.read_text(encoding="utf-8").count("## compliance") == 2


def test_an_unwritable_job_summary_is_a_one_line_warning(work: Path) -> None:
    (work / "dir").mkdir()
    result = run("check", "legislation/us.yaml", *AS_OF, "-f", "github", env={"GITHUB_STEP_SUMMARY": str(work / "dir")})
    assert result.exit_code == 0 and result.stdout.startswith("::")
    warning = [line for line in result.stderr.splitlines() if "GITHUB_STEP_SUMMARY" in line]
    assert len(warning) == 1 and "Traceback" not in result.stderr
    quiet = run("check", "legislation/us.yaml", *AS_OF, "-f", "json")
    assert quiet.exit_code == 0 and "GITHUB_STEP_SUMMARY" not in quiet.stderr  # only with the github format


# --- Microsoft's SARIF multitool -------------------------------------------------------------------

def _multitool() -> list[str] | None:
    """The multitool's native binary, from SARIF_MULTITOOL, .ci/node_modules or /tmp/sarif-tool (npm installs)."""
    platform = {"linux": "linux", "darwin": "darwin", "win32": "win32"}.get(sys.platform, sys.platform)
    native = f"Sarif.Multitool{'.exe' if platform == 'win32' else ''}"
    candidates = [Path(os.environ["SARIF_MULTITOOL"])] if os.environ.get("SARIF_MULTITOOL") else []
    candidates += [ROOT / ".ci" / "node_modules" / ".bin" / "sarif-multitool",
                   Path("/tmp/sarif-tool/node_modules/.bin/sarif-multitool")]
    for candidate in candidates:
        if not candidate.exists():
            continue
        if candidate.parent.name == ".bin":  # the npm wrapper runs through a shell: call the binary itself
            binary = candidate.parent.parent / "@microsoft" / f"sarif-multitool-{platform}" / native
            if binary.is_file():
                return [str(binary)]
        return [str(candidate)]
    return None


MULTITOOL = _multitool()


NO_MULTITOOL = ("Microsoft's SARIF multitool is not installed (set SARIF_MULTITOOL, or npm install --no-save "
                "--prefix .ci @microsoft/sarif-multitool, as .ci/run does when npm is there)")


@pytest.mark.skipif(MULTITOOL is None, reason=NO_MULTITOOL)
@pytest.mark.parametrize("rule_kinds", ["Sarif", "Sarif;Gh"])
def test_the_sarif_multitool_finds_no_error_and_no_warning(work: Path, rule_kinds: str) -> None:
    assert MULTITOOL is not None
    (work / ".compliance-waivers.yaml").write_text(
        "waivers:\n  - {jurisdiction: gb-eaw, requirement: COE-2005-26, justification: Under review., "
        "expires: 2099-12-31}\n")
    assert run("baseline", "create", "legislation/gb-eaw.yaml", *AS_OF).exit_code == 0
    logs = {"plain.sarif": ["legislation"],
            "baselined.sarif": ["legislation", "--as-of", "2020-11-28", "--baseline", ".compliance-baseline.json"]}
    for name, args in logs.items():
        result = run("check", *args, *([] if "--as-of" in args else AS_OF), "--output-sarif", name, "-f", "json")
        assert result.exit_code in (0, 1) and (work / name).is_file(), result.stderr
        out = work / f"{name}.validation.sarif"
        done = subprocess.run([*MULTITOOL, "validate", str(work / name), "--output", str(out), "--log",
                               "ForceOverwrite", "--rule-kind", rule_kinds], capture_output=True, text=True,
                              timeout=600, check=False)
        assert out.is_file(), done.stdout + done.stderr
        found = json.loads(out.read_text(encoding="utf-8-sig"))["runs"][0].get("results", [])
        problems = [f"{r.get('level', 'warning')} {r['ruleId']} {r['message'].get('id')}: {r['message']}"
                    for r in found if r.get("level", "warning") in ("error", "warning")]
        if information_uri() is None:  # the package metadata names no home page yet: the one known warning
            problems = [p for p in problems if not p.startswith("warning SARIF2005 Warning_ProvideToolnformationUri")]
        assert not problems, "\n".join(problems)
        assert done.returncode == 0, done.stdout + done.stderr
