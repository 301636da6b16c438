"""``checker check``: find agreeing and contradicting claims."""

from __future__ import annotations

import json
from enum import Enum
from pathlib import Path

import typer

from ..errors import ExitCode
from .app import app, handle_errors, notify
from .options import FormatOption, ModelOption, config_from


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
    output_format=FormatOption,
    model: str | None = ModelOption,
    min_score: float | None = typer.Option(None, "--min-score", min=0.0, max=1.0,
                                           help="Hide findings scoring below this [default: 0.5]."),
    fail_on: FailOn | None = typer.Option(None, "--fail-on", help="Exit 1 on contradict (default), any finding, "
                                          "or none."),
    agreements: bool = typer.Option(True, "--agreements/--no-agreements", help="Show agreeing claims too."),
) -> None:
    """Split reports into claims and report the claims that agree or contradict, with who said what.

    Exit codes: 0 no contradiction, 1 contradictions found, 2 usage error, 3 input or runtime error.
    """
    from ..api import check

    config = config_from(model=model, min_score=min_score, fail_on=fail_on.value if fail_on else None)
    report = check([str(p) for p in paths], against=against, config=config, notify=notify)
    if not agreements:
        report.findings = report.contradictions
    if output_format.value == "json":
        typer.echo(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
    else:
        from rich.console import Console

        from .render import render_report

        render_report(report, Console())
    raise typer.Exit(int(exit_code(report, config.fail_on)))


def exit_code(report, fail_on: str) -> ExitCode:
    """Exit code of a finished check under the ``--fail-on`` policy."""
    failing = {"contradict": report.contradictions, "any": report.findings, "none": []}[fail_on]
    return ExitCode.CONTRADICTIONS if failing else ExitCode.OK
