"""``checker check``: find agreeing and contradicting claims."""

from __future__ import annotations

import json
from enum import Enum
from pathlib import Path

import typer

from ..errors import ExitCode
from .app import app, handle_errors, notify, progress_bar, say
from .options import ModelOption, config_from, local_config, writable_output


class CheckFormat(str, Enum):
    """Output formats of ``check``."""

    text = "text"
    json = "json"
    junit = "junit"
    github = "github"


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
    output_format: CheckFormat = typer.Option(CheckFormat.text, "--format", "-f", help="text for people; json, "
                                              "junit (one test case per report) or github (annotations) for CI."),
    baseline: Path | None = typer.Option(None, "--baseline", "-b", help="Report only findings not in this baseline "
                                         "file (see `checker baseline`)."),
    model: str | None = ModelOption,
    min_score: float | None = typer.Option(None, "--min-score", min=0.0, max=1.0,
                                           help="Hide findings scoring below this [default: 0.5]."),
    fail_on: FailOn | None = typer.Option(None, "--fail-on", help="Exit 1 on contradict (default), any finding, "
                                          "or none."),
    agreements: bool = typer.Option(True, "--agreements/--no-agreements", help="Show agreeing claims too."),
    add: bool = typer.Option(False, "--add", help="After a clean check (exit 0), store the new reports in the "
                             "--against index."),
    skip_unreadable: bool = typer.Option(False, "--skip-unreadable", help="Warn about reports that cannot be read "
                                         "(binary, corrupt, wrongly encoded, no claims) and check the rest, instead "
                                         "of exiting 3."),
) -> None:
    """Split reports into claims and report the claims that agree or contradict, with who said what.

    Exit codes: 0 no contradiction, 1 contradictions found, 2 usage error, 3 input or runtime error (a report
    that cannot be read is one, unless --skip-unreadable is given).
    """
    from ..api import build_index, check

    if add and against is None:
        raise typer.BadParameter("--add needs --against INDEX (the index to store the new reports in)")
    config = config_from(model=model, min_score=min_score, fail_on=fail_on.value if fail_on else None)
    known = None
    if baseline is not None:  # read before the model loads, so a missing baseline fails at once
        from ..report.ci import read_baseline

        known = read_baseline(baseline)
    with progress_bar() as progress:
        report = check(list(paths), against=against, config=config, notify=notify, progress=progress)
    if not agreements:
        report.findings = report.contradictions
    if known is not None:
        from ..report.ci import apply_baseline

        result = apply_baseline(report, known)
        report = result.report
        notify(f"baseline {baseline}: {result.known} known finding(s) hidden")
        for entry in result.gone:
            say("baseline entry no longer occurs: ", f"{entry['id']} {entry['reason']}")
    _print(report, output_format)
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


def _print(report, output_format: CheckFormat) -> None:
    """The report on stdout in ``output_format``; the config file in use is named (in the header for text)."""
    config_file = local_config()
    if output_format.value == "text":
        from rich.console import Console

        from .render import render_report

        render_report(report, Console(), config_file=config_file)
        return
    if config_file:
        notify(f"config: {config_file}")
    if output_format.value == "json":
        typer.echo(json.dumps(report.to_dict() | ({"config": config_file} if config_file else {}),
                              ensure_ascii=False, indent=2))
    else:
        from ..report.ci import to_github, to_junit

        typer.echo((to_junit if output_format.value == "junit" else to_github)(report), nl=False)


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
