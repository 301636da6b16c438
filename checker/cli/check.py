"""``checker check``: find agreeing and contradicting claims."""

from __future__ import annotations

import json
from enum import Enum
from pathlib import Path

import typer

from ..errors import ExitCode
from .app import app, err_console, handle_errors, notify, progress_bar
from .options import ModelOption, config_from


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
) -> None:
    """Split reports into claims and report the claims that agree or contradict, with who said what.

    Exit codes: 0 no contradiction, 1 contradictions found, 2 usage error, 3 input or runtime error.
    """
    from ..api import build_index, check

    if add and against is None:
        raise typer.BadParameter("--add needs --against INDEX (the index to store the new reports in)")
    config = config_from(model=model, min_score=min_score, fail_on=fail_on.value if fail_on else None)
    with progress_bar() as progress:
        report = check([str(p) for p in paths], against=against, config=config, notify=notify, progress=progress)
    if not agreements:
        report.findings = report.contradictions
    if baseline is not None:
        from ..report.ci import apply_baseline, read_baseline

        result = apply_baseline(report, read_baseline(baseline))
        report = result.report
        err = err_console()
        err.print(f"[dim]baseline {baseline}: {result.known} known finding(s) hidden[/]")
        for entry in result.gone:
            err.print(f"[yellow]baseline entry no longer occurs:[/] {entry['id']} {entry['reason']}", soft_wrap=True)
    if output_format.value == "json":
        typer.echo(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
    elif output_format.value in ("junit", "github"):
        from ..report.ci import to_github, to_junit

        typer.echo((to_junit if output_format.value == "junit" else to_github)(report), nl=False)
    else:
        from rich.console import Console

        from .render import render_report

        render_report(report, Console())
    code = exit_code(report, config.fail_on)
    if add and code is ExitCode.OK:
        from ..store.index import Index

        target = Index.open(against).path  # resolves a bare name under indexes/ as --against did
        index = build_index([str(p) for p in paths], target, config=config, add=True, notify=notify)
        err_console().print(f"[dim]stored in {index.path}: {index.info().reports} reports[/]")
    elif add:
        err_console().print("[yellow]not stored: the check found contradictions[/]")
    raise typer.Exit(int(code))


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

    report = check([str(p) for p in paths], against=against, config=config_from(model=model), notify=notify)
    write_baseline(report, output)
    typer.echo(f"wrote {output}: {len(report.findings)} finding(s), {len(report.contradictions)} contradiction(s)")
