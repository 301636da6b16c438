"""Issue 16, the CLI side: text from outside is never markup, every input is accounted for, output paths and
the config file in use are checked and shown up front."""

import json
import random
import xml.etree.ElementTree as ET

import pytest
from typer.testing import CliRunner

from checker.cli import app
from checker.errors import ExitCode

runner = CliRunner()

BRACKETS = "[/url]"
A = ("عنوان [sic] عن نقل الطائرة [update]\n"
     "ذكرت صحيفة الغد أن وزارة [sic] النقل [/url] نقلت الطائرة إلى مطار القاهرة الدولي أمس [update].")
B = "ب\nقالت وكالة الأنباء إن وزارة [sic] النقل [/url] نقلت الطائرة إلى مطار عمان الدولي أمس."
CALM = "ج\nذكر موقع الخبر أن الأمطار غزيرة في المدينة اليوم بشكل كبير."
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Length 44 >>\nstream\n\x00\x01\x02\x03x\x9c\xab\x00\x00endstream\n"


@pytest.fixture
def bracketed(tmp_path):
    """Two contradicting reports whose text, title and file name hold brackets (the file is ``[/x].txt``)."""
    folder = tmp_path / "reports"
    (folder / "[").mkdir(parents=True)
    (folder / "[" / "x].txt").write_text(A, "utf-8")
    (folder / "b.txt").write_text(B, "utf-8")
    return folder


# 1. text is never markup


@pytest.mark.parametrize("fmt", ["text", "json", "junit", "github"])
def test_bracketed_report_text_is_printed_verbatim_and_exit_code_follows_findings(fake, bracketed, fmt):
    result = runner.invoke(app, ["check", str(bracketed), "--format", fmt], env={"COLUMNS": "300"})
    assert result.exit_code == ExitCode.CONTRADICTIONS, result.output
    out = result.stdout
    if fmt == "json":
        data = json.loads(out)
        texts = [side["text"] for f in data["findings"] for side in (f["a"], f["b"])]
        assert any(BRACKETS in t and "[sic]" in t for t in texts)
        assert any("[/x].txt" in r["path"] for r in data["reports"])
        assert any("[sic]" in r["title"] and "[update]" in r["title"] for r in data["reports"])
    elif fmt == "junit":
        suite = ET.fromstring(out)
        assert any("[/x].txt" in case.get("name") for case in suite.iter("testcase"))
        assert BRACKETS in "".join(f.text for f in suite.iter("failure"))
    elif fmt == "github":
        assert "file=" in out and "[/x].txt" in out
    else:
        assert BRACKETS in out and "[sic]" in out and "[/x].txt" in out


def test_story_titles_keep_bracketed_words(fake, bracketed):
    from rich.console import Console

    from checker import check
    from checker.cli.render import render_report

    report = check([bracketed], embedder=fake)
    label = report.stories[0].label
    assert "[" in label  # the story's label holds the bracketed words of its claim
    console = Console(record=True, width=300, file=open("/dev/null", "w"))
    render_report(report, console)
    assert f"Story 1 1 contradict 0 agree: {label}" in console.export_text()


def test_error_messages_with_brackets_are_printed_verbatim_and_exit_3(fake, tmp_path):
    missing = tmp_path / "nope" / "[" / "x].txt"  # nope/[/x].txt
    result = runner.invoke(app, ["check", str(missing)])
    assert result.exit_code == ExitCode.ERROR
    assert "[/x].txt" in result.stderr and "no such file or folder" in result.stderr


def test_an_unexpected_exception_with_brackets_exits_3_not_1(fake, bracketed, monkeypatch):
    monkeypatch.delenv("CHECKER_DEBUG")

    def boom(*args, **kwargs):
        raise RuntimeError("bad [/url] [bold]text")

    monkeypatch.setattr("checker.api.check", boom)
    result = runner.invoke(app, ["check", str(bracketed)])
    assert result.exit_code == ExitCode.ERROR
    assert "internal error: RuntimeError: bad [/url] [bold]text" in result.stderr


