"""Report dates, read in one place: publication dates as written, for ingest, stories and the judge."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, datetime

from ..text.arabic import normalize
from ..text.lexicon import MONTHS
from .ingest import Document


def parse_date(text: str | None) -> date | None:
    """A publication date as written (ISO, «28 ديسمبر 2024», "28th, December 2024 GMT"), or None; a date
    without a day (or month) is the first of its month (or year)."""
    found = read_date(text)
    return found[0] if found else None


def read_date(text: str | None) -> tuple[date, str] | None:
    """:func:`parse_date` with its precision: ``day``, ``month`` or ``year``."""
    if not text:
        return None
    cleaned = normalize(text).strip()
    try:
        return date.fromisoformat(cleaned[:10]), "day"
    except ValueError:
        pass
    return _parse(_english(cleaned))


def _english(cleaned: str) -> str:
    """Month names of every calendar and language in English, ordinals and «مارس/آذار» pairs simplified."""
    import calendar

    cleaned = re.sub(r"(\d)(?:er|st|nd|rd|th)\b", r"\1", cleaned.replace("/", " / "))
    english = {m.lower() for m in calendar.month_name if m}
    for name, number in sorted(MONTHS.items(), key=lambda item: -len(item[0])):
        if name not in english:
            cleaned = re.sub(rf"(?<!\S){name}(?!\S)", f" {calendar.month_name[number]} ", cleaned)
    cleaned = re.sub(r"(\b[A-Z][a-z]+\b)\s*/\s*\1", r"\1", re.sub(r"\s+", " ", cleaned))
    if re.fullmatch(r"\d{1,2} / \d{1,2} / \d{4}.*", cleaned):  # 21/03/2026: day first
        cleaned = cleaned.replace(" / ", "/")
    return cleaned


_DEFAULTS = (datetime(2000, 1, 1), datetime(2001, 2, 2))  # fields a date leaves out take these: two tell which


def _parse(cleaned: str) -> tuple[date, str] | None:
    """The date and its precision, reading with two defaults so that a field the text leaves out is never
    filled from today ("March 2026" is not the 2nd of March because today is the 2nd)."""
    from dateutil import parser

    try:
        one, two = (parser.parse(cleaned, fuzzy=True, dayfirst=True, default=d) for d in _DEFAULTS)
    except (ValueError, OverflowError):
        return None
    if one.year != two.year:
        return None  # no year: not a publication date
    precision = "day" if one.day == two.day else "month" if one.month == two.month else "year"
    return date(one.year, one.month if precision != "year" else 1, one.day if precision == "day" else 1), precision


def report_dates(documents: Iterable[Document]) -> dict[str, str]:
    """``{report id: YYYY-MM-DD}`` (``YYYY-MM`` or ``YYYY`` when the date gives no day or month) for the reports
    whose date can be read; relative dates in their claims resolve against it."""
    out = {}
    for d in documents:
        found = read_date(d.date)
        if found:
            day, precision = found
            out[d.id] = {"day": day.isoformat(), "month": day.isoformat()[:7], "year": str(day.year)}[precision]
    return out
