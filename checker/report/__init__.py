"""Stage 5, report: the :class:`Report` of a run and its views (JSON, pandas, HTML, plots, CI formats)."""

from __future__ import annotations

from ..judge.findings import Finding
from .report import Report

__all__ = ["Finding", "Report"]
