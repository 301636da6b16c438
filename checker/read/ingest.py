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

import errno
import hashlib
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from ..errors import InputError, NoReportsError
from .documents import Corpus, Document, Notice, Skipped, content_id, distinct
from .formats import DOCUMENT_SUFFIXES, _read, decode, read_file

__all__ = ["Corpus", "Document", "Inputs", "Notice", "ReportStream", "Skipped", "content_id", "decode",
           "iter_reports", "read_file", "read_paths", "scan"]

SUFFIXES = {".txt", ".md", ".jsonl", ".json", ".html", ".htm"}


def _walk(path: Path) -> Iterator[Path]:
    """Report files under ``path`` in sorted order, found as the walk reaches each folder (a file is itself).

    Documents checker cannot read (PDF, office files) are listed too, so that they are refused by name rather than
    passed over: a PDF in a folder of reports is a report the user expects checked. Other files (images and
    scripts beside saved web pages) are passed over."""
    if path.is_file():
        yield path
        return
    for root, dirs, names in os.walk(path):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        yield from (Path(root) / n for n in sorted(names)
                    if Path(n).suffix.lower() in SUFFIXES | DOCUMENT_SUFFIXES and not n.startswith("."))


def _require(path: Path) -> None:
    if path.is_symlink():
        try:
            path.resolve(strict=True)
        except RuntimeError as exc:  # Python < 3.13 says "Symlink loop" this way
            raise NoReportsError(f"{path}: symbolic link loop (the link points back to itself); "
                                 "fix or remove the link") from exc
        except OSError as exc:
            if exc.errno == errno.ELOOP:
                raise NoReportsError(f"{path}: symbolic link loop (the link points back to itself); "
                                     "fix or remove the link") from exc
            raise NoReportsError(f"{path}: broken symbolic link (its target {os.readlink(path)} does not exist); "
                                 "fix or remove the link") from exc
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

    Two records with one ``id`` and different texts are both read: the later one's id gets a suffix
    (``1#2``, then ``1#3``), so later stages (the index above all, which keeps one report per id) see
    distinct reports, and a :class:`Notice` in :attr:`notices` says so.

    Attributes:
        bytes_read: input consumed so far: the size of each finished file (as ``stat`` gave it) plus the
            bytes read of the current one. It ends at :attr:`Inputs.total_bytes` when no file changed meanwhile.
        notices: what a reader should know about documents yielded so far (renamed ids).
    """

    def __init__(self, paths: Iterable[str | Path], *, unique: bool = True) -> None:
        self.paths = [Path(p) for p in paths]
        self.unique = unique
        self.bytes_read = 0
        self.notices: list[Notice] = []
        self._seen: dict[str, str] = {}  # id -> content hash of its text: ~150 bytes a report, grows with the corpus
        self._items = self._generate()

    def __iter__(self) -> Iterator[Document | Skipped]:
        return self

    def __next__(self) -> Document | Skipped:
        return next(self._items)

    def documents(self, on_skip: Callable[[Skipped], None] | None = None) -> Iterator[Document]:
        """The documents alone; each skipped input is passed to ``on_skip`` (if given) as it is met.

        Raises:
            NoReportsError: the inputs held no readable report (raised when the stream ends, naming the
                first skipped inputs).
        """
        found, skipped = False, []
        for item in self:
            if isinstance(item, Document):
                found = True
                yield item
                continue
            if on_skip is not None:
                on_skip(item)
            if len(skipped) < 5:
                skipped.append(item)
        if not found:
            raise _nothing_readable(self.paths, skipped)

    def _distinct(self, doc: Document) -> Document | None:
        """``doc`` under an id no earlier document with another text holds; None for a repeat (``unique`` only)."""
        return distinct(doc, self._seen, self.notices, self.unique)

    def _generate(self) -> Iterator[Document | Skipped]:
        for path in self.paths:
            _require(path)
            found = False
            for file in _walk(path):
                found, before, size = True, self.bytes_read, 0
                try:
                    size = file.stat().st_size
                    for item, offset in _read(file):
                        self.bytes_read = before + min(offset, size)
                        if isinstance(item, Document) and (item := self._distinct(item)) is None:
                            continue
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
        unique: drop documents whose id and text were already yielded (with False they are yielded again,
            for the index to pass over). The ids seen are kept with a hash of their text either way, about
            150 bytes a report: the one part that grows with the corpus. Defaults to True.

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
    rest are read. Documents with identical id and text are kept once; a record whose id an earlier one with
    another text holds is renamed (``1#2``) and listed in ``Corpus.notices``. For corpora
    that should not be held in memory, iterate :func:`iter_reports` instead.

    Raises:
        NoReportsError: a path does not exist, or nothing readable was found at all.
    """
    corpus = Corpus()
    stream = iter_reports(paths)
    for item in stream:
        (corpus.documents if isinstance(item, Document) else corpus.skipped).append(item)
    corpus.notices.extend(stream.notices)
    if not corpus.documents:
        raise _nothing_readable(paths, corpus.skipped)
    return corpus


def _nothing_readable(paths: Iterable[str | Path], skipped: list[Skipped]) -> NoReportsError:
    reasons = "; ".join(f"{s.path}: {s.reason}" for s in skipped[:5])
    return NoReportsError(f"no readable reports in {', '.join(map(str, paths))}" + (f" ({reasons})" if reasons else ""))
