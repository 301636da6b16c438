"""checker: find claims in news reports that agree with or contradict each other, and why.

Example:
    >>> import checker                                        # doctest: +SKIP
    >>> report = checker.check(["examples/reports"])          # doctest: +SKIP
    >>> report.to_pandas()                                    # doctest: +SKIP
"""

from __future__ import annotations

from .api import build_index, check, check_index, compare
from .claims import Attribution, Claim
from .config import Config, load_config
from .errors import CheckerError, ConfigError, ExitCode, IndexStoreError, InputError, ModelError, NoReportsError
from .index import Index, IndexInfo
from .ingest import Document, Skipped, iter_reports, read_paths
from .judge import Difference, Relation, Verdict
from .report import Finding, Report
from .stories import Stance, Story

__all__ = [
    "Attribution", "CheckerError", "Claim", "Config", "ConfigError", "Difference", "Document", "ExitCode",
    "Finding", "Index", "IndexInfo", "IndexStoreError", "InputError", "ModelError", "NoReportsError",
    "Relation", "Report", "Skipped", "Stance", "Story", "Verdict", "build_index", "check", "check_index", "compare",
    "iter_reports", "load_config",
    "read_paths",
]
__version__ = "0.1.0"
