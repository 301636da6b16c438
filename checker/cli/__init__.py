"""The ``checker`` command: thin Typer adapters over the library (one module per command)."""

from . import browse, check, compare, evaluate, index  # noqa: F401  (each registers its commands)
from .app import app, index_app, literal_help, main

literal_help(app, index_app)

__all__ = ["app", "main"]
