"""What :func:`checker.check` accepts, read into a :class:`Corpus`: paths, texts, Documents or a DataFrame.

The rule, so that nothing is guessed silently:

- a single ``str`` or :class:`os.PathLike` is a path (a file or folder), as on the command line;
- a single :class:`Document` is one report; a DataFrame is one report per row (a ``text`` column, and optional
  ``id``, ``title``, ``source``, ``date`` columns);
- in a list, a :class:`Document` is a report, an :class:`os.PathLike` is a path, and a ``str`` is a path when it
  names an existing file or folder and a report's text otherwise; a ``str`` that names nothing but reads as a
  path (one word, or one line ending in a report suffix such as ``.txt`` or in ``/``) is refused as missing;
- one call reads one kind: a list that mixes paths, texts and Documents is refused, naming an item of each.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from ..errors import InputError, NoReportsError
from .documents import Corpus, Document, Skipped, distinct, documents_from_texts
from .ingest import SUFFIXES, read_paths

PATH, TEXT, DOCUMENT = "path", "text", "Document"


def read_inputs(reports: Any) -> Corpus:
    """Read ``reports`` (see the module docstring for what each kind of input means) into a corpus.

    Args:
        reports: a path, a list of paths, a list of texts or :class:`Document` s, or a DataFrame with a ``text``
            column.

    Returns:
        The corpus: readable reports, and skipped ones (an empty text, a file that cannot be read) with reasons.

    Raises:
        InputError: a list mixes kinds, a path-like string names nothing, or an item is of no kind checker reads.
        NoReportsError: nothing readable at all.
    """
    if isinstance(reports, str | os.PathLike):
        _require_path(reports)
        return read_paths([reports])
    if isinstance(reports, Document):
        return require_documents(documents_corpus([reports]), "Documents")
    if getattr(reports, "columns", None) is not None:  # a DataFrame
        return require_documents(documents_from_texts(reports), "the DataFrame's text column")
    if isinstance(reports, bytes) or not isinstance(reports, Iterable):
        raise InputError(f"reports: {type(reports).__name__} is not something checker reads; pass a path, a list "
                         "of paths, a list of texts or Documents, or a DataFrame with a 'text' column")
    items = list(reports)
    if not items:
        raise NoReportsError("reports: the list is empty; pass paths, texts or Documents to check")
    kinds = [_kind(n, item) for n, item in enumerate(items)]
    _require_one_kind(items, kinds)
    if kinds[0] == PATH:
        return read_paths(items)
    if kinds[0] == DOCUMENT:
        return require_documents(documents_corpus(items), "Documents")
    return require_documents(documents_from_texts(items), "texts")


def documents_corpus(documents: Iterable[Document]) -> Corpus:
    """Documents made elsewhere as a corpus: one without text skipped, a repeated id renamed as for files."""
    corpus, seen = Corpus(), {}
    for doc in documents:
        if not doc.text.strip():
            corpus.skipped.append(Skipped(doc.path, "no text; give the Document its report's text"))
        elif (kept := distinct(doc, seen, corpus.notices)) is not None:
            corpus.documents.append(kept)
    return corpus


def _kind(n: int, item: Any) -> str:
    """Whether list item ``n`` is a path, a text or a Document (see the module docstring)."""
    if isinstance(item, Document):
        return DOCUMENT
    if isinstance(item, os.PathLike):
        return PATH
    if item is None or (isinstance(item, float) and item != item) or (isinstance(item, str) and not item.strip()):
        return TEXT  # a missing cell or a blank string: an empty text, skipped with its position
    if not isinstance(item, str):
        raise InputError(f"reports: item {n} is a {type(item).__name__}; pass paths, texts or Documents")
    if _exists(item):
        return PATH
    if _reads_as_path(item):
        raise NoReportsError(f"reports: item {n}: no such file or folder: {_short(item)}; fix the path (a string "
                             "that names nothing is read as a report's text only when it has more than one word "
                             "and does not end like a path)")
    return TEXT


def _reads_as_path(item: str) -> bool:
    """One word, or one line that ends in a report suffix or a folder separator: a path, even if it names nothing."""
    text = item.strip()
    if not any(ch.isspace() for ch in text):
        return True
    return "\n" not in text and (text.endswith(("/", os.sep)) or Path(text).suffix.lower() in SUFFIXES)


def _exists(item: str) -> bool:
    try:
        return Path(item).exists()
    except (OSError, ValueError):  # a text too long for a file name, or holding a NUL
        return False


def _require_one_kind(items: list, kinds: list[str]) -> None:
    first = {}
    for n, kind in enumerate(kinds):
        first.setdefault(kind, n)
    if len(first) < 2:
        return
    (kind_a, a), (kind_b, b) = sorted(first.items(), key=lambda kv: kv[1])[:2]
    hint = ""
    if {kind_a, kind_b} == {PATH, TEXT}:
        text = b if kind_b == TEXT else a
        hint = (f"; item {text} names no existing file or folder, so it would be read as a text: if it is a path, "
                "fix it")
    raise InputError(f"reports: item {a} ({_short(items[a])}) is a {kind_a} but item {b} ({_short(items[b])}) is "
                     f"a {kind_b}{hint}; check one kind per call (checker.check_texts reads every string as a text)")


def _short(item: Any, width: int = 40) -> str:
    text = item.path if isinstance(item, Document) else str(item)
    text = " ".join(text.split())
    return repr(text if len(text) <= width else text[:width - 1] + "…")


def _require_path(path: str | os.PathLike) -> None:
    """A single string that names nothing and reads like a text gets the hint to pass a list of texts."""
    if isinstance(path, str) and not _exists(path) and any(ch.isspace() for ch in path.strip()):
        raise NoReportsError(f"no such file or folder: {_short(path)}; to check a report's text, pass a list: "
                             "checker.check([text])")


def require_documents(corpus: Corpus, what: str) -> Corpus:
    """``corpus``, if it holds a report with text.

    Raises:
        NoReportsError: it holds none; the message names ``what`` was read and the first reasons.
    """
    if not corpus.documents:
        reasons = "; ".join(f"{s.path}: {s.reason}" for s in corpus.skipped[:3])
        raise NoReportsError(f"{what}: no report has any text ({reasons}); pass reports with text")
    return corpus


def sentence_pairs(pairs: Any) -> tuple[Any, list[tuple[str, str]]]:
    """What :meth:`checker.Checker.compare_many` was given, read: ``(the input DataFrame or None, the pairs)``.

    Args:
        pairs: ``(a, b)`` pairs of sentences, or a DataFrame with columns ``a`` and ``b`` (or ``s1`` and ``s2``).

    Raises:
        InputError: a pair is not two strings, or the frame has no sentence columns.
    """
    columns = getattr(pairs, "columns", None)
    if columns is not None:
        names = next((c for c in (("a", "b"), ("s1", "s2")) if set(c) <= set(columns)), None)
        if names is None:
            raise InputError(f"pairs: the DataFrame has no 'a' and 'b' (or 's1' and 's2') columns (columns: "
                             f"{', '.join(map(str, columns))}); rename the sentence columns")
        texts = list(zip(pairs[names[0]], pairs[names[1]]))
        frame = pairs
    else:
        texts, frame = list(pairs), None
    for n, pair in enumerate(texts):
        if not (isinstance(pair, tuple | list) and len(pair) == 2 and all(isinstance(t, str) for t in pair)):
            raise InputError(f"pairs: row {n} is {pair!r:.80}, not two sentences; pass (a, b) pairs of strings")
    return frame, [(a, b) for a, b in texts]
