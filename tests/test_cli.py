import json
import subprocess
import sys

from typer.testing import CliRunner

from checker.cli import app
from checker.errors import ExitCode

from .conftest import ROOT

runner = CliRunner()


def _commands(group, prefix=()):
    for command in group.registered_commands:
        yield (*prefix, command.name)
    for sub in group.registered_groups:
        yield from _commands(sub.typer_instance, (*prefix, sub.name))


def test_every_command_has_help_text_and_is_documented():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for path in _commands(app):
        result = runner.invoke(app, [*path, "--help"])
        assert result.exit_code == 0, path
        assert "Usage" in result.output
        assert f"checker {' '.join(path)}" in readme, f"README does not mention checker {' '.join(path)}"


def test_help_does_not_import_torch_or_faiss():
    code = ("import sys; from checker.cli import app; from typer.testing import CliRunner; "
            "CliRunner().invoke(app, ['--help']); print('torch' in sys.modules, 'faiss' in sys.modules, "
            "'sentence_transformers' in sys.modules, 'textual' in sys.modules, 'matplotlib' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False"] * 5


def test_check_json_shape_and_exit_codes(fake, sample_dir):
    result = runner.invoke(app, ["check", str(sample_dir), "--format", "json", "--fail-on", "none"])
    assert result.exit_code == ExitCode.OK, result.output
    data = json.loads(result.stdout)
    assert {"reports", "claims", "findings"} <= data.keys()
    assert len(data["reports"]) == 5 and data["claims"] > 20
    for report in data["reports"]:
        assert {"id", "path", "title", "source", "date"} <= report.keys()
    for finding in data["findings"]:
        assert finding["relation"] in ("agree", "contradict") and 0 <= finding["score"] <= 1
        for side in ("a", "b"):
            assert {"report_id", "path", "text", "span", "attributed_to"} <= finding[side].keys()


def test_contradiction_exits_1_and_fail_on_policy(fake, tmp_path):
    (tmp_path / "a.txt").write_text("أ\nذكرت صحيفة الغد أن وزارة النقل نقلت الطائرة إلى مطار القاهرة الدولي أمس.",
                                    "utf-8")
    (tmp_path / "b.txt").write_text("ب\nقالت وكالة الأنباء إن وزارة النقل نقلت الطائرة إلى مطار عمان الدولي أمس.",
                                    "utf-8")
    assert runner.invoke(app, ["check", str(tmp_path), "--format", "json"]).exit_code == ExitCode.CONTRADICTIONS
    assert runner.invoke(app, ["check", str(tmp_path), "--fail-on", "none"]).exit_code == ExitCode.OK


def test_missing_path_exits_3_with_message(fake, tmp_path):
    result = runner.invoke(app, ["check", str(tmp_path / "nope")])
    assert result.exit_code == ExitCode.ERROR
    assert "no such file or folder" in result.output


def test_bad_flag_exits_2(fake, sample_dir):
    assert runner.invoke(app, ["check", str(sample_dir), "--fail-on", "sometimes"]).exit_code == ExitCode.USAGE
    assert runner.invoke(app, ["check", str(sample_dir), "--min-score", "7"]).exit_code == ExitCode.USAGE


def test_bad_config_file_exits_2(fake, sample_dir, tmp_path, monkeypatch):
    (tmp_path / "checker.toml").write_text("[checker]\nneighbors = 3\n")
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["check", str(sample_dir)])
    assert result.exit_code == ExitCode.USAGE and "unknown setting 'neighbors'" in result.output


