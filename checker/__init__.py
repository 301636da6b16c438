"""checker: find claims in news reports that agree with or contradict each other, and why.

Public names resolve lazily (PEP 562), so ``import checker`` and ``checker --help`` load no model,
numpy, FAISS or judge code until a name is used.

Example:
    >>> import checker                                        # doctest: +SKIP
    >>> report = checker.check("examples/reports")            # doctest: +SKIP
    >>> report.to_pandas()                                    # doctest: +SKIP
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from ._compat import install as _install_old_paths
from ._version import __version__ as __version__

#: public name → the module that defines it
_PUBLIC = {
    "Checker": "api", "build_index": "api", "check": "api", "check_index": "api", "check_texts": "api",
    "compare": "api", "compare_many": "api",
    "Attribution": "read.claims", "Claim": "read.claims",
    "Config": "config", "load_config": "config",
    "CheckerError": "errors", "ConfigError": "errors", "ExitCode": "errors", "IndexStoreError": "errors",
    "InputError": "errors", "ModelError": "errors", "NoReportsError": "errors",
    "Index": "store.index", "IndexInfo": "store.index",
    "Document": "read.ingest", "Skipped": "read.ingest", "iter_reports": "read.ingest", "read_paths": "read.ingest",
    "Difference": "judge.verdict", "Relation": "judge.verdict", "Verdict": "judge.verdict",
    "Finding": "judge.findings", "Report": "report.report",
    "Stance": "judge.stories", "Story": "judge.stories",
}
__all__ = sorted(_PUBLIC)


def __getattr__(name: str) -> Any:
    module = _PUBLIC.get(name)
    if module is None:
        raise AttributeError(f"module 'checker' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value  # resolved once
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_PUBLIC))


_install_old_paths()

if TYPE_CHECKING:  # for type checkers and IDEs: the same names, eagerly
    from .api import Checker, build_index, check, check_index, check_texts, compare, compare_many  # noqa: F401
    from .config import Config, load_config  # noqa: F401
    from .errors import CheckerError, ConfigError, ExitCode, IndexStoreError, InputError, ModelError, NoReportsError  # noqa: F401
    from .judge.findings import Finding  # noqa: F401
    from .judge.stories import Stance, Story  # noqa: F401
    from .judge.verdict import Difference, Relation, Verdict  # noqa: F401
    from .read.claims import Attribution, Claim  # noqa: F401
    from .read.ingest import Document, Skipped, iter_reports, read_paths  # noqa: F401
    from .report.report import Report  # noqa: F401
    from .store.index import Index, IndexInfo  # noqa: F401
