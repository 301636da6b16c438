"""The Typer application: commands, shared options, and the error → exit code mapping.

Heavy libraries (torch, faiss, sentence-transformers) are imported only inside
commands that need them, so ``checker --help`` starts fast.
"""

from __future__ import annotations

import contextlib
import functools
import inspect
import os
import sys
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

import typer
from rich.console import Console
from rich.text import Text

from ..errors import CheckerError, ExitCode

HELP_OPTIONS = {"help_option_names": ["-h", "--help"]}
app = typer.Typer(
    name="checker", no_args_is_help=True, add_completion=False, rich_markup_mode="rich",
    pretty_exceptions_enable=False, context_settings=HELP_OPTIONS,
    help="Find claims in news reports that agree with or contradict each other, and why.",
)
index_app = typer.Typer(no_args_is_help=True, help="Build, extend and inspect stored indexes.",
                        context_settings=HELP_OPTIONS)
app.add_typer(index_app, name="index")


def _version(show: bool) -> None:
    if show:
        from .. import __version__

        typer.echo(f"checker {__version__}")
        raise typer.Exit()


@app.callback()
def _root(version: bool = typer.Option(False, "--version", callback=_version, is_eager=True,
                                       help="Print checker's version and exit.")) -> None:
    """Find claims in news reports that agree with or contradict each other, and why."""

F = TypeVar("F", bound=Callable[..., Any])


def err_console() -> Console:
    """Where messages for people go (stdout stays machine-readable)."""
    return Console(stderr=True, highlight=False)


def handle_errors(func: F) -> F:
    """Turn library errors into a message and an exit code.

    Unexpected exceptions keep their traceback when ``CHECKER_DEBUG`` is set
    (the test suite sets it); otherwise they are reported as internal errors.
    """
    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except CheckerError as exc:
            say("error: ", str(exc), style="bold red")
            raise typer.Exit(int(exc.exit_code)) from None
        except (typer.Exit, typer.Abort, KeyboardInterrupt):
            raise
        except Exception as exc:
            if os.environ.get("CHECKER_DEBUG"):
                raise
            say("internal error: ", f"{type(exc).__name__}: {exc} (set CHECKER_DEBUG=1 to see the traceback)",
                style="bold red")
            raise typer.Exit(int(ExitCode.ERROR)) from None
    return wrapper  # type: ignore[return-value]


def say(label: str, message: str, *, style: str = "yellow", console: Console | None = None) -> None:
    """Print ``label`` in ``style`` and then ``message`` verbatim (never read as markup) to stderr or ``console``.

    Messages carry file names, report text and exception text, in which ``[/url]`` or ``[sic]`` are words; their
    Arabic is laid out as the report's is (``checker.text.display``).
    """
    console = console or err_console()
    console.print(Text.assemble((label, style), _shown(Text(message), console)), soft_wrap=True)


def notify(message: str) -> None:
    """Progress messages from the library (model conversion) go to stderr."""
    console = err_console()
    console.print(_shown(Text(message, style="dim"), console), soft_wrap=True)


def _shown(text: Text, console: Console) -> Text:
    """``text`` with its Arabic joined and in display order where ``console`` is a terminal that needs it."""
    from ..text.display import AS_WRITTEN, lay_out, terminal_display

    try:
        display = terminal_display(console.is_terminal)
    except CheckerError:  # a bad CHECKER_BIDI: the command that reads it says so, through this function
        display = AS_WRITTEN
    return text if display == AS_WRITTEN else Text("\n").join(lay_out(text, None, display))


@contextlib.contextmanager
def progress_bar() -> Iterator[Callable[[str, int, int], None] | None]:
    """A Rich progress bar on stderr for the library's ``progress`` callback (None when stderr is not a terminal).

    Columns: stage, bar, percentage, amount done (sizes for stages counted in bytes), time remaining.
    """
    console = err_console()
    if not console.is_terminal:
        yield None
        return
    from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeRemainingColumn

    with Progress(TextColumn("[progress.description]{task.description}"), BarColumn(), TaskProgressColumn(),
                  amount_column(), TimeRemainingColumn(), console=console, transient=True) as bar:
        tasks: dict[str, int] = {}

        def report(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = bar.add_task(stage, total=total or None)
            bar.update(tasks[stage], completed=done)

        yield report


def amount_column() -> Any:
    """A Rich column showing ``done/total``: sizes (``12.3/40.0 MB``) for byte stages, counts for the rest."""
    from rich.filesize import decimal
    from rich.progress import ProgressColumn

    from ..progress import BYTE_STAGES

    class Amount(ProgressColumn):
        def render(self, task: Any) -> Text:
            show = decimal if task.description in BYTE_STAGES else str
            total = show(int(task.total)) if task.total else "?"
            return Text(f"{show(int(task.completed))}/{total}", style="progress.download")

    return Amount()


def literal_help(*apps: typer.Typer) -> None:
    """Make every help text of ``apps`` (commands' docstrings, arguments' and options' help) print as written.

    Typer reads help as Rich markup, where ``[default: 0.5]`` or ``pip install 'checker[ray]'`` are tags that
    vanish; checker's help uses no markup, so brackets are escaped once, here, rather than in each string.
    """
    from rich.markup import escape

    seen: set[int] = set()  # option objects shared by several commands are escaped once
    for group in apps:
        for command in group.registered_commands:
            if command.callback is None:
                continue
            command.help = escape(command.help or inspect.getdoc(command.callback) or "")
            for parameter in inspect.signature(command.callback).parameters.values():
                info = parameter.default
                if isinstance(info, typer.models.ParameterInfo) and info.help and id(info) not in seen:
                    seen.add(id(info))
                    info.help = escape(info.help)


def main() -> None:
    """Console-script entry point (commands register when ``checker.cli`` is imported).

    An exception that escapes (only with ``CHECKER_DEBUG`` set; otherwise :func:`handle_errors` reports it)
    prints its traceback and exits 3: an unexpected failure must never read as exit 1, "contradictions found".
    """
    try:
        app(prog_name="checker")
    except Exception:  # noqa: BLE001 - the traceback is printed, the exit code is the point
        import traceback

        traceback.print_exc()
        sys.exit(int(ExitCode.ERROR))


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
