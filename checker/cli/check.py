"""``checker check``: find agreeing and contradicting claims."""

from __future__ import annotations

from enum import Enum
from pathlib import Path

import typer

from ..errors import ExitCode
from .app import app, handle_errors, notify, progress_bar, say
from .options import Bidi, BidiOption, MinScoreOption, ModelOption, config_from, local_config, writable_output


class CheckFormat(str, Enum):
    """Output formats of ``check``."""

    text = "text"
    json = "json"
    junit = "junit"
    github = "github"
    sarif = "sarif"


class FailOn(str, Enum):
    """Which findings make ``check`` exit 1."""

    contradict = "contradict"
    any = "any"
    none = "none"


@app.command("check")
@handle_errors
def check_cli(
    paths: list[Path] = typer.Argument(..., help="Report files or folders (.txt .md .json .jsonl .html)."),
    against: str | None = typer.Option(None, "--against", "-a", help="Compare with this stored index "
                                       "(folder, or name under indexes/); the index is not modified."),
    output_format: CheckFormat = typer.Option(CheckFormat.text, "--format", "-f", help="On stdout: text for "
                                              "people; json, junit (one test case per report), github (workflow "
                                              "annotations) or sarif (code scanning) for CI."),
    outputs: list[str] = typer.Option([], "--output", "-o", metavar="FORMAT:FILE", help="Also write the report "
                                      "in FORMAT to FILE (atomically), from the same run; repeat for several, e.g. "
                                      "-o junit:checker.xml -o sarif:checker.sarif."),
    annotate_agreements: bool = typer.Option(False, "--annotate-agreements", help="Annotate agreements too "
                                             "(github notices, sarif notes); by default they carry contradictions "
                                             "only."),
    baseline: Path | None = typer.Option(None, "--baseline", "-b", help="Report only findings not in this baseline "
                                         "file (see `checker baseline`)."),
    model: str | None = ModelOption,
    min_score: float | None = MinScoreOption,
    fail_on: FailOn | None = typer.Option(None, "--fail-on", help="Exit 1 on contradict (default), any finding, "
                                          "or none."),
    agreements: bool = typer.Option(True, "--agreements/--no-agreements", help="Show agreeing claims too."),
    add: bool = typer.Option(False, "--add", help="After a clean check (exit 0), store the new reports in the "
                             "--against index."),
    skip_unreadable: bool = typer.Option(False, "--skip-unreadable", help="Warn about reports that cannot be read "
                                         "(binary, corrupt, wrongly encoded, no claims) and check the rest, instead "
                                         "of exiting 3."),
    bidi: Bidi | None = BidiOption,
) -> None:
    """Split reports into claims and report the claims that agree or contradict, with who said what.

    Exit codes: 0 no contradiction, 1 contradictions found, 2 usage error, 3 input or runtime error (a report
    that cannot be read is one, unless --skip-unreadable is given).
    """
    from ..api import build_index, check

    if add and against is None:
        raise typer.BadParameter("--add needs --against INDEX (the index to store the new reports in)")
    config = config_from(model=model, min_score=min_score, fail_on=fail_on.value if fail_on else None)
    files = output_files(outputs)  # before the model loads, so a bad path fails at once
    if output_format is CheckFormat.text:  # a bad CHECKER_BIDI fails before the model loads too
        from ..text.display import bidi_mode

        bidi_mode(bidi.value if bidi else None)
    known = None
    if baseline is not None:  # read before the model loads, so a missing baseline fails at once
        from ..report.ci import read_baseline

        known = read_baseline(baseline)
    with progress_bar() as progress:
        report = check(list(paths), against=against, config=config, notify=notify, progress=progress)
    if known is not None:  # before --no-agreements, which would make the baseline's agreements look gone
        from ..report.ci import apply_baseline

        result = apply_baseline(report, known)
        report = result.report
        notify(f"baseline {baseline}: {result.known} known finding(s) hidden")
        for entry in result.gone:
            say("baseline entry no longer occurs: ", f"{entry['id']} {entry['reason']}")
    if not agreements:
        report.findings = report.contradictions
    print_report(report, output_format, annotate_agreements, bidi.value if bidi else None)
    write_outputs(report, files, annotate_agreements)
    code = exit_code(report, config.fail_on)
    if report.skipped and not skip_unreadable:
        first = report.skipped[0]
        say("error: ", f"{len(report.skipped)} input(s) could not be read ({first.path}: {first.reason}"
            + (", …" if len(report.skipped) > 1 else "") + "); fix or remove them, or pass --skip-unreadable "
            "to check the rest", style="bold red")
        code = ExitCode.ERROR
    if add and code is ExitCode.OK:
        from ..store.index import Index

        target = Index.open(against).path  # resolves a bare name under indexes/ as --against did
        index = build_index([str(p) for p in paths], target, config=config, add=True, notify=notify)
        notify(f"stored in {index.path}: {index.info().reports} reports")
    elif add:
        say("not stored: ", "the check found contradictions" if code is ExitCode.CONTRADICTIONS
            else "some inputs could not be read")
    raise typer.Exit(int(code))


