"""The records of the read stage: a :class:`Document` (one report), a :class:`Skipped` input, a :class:`Notice`
about a report that was read, and a :class:`Corpus`."""

from __future__ import annotations

import hashlib
import unicodedata
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time

from ..errors import InputError
from .clean import metadata


@dataclass(frozen=True)
class Document:
    """One report: its text exactly as decoded, and what is known about it.

    Attributes:
        id: stable content hash of the text (16 hex digits).
        path: the file it came from (``file.jsonl:LINE`` for JSONL records).
        title: headline (first non-empty line for plain text).
        text: the decoded text; every claim span points into it.
        source: the outlet, from the record or a line such as «المصدر: …».
        date: publication date as written, from the record or the text.
        url: the record's URL, if given.
    """

    id: str
    path: str
    title: str
    text: str
    source: str | None = None
    date: str | None = None
    url: str | None = None


@dataclass(frozen=True)
class Skipped:
    """An input that was not read, and why (the message names the fix)."""

    path: str
    reason: str


@dataclass(frozen=True)
class Notice:
    """A report that was read, with something a reader should know: its id was renamed, or the cleaner
    dropped most of its text. The message says what happened and the fix."""

    path: str
    message: str


@dataclass
class Corpus:
    """What :func:`read_paths` found: readable documents, skipped inputs, and notices about documents read."""

    documents: list[Document] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    notices: list[Notice] = field(default_factory=list)


def content_id(text: str) -> str:
    """Stable id of a text: the first 16 hex digits of SHA-256 over its NFC form, trimmed."""
    return hashlib.sha256(unicodedata.normalize("NFC", text.strip()).encode("utf-8")).hexdigest()[:16]


def _document(text: str, path: str, *, title: str | None = None, source: str | None = None,
              date: str | None = None, url: str | None = None, id: str | None = None) -> Document:
    if not text.strip():
        raise InputError(f"{path}: no text; remove the file or add the report's text")
    if title is None:
        lines = [line.strip() for line in text.splitlines() if line.strip()]
        title = next((line for line in lines if len(line.split()) >= 3), lines[0])
    found = metadata(text)
    return Document(
        id=str(id) if id else content_id(text), path=path, title=title, text=text,
        source=source or found.get("source"), date=date or found.get("date"), url=url,
    )


def documents_from_texts(texts, *, ids=None, titles=None, sources=None, dates=None) -> Corpus:
    """Reports given as strings (or a DataFrame with a ``text`` column and optional ``id``, ``title``, ``source``,
    ``date`` columns) as a :class:`Corpus`; each is named ``text:N`` (its position) unless an id is given.
    An empty text is skipped with its position, as an unreadable file is.

    Raises:
        InputError: ``texts`` is a single string (pass ``[text]``), or a DataFrame without a ``text`` column.
    """
    if isinstance(texts, str):
        raise InputError("texts: a single string was given; pass a list of report texts, e.g. [text]")
    columns = getattr(texts, "columns", None)
    if columns is not None:
        if "text" not in columns:
            raise InputError(f"texts: the DataFrame has no 'text' column (columns: {', '.join(map(str, columns))})")
        frame = texts
        texts = [t if isinstance(t, str) else "" for t in frame["text"]]  # NaN/None cells: no text
        ids, titles, sources, dates = (ids, titles, sources, dates) if ids or titles or sources or dates else (
            [frame[c].tolist() if c in columns else None for c in ("id", "title", "source", "date")])
    corpus, seen = Corpus(), {}  # id -> content hash, as ReportStream keeps it
    for n, text in enumerate(texts):
        text = text if isinstance(text, str) else ""  # None in a list: no text, skipped with its position
        id_, title, source, date = (_nth(values, n) for values in (ids, titles, sources, dates))
        where = f"text:{n}" if id_ is None else f"text:{id_}"
        try:
            doc = _document(text, where, title=title, source=source, date=date, id=id_)
        except InputError as exc:
            corpus.skipped.append(Skipped(where, str(exc).split(": ", 1)[-1]))
            continue
        if (doc := distinct(doc, seen, corpus.notices)) is not None:
            corpus.documents.append(doc)
    return corpus


def distinct(doc: Document, seen: dict[str, str], notices: list[Notice], unique: bool = True) -> Document | None:
    """``doc`` under an id no earlier document with another text holds (the later of two renamed ``ID#2``, with a
    notice); None for a text read before under its id when ``unique``. ``seen`` maps ids to content hashes and
    grows with every document."""
    digest = content_id(doc.text)
    renamed, n = doc.id, 1
    while (known := seen.get(renamed)) is not None and known != digest:
        n += 1
        renamed = f"{doc.id}#{n}"
    if known is not None:  # this text was read before under this id
        return None if unique else replace(doc, id=renamed)
    seen[renamed] = digest
    if renamed == doc.id:
        return doc
    notices.append(Notice(doc.path, f"id {doc.id!r} is also the id of an earlier report with another text; "
                                    f"read as {renamed!r}. Give each record its own \"id\""))
    return replace(doc, id=renamed)


def _nth(values, n: int) -> str | None:
    value = values[n] if values is not None and n < len(values) else None
    if value is None or value != value:  # NaN (and NaT) from pandas is not a value
        return None
    if isinstance(value, datetime):  # a date column of a DataFrame: ISO, the day alone for a naive midnight
        plain = value.tzinfo is None and value.time() == time()
        return value.date().isoformat() if plain else value.isoformat()
    return value.isoformat() if isinstance(value, date) else str(value)