def test_main_exits_3_on_an_escaping_exception(monkeypatch, capsys):
    import importlib

    cli_app = importlib.import_module("checker.cli.app")

    def boom(**kwargs):
        raise RuntimeError("[/url]")

    monkeypatch.setattr(cli_app, "app", boom)
    with pytest.raises(SystemExit) as exit_info:
        cli_app.main()
    assert exit_info.value.code == ExitCode.ERROR and "[/url]" in capsys.readouterr().err


def test_browser_shows_bracketed_text_verbatim(fake, bracketed, monkeypatch):
    import asyncio

    from textual.widgets import DataTable

    from checker import check
    from checker.tui.app import BrowseApp, FindingScreen
    from checker.tui.widgets import ClaimPane

    from .test_tui import _text

    monkeypatch.setenv("CHECKER_BIDI", "0")  # logical order on screen, so the text compares as written
    report = check([bracketed], embedder=fake)

    async def go():
        app_ = BrowseApp(report)
        async with app_.run_test(size=(160, 40)) as pilot:
            await pilot.pause()
            stories = app_.screen.query_one("#stories", DataTable)
            label = stories.get_row_at(0)[-1]
            assert "[sic]" in label.plain and BRACKETS in label.plain
            await pilot.press("enter", "tab", "enter")
            assert isinstance(app_.screen, FindingScreen)
            shown = _text(app_.screen.query_one("#a", ClaimPane)) + _text(app_.screen.query_one("#b", ClaimPane))
            assert BRACKETS in shown and "[sic]" in shown
            assert "[/x].txt" in shown
            app_.screen.action_open()  # notifies the path; a path with brackets must not crash the notification
            await pilot.pause()

    asyncio.run(go())


# 2. every report is accounted for


@pytest.fixture
def with_unreadable(tmp_path):
    folder = tmp_path / "reports"
    folder.mkdir()
    (folder / "a.txt").write_text(CALM, "utf-8")
    (folder / "binary.txt").write_bytes(b"\x00\x01\x02 not text \x00" * 50)
    (folder / "garbled.txt").write_bytes(bytes(b | 0x80 for b in random.Random(0).randbytes(300)))  # no encoding
    (folder / "report.pdf.txt").write_bytes(PDF)
    return folder


def test_unreadable_new_report_exits_3_unless_skip_unreadable(fake, with_unreadable):
    result = runner.invoke(app, ["check", str(with_unreadable)])
    assert result.exit_code == ExitCode.ERROR
    assert "could not be read" in result.stderr and "--skip-unreadable" in result.stderr
    assert "warning: skipped" in result.stdout and "binary.txt" in result.stdout and "garbled.txt" in result.stdout
    result = runner.invoke(app, ["check", str(with_unreadable), "--skip-unreadable"])
    assert result.exit_code == ExitCode.OK and "warning: skipped" in result.stdout