def output_files(values: list[str]) -> list[tuple[CheckFormat, Path]]:
    """``FORMAT:FILE`` values of ``--output``, each file checked to be writable before any work starts.

    Raises:
        typer.BadParameter: a value is not ``FORMAT:FILE``, names an unknown format, or repeats a file.
        InputError: a file's folder does not exist (naming the fix).
    """
    choices = ", ".join(f.value for f in CheckFormat)
    files: list[tuple[CheckFormat, Path]] = []
    for value in values:
        name, sep, file = value.partition(":")
        if not sep or not file or name not in CheckFormat.__members__:
            raise typer.BadParameter(f"{value!r}: expected FORMAT:FILE with FORMAT one of {choices}, "
                                     "e.g. junit:checker.xml", param_hint="--output")
        path = writable_output(Path(file), "--output")
        if any(path.resolve() == other.resolve() for _, other in files):
            raise typer.BadParameter(f"{file} is given twice; give each output its own file", param_hint="--output")
        files.append((CheckFormat(name), path))
    return files


def write_outputs(report, files: list[tuple[CheckFormat, Path]], annotate_agreements: bool = False) -> None:
    """Each ``--output`` file, written atomically."""
    from ..report.outputs import write_output

    for fmt, file in files:
        write_output(file, _formatted(report, fmt, annotate_agreements))
        notify(f"wrote {file} ({fmt.value})")


def _formatted(report, fmt: CheckFormat, annotate_agreements: bool) -> str:
    """The report as a string in ``fmt`` (text as the terminal shows it, without colour, 100 columns wide, its Arabic
    as stored: a file is laid out by whatever shows it)."""
    config_file = local_config()
    if fmt is CheckFormat.text:
        import io

        from rich.console import Console

        from ..text.display import AS_WRITTEN
        from .render import render_report

        buffer = io.StringIO()
        render_report(report, Console(file=buffer, width=100, color_system=None, force_terminal=False),
                      config_file=config_file, display=AS_WRITTEN)
        return buffer.getvalue()
    from ..report.outputs import render

    return render(report, fmt.value, agreements=annotate_agreements,
                  extra={"config": config_file} if config_file else None)


def print_report(report, output_format: CheckFormat, annotate_agreements: bool = False,
                 bidi: str | None = None) -> None:
    """The report on stdout in ``output_format``; the config file in use is named (in the header for text).

    ``bidi`` (auto, on, off; default ``CHECKER_BIDI``) applies to text only: the other formats carry the text as
    stored.
    """
    if output_format is CheckFormat.text:
        from rich.console import Console

        from ..text.display import terminal_display
        from .render import render_report

        console = Console()
        render_report(report, console, config_file=local_config(),
                      display=terminal_display(console.is_terminal, bidi))
        return
    if config_file := local_config():
        notify(f"config: {config_file}")
    typer.echo(_formatted(report, output_format, annotate_agreements), nl=False)


def exit_code(report, fail_on: str) -> ExitCode:
    """Exit code of a finished check under the ``--fail-on`` policy."""
    failing = {"contradict": report.contradictions, "any": report.findings, "none": []}[fail_on]
    return ExitCode.CONTRADICTIONS if failing else ExitCode.OK


@app.command("baseline")
@handle_errors
def baseline_cli(
    paths: list[Path] = typer.Argument(..., help="Report files or folders."),
    against: str | None = typer.Option(None, "--against", "-a", help="Stored index to compare with."),
    output: Path = typer.Option(Path("checker-baseline.json"), "--output", "-o", help="Baseline file to write."),
    model: str | None = ModelOption,
) -> None:
    """Record the current findings as reviewed, so `checker check --baseline FILE` reports only new ones.

    Finding ids come from both claims' content, not row numbers, so they survive re-ordering and re-indexing.
    """
    from ..api import check
    from ..report.ci import write_baseline

    writable_output(output, "--output")  # before the model loads and the reports are judged
    config = config_from(model=model)
    report = check(list(paths), against=against, config=config, notify=notify)
    for skipped in report.skipped:
        say("warning: skipped ", f"{skipped.path}: {skipped.reason}")
    write_baseline(report, output)
    typer.echo(f"wrote {output}: {len(report.findings)} finding(s), {len(report.contradictions)} contradiction(s)")
