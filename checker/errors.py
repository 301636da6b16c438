"""Typed exceptions. The library raises these; only the CLI turns them into exit codes."""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    """Exit codes of the ``checker`` command (public: CI scripts depend on them)."""

    OK = 0  #: no contradiction found
    CONTRADICTIONS = 1  #: at least one contradiction (subject to ``--fail-on``)
    USAGE = 2  #: bad flags or arguments
    ERROR = 3  #: unreadable input, broken index, missing model, other runtime failure


class CheckerError(Exception):
    """Base class for every error checker raises on purpose."""

    exit_code = ExitCode.ERROR


class InputError(CheckerError):
    """A report file or record cannot be read; the message names the file, record and fix."""


class NoReportsError(InputError):
    """The paths given hold no readable reports at all."""


class ConfigError(CheckerError):
    """Invalid configuration (``checker.toml``, ``CHECKER_*`` variables or flags)."""

    exit_code = ExitCode.USAGE


class ModelError(CheckerError):
    """The embedding model cannot be found, built or loaded."""


class IndexStoreError(CheckerError):
    """An index is missing, corrupt, locked, or was built with another model or schema."""