def test_pdfs_images_and_office_files_are_refused_by_their_bytes_and_counted_as_skipped(fake, tmp_path):
    (tmp_path / "a.txt").write_text(CALM, "utf-8")
    (tmp_path / "scan.pdf").write_bytes(PDF)  # in a folder: listed so that it is refused, not passed over
    (tmp_path / "photo.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)))  # a misleading name
    (tmp_path / "notes.docx").write_bytes(b"PK\x03\x04" + b"\x14\x00" * 40)
    (tmp_path / "style.css").write_text("body {}", "utf-8")  # other files beside reports are still passed over
    result = runner.invoke(app, ["check", str(tmp_path), "--format", "json"])
    assert result.exit_code == ExitCode.ERROR and "--skip-unreadable" in result.stderr
    reasons = {s["path"].rsplit("/", 1)[-1]: s["reason"] for s in json.loads(result.stdout)["skipped"]}
    assert set(reasons) == {"scan.pdf", "photo.txt", "notes.docx"}
    assert "a PDF file" in reasons["scan.pdf"] and "pdftotext" in reasons["scan.pdf"]
    assert "a PNG image" in reasons["photo.txt"] and "OCR" in reasons["photo.txt"]
    assert "a Word document" in reasons["notes.docx"] and "--convert-to txt" in reasons["notes.docx"]
    result = runner.invoke(app, ["check", str(tmp_path / "scan.pdf"), str(tmp_path / "a.txt"), "--skip-unreadable"])
    assert result.exit_code == ExitCode.OK and "scan.pdf: a PDF file" in result.stdout


def test_a_report_that_reads_as_no_claims_is_skipped(fake, tmp_path):
    (tmp_path / "a.txt").write_text(CALM, "utf-8")
    (tmp_path / "scan.txt").write_text("xref 0 12\ntrailer 44\n%%EOF\n", "utf-8")  # the tail of a PDF, as text
    result = runner.invoke(app, ["check", str(tmp_path), "--format", "json"])
    assert result.exit_code == ExitCode.ERROR
    assert [s["path"].rsplit("/", 1)[-1] for s in json.loads(result.stdout)["skipped"]] == ["scan.txt"]
    assert "no claims" in json.loads(result.stdout)["skipped"][0]["reason"]


def test_junit_counts_unreadable_reports_as_errors(fake, with_unreadable):
    result = runner.invoke(app, ["check", str(with_unreadable), "--format", "junit", "--skip-unreadable"])
    assert result.exit_code == ExitCode.OK
    suite = ET.fromstring(result.stdout)
    assert suite.get("errors") == "3" and suite.get("tests") == "4"
    errors = {case.get("name").rsplit("/", 1)[-1] for case in suite.iter("testcase") if case.find("error") is not None}
    assert errors == {"binary.txt", "garbled.txt", "report.pdf.txt"}
    assert runner.invoke(app, ["check", str(with_unreadable), "--format", "junit"]).exit_code == ExitCode.ERROR


def test_github_annotates_unreadable_reports_as_warnings(fake, with_unreadable):
    result = runner.invoke(app, ["check", str(with_unreadable), "--format", "github", "--skip-unreadable"])
    lines = [line for line in result.stdout.splitlines() if line.startswith("::warning ")]
    assert len(lines) == 3 and all("title=checker skipped an input::" in line for line in lines)


# 3. duplicate ids


def test_records_with_one_id_and_different_texts_are_both_checked(fake, tmp_path):
    a, b = A.replace("\n", " "), B.replace("\n", " ")
    (tmp_path / "r.jsonl").write_text(json.dumps({"id": "1", "text": a}, ensure_ascii=False) + "\n"
                                      + json.dumps({"id": "1", "text": b}, ensure_ascii=False) + "\n"
                                      + json.dumps({"id": "1", "text": a}, ensure_ascii=False) + "\n", "utf-8")
    result = runner.invoke(app, ["check", str(tmp_path), "--format", "json"])
    assert result.exit_code == ExitCode.CONTRADICTIONS, result.output  # the contradiction between them is found
    data = json.loads(result.stdout)
    assert [r["id"] for r in data["reports"]] == ["1", "1#2"]
    assert len(data["warnings"]) == 1 and "'1#2'" in data["warnings"][0]["message"]
    text = runner.invoke(app, ["check", str(tmp_path)])
    assert "warning:" in text.stdout and "1#2" in text.stdout


def test_index_add_keeps_records_with_one_id_and_different_texts(fake, tmp_path):
    (tmp_path / "r.jsonl").write_text(json.dumps({"id": "1", "text": CALM}, ensure_ascii=False) + "\n"
                                      + json.dumps({"id": "1", "text": B}, ensure_ascii=False) + "\n", "utf-8")
    idx = tmp_path / "idx"
    result = runner.invoke(app, ["index", "build", str(tmp_path / "r.jsonl"), "--index", str(idx)])
    assert result.exit_code == 0, result.output
    assert "1#2" in result.stderr
    assert json.loads(runner.invoke(app, ["index", "info", str(idx), "--json"]).stdout)["reports"] == 2


def test_a_report_whose_id_a_stored_report_holds_with_another_text_is_stored_and_checked_not_dropped(fake, tmp_path):
    a, b = A.replace("\n", " "), B.replace("\n", " ")
    (tmp_path / "old").mkdir()
    (tmp_path / "new").mkdir()
    (tmp_path / "old" / "r.jsonl").write_text(json.dumps({"id": "1", "text": a}, ensure_ascii=False) + "\n", "utf-8")
    (tmp_path / "new" / "r.jsonl").write_text(json.dumps({"id": "1", "text": b}, ensure_ascii=False) + "\n", "utf-8")
    idx = tmp_path / "idx"
    assert runner.invoke(app, ["index", "build", str(tmp_path / "old"), "--index", str(idx)]).exit_code == 0
    # checked against the index: the new text is compared with the stored one, not taken for it
    result = runner.invoke(app, ["check", str(tmp_path / "new"), "--against", str(idx), "--format", "json"])
    assert result.exit_code == ExitCode.CONTRADICTIONS, result.output
    data = json.loads(result.stdout)
    assert [r["id"] for r in data["reports"]] == ["1#2"] and "'1#2'" in data["warnings"][0]["message"]
    # the same text again is the stored report: nothing renamed, nothing to compare it with
    same = runner.invoke(app, ["check", str(tmp_path / "old"), "--against", str(idx), "--format", "json"])
    assert json.loads(same.stdout)["warnings"] == [] and same.exit_code == 0, same.output
    # added to the index: stored beside it under the next free id, with a warning; added twice, stored once
    added = runner.invoke(app, ["index", "add", str(tmp_path / "new"), "--index", str(idx)])
    assert added.exit_code == 0 and "'1#2'" in added.stderr, added.output
    again = runner.invoke(app, ["index", "add", str(tmp_path / "new"), "--index", str(idx)])
    assert again.exit_code == 0 and "1#2" not in again.stderr, again.output
    assert json.loads(runner.invoke(app, ["index", "info", str(idx), "--format", "json"]).stdout)["reports"] == 2


# 4. smaller items


def test_baseline_output_in_a_missing_folder_fails_before_the_model_loads(tmp_path, monkeypatch, bracketed):
    def no_model(*args, **kwargs):
        raise AssertionError("the model was loaded")

    monkeypatch.setattr("checker.api.embedder_from_config", no_model)
    result = runner.invoke(app, ["baseline", str(bracketed), "--output", str(tmp_path / "missing_dir" / "b.json")])
    assert result.exit_code == ExitCode.ERROR
    assert "missing_dir" in result.stderr and "does not exist" in result.stderr


def test_a_missing_baseline_fails_before_the_model_loads(tmp_path, monkeypatch, bracketed):
    monkeypatch.setattr("checker.api.embedder_from_config", lambda *a, **k: pytest.fail("the model was loaded"))
    result = runner.invoke(app, ["check", str(bracketed), "--baseline", str(tmp_path / "none.json")])
    assert result.exit_code == ExitCode.ERROR and "baseline not found" in result.stderr


def test_a_report_cut_by_the_cleaner_says_so(fake, tmp_path):
    line = "قالت وزارة الصحة إن عدد المصابين ارتفع إلى ثلاثين شخصا في المدينة أمس."
    (tmp_path / "repeated.txt").write_text("عنوان التقرير هنا\n" + "\n".join([line] * 300), "utf-8")
    result = runner.invoke(app, ["check", str(tmp_path), "--format", "json"])
    assert result.exit_code == ExitCode.OK
    warnings = json.loads(result.stdout)["warnings"]
    assert len(warnings) == 1 and "cut by the cleaner" in warnings[0]["message"]
    assert "cut by the cleaner" in runner.invoke(app, ["check", str(tmp_path)]).stdout


def test_a_symlink_loop_is_named_as_one(fake, tmp_path):
    loop = tmp_path / "loop.txt"
    loop.symlink_to(loop)
    result = runner.invoke(app, ["check", str(loop)])
    assert result.exit_code == ExitCode.ERROR
    assert "symbolic link loop" in result.stderr and "no such file" not in result.stderr


def test_config_from_the_current_folder_is_shown_in_the_header(fake, bracketed, tmp_path, monkeypatch):
    (tmp_path / "checker.toml").write_text('[checker]\nfail_on = "none"\n')
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["check", str(bracketed)])
    assert result.exit_code == ExitCode.OK  # the file's fail_on = "none" applies ...
    assert result.stdout.startswith("config: ./checker.toml")  # ... and says so first
    result = runner.invoke(app, ["check", str(bracketed), "--format", "json"])
    assert json.loads(result.stdout)["config"] == "./checker.toml" and "config: ./checker.toml" in result.stderr
    (tmp_path / "checker.toml").unlink()
    assert "config:" not in runner.invoke(app, ["check", str(bracketed)]).stdout


