"""Read report files and folders into :class:`Document` records.

Formats: ``.txt``/``.md`` (first non-empty line is the title), ``.jsonl``/``.json``
(records with ``text`` and optional ``id``, ``title``, ``source``, ``date``,
``url``), ``.html``/``.htm`` (main text extracted with trafilatura). Encodings
UTF-8 (with or without BOM), UTF-16 (with or without BOM) and Windows-1256 are
detected. A file that cannot be read is reported as :class:`Skipped` with the
reason and the fix; the rest of the batch still runs.

The records are in :mod:`~checker.read.documents`, the formats in :mod:`~checker.read.formats`;
this module walks paths and streams what they hold. :func:`read_paths` returns lists; :func:`iter_reports`
streams the same items,
one file at a time and JSONL line by line, so a corpus larger than memory can
be indexed (:func:`scan` sizes and fingerprints the inputs without reading them).
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from ..errors import InputError, NoReportsError
from .documents import Corpus, Document, Skipped, content_id
from .formats import _read, decode, read_file

__all__ = ["Corpus", "Document", "Inputs", "ReportStream", "Skipped", "content_id", "decode", "iter_reports",
           "read_file", "read_paths", "scan"]

SUFFIXES = {".txt", ".md", ".jsonl", ".json", ".html", ".htm"}


def _walk(path: Path) -> Iterator[Path]:
    """Report files under ``path`` in sorted order, found as the walk reaches each folder (a file is itself)."""
    if path.is_file():
        yield path
        return
    for root, dirs, names in os.walk(path):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        yield from (Path(root) / n for n in sorted(names)
                    if Path(n).suffix.lower() in SUFFIXES and not n.startswith("."))


def _require(path: Path) -> None:
    if not path.exists():
        raise NoReportsError(f"{path}: no such file or folder; check the path")


@dataclass(frozen=True)
class Inputs:
    """What some input paths hold, found by walking and ``stat`` alone (no file is opened).

    Attributes:
        files: report files found.
        total_bytes: their total size, which :attr:`ReportStream.bytes_read` counts up to.
        fingerprint: 16 hex digits naming the inputs: each file's resolved path, size and modification
            time, in walk order. Any change to a file, or a file added or removed, changes it.
    """

    files: int
    total_bytes: int
    fingerprint: str


def scan(paths: Iterable[str | Path]) -> Inputs:
    """Find the report files under ``paths`` without reading them: how many, their size, a fingerprint.

    Memory is one folder's listing at a time, however many files there are.

    Raises:
        NoReportsError: a path does not exist.
    """
    digest, files, total = hashlib.sha256(), 0, 0
    for raw in paths:
        _require(Path(raw))
        for file in _walk(Path(raw).resolve()):
            try:
                stat = file.stat()
            except OSError:  # reported when the file is read
                continue
            digest.update(f"{file}\t{stat.st_size}\t{stat.st_mtime_ns}\n".encode())
            files, total = files + 1, total + stat.st_size
    return Inputs(files, total, digest.hexdigest()[:16])


class ReportStream:
    """The reports under some paths, read lazily: one file at a time, JSONL files line by line.

    Iterating yields :class:`Document` and :class:`Skipped` items in the order :func:`read_paths`
    lists them. A file is opened only when the iteration reaches it, so memory holds one file (one
    line of a streamed JSONL file) rather than the corpus. Use :func:`iter_reports` to make one.

    Attributes:
        bytes_read: input consumed so far: the size of each finished file (as ``stat`` gave it) plus the
            bytes read of the current one. It ends at :attr:`Inputs.total_bytes` when no file changed meanwhile.
    """

    def __init__(self, paths: Iterable[str | Path], *, unique: bool = True) -> None:
        self.paths = [Path(p) for p in paths]
        self.unique = unique
        self.bytes_read = 0
        self._items = self._generate()

    def __iter__(self) -> Iterator[Document | Skipped]:
        return self

    def __next__(self) -> Document | Skipped:
        return next(self._items)

    def documents(self) -> Iterator[Document]:
        """The documents alone, skipped inputs passed over.

        Raises:
            NoReportsError: the inputs held no readable report (raised when the stream ends, naming the
                first skipped inputs).
        """
        found, skipped = False, []
        for item in self:
            if isinstance(item, Document):
                found = True
                yield item
            elif len(skipped) < 5:
                skipped.append(item)
        if not found:
            raise _nothing_readable(self.paths, skipped)

    def _generate(self) -> Iterator[Document | Skipped]:
        seen: set[str] = set()  # 16-hex ids, ~100 bytes a report: the one thing that grows with the corpus
        for path in self.paths:
            _require(path)
            found = False
            for file in _walk(path):
                found, before, size = True, self.bytes_read, 0
                try:
                    size = file.stat().st_size
                    for item, offset in _read(file):
                        self.bytes_read = before + min(offset, size)
                        if isinstance(item, Document) and self.unique:
                            if item.id in seen:
                                continue
                            seen.add(item.id)
                        yield item
                except (InputError, OSError) as exc:
                    reason = str(exc) if isinstance(exc, InputError) else f"cannot read ({exc.strerror})"
                    yield Skipped(str(file), reason.removeprefix(f"{file}: "))
                self.bytes_read = before + size
            if path.is_dir() and not found:
                yield Skipped(str(path), "folder holds no .txt, .md, .json, .jsonl or .html reports")


def iter_reports(paths: Iterable[str | Path], *, unique: bool = True) -> ReportStream:
    """Read the reports under ``paths`` lazily: yields :class:`Document` and :class:`Skipped` items.

    The streaming form of :func:`read_paths`: files are opened one at a time as the iteration
    reaches them, and JSONL files are read line by line, each line decoded on its own (UTF-8, or
    Windows-1256 where a line is not UTF-8), with no size limit. A UTF-16 JSONL file is decoded
    whole (a newline byte can be half of a UTF-16 character), as are the single-report formats and
    ``.json`` lists, up to 200 MB a file.

    Args:
        paths: report files or folders (walked recursively, sorted).
        unique: drop documents whose text (content hash) was already yielded. The ids seen are kept
            in a set, about 100 bytes a report: the one part that grows with the corpus. Defaults to True.

    Returns:
        A :class:`ReportStream`; its ``bytes_read`` says how far it got (see :func:`scan` for the total).

    Raises:
        NoReportsError: a path does not exist (raised when the iteration reaches it).

    Example:
        >>> stream = iter_reports(["examples/reports"])          # doctest: +SKIP
        >>> [d.title for d in stream.documents()][:1]            # doctest: +SKIP
    """
    return ReportStream(paths, unique=unique)


def read_paths(paths: list[str | Path]) -> Corpus:
    """Read every report under ``paths`` (files or folders, walked recursively, sorted) into lists.

    Unreadable files and records are collected in ``Corpus.skipped``; the
    rest are read. Documents with identical text are kept once. For corpora
    that should not be held in memory, iterate :func:`iter_reports` instead.

    Raises:
        NoReportsError: a path does not exist, or nothing readable was found at all.
    """
    corpus = Corpus()
    for item in iter_reports(paths):
        (corpus.documents if isinstance(item, Document) else corpus.skipped).append(item)
    if not corpus.documents:
        raise _nothing_readable(paths, corpus.skipped)
    return corpus


def _nothing_readable(paths: Iterable[str | Path], skipped: list[Skipped]) -> NoReportsError:
    reasons = "; ".join(f"{s.path}: {s.reason}" for s in skipped[:5])
    return NoReportsError(f"no readable reports in {', '.join(map(str, paths))}" + (f" ({reasons})" if reasons else ""))