def test_index_build_add_info_and_check_against(fake, sample_dir, tmp_path):
    idx = tmp_path / "sample"
    assert runner.invoke(app, ["index", "build", str(sample_dir / "000_715df48419231d69.txt"), "--index", str(idx)]
                         ).exit_code == 0
    assert runner.invoke(app, ["index", "add", str(sample_dir), "--index", str(idx)]).exit_code == 0
    info = json.loads(runner.invoke(app, ["index", "info", str(idx), "--json"]).stdout)
    assert info["reports"] == 5
    result = runner.invoke(app, ["check", str(sample_dir / "004_659378ec05e7a80e.txt"), "--against", str(idx),
                                 "--format", "json", "--fail-on", "none"])
    assert result.exit_code == 0 and json.loads(result.stdout)["stored_claims"] > 0
    assert runner.invoke(app, ["index", "info", str(tmp_path / "none")]).exit_code == ExitCode.ERROR


def test_compare_json(fake):
    result = runner.invoke(app, ["compare", "ارتفاع أسعار النفط في الأسواق العالمية",
                                 "انخفاض أسعار النفط في الأسواق العالمية", "--format", "json"])
    data = json.loads(result.stdout)
    assert {"relation", "score", "kind", "reason", "gate", "similarity"} <= data.keys()


def test_compare_says_when_a_verdict_is_too_weak_to_report():
    import io

    from rich.console import Console

    from checker.cli.render import render_verdict
    from checker.judge.rules import Relation, Verdict

    def shown(score):
        out = io.StringIO()
        render_verdict("a b c d", "a b c e", Verdict(Relation.AGREE, score, "other", "why", 0.6, 0.9),
                       Console(file=out, width=200), min_score=0.5)
        return out.getvalue()

    assert "would not report it" in shown(0.02) and "would not report it" not in shown(0.8)


def _contradicting_reports(folder):
    folder.mkdir(exist_ok=True)
    (folder / "a.txt").write_text("أ\nذكرت صحيفة الغد أن وزارة النقل نقلت الطائرة إلى مطار القاهرة الدولي أمس.",
                                  "utf-8")
    (folder / "b.txt").write_text("ب\nقالت وكالة الأنباء إن وزارة النقل نقلت الطائرة إلى مطار عمان الدولي أمس.",
                                  "utf-8")
    return folder


def test_baseline_hides_known_findings_and_reports_gone_ones(fake, tmp_path):
    reports = _contradicting_reports(tmp_path / "r")
    baseline = tmp_path / "base.json"
    assert runner.invoke(app, ["baseline", str(reports), "--output", str(baseline)]).exit_code == 0
    ids = [e["id"] for e in json.loads(baseline.read_text())["findings"]]
    assert ids
    result = runner.invoke(app, ["check", str(reports), "--baseline", str(baseline), "--format", "json"])
    assert result.exit_code == ExitCode.OK and json.loads(result.stdout)["findings"] == []
    (reports / "b.txt").unlink()
    (reports / "c.txt").write_text("ج\nذكر موقع الخبر أن الأمطار غزيرة في المدينة اليوم بشكل كبير.", "utf-8")
    result = runner.invoke(app, ["check", str(reports), "--baseline", str(baseline)])
    assert "no longer occurs" in result.stderr and ids[0] in result.stderr
    assert runner.invoke(app, ["check", str(reports), "--baseline", str(tmp_path / "none.json")]).exit_code == 3


def test_junit_and_github_formats(fake, tmp_path):
    import xml.etree.ElementTree as ET

    reports = _contradicting_reports(tmp_path)
    junit = runner.invoke(app, ["check", str(reports), "--format", "junit"])
    assert junit.exit_code == ExitCode.CONTRADICTIONS
    suite = ET.fromstring(junit.stdout)
    assert suite.get("tests") == "2" and suite.get("failures") == "2"
    assert all(case.find("failure") is not None for case in suite.iter("testcase"))
    github = runner.invoke(app, ["check", str(reports), "--format", "github"])
    lines = github.stdout.strip().splitlines()
    assert len(lines) == 2 and all(line.startswith("::error file=") and ",line=2," in line for line in lines)


