"""Options shared by several commands."""

from __future__ import annotations

from enum import Enum
from pathlib import Path

import typer

from ..config import Config, load_config
from ..errors import InputError


class Format(str, Enum):
    """Output formats of ``check`` and ``compare``."""

    text = "text"
    json = "json"


class Bidi(str, Enum):
    """How Arabic is handed to the terminal (``checker.text.display``)."""

    auto = "auto"
    on = "on"
    off = "off"


BidiOption = typer.Option(None, "--bidi", help="Arabic in the terminal: on joins its letters and puts lines in "
                          "display order, off prints it as stored (for terminals that lay it out: VTE, Konsole, "
                          "mlterm), auto does it unless such a terminal is seen or output is not a terminal "
                          "(default: CHECKER_BIDI, else auto).", show_default=False)
ModelOption = typer.Option(None, "--model", "-m", help="sentence-transformers model name or folder, or a named "
                           "encoder: e5-small-int8 (int8 ONNX), multilingual-e5-small (fp32), use-multilingual-int8 "
                           f"(fastest). Default: {Config.model} (or model in the config file).")
MinScoreOption = typer.Option(None, "--min-score", min=0.0, max=1.0, help="Hide findings scoring below this. "
                              f"Default: {Config.min_score} (or min_score in the config file).")
FormatOption = typer.Option(Format.text, "--format", "-f", help="text for people, json for machines")


def config_from(**flags: object) -> Config:
    """Config with flag values on top of ``CHECKER_*`` variables, ``checker.toml`` and defaults."""
    return load_config({k: v for k, v in flags.items() if v is not None}, cwd=Path.cwd())


def local_config() -> str | None:
    """``./checker.toml`` when settings are read from a file in the current folder (shown in output headers,
    so a setting an untrusted checkout slipped in is visible), else None."""
    return "./checker.toml" if (Path.cwd() / "checker.toml").is_file() else None


def writable_output(path: Path, option: str) -> Path:
    """Check, before any work starts, that ``path`` can be written: its folder exists and is a folder.

    Raises:
        InputError: naming the folder and the fix.
    """
    folder = path.parent
    if not folder.is_dir():
        what = "is not a folder" if folder.exists() else "does not exist"
        raise InputError(f"{option} {path}: the folder {folder} {what}; create it (mkdir -p {folder}) "
                         "or choose another path")
    if path.is_dir():
        raise InputError(f"{option} {path}: is a folder; give a file name, e.g. {path / 'checker-baseline.json'}")
    return path
