"""A report in any machine format (JSON, JUnit, GitHub annotations, SARIF), and output files written atomically.

One run can write several: ``checker check … --format text --output junit:out.xml --output sarif:out.sarif``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ..store.manifest import write_atomic
from .ci import to_github, to_junit
from .report import Report
from .sarif import to_sarif


def to_json(report: Report, extra: dict[str, Any] | None = None) -> str:
    """The JSON document of :meth:`Report.to_dict` (with ``extra`` keys added at the end), indented."""
    return json.dumps(report.to_dict() | (extra or {}), ensure_ascii=False, indent=2) + "\n"


#: the machine formats :func:`render` writes
FORMATS = ("json", "junit", "github", "sarif")


def render(report: Report, fmt: str, *, agreements: bool = False, extra: dict[str, Any] | None = None) -> str:
    """``report`` in the machine format ``fmt`` (one of :data:`FORMATS`).

    Args:
        report: what to write.
        fmt: json, junit, github or sarif.
        agreements: annotate agreements too (github notices, SARIF notes); JSON always lists every finding,
            JUnit only contradictions. Defaults to False.
        extra: keys added at the end of the JSON document (the CLI names the config file in use). Defaults to
            none.

    Raises:
        ValueError: ``fmt`` is not a machine format.
    """
    if fmt == "json":
        return to_json(report, extra)
    if fmt == "junit":
        return to_junit(report)
    if fmt == "github":
        return to_github(report, agreements=agreements)
    if fmt == "sarif":
        return to_sarif(report, agreements=agreements)
    raise ValueError(f"format must be one of {', '.join(FORMATS)} (got {fmt!r})")


def write_output(path: str | Path, text: str) -> Path:
    """Write an output file in one step (a reader sees the old file or the new one, never half of one)."""
    path = Path(path)
    write_atomic(path, text.encode("utf-8"))
    return path
