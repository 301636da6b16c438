"""``checker index build|add|info|verify|check``: the stored corpus."""

from __future__ import annotations

import json
from dataclasses import asdict
from enum import Enum
from pathlib import Path

import typer

from .app import handle_errors, index_app, notify, progress_bar
from .check import CheckFormat, exit_code, output_files, print_report, write_outputs
from .options import Bidi, BidiOption, Format, FormatOption, ModelOption, config_from


class IndexType(str, Enum):
    """Search structures of ``index build``/``add``."""

    auto = "auto"
    flat = "flat"
    ivf = "ivf"


IndexOption = typer.Option(..., "--index", "-i", help="Index folder, e.g. indexes/sample.")
IndexTypeOption = typer.Option(None, "--index-type", help="Search structure: flat (exact), ivf (approximate, "
                               "recall@10 >= 0.95) or auto (flat below 50,000 claims; the default, or the "
                               "index_type setting).")


class Engine(str, Enum):
    """Where ``index build``/``add`` encode claims."""

    local = "local"
    ray = "ray"


EngineOption = typer.Option(Engine.local, "--engine", help="Where claims are encoded (build, add) or candidate pairs "
                            "judged (check): local, or ray (a Ray cluster; "
                            "pip install 'checker[ray]').")
AddressOption = typer.Option(None, "--address", help="Ray cluster address (ray://HOST:10001, or auto); without it "
                             "--engine ray starts a local Ray instance.")
WorkersOption = typer.Option(2, "--workers", min=1, help="Ray workers, one CPU each.")
WaitOption = typer.Option(True, "--wait/--no-wait", help="Wait (up to 10 minutes) for another process writing "
                          "this index to finish, or fail at once (exit 3).")


def _embedder(model: str | None, engine: Engine, address: str | None, workers: int):
    """A context manager giving the embedder for ``engine`` (a Ray one is closed on the way out)."""
    from contextlib import nullcontext

    from ..embed import embedder_from_config

    embedder = embedder_from_config(config_from(model=model), notify)
    if engine is Engine.local:
        return nullcontext(embedder)
    from ..embed.ray import RayEmbedder

    return RayEmbedder(embedder, address=address, workers=workers)


def _config(model: str | None, index_type: IndexType | None):
    return config_from(model=model, index_type=index_type.value if index_type else None)


def _summary(index, verb: str) -> None:
    info = index.info()
    typer.echo(f"{verb} {info.path}: {info.reports} reports, {info.claims} claims, {info.index_type}, "
               f"model {info.model}")


@index_app.command("build")
@handle_errors
def build_cli(paths: list[Path] = typer.Argument(..., help="Report files or folders."),
              index: Path = IndexOption, model: str | None = ModelOption, engine: Engine = EngineOption,
              address: str | None = AddressOption, workers: int = WorkersOption,
              index_type: IndexType | None = IndexTypeOption, wait: bool = WaitOption) -> None:
    """Build an index from reports, replacing any index already in that folder (atomically).

    Files are streamed (JSONL line by line) and committed in chunks, so memory does not grow with the
    corpus's text; the old index stays in use until the new one is complete, and an interrupted build
    resumes when run again over the same files.

    Example: checker index build reports/ --index indexes/big --engine ray --address ray://head:10001 --workers 32
    """
    from ..api import build_index

    with _embedder(model, engine, address, workers) as embedder, progress_bar() as progress:
        built = build_index([str(p) for p in paths], index, config=_config(model, index_type),
                            embedder=embedder, notify=notify, progress=progress, wait=wait)
    _summary(built, "built")


@index_app.command("add")
@handle_errors
def add_cli(paths: list[Path] = typer.Argument(..., help="Report files or folders."),
            index: Path = IndexOption, model: str | None = ModelOption, engine: Engine = EngineOption,
            address: str | None = AddressOption, workers: int = WorkersOption,
            index_type: IndexType | None = IndexTypeOption, wait: bool = WaitOption) -> None:
    """Add reports to an index; reports already stored (same content hash) are skipped."""
    from ..api import build_index

    with _embedder(model, engine, address, workers) as embedder, progress_bar() as progress:
        result = build_index([str(p) for p in paths], index, config=_config(model, index_type),
                             embedder=embedder, add=True, notify=notify,
                             progress=progress, wait=wait)
    _summary(result, "updated")


@index_app.command("info")
@handle_errors
def info_cli(index: Path = typer.Argument(..., help="Index folder."), output_format: Format = FormatOption,
             as_json: bool = typer.Option(False, "--json", hidden=True, help="The same as --format json.")) -> None:
    """Show an index's model, size, search structure and memory per claim."""
    from ..store.index import Index

    info = Index.open(index).info()
    if as_json or output_format is Format.json:
        typer.echo(json.dumps(asdict(info), indent=2))
        return
    for key, value in asdict(info).items():
        typer.echo(f"{key:>14}: {value}")


@index_app.command("verify")
@handle_errors
def verify_cli(index: Path = typer.Argument(..., help="Index folder, or a name under indexes/.")) -> None:
    """Read every stored byte: each file against its checksum in the manifest, the SQLite file's integrity,
    every vector finite and unit-length.

    Exit codes: 0 the index is sound, 3 a file is corrupt (the message names it and how to rebuild).
    Opening an index checks only sizes and modification times (and a file's checksum when they changed).
    """
    from ..store.index import Index

    opened = Index.open(index)
    opened.verify()
    info = opened.info()
    state = "" if info.complete else " (an unfinished build: run it again to finish it)"
    typer.echo(f"ok {info.path}: {len(opened.manifest['files'])} files, {info.claims} vectors verified{state}")


@index_app.command("check")
@handle_errors
def check_cli(index: Path = typer.Argument(..., help="Index folder, or a name under indexes/."),
              output_format: CheckFormat = typer.Option(CheckFormat.text, "--format", "-f", help="On stdout: text "
                                                        "for people; json, junit, github or sarif as for "
                                                        "`checker check`."),
              outputs: list[str] = typer.Option([], "--output", "-o", metavar="FORMAT:FILE", help="Also write the "
                                                "report in FORMAT to FILE (atomically); repeat for several."),
              model: str | None = ModelOption, engine: Engine = EngineOption,
              address: str | None = AddressOption, workers: int = WorkersOption,
              bidi: Bidi | None = BidiOption) -> None:
    """Find agreeing and contradicting claims among the claims an index holds (nothing is re-embedded).

    Exit codes as for `checker check`: 0 no contradiction, 1 contradictions found.

    Example: checker index check indexes/big --engine ray --address auto --workers 32 --format json
    """
    from ..api import check_index

    files = output_files(outputs)
    if output_format is CheckFormat.text:  # a bad CHECKER_BIDI fails before the claims are judged
        from ..text.display import bidi_mode

        bidi_mode(bidi.value if bidi else None)
    config = config_from(model=model)
    if engine is Engine.local:
        report = check_index(index, config=config, notify=notify)
    else:
        from ..judge.ray import RayJudge

        with RayJudge(address=address, workers=workers) as on_ray:
            report = check_index(index, config=config, notify=notify, run_judge=on_ray)
    print_report(report, output_format, bidi=bidi.value if bidi else None)
    write_outputs(report, files)
    raise typer.Exit(int(exit_code(report, config.fail_on)))
