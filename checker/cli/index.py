"""``checker index build|add|info``: the stored corpus."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

import typer

from .app import handle_errors, index_app, notify
from .options import ModelOption, config_from

IndexOption = typer.Option(..., "--index", "-i", help="Index folder, e.g. indexes/sample.")
IndexTypeOption = typer.Option(None, "--index-type", help="Search structure: flat (exact), ivf (approximate, "
                               "recall@10 >= 0.95) or auto (flat below 50,000 claims) [default: auto]")


def _summary(index, verb: str) -> None:
    info = index.info()
    typer.echo(f"{verb} {info.path}: {info.reports} reports, {info.claims} claims, {info.index_type}, "
               f"model {info.model}")


@index_app.command("build")
@handle_errors
def build_cli(paths: list[Path] = typer.Argument(..., help="Report files or folders."),
              index: Path = IndexOption, model: str | None = ModelOption,
              index_type: str | None = IndexTypeOption) -> None:
    """Build an index from reports, replacing any index already in that folder (atomically).

    Reports are committed in chunks; an interrupted build resumes when run again.
    """
    from ..api import build_index

    config = config_from(model=model, index_type=index_type)
    _summary(build_index([str(p) for p in paths], index, config=config, notify=notify), "built")


@index_app.command("add")
@handle_errors
def add_cli(paths: list[Path] = typer.Argument(..., help="Report files or folders."),
            index: Path = IndexOption, model: str | None = ModelOption,
            index_type: str | None = IndexTypeOption) -> None:
    """Add reports to an index; reports already stored (same content hash) are skipped."""
    from ..api import build_index

    config = config_from(model=model, index_type=index_type)
    result = build_index([str(p) for p in paths], index, config=config, add=True, notify=notify)
    _summary(result, "updated")


@index_app.command("info")
@handle_errors
def info_cli(index: Path = typer.Argument(..., help="Index folder."),
             as_json: bool = typer.Option(False, "--json", help="Print JSON.")) -> None:
    """Show an index's model, size, search structure and memory per claim."""
    from ..index import Index

    info = Index.open(index).info()
    if as_json:
        typer.echo(json.dumps(asdict(info), indent=2))
        return
    for key, value in asdict(info).items():
        typer.echo(f"{key:>14}: {value}")