def test_shipped_ci_examples_run_commands_that_work(fake, tmp_path, monkeypatch):
    """The workflow's and the pre-commit hook's checker commands run here (with the fake embedder)."""
    import shlex

    reports = _contradicting_reports(tmp_path / "reports")
    monkeypatch.chdir(tmp_path)
    assert runner.invoke(app, ["baseline", "reports", "--output", "checker-baseline.json"]).exit_code == 0
    workflow = (ROOT / "examples" / "ci" / "checker.yml").read_text(encoding="utf-8")
    commands = [line.strip() for line in workflow.splitlines() if line.strip().startswith(("checker ", "xargs "))]
    assert len(commands) == 2
    build = shlex.split(commands[0])[1:]
    assert runner.invoke(app, build).exit_code == 0
    check = shlex.split(commands[1])[shlex.split(commands[1]).index("check"):]
    result = runner.invoke(app, [*check, *(str(p) for p in sorted(reports.iterdir()))])
    assert result.exit_code == 0, result.output  # every finding is in the baseline
    hook = (ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8")
    entry = next(line.split(":", 1)[1].strip() for line in hook.splitlines() if line.strip().startswith("entry:"))
    result = runner.invoke(app, [*shlex.split(entry)[1:], *(str(p) for p in sorted(reports.iterdir()))])
    assert result.exit_code == 0, result.output


def test_check_add_stores_only_after_a_clean_check(fake, tmp_path):
    idx = tmp_path / "idx"
    reports = _contradicting_reports(tmp_path / "reports")
    assert runner.invoke(app, ["index", "build", str(reports / "a.txt"), "--index", str(idx)]).exit_code == 0
    result = runner.invoke(app, ["check", str(reports / "b.txt"), "--against", str(idx), "--add"])
    assert result.exit_code == ExitCode.CONTRADICTIONS and "not stored" in result.stderr
    assert json.loads(runner.invoke(app, ["index", "info", str(idx), "--json"]).stdout)["reports"] == 1
    calm = tmp_path / "calm.txt"
    calm.write_text("ج\nذكر موقع الخبر أن الأمطار غزيرة في المدينة اليوم بشكل كبير.", "utf-8")
    assert runner.invoke(app, ["check", str(calm), "--against", str(idx), "--add"]).exit_code == 0
    assert json.loads(runner.invoke(app, ["index", "info", str(idx), "--json"]).stdout)["reports"] == 2
    assert runner.invoke(app, ["check", str(calm), "--add"]).exit_code == ExitCode.USAGE


def test_browse_without_a_terminal_prints_the_static_report(fake, sample_dir):
    result = runner.invoke(app, ["browse", str(sample_dir)])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("reports  5  claims  74")  # the static report, not the app


def test_browse_needs_paths_or_an_index(fake):
    result = runner.invoke(app, ["browse"])
    assert result.exit_code == ExitCode.USAGE and "--index NAME" in result.output


def test_browse_an_index_judges_its_stored_claims(fake, sample_dir, tmp_path):
    from checker import build_index

    build_index([sample_dir], tmp_path / "ix", embedder=fake)
    from_index = runner.invoke(app, ["browse", "--index", str(tmp_path / "ix")])
    from_files = runner.invoke(app, ["browse", str(sample_dir)])
    assert from_index.exit_code == 0, from_index.output
    assert from_index.output.splitlines()[0] == from_files.output.splitlines()[0]  # same counts


def test_index_check_judges_the_stored_claims_and_exits_on_contradictions(fake, tmp_path):
    idx = tmp_path / "idx"
    reports = _contradicting_reports(tmp_path / "reports")
    assert runner.invoke(app, ["index", "build", str(reports), "--index", str(idx)]).exit_code == 0
    result = runner.invoke(app, ["index", "check", str(idx), "--format", "json"])
    assert result.exit_code == ExitCode.CONTRADICTIONS, result.output
    stored = json.loads(result.stdout)
    checked = json.loads(runner.invoke(app, ["check", str(reports), "--format", "json"]).stdout)
    assert [f["id"] for f in stored["findings"]] == [f["id"] for f in checked["findings"]]
    assert runner.invoke(app, ["index", "check", str(idx), "--format", "xml"]).exit_code == ExitCode.USAGE


def test_version_and_short_help_exit_0():
    from checker import __version__

    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0 and result.stdout.strip() == f"checker {__version__}"
    assert runner.invoke(app, ["-h"]).exit_code == 0
    assert runner.invoke(app, ["check", "-h"]).exit_code == 0 and runner.invoke(app, ["index", "-h"]).exit_code == 0


def test_check_text_lays_arabic_out_only_when_asked_and_json_never(fake, tmp_path):
    from checker.text.display import visual

    reports = _contradicting_reports(tmp_path / "r")
    claim = "ذكرت صحيفة الغد أن وزارة النقل نقلت الطائرة إلى مطار القاهرة الدولي أمس."
    wide = {"COLUMNS": "200"}  # one line per claim, so the claim can be looked for whole
    on = runner.invoke(app, ["check", str(reports), "--bidi", "on"], env=wide).stdout
    off = runner.invoke(app, ["check", str(reports), "--bidi", "off"], env=wide).stdout
    assert visual(claim) in on and claim not in on  # joined, and in display order
    assert claim in off and not any(0xFE70 <= ord(ch) <= 0xFEFF for ch in off)  # logical order, as stored
    # auto: the output here is not a terminal, so the text is written as stored; CHECKER_BIDI=on forces it
    assert runner.invoke(app, ["check", str(reports)], env=wide).stdout == off
    assert runner.invoke(app, ["check", str(reports)], env={**wide, "CHECKER_BIDI": "on"}).stdout == on
    bad = runner.invoke(app, ["check", str(reports)], env={"CHECKER_BIDI": "sideways"})
    assert bad.exit_code == ExitCode.USAGE and "CHECKER_BIDI='sideways'" in bad.stderr
    written = tmp_path / "report.txt"  # a file is laid out by whatever shows it: as stored, even with --bidi on
    assert runner.invoke(app, ["check", str(reports), "--bidi", "on", "-o", f"text:{written}"], env=wide).stdout == on
    assert claim in written.read_text("utf-8") and visual(claim) not in written.read_text("utf-8")
    as_json = [runner.invoke(app, ["check", str(reports), "--format", "json", *flag], env=env).stdout
               for flag, env in (([], {}), (["--bidi", "on"], {}), ([], {"CHECKER_BIDI": "on"}))]
    assert as_json[0] == as_json[1] == as_json[2] and claim in json.loads(as_json[0])["findings"][0]["a"]["text"] + \
        json.loads(as_json[0])["findings"][0]["b"]["text"]


def test_compare_text_follows_the_bidi_flag(fake):
    from checker.text.display import visual

    a, b = "نقلت الطائرة إلى مطار القاهرة", "نقلت الطائرة إلى مطار عمان"
    on = runner.invoke(app, ["compare", a, b, "--bidi", "on"], env={"COLUMNS": "120"}).stdout
    off = runner.invoke(app, ["compare", a, b, "--bidi", "off"], env={"COLUMNS": "120"}).stdout
    assert visual(a) in on and a not in on and a in off


def test_messages_lay_arabic_out_as_the_report_does(monkeypatch):
    import io

    from rich.console import Console

    from checker.cli.app import say
    from checker.text.display import visual

    def said(**console) -> str:
        out = io.StringIO()
        say("warning: ", "skipped تقرير.txt: [sic]", console=Console(file=out, width=200, **console))
        return out.getvalue()

    assert "skipped تقرير.txt: [sic]" in said()  # not a terminal: as stored
    assert visual("skipped تقرير.txt: [sic]") in said(force_terminal=True)
    monkeypatch.setenv("CHECKER_BIDI", "sideways")  # reported by the command; a message still prints
    assert "skipped تقرير.txt: [sic]" in said(force_terminal=True)