def test_config_from_a_pyproject_above_is_shown_in_the_header_too(fake, bracketed, tmp_path, monkeypatch):
    """``[tool.checker]`` in a pyproject.toml found above the current folder weakens nothing silently either."""
    (tmp_path / ".git").mkdir()
    (tmp_path / "pyproject.toml").write_text('[tool.checker]\nfail_on = "none"\n')
    monkeypatch.chdir(bracketed)
    result = runner.invoke(app, ["check", "."])
    assert result.exit_code == ExitCode.OK
    assert result.stdout.startswith("config: ../pyproject.toml [tool.checker]")
    result = runner.invoke(app, ["check", ".", "--format", "json"])
    assert json.loads(result.stdout)["config"] == "../pyproject.toml [tool.checker]"
    assert "config: ../pyproject.toml [tool.checker]" in result.stderr


# property: hostile text through check in every format, and through the browser's render functions

HOSTILE = ["[", "]", "/", "\\", "[/url]", "[sic]", "[bold]", "[/]", "\x1b[31m", "\u202e", "\u2067", "\u200f",
           "url", "x", "%", "::", ","]


def _hostile():
    from hypothesis import strategies as st

    return st.lists(st.sampled_from(HOSTILE), min_size=1, max_size=6).map("".join)


def test_hostile_text_survives_every_format(fake, tmp_path_factory):
    from hypothesis import HealthCheck, given, settings

    from checker.cli.render import Text

    @settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
    @given(word=_hostile())
    def check_word(word):
        folder = tmp_path_factory.mktemp("hostile")
        title = f"عنوان {word} للتقرير الأول"
        (folder / "a.txt").write_text(f"{title}\nذكرت صحيفة الغد أن وزارة النقل {word} نقلت الطائرة إلى مطار "
                                      "القاهرة الدولي أمس في رحلة طويلة.", "utf-8")
        (folder / "b.txt").write_text(f"ب\nقالت وكالة الأنباء إن وزارة النقل {word} نقلت الطائرة إلى مطار عمان "
                                      "الدولي أمس في رحلة طويلة.", "utf-8")
        results = {fmt: runner.invoke(app, ["check", str(folder), "--format", fmt], env={"COLUMNS": "1000"})
                   for fmt in ("text", "json", "junit", "github")}
        codes = {fmt: r.exit_code for fmt, r in results.items()}
        assert set(codes.values()) <= {ExitCode.OK, ExitCode.CONTRADICTIONS} and len(set(codes.values())) == 1, codes
        data = json.loads(results["json"].stdout)
        assert title in [r["title"] for r in data["reports"]]
        suite = ET.fromstring(results["junit"].stdout)  # parses: control codes are written out, not embedded
        assert suite.get("errors") == "0"
        assert all(line.startswith("::") for line in results["github"].stdout.splitlines())
        if data["findings"]:
            shown = Text(word).plain  # Rich drops control codes (no escape sequence reaches the terminal)
            assert shown in results["text"].stdout
            assert any(word in side["text"] for f in data["findings"] for side in (f["a"], f["b"]))

    check_word()


def test_hostile_text_survives_the_browser_render_functions():
    from hypothesis import given, settings

    from checker.text.display import AS_WRITTEN, LAID_OUT, BidiText, one_line

    @settings(max_examples=100, deadline=None)
    @given(word=_hostile())
    def render(word):
        shown = "".join(line.plain for line in BidiText(word, AS_WRITTEN).lines(200))
        assert shown == word.strip(" ") or shown.strip() == word.strip()
        assert BidiText(word, LAID_OUT).lines(200)
        assert len(one_line(word, 56, AS_WRITTEN).plain) >= 1
        assert one_line(word, 56, LAID_OUT).cell_len <= 56  # laid out, explicit formatting marks are dropped (X9)

    render()
