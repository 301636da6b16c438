"""``checker calibrate``: measure a model's similarity scale on labelled pairs."""

from __future__ import annotations

from pathlib import Path

import typer

from .app import app, handle_errors, notify
from .options import ModelOption, config_from


@app.command("calibrate")
@handle_errors
def calibrate_cli(pairs: Path = typer.Argument(..., help="CSV with s1,s2,stance (agree/disagree/other)."),
                  model: str | None = ModelOption,
                  write: bool = typer.Option(True, "--write/--dry-run",
                                             help="Store the result in checker/data/calibration.json.")) -> None:
    """Measure where unrelated and related pairs fall on the model's cosine scale.

    Example: checker calibrate ../shared/data/ans/stance_train.csv
    """
    from ..calibrate import calibrate, file_sha256, read_pairs, store
    from ..embed import SentenceTransformerEmbedder

    embedder = SentenceTransformerEmbedder.from_config(config_from(model=model), notify)
    entry = calibrate(read_pairs(pairs), embedder)
    entry.update(data=pairs.name, data_sha256=file_sha256(pairs))
    typer.echo(f"{embedder.model_id}: unrelated {entry['unrelated']:.4f}, related {entry['related']:.4f} "
               f"({entry['pairs']} pairs)")
    if write:
        store(embedder.model_id, entry)
