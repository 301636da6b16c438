"""The ``checker`` command: thin Typer adapters over the library (one module per command)."""

from . import browse, check, compare, evaluate, index  # noqa: F401  (each registers its commands)
from .app import app, main

__all__ = ["app", "main"]
