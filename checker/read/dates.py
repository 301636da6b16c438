"""Report dates, read in one place: publication dates as written, for ingest, stories and the judge."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date

from ..text.arabic import normalize
from ..text.lexicon import MONTHS
from .ingest import Document


def parse_date(text: str | None) -> date | None:
    """A publication date as written (ISO, «28 ديسمبر 2024», "28th, December 2024 GMT"), or None."""
    if not text:
        return None
    import calendar

    from dateutil import parser

    cleaned = normalize(text).strip()
    try:
        return date.fromisoformat(cleaned[:10])
    except ValueError:
        pass
    cleaned = re.sub(r"(\d)(?:er|st|nd|rd|th)\b", r"\1", cleaned.replace("/", " / "))
    english = {m.lower() for m in calendar.month_name if m}
    for name, number in sorted(MONTHS.items(), key=lambda item: -len(item[0])):
        if name not in english:
            cleaned = re.sub(rf"(?<!\S){name}(?!\S)", f" {calendar.month_name[number]} ", cleaned)
    cleaned = re.sub(r"(\b[A-Z][a-z]+\b)\s*/\s*\1", r"\1", re.sub(r"\s+", " ", cleaned))  # «مارس/آذار»
    if re.fullmatch(r"\d{1,2} / \d{1,2} / \d{4}.*", cleaned):  # 21/03/2026: day first
        cleaned = cleaned.replace(" / ", "/")
    try:
        return parser.parse(cleaned, fuzzy=True, dayfirst=True).date()
    except (ValueError, OverflowError):
        return None


def report_dates(documents: Iterable[Document]) -> dict[str, str]:
    """``{report id: YYYY-MM-DD}`` for the reports whose date can be read (relative dates resolve against it)."""
    return {d.id: found.isoformat() for d in documents if (found := parse_date(d.date))}
