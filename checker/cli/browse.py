"""``checker browse``: the interactive terminal report (the static report when stdout is not a terminal)."""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from .app import app, handle_errors, notify, progress_bar
from .options import Bidi, BidiOption, MinScoreOption, ModelOption, config_from, local_config


@app.command("browse")
@handle_errors
def browse_cli(
    paths: list[Path] = typer.Argument(None, help="Report files or folders to check and browse."),
    index: str | None = typer.Option(None, "--index", "-i", help="Browse the findings among an index's stored "
                                     "claims (folder, or name under indexes/); with PATHS, compare them with it."),
    model: str | None = ModelOption,
    min_score: float | None = MinScoreOption,
    bidi: Bidi | None = BidiOption,
) -> None:
    """Browse stories, who asserts what, and each finding, in an interactive terminal app.

    Keys are shown at the bottom of every screen (Enter opens, Esc goes back, q quits). When stdout is
    not a terminal, prints the same report as `checker check`.
    """
    from ..api import check, check_index
    from ..text.display import bidi_mode, terminal_display

    mode = bidi_mode(bidi.value if bidi else None)  # a bad CHECKER_BIDI fails before the model loads
    if not paths and index is None:
        raise typer.BadParameter("give report PATHS, or --index NAME to browse a stored index")
    config = config_from(model=model, min_score=min_score)
    with progress_bar() as progress:
        report = (check(list(paths), against=index, config=config, notify=notify, progress=progress)
                  if paths else check_index(index, config=config, notify=notify))
    if not sys.stdout.isatty():
        from rich.console import Console

        from .render import render_report

        console = Console()
        render_report(report, console, config_file=local_config(), display=terminal_display(console.is_terminal,
                                                                                             mode))
        return
    from ..tui.app import BrowseApp

    BrowseApp(report, terminal_display(True, mode)).run()
