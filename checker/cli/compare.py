"""``checker compare``: judge two sentences."""

from __future__ import annotations

import json
from dataclasses import asdict

import typer

from .app import app, handle_errors, notify
from .options import Bidi, BidiOption, FormatOption, ModelOption, config_from


@app.command("compare")
@handle_errors
def compare_cli(
    a: str = typer.Argument(..., help="First claim."),
    b: str = typer.Argument(..., help="Second claim."),
    output_format=FormatOption,
    model: str | None = ModelOption,
    bidi: Bidi | None = BidiOption,
) -> None:
    """Judge two claims: agree, contradict or unrelated, with the kind of difference and why.

    Exits 1 when they contradict, 0 otherwise.
    """
    from ..api import compare

    config = config_from(model=model)
    if output_format.value == "text":  # a bad CHECKER_BIDI fails before the model loads
        from ..text.display import bidi_mode

        bidi_mode(bidi.value if bidi else None)
    verdict = compare(a, b, config=config, notify=notify)
    if output_format.value == "json":
        data = asdict(verdict)
        data["relation"] = verdict.relation.value
        typer.echo(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        from rich.console import Console

        from ..text.display import terminal_display
        from .render import render_verdict

        console = Console()
        render_verdict(a, b, verdict, console, config.min_score,
                       display=terminal_display(console.is_terminal, bidi.value if bidi else None))
    raise typer.Exit(1 if verdict.relation.value == "contradict" else 0)
